// Validates a dataset, whole or as a stream of records: schema, uniqueness of PANs,
// emails, account numbers, card numbers and bank codes, and that every reference resolves
// (and points at the right kind of record). Pure: no I/O, no faker, no k6.
//
// Feed records entity by entity in ENTITY_NAMES order (banks, merchants, customers,
// accounts, cards, transactions) with add(), then call finish().
//
// Memory stays small at millions of records: ids must be positional (`acc_00000077` is
// record 77 of accounts.json, as the generator writes them), so a reference resolves iff
// its number is below the entity's final count, and per-record facts needed by later
// checks live in typed arrays. Uniqueness is checked on 53-bit hashes of the values,
// sorted at the end: a reported duplicate is either a real one or a hash collision
// (probability about n²/2^54: ~6e-5 at a million values).
//
// Why one file of ~450 lines: DatasetValidator's per-entity checks share the running counts and
// typed arrays above; split into modules, each would need that state handed to it.

import { bandOf, type AmountBand } from './amounts.ts';
import { brandOf, brandSpec } from './cards.ts';
import { allCurrencies } from './currencies.ts';
import { ID_PREFIX, makeId, type EntityKind } from './ids.ts';
import { isLuhnValid } from './luhn.ts';
import { isValidPan } from './pan.ts';
import { ENTITY_NAMES, type Dataset, type EntityName } from './types.ts';

export interface ValidationIssue {
  entity: EntityName;
  index: number;
  id?: string;
  message: string;
}

export interface ValidationSummary {
  counts: Record<EntityName, number>;
  /** Domestic accounts per customer, mean. */
  domesticAccountsPerCustomer: number;
  travelAccounts: number;
  /** Transactions per amount band. */
  amountBands: Record<string, number>;
  domesticTransactions: number;
  travelTransactions: number;
  cardBrands: Record<string, number>;
}

export interface ValidationReport {
  ok: boolean;
  /** Total problems found (issues holds at most maxIssues of them). */
  errorCount: number;
  issues: ValidationIssue[];
  summary: ValidationSummary;
}

export interface ValidatorOptions {
  /** Issues kept in the report (all are counted). Default 50. */
  maxIssues?: number;
  /** When given, each transaction's band must match its amount. */
  amountBands?: readonly AmountBand[];
  /**
   * Accept customers, accounts and cards interleaved, as the generator writes them (a customer, then
   * its accounts, then its cards), instead of entity by entity. Every account and card must then come
   * after the customer and account it names.
   */
  interleaved?: boolean;
}

/** Position of each entity in the feeding order; customers, accounts and cards share one in interleaved mode. */
const ORDER: Record<EntityName, number> = { banks: 0, merchants: 1, customers: 2, accounts: 3, cards: 4, transactions: 5 };
const INTERLEAVED_ORDER: Record<EntityName, number> = { ...ORDER, accounts: 2, cards: 2 };

const KIND_OF: Record<EntityName, EntityKind> = {
  banks: 'bank',
  merchants: 'merchant',
  customers: 'customer',
  accounts: 'account',
  cards: 'card',
  transactions: 'transaction',
};

/** 53-bit string hash (two multiplicative 32-bit lanes). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

class HashBag {
  private data = new Float64Array(1024);
  length = 0;
  add(value: string): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = hash53(value);
  }
  /** Values that occur more than once (counting each extra occurrence). */
  duplicates(): number {
    const a = this.data.subarray(0, this.length).sort();
    let d = 0;
    for (let i = 1; i < a.length; i++) if (a[i] === a[i - 1]) d++;
    return d;
  }
}

class Growable<A extends Uint32Array | Float64Array = Uint32Array> {
  constructor(public data: A = new Uint32Array(1024) as A) {}
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      let n = this.data.length;
      while (n <= i) n *= 2;
      const next = new (this.data.constructor as new (n: number) => A)(n);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
  }
  get(i: number): number {
    return this.data[i] ?? 0;
  }
}

type Rec = Record<string, unknown>;

const NONE = 0xffffffff;

