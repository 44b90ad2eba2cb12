// The dataset generator's core: turns a seed, counts and pools of names into banks,
// merchants, customers (with PAN, accounts, cards) and transactions.
// Faker-free and runtime-neutral: the faker-based Node generator (generate.ts) feeds it
// pools drawn from faker locales, the built-in dataset (builtin.ts) feeds it small
// embedded lists, so both produce the same shape of data.
//
// Determinism: every record draws from its own generator seeded with (seed, kind, index),
// so record i does not depend on how much randomness earlier records used.
// Uniqueness: PANs, account numbers, card numbers and emails embed a scrambled serial
// (ids.ts: SerialScrambler), so they are distinct by construction.
// Its inputs live next door: options and their rules in options.ts, reference tables in
// reference.ts, arrival times in arrivals.ts. What is left (~370 lines) is one class whose
// methods share the per-account typed arrays; split further, they would have to pass them around.

import { createRng, pickOne, pickWeighted, randomInt, seededUuid, type Rng } from '../random.ts';
import { checkAmountBands, drawAmount } from './amounts.ts';
import { arrivalClock } from './arrivals.ts';
import { CARD_SERIAL_MODULUS, generateCard } from './cards.ts';
import { minorUnitExponent } from './currencies.ts';
import { SerialScrambler, makeId } from './ids.ts';
import { COUNT_RANGES, OPTION_DEFAULTS, isArrivalPattern, isRate, isShare, optionConflict, parseAsOf, type CountOption, type ModelOptions } from './options.ts';
import { PAN_SERIAL_MODULUS, panFromSerial } from './pan.ts';
import {
  ACCOUNTS_PER_CUSTOMER, CARDS_PER_CUSTOMER, DOMESTIC_BANK_PATTERNS, FOREIGN_BANK_SUFFIXES, FOREIGN_BANK_WORDS, FOREIGN_COUNTRIES, HOME_COUNTRY,
  HOME_CURRENCY, INDIAN_STATES, MERCHANT_CATEGORIES, type ForeignCountry,
} from './reference.ts';
import type { Account, Bank, Card, Customer, Merchant, Transaction } from './types.ts';

/** Names and places for one locale. Every list must be non-empty. */
export interface LocalePool {
  locale: string;
  /** ISO 3166-1 alpha-2 of the locale, used in addresses. */
  country: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** Street part of an address, e.g. "42 MG Road". */
  streets: readonly string[];
  cities: readonly string[];
  /** postcodes[i] belongs to cities[i] (wrapping when shorter). */
  postcodes: readonly string[];
  /** Phone numbers (E.164 for generated data); the last four digits are redrawn per customer. */
  phones: readonly string[];
  emailDomains: readonly string[];
}

export interface NamePools {
  locales: readonly LocalePool[];
}

const DAY_MS = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function sanitizeForEmail(s: string): string {
  const ascii = s.normalize('NFD').toLowerCase().replace(/[^a-z]/g, '');
  return ascii.length > 0 ? ascii : 'user';
}

function logUniformInt(rng: Rng, lo: number, hi: number): number {
  const x = Math.round(Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo))));
  return Math.min(hi, Math.max(lo, x));
}

export interface CustomerBlock {
  customer: Customer;
  accounts: Account[];
  cards: Card[];
}

/** Running figures for the summary and the manifest. */
export interface ModelStats {
  customers: number;
  accounts: number;
  domesticAccounts: number;
  travelAccounts: number;
  cards: number;
  transactions: number;
  domesticTransactions: number;
  travelTransactions: number;
  amountBands: Record<string, number>;
  cardBrands: Record<string, number>;
}

/**
 * Generates one dataset. Call banks() and merchants() (small, held in memory), then iterate
 * customerBlocks() to the end, then transactions(). Memory is O(customers) typed-array
 * entries (a few bytes per account), never the records themselves.
 */
export class DatasetModel {
  readonly options: Required<ModelOptions>;
  readonly asOfMs: number;
  readonly stats: ModelStats;
  private readonly pools: NamePools;
  private readonly bankList: Bank[];
  private readonly domesticBankIdx: number[] = [];
  private readonly foreignBankIdx: number[] = [];
  private readonly panScrambler: SerialScrambler;
  private readonly accountScrambler: SerialScrambler;
  private readonly cardScrambler: SerialScrambler;
  // Per-account bookkeeping for transactions: owner, travel flag, bank.
  private accountOwner: Uint32Array;
  private accountTravel: Uint8Array;
  private accountBank: Uint16Array;
  private readonly customerFirstAccount: Uint32Array;
  private readonly travelAccounts: Uint32Array;
  private customersDone = 0;