export class DatasetValidator {
  private readonly maxIssues: number;
  private readonly bands: readonly AmountBand[] | undefined;
  private readonly interleaved: boolean;
  private readonly orderOf: Record<EntityName, number>;
  readonly issues: ValidationIssue[] = [];
  errorCount = 0;
  private readonly counts = Object.fromEntries(ENTITY_NAMES.map((n) => [n, 0])) as Record<EntityName, number>;
  /** Highest referenced index per entity, with the first record that made it. */
  private readonly maxRef = new Map<EntityName, { index: number; from: EntityName; at: number; id: string }>();
  private readonly unique = {
    bankCode: new HashBag(),
    pan: new HashBag(),
    email: new HashBag(),
    accountNumber: new HashBag(),
    cardNumber: new HashBag(),
  };
  private readonly bankForeign: boolean[] = [];
  private readonly bankCurrency: string[] = [];
  // Per account: owner customer, bank, travel flag (bit 0).
  private readonly accountOwner = new Growable();
  private readonly accountBank = new Growable();
  private readonly accountTravel = new Growable();
  // Per customer: accounts/cards it lists vs. accounts/cards that name it (count and index sum).
  private readonly custAccountsListed = new Growable();
  private readonly custAccountsSum = new Growable<Float64Array>(new Float64Array(1024));
  private readonly custCardsListed = new Growable();
  private readonly custDomestic = new Growable();
  private readonly backAccounts = new Growable();
  private readonly backCards = new Growable();
  private domesticAccounts = 0;
  private travelAccounts = 0;
  private lastOffset = -Infinity;
  private readonly amountBands: Record<string, number> = {};
  private readonly cardBrands: Record<string, number> = {};
  private domesticTx = 0;
  private travelTx = 0;
  private order = 0;

  constructor(options: ValidatorOptions = {}) {
    this.maxIssues = options.maxIssues ?? 50;
    this.bands = options.amountBands;
    this.interleaved = options.interleaved ?? false;
    this.orderOf = this.interleaved ? INTERLEAVED_ORDER : ORDER;
  }

  private fail(entity: EntityName, index: number, id: string | undefined, message: string): void {
    this.errorCount++;
    if (this.issues.length < this.maxIssues) this.issues.push(id === undefined ? { entity, index, message } : { entity, index, id, message });
  }

  /** Resolves a reference; returns the target index or -1 (and records an issue). */
  private ref(from: EntityName, at: number, id: string, target: EntityName, value: unknown, field: string): number {
    const prefix = `${ID_PREFIX[KIND_OF[target]]}_`;
    if (typeof value !== 'string' || !value.startsWith(prefix) || !/^\d+$/.test(value.slice(prefix.length))) {
      this.fail(from, at, id, `${field}: not a ${target} id: ${JSON.stringify(value)}`);
      return -1;
    }
    const index = Number(value.slice(prefix.length));
    if (value !== makeId(KIND_OF[target], index)) {
      this.fail(from, at, id, `${field}: malformed id ${value}`);
      return -1;
    }
    const seen = this.counts[target];
    if (index >= seen) {
      // Not yet seen: resolves later only if the target list grows past it (checked in finish()).
      const prev = this.maxRef.get(target);
      if (!prev || index > prev.index) this.maxRef.set(target, { index, from, at, id });
    }
    return index;
  }

  private str(r: Rec, entity: EntityName, i: number, id: string, field: string, re?: RegExp): string {
    const v = r[field];
    if (typeof v !== 'string' || v.length === 0 || (re && !re.test(v))) {
      this.fail(entity, i, id, `${field}: invalid ${JSON.stringify(v)}`);
      return '';
    }
    return v;
  }