  constructor(options: ModelOptions, pools: NamePools) {
    const o: Required<ModelOptions> = { ...OPTION_DEFAULTS, ...options };
    for (const name of Object.keys(COUNT_RANGES) as CountOption[]) {
      const [min, max] = COUNT_RANGES[name];
      const v = o[name];
      if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${v}`);
    }
    if (!isShare(o.travelRatio)) throw new Error(`travelRatio must be in [0, 1], got ${o.travelRatio}`);
    if (!isShare(o.travelAccountShare)) throw new Error(`travelAccountShare must be in [0, 1]`);
    if (!isRate(o.tps)) throw new Error(`tps must be > 0, got ${o.tps}`);
    if (!isArrivalPattern(o.pattern)) throw new Error(`unknown arrival pattern: ${o.pattern}`);
    checkAmountBands(o.amountBands);
    const conflict = optionConflict(o);
    if (conflict === 'transactions-need-two-customers') throw new Error('transactions need at least 2 customers');
    if (conflict === 'travel-needs-travel-accounts') throw new Error('travel transactions need foreign banks and travel accounts (travelAccountShare > 0)');
    if (pools.locales.length === 0) throw new Error('no locales');
    this.options = o;
    this.pools = pools;
    this.asOfMs = parseAsOf(o.asOf);
    this.panScrambler = new SerialScrambler(PAN_SERIAL_MODULUS, `${o.seed}:pan`);
    this.accountScrambler = new SerialScrambler(1e10, `${o.seed}:account`);
    this.cardScrambler = new SerialScrambler(CARD_SERIAL_MODULUS, `${o.seed}:card`);
    const maxAccounts = o.customers * 4;
    this.accountOwner = new Uint32Array(Math.min(maxAccounts, 1024));
    this.accountTravel = new Uint8Array(this.accountOwner.length);
    this.accountBank = new Uint16Array(this.accountOwner.length);
    this.customerFirstAccount = new Uint32Array(o.customers);
    this.travelAccounts = new Uint32Array(o.customers);
    this.stats = {
      customers: 0,
      accounts: 0,
      domesticAccounts: 0,
      travelAccounts: 0,
      cards: 0,
      transactions: 0,
      domesticTransactions: 0,
      travelTransactions: 0,
      amountBands: Object.fromEntries(o.amountBands.map((b) => [b.name, 0])),
      cardBrands: { visa: 0, mastercard: 0, amex: 0, discover: 0 },
    };
    this.bankList = this.makeBanks();
  }

  private rng(kind: string, index: number): Rng {
    return createRng(`${this.options.seed}:${kind}:${index}`);
  }

  private makeBanks(): Bank[] {
    const o = this.options;
    const banks: Bank[] = [];
    const rng = this.rng('banks', 0);
    // Every (state, pattern) pair once, in a seeded order; past that, numbered.
    const names: string[] = [];
    for (const s of INDIAN_STATES) for (const p of DOMESTIC_BANK_PATTERNS) names.push(p(s));
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [names[i], names[j]] = [names[j] as string, names[i] as string];
    }
    for (let i = 0; i < o.domesticBanks; i++) {
      const base = names[i % names.length] as string;
      const name = i < names.length ? base : `${base} ${Math.floor(i / names.length) + 1}`;
      this.domesticBankIdx.push(banks.length);
      banks.push({ id: makeId('bank', banks.length), code: `CB${pad(i + 1, 4)}`, name, kind: 'domestic', country: HOME_COUNTRY, currency: HOME_CURRENCY });
    }
    for (let i = 0; i < o.foreignBanks; i++) {
      const fc = FOREIGN_COUNTRIES[i % FOREIGN_COUNTRIES.length] as ForeignCountry;
      const nth = Math.floor(i / FOREIGN_COUNTRIES.length) + 1;
      const name = `${pickOne(rng, fc.cities)} ${pickOne(rng, FOREIGN_BANK_WORDS)} ${pickOne(rng, FOREIGN_BANK_SUFFIXES)}`;
      this.foreignBankIdx.push(banks.length);
      banks.push({ id: makeId('bank', banks.length), code: `FB-${fc.country}-${pad(nth, 3)}`, name, kind: 'foreign', country: fc.country, currency: fc.currency });
    }
    return banks;
  }

  banks(): Bank[] {
    return this.bankList;
  }

  merchant(i: number): Merchant {
    const rng = this.rng('merchant', i);
    const cat = pickWeighted(rng, MERCHANT_CATEGORIES);
    const pool = pickOne(rng, this.pools.locales);
    const domestic = rng() < 0.8 || this.options.foreignBanks === 0;
    const fc = pickOne(rng, FOREIGN_COUNTRIES);
    const city = domestic ? pickOne(rng, pool.country === HOME_COUNTRY ? pool.cities : (this.pools.locales.find((p) => p.country === HOME_COUNTRY) ?? pool).cities) : pickOne(rng, fc.cities);
    const stem = rng() < 0.6 ? pickOne(rng, pool.lastNames) : city;
    return {
      id: makeId('merchant', i),
      name: `${stem} ${pickOne(rng, cat.nouns)}`,
      mcc: cat.mcc,
      category: cat.category,
      country: domestic ? HOME_COUNTRY : fc.country,
      city,
      currency: domestic ? HOME_CURRENCY : fc.currency,
    };
  }

  *merchants(): Generator<Merchant> {
    for (let i = 0; i < this.options.merchants; i++) yield this.merchant(i);
  }

  private ensureAccountCapacity(n: number): void {
    if (n <= this.accountOwner.length) return;
    const size = Math.min(Math.max(n, this.accountOwner.length * 2), this.options.customers * 4);
    const grow = <T extends Uint32Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.accountOwner = grow(this.accountOwner, (k) => new Uint32Array(k));
    this.accountTravel = grow(this.accountTravel, (k) => new Uint8Array(k));
    this.accountBank = grow(this.accountBank, (k) => new Uint16Array(k));
  }

  /** Customer i with accounts and cards; must be called for i = 0, 1, 2, … in order. */
  customer(i: number): CustomerBlock {
    if (i !== this.customersDone) throw new Error(`customers must be generated in order: expected ${this.customersDone}, got ${i}`);
    const o = this.options;
    const rng = this.rng('customer', i);
    const pool = pickOne(rng, this.pools.locales);
    const firstName = pickOne(rng, pool.firstNames);
    const lastName = pickOne(rng, pool.lastNames);
    const id = makeId('customer', i);
    const n = i + 1;
    const f = sanitizeForEmail(firstName);
    const l = sanitizeForEmail(lastName);
    // Every pattern ends in the customer number n and names carry no digits: emails are unique.
    let local: string;
    switch (randomInt(rng, 0, 4)) {
      case 0: local = `${f}.${l}${n}`; break;
      case 1: local = `${f.charAt(0)}${l}${n}`; break;
      case 2: local = `${f}${n}`; break;
      case 3: local = `${l}.${f}${n}`; break;
      default: local = `${f}_${l}${n}`;
    }
    const phoneTemplate = pickOne(rng, pool.phones);
    let phone = '';
    let redraw = 4;
    for (let k = phoneTemplate.length - 1; k >= 0; k--) {
      const c = phoneTemplate.charAt(k);
      phone = (redraw > 0 && c >= '0' && c <= '9' ? (redraw--, String(Math.floor(rng() * 10))) : c) + phone;
    }
    const ageDays = randomInt(rng, 18 * 365 + 5, 80 * 365);
    const dateOfBirth = new Date(this.asOfMs - ageDays * DAY_MS).toISOString().slice(0, 10);

    const accounts: Account[] = [];
    const nDomestic = pickWeighted(rng, ACCOUNTS_PER_CUSTOMER).value;
    const hasTravel = this.foreignBankIdx.length > 0 && (rng() < o.travelAccountShare || (i === 0 && o.travelAccountShare > 0));
    const first = this.stats.accounts;
    this.ensureAccountCapacity(first + nDomestic + (hasTravel ? 1 : 0));
    this.customerFirstAccount[i] = first;
    for (let k = 0; k < nDomestic + (hasTravel ? 1 : 0); k++) {
      const travel = k === nDomestic;
      const idx = this.stats.accounts++;
      const bankIdx = pickOne(rng, travel ? this.foreignBankIdx : this.domesticBankIdx);
      const bank = this.bankList[bankIdx] as Bank;
      const e = 10 ** minorUnitExponent(bank.currency);
      const openingBalance = travel ? logUniformInt(rng, 100 * e, 10_000 * e) : logUniformInt(rng, 1_000 * e, 1_000_000 * e);
      // 14 digits: 4 from the bank code, 10 from the scrambled account serial (unique).
      const accountNumber = pad((bankIdx + 1) % 10000, 4) + pad(this.accountScrambler.scramble(idx), 10);
      this.accountOwner[idx] = i;
      this.accountTravel[idx] = travel ? 1 : 0;
      this.accountBank[idx] = bankIdx;
      if (travel) {
        this.travelAccounts[this.stats.travelAccounts++] = idx;
      } else {
        this.stats.domesticAccounts++;
      }
      accounts.push({
        id: makeId('account', idx),
        accountNumber,
        customerId: id,
        bankId: bank.id,
        kind: travel ? 'travel' : rng() < 0.8 ? 'savings' : 'current',
        currency: bank.currency,
        openingBalance,
      });
    }

    const cards: Card[] = [];
    const nCards = pickWeighted(rng, CARDS_PER_CUSTOMER).value;
    const holderName = `${firstName} ${lastName}`.toUpperCase();
    for (let k = 0; k < nCards; k++) {
      const idx = this.stats.cards++;
      const account = accounts[randomInt(rng, 0, nDomestic - 1)] as Account;
      const c = generateCard(rng, { now: this.asOfMs, serial: this.cardScrambler.scramble(idx) });
      this.stats.cardBrands[c.brand] = (this.stats.cardBrands[c.brand] ?? 0) + 1;
      cards.push({ id: makeId('card', idx), customerId: id, accountId: account.id, brand: c.brand, number: c.number, expMonth: c.expMonth, expYear: c.expYear, cvv: c.cvv, holderName });
    }

    // Pools list postcodes in step with cities, so a city keeps a plausible postcode.
    const cityIdx = Math.floor(rng() * pool.cities.length);
    const customer: Customer = {
      id,
      pan: panFromSerial(this.panScrambler.scramble(i), lastName),
      firstName,
      lastName,
      fullName: `${firstName} ${lastName}`,
      email: `${local}@${pickOne(rng, pool.emailDomains)}`,
      phone,
      dateOfBirth,
      locale: pool.locale,
      address: { street: pickOne(rng, pool.streets), city: pool.cities[cityIdx] as string, postcode: pool.postcodes[cityIdx % pool.postcodes.length] as string, country: pool.country },
      accountIds: accounts.map((a) => a.id),
      cardIds: cards.map((c) => c.id),
    };
    this.customersDone++;
    this.stats.customers++;
    return { customer, accounts, cards };
  }

  *customerBlocks(): Generator<CustomerBlock> {
    for (let i = this.customersDone; i < this.options.customers; i++) yield this.customer(i);
  }

  private randomDomesticAccount(rng: Rng): number {
    const total = this.stats.accounts;
    for (;;) {
      const a = Math.floor(rng() * total);
      if (this.accountTravel[a] === 0) return a;
    }
  }

  /** Transactions; only after every customer has been generated (they reference accounts). */
  *transactions(): Generator<Transaction> {
    const o = this.options;
    if (this.customersDone !== o.customers) throw new Error('generate all customers before transactions');
    const nextArrival = arrivalClock(o.seed, o.pattern, o.tps);
    for (let j = 0; j < o.transactions; j++) {
      const offsetMs = nextArrival();
      const rng = this.rng('transaction', j);
      const travel = rng() < o.travelRatio;
      let from: number;
      let to: number;
      if (travel) {
        to = this.travelAccounts[Math.floor(rng() * this.stats.travelAccounts)] as number;
        from = this.customerFirstAccount[this.accountOwner[to] as number] as number;
      } else {
        from = this.randomDomesticAccount(rng);
        do to = this.randomDomesticAccount(rng);
        while (this.accountOwner[to] === this.accountOwner[from]);
      }
      const currency = (this.bankList[this.accountBank[from] as number] as Bank).currency;
      const amount = drawAmount(rng, { currency, bands: o.amountBands });
      this.stats.amountBands[amount.band] = (this.stats.amountBands[amount.band] ?? 0) + 1;
      this.stats.transactions++;
      if (travel) this.stats.travelTransactions++;
      else this.stats.domesticTransactions++;
      yield {
        id: makeId('transaction', j),
        kind: travel ? 'travel' : 'domestic',
        fromAccountId: makeId('account', from),
        toAccountId: makeId('account', to),
        customerId: makeId('customer', this.accountOwner[from] as number),
        amount: amount.amount,
        currency,
        band: amount.band,
        offsetMs,
        timestamp: new Date(this.asOfMs + offsetMs).toISOString(),
        idempotencyKey: seededUuid(rng),
      };
    }
  }
}