  private int(r: Rec, entity: EntityName, i: number, id: string, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = r[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(entity, i, id, `${field}: expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
      return NaN;
    }
    return v;
  }

  private currency(r: Rec, entity: EntityName, i: number, id: string, field = 'currency'): string {
    const c = r[field];
    if (typeof c !== 'string' || !Object.prototype.hasOwnProperty.call(allCurrencies(), c)) {
      this.fail(entity, i, id, `${field}: not an ISO 4217 code: ${JSON.stringify(c)}`);
      return '';
    }
    return c;
  }

  /** Adds the next record of `entity`. Entities must come in ENTITY_NAMES order (see `interleaved`). */
  add(entity: EntityName, record: unknown): void {
    const o = this.orderOf[entity];
    if (o < this.order) throw new Error(`validator: ${entity} after ${ENTITY_NAMES[this.order]}; feed entities in order ${ENTITY_NAMES.join(', ')}`);
    this.order = o;
    const i = this.counts[entity]++;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.fail(entity, i, undefined, 'not an object');
      return;
    }
    const r = record as Rec;
    const id = typeof r.id === 'string' ? r.id : '';
    if (id !== makeId(KIND_OF[entity], i)) this.fail(entity, i, id, `id: expected ${makeId(KIND_OF[entity], i)} (ids are positional), got ${JSON.stringify(r.id)}`);
    switch (entity) {
      case 'banks': return this.bank(r, i, id);
      case 'merchants': return this.merchant(r, i, id);
      case 'customers': return this.customer(r, i, id);
      case 'accounts': return this.account(r, i, id);
      case 'cards': return this.card(r, i, id);
      case 'transactions': return this.transaction(r, i, id);
    }
  }

  private bank(r: Rec, i: number, id: string): void {
    this.unique.bankCode.add(this.str(r, 'banks', i, id, 'code'));
    this.str(r, 'banks', i, id, 'name');
    this.str(r, 'banks', i, id, 'country', /^[A-Z]{2}$/);
    if (r.kind !== 'domestic' && r.kind !== 'foreign') this.fail('banks', i, id, `kind: ${JSON.stringify(r.kind)}`);
    this.bankForeign[i] = r.kind === 'foreign';
    this.bankCurrency[i] = this.currency(r, 'banks', i, id);
  }

  private merchant(r: Rec, i: number, id: string): void {
    this.str(r, 'merchants', i, id, 'name');
    this.str(r, 'merchants', i, id, 'mcc', /^\d{4}$/);
    this.str(r, 'merchants', i, id, 'category');
    this.str(r, 'merchants', i, id, 'country', /^[A-Z]{2}$/);
    this.str(r, 'merchants', i, id, 'city');
    this.currency(r, 'merchants', i, id);
  }

  private customer(r: Rec, i: number, id: string): void {
    const e = 'customers';
    const lastName = this.str(r, e, i, id, 'lastName');
    this.str(r, e, i, id, 'firstName');
    this.str(r, e, i, id, 'fullName');
    const pan = this.str(r, e, i, id, 'pan');
    if (pan && !isValidPan(pan, lastName || undefined)) this.fail(e, i, id, `pan: invalid ${pan}`);
    this.unique.pan.add(pan);
    const email = this.str(r, e, i, id, 'email', /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i);
    this.unique.email.add(email.toLowerCase());
    this.str(r, e, i, id, 'phone', /\d/);
    this.str(r, e, i, id, 'dateOfBirth', /^\d{4}-\d{2}-\d{2}$/);
    this.str(r, e, i, id, 'locale');
    const addr = r.address as Rec | undefined;
    if (typeof addr !== 'object' || addr === null || typeof addr.street !== 'string' || typeof addr.city !== 'string' || typeof addr.postcode !== 'string' || typeof addr.country !== 'string') {
      this.fail(e, i, id, 'address: expected {street, city, postcode, country}');
    }
    const accountIds = r.accountIds;
    if (!Array.isArray(accountIds) || accountIds.length === 0) {
      this.fail(e, i, id, 'accountIds: expected a non-empty array');
    } else {
      let sum = 0;
      for (const a of accountIds) sum += Math.max(0, this.ref(e, i, id, 'accounts', a, 'accountIds'));
      this.custAccountsListed.set(i, accountIds.length);
      this.custAccountsSum.set(i, sum);
    }
    const cardIds = r.cardIds;
    if (!Array.isArray(cardIds)) {
      this.fail(e, i, id, 'cardIds: expected an array');
    } else {
      for (const c of cardIds) this.ref(e, i, id, 'cards', c, 'cardIds');
      this.custCardsListed.set(i, cardIds.length);
    }
  }

  private account(r: Rec, i: number, id: string): void {
    const e = 'accounts';
    this.unique.accountNumber.add(this.str(r, e, i, id, 'accountNumber', /^\d{6,34}$/));
    const owner = this.ref(e, i, id, 'customers', r.customerId, 'customerId');
    if (this.interleaved && owner >= this.counts.customers) this.fail(e, i, id, `customerId ${String(r.customerId)} comes after this account`);
    const bank = this.ref(e, i, id, 'banks', r.bankId, 'bankId');
    const travel = r.kind === 'travel';
    if (r.kind !== 'savings' && r.kind !== 'current' && !travel) this.fail(e, i, id, `kind: ${JSON.stringify(r.kind)}`);
    const currency = this.currency(r, e, i, id);
    this.int(r, e, i, id, 'openingBalance', 0);
    if (bank >= 0 && bank < this.counts.banks) {
      if (this.bankForeign[bank] !== travel) this.fail(e, i, id, travel ? 'travel account at a domestic bank' : `${String(r.kind)} account at a foreign bank`);
      if (currency && this.bankCurrency[bank] !== currency) this.fail(e, i, id, `currency ${currency} differs from its bank's ${this.bankCurrency[bank]}`);
    }
    this.accountOwner.set(i, owner >= 0 ? owner : NONE);
    this.accountBank.set(i, bank >= 0 ? bank : NONE);
    this.accountTravel.set(i, travel ? 1 : 0);
    if (travel) this.travelAccounts++;
    else this.domesticAccounts++;
    if (owner >= 0 && owner < this.counts.customers) {
      this.backAccounts.set(owner, this.backAccounts.get(owner) + 1);
      this.custAccountsSum.set(owner, this.custAccountsSum.get(owner) - i);
      if (!travel) this.custDomestic.set(owner, this.custDomestic.get(owner) + 1);
    }
  }

  private card(r: Rec, i: number, id: string): void {
    const e = 'cards';
    const number = this.str(r, e, i, id, 'number');
    this.unique.cardNumber.add(number);
    const brand = brandOf(number);
    if (!/^\d+$/.test(number) || !isLuhnValid(number) || !brand || brandSpec(brand).length !== number.length) {
      this.fail(e, i, id, `number: not a valid card number: ${number}`);
    } else {
      if (r.brand !== brand) this.fail(e, i, id, `brand: ${JSON.stringify(r.brand)} but the number is ${brand}`);
      const cvv = this.str(r, e, i, id, 'cvv', /^\d+$/);
      if (cvv && cvv.length !== brandSpec(brand).cvvLength) this.fail(e, i, id, `cvv: ${brand} needs ${brandSpec(brand).cvvLength} digits`);
      this.cardBrands[brand] = (this.cardBrands[brand] ?? 0) + 1;
    }
    this.int(r, e, i, id, 'expMonth', 1, 12);
    this.int(r, e, i, id, 'expYear', 2000, 2100);
    this.str(r, e, i, id, 'holderName');
    const owner = this.ref(e, i, id, 'customers', r.customerId, 'customerId');
    const account = this.ref(e, i, id, 'accounts', r.accountId, 'accountId');
    if (this.interleaved && (owner >= this.counts.customers || account >= this.counts.accounts)) this.fail(e, i, id, 'comes before the customer or account it names');
    if (account >= 0 && account < this.counts.accounts) {
      if (this.accountOwner.get(account) !== owner) this.fail(e, i, id, `accountId ${String(r.accountId)} belongs to another customer`);
      if (this.accountTravel.get(account) === 1) this.fail(e, i, id, 'card on a travel account');
    }
    if (owner >= 0 && owner < this.counts.customers) this.backCards.set(owner, this.backCards.get(owner) + 1);
  }

  private transaction(r: Rec, i: number, id: string): void {
    const e = 'transactions';
    const from = this.ref(e, i, id, 'accounts', r.fromAccountId, 'fromAccountId');
    const to = this.ref(e, i, id, 'accounts', r.toAccountId, 'toAccountId');
    const customer = this.ref(e, i, id, 'customers', r.customerId, 'customerId');
    const amount = this.int(r, e, i, id, 'amount', 1);
    const currency = this.currency(r, e, i, id);
    const band = this.str(r, e, i, id, 'band');
    const offset = this.int(r, e, i, id, 'offsetMs', 0);
    this.str(r, e, i, id, 'timestamp', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    this.str(r, e, i, id, 'idempotencyKey', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    if (offset < this.lastOffset) this.fail(e, i, id, 'offsetMs: arrivals must not go back in time');
    if (!Number.isNaN(offset)) this.lastOffset = offset;
    if (this.bands && band && !Number.isNaN(amount) && currency && bandOf(amount, currency, this.bands) !== band) {
      this.fail(e, i, id, `band: ${band} does not match amount ${amount} ${currency}`);
    }
    if (band) this.amountBands[band] = (this.amountBands[band] ?? 0) + 1;
    const n = this.counts.accounts;
    const ok = (a: number) => a >= 0 && a < n;
    if (ok(from) && ok(to)) {
      const fromOwner = this.accountOwner.get(from);
      const toOwner = this.accountOwner.get(to);
      if (customer >= 0 && fromOwner !== customer) this.fail(e, i, id, 'customerId is not the owner of fromAccountId');
      if (this.accountTravel.get(from) === 1) this.fail(e, i, id, 'fromAccountId is a travel account');
      const bank = this.accountBank.get(from);
      if (currency && bank !== NONE && this.bankCurrency[bank] !== currency) this.fail(e, i, id, 'currency differs from the source account');
      if (r.kind === 'travel') {
        this.travelTx++;
        if (this.accountTravel.get(to) !== 1) this.fail(e, i, id, 'travel transaction to a non-travel account');
        if (toOwner !== fromOwner) this.fail(e, i, id, "travel transaction to another customer's travel account");
      } else if (r.kind === 'domestic') {
        this.domesticTx++;
        if (this.accountTravel.get(to) === 1) this.fail(e, i, id, 'domestic transaction to a travel account');
        if (toOwner === fromOwner) this.fail(e, i, id, 'domestic transaction between accounts of the same customer');
      } else {
        this.fail(e, i, id, `kind: ${JSON.stringify(r.kind)}`);
      }
    }
  }

  finish(): ValidationReport {
    for (const [target, ref] of this.maxRef) {
      if (ref.index >= this.counts[target]) {
        this.fail(ref.from, ref.at, ref.id, `reference to ${makeId(KIND_OF[target], ref.index)} does not resolve: ${target} has ${this.counts[target]} records`);
      }
    }
    const labels: Record<keyof typeof this.unique, [EntityName, string]> = {
      bankCode: ['banks', 'bank codes'],
      pan: ['customers', 'PANs'],
      email: ['customers', 'emails'],
      accountNumber: ['accounts', 'account numbers'],
      cardNumber: ['cards', 'card numbers'],
    };
    for (const key of Object.keys(this.unique) as (keyof typeof this.unique)[]) {
      const d = this.unique[key].duplicates();
      if (d > 0) this.fail(labels[key][0], -1, undefined, `${d} duplicate ${labels[key][1]}`);
    }
    const nc = this.counts.customers;
    for (let c = 0; c < nc; c++) {
      if (this.counts.accounts > 0 && (this.custAccountsListed.get(c) !== this.backAccounts.get(c) || this.custAccountsSum.get(c) !== 0)) {
        this.fail('customers', c, makeId('customer', c), 'accountIds do not match the accounts that name this customer');
      }
      if (this.counts.cards > 0 && this.custCardsListed.get(c) !== this.backCards.get(c)) {
        this.fail('customers', c, makeId('customer', c), 'cardIds do not match the cards that name this customer');
      }
      if (this.counts.accounts > 0 && this.custDomestic.get(c) === 0) this.fail('customers', c, makeId('customer', c), 'no domestic account');
    }
    return {
      ok: this.errorCount === 0,
      errorCount: this.errorCount,
      issues: this.issues,
      summary: {
        counts: { ...this.counts },
        domesticAccountsPerCustomer: nc > 0 ? this.domesticAccounts / nc : 0,
        travelAccounts: this.travelAccounts,
        amountBands: { ...this.amountBands },
        domesticTransactions: this.domesticTx,
        travelTransactions: this.travelTx,
        cardBrands: { ...this.cardBrands },
      },
    };
  }
}

/** Validates an in-memory dataset. */
export function validateDataset(ds: Partial<Dataset>, options: ValidatorOptions = {}): ValidationReport {
  const v = new DatasetValidator(options);
  for (const name of ENTITY_NAMES) for (const r of ds[name] ?? []) v.add(name, r);
  return v.finish();
}
