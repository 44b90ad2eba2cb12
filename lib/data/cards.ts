// Payment card numbers, expiry dates and CVVs for load tests, plus the sandbox's
// documented decline cards and deliberately invalid cards for the failure user.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

import { brandOf, DECLINE_TEST_CARDS, type CardBrand, type DeclineReason } from '../card-rules.ts';
import { pickWeighted, randomInt, type Rng } from '../random.ts';
import { isLuhnValid, withLuhnCheckDigit } from './luhn.ts';

export { brandOf, DECLINE_TEST_CARDS, declineReasonOf, type CardBrand, type DeclineReason, type DeclineTestCard } from '../card-rules.ts';

export interface CardBrandSpec {
  readonly brand: CardBrand;
  /** Issuer identification number prefixes in use for the brand (leading digits). */
  readonly prefixes: readonly string[];
  /** Total length including the check digit. */
  readonly length: number;
  readonly cvvLength: number;
  /** Share of generated cards, relative to the other brands. */
  readonly weight: number;
}

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(String(i));
  return out;
}

export const CARD_BRANDS: readonly CardBrandSpec[] = [
  // Visa: starts with 4. Prefix 4000 is left out so no generated card can collide
  // with the sandbox decline cards (all of which are 4000 00xx or 5105 10xx).
  { brand: 'visa', prefixes: range(41, 49), length: 16, cvvLength: 3, weight: 50 },
  // Mastercard: 51-55 and the 2-series 2221-2720. 5105 (decline card) excluded below.
  {
    brand: 'mastercard',
    prefixes: ['52', '53', '54', '55', '2221', '2223', '2300', '2411', '2520', '2600', '2720'],
    length: 16,
    cvvLength: 3,
    weight: 35,
  },
  // American Express: 34 or 37, 15 digits, 4-digit CVV (CID).
  { brand: 'amex', prefixes: ['34', '37'], length: 15, cvvLength: 4, weight: 10 },
  // Discover: 6011, 644-649, 65.
  { brand: 'discover', prefixes: ['6011', ...range(644, 649), '65'], length: 16, cvvLength: 3, weight: 5 },
];

export function brandSpec(brand: CardBrand): CardBrandSpec {
  const spec = CARD_BRANDS.find((b) => b.brand === brand);
  if (!spec) throw new Error(`unknown card brand: ${brand}`);
  return spec;
}

/** A card as a request body carries it (the sandbox's payment and banking APIs). */
export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvv: string;
}

export interface CardDetails {
  readonly brand: CardBrand;
  readonly number: string;
  /** 1-12 */
  readonly expMonth: number;
  /** four digits */
  readonly expYear: number;
  readonly cvv: string;
}

const PAD4 = ['000', '00', '0', ''];

/** n random decimal digits, four per draw (one draw per digit was most of a card's cost in k6). */
function randomDigits(rng: Rng, n: number): string {
  let s = '';
  while (s.length < n) {
    const chunk = String(Math.floor(rng() * 10000));
    s += PAD4[chunk.length - 1] + chunk;
  }
  return s.length === n ? s : s.slice(0, n);
}

/** Digits that serial-based card numbers reserve for the (scrambled) serial. */
const CARD_SERIAL_DIGITS = 9;
export const CARD_SERIAL_MODULUS = 10 ** CARD_SERIAL_DIGITS;

/**
 * A Luhn-valid number for `brand`. With `serial` (an integer in [0, 1e9), already
 * scrambled by the caller if it should not look sequential) the digits before the
 * check digit end with the zero-padded serial, so distinct serials always give
 * distinct numbers; without it the number is random (fine for per-request variety).
 */
export function cardNumber(rng: Rng, brand: CardBrand, serial?: number): string {
  const spec = brandSpec(brand);
  const prefix = spec.prefixes[Math.floor(rng() * spec.prefixes.length)] as string;
  const bodyLength = spec.length - 1 - prefix.length;
  let body: string;
  if (serial === undefined) {
    body = randomDigits(rng, bodyLength);
  } else {
    if (!Number.isInteger(serial) || serial < 0 || serial >= CARD_SERIAL_MODULUS) {
      throw new Error(`cardNumber: serial out of range: ${serial}`);
    }
    body = randomDigits(rng, bodyLength - CARD_SERIAL_DIGITS) + String(serial).padStart(CARD_SERIAL_DIGITS, '0');
  }
  return withLuhnCheckDigit(prefix + body);
}

function pickBrand(rng: Rng): CardBrand {
  return pickWeighted(rng, CARD_BRANDS).brand;
}

/**
 * Expiry 24-72 months after `now` (ms since epoch or Date). Datasets use 1 January of the current
 * year as `now` to stay reproducible within a year, so anything under 24 months could expire while
 * the dataset is still in use (a card expiring in July would be refused from August on).
 */
function futureExpiry(rng: Rng, now: number | Date = Date.now()): { expMonth: number; expYear: number } {
  const d = new Date(typeof now === 'number' ? now : now.getTime());
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth() + randomInt(rng, 24, 72);
  return { expMonth: (months % 12) + 1, expYear: Math.floor(months / 12) };
}

function cvvFor(rng: Rng, brand: CardBrand): string {
  return randomDigits(rng, brandSpec(brand).cvvLength);
}

export interface CardOptions {
  brand?: CardBrand;
  /** Reference time for the expiry date; defaults to now. */
  now?: number | Date;
  /** See cardNumber(). */
  serial?: number;
}

/** A valid, unexpired card (Luhn-valid number, realistic prefix and length, right CVV length). */
export function generateCard(rng: Rng, options: CardOptions = {}): CardDetails {
  const brand = options.brand ?? pickBrand(rng);
  const number = cardNumber(rng, brand, options.serial);
  const { expMonth, expYear } = futureExpiry(rng, options.now ?? Date.now());
  return { brand, number, expMonth, expYear, cvv: cvvFor(rng, brand) };
}

// ---------------------------------------------------------------------------
// Documented sandbox decline cards: valid-looking numbers the sandbox always declines.

/** A decline card with a valid future expiry and CVV, ready to put in a payment request. */
export function declineCard(rng: Rng, reason: DeclineReason, now: number | Date = Date.now()): CardDetails {
  const card = DECLINE_TEST_CARDS.find((c) => c.reason === reason);
  if (!card) throw new Error(`no decline test card for ${reason}`);
  return { brand: card.brand, number: card.number, ...futureExpiry(rng, now), cvv: cvvFor(rng, card.brand) };
}

// ---------------------------------------------------------------------------
// Invalid cards for the failure user. Each must be rejected before authorisation.

export type InvalidCardKind = 'bad_luhn' | 'too_short' | 'too_long' | 'non_digits' | 'expired';

export const INVALID_CARD_KINDS: readonly InvalidCardKind[] = ['bad_luhn', 'too_short', 'too_long', 'non_digits', 'expired'];

export interface InvalidCard extends CardDetails {
  readonly kind: InvalidCardKind;
  /** What a validating API should answer: a bad number or an expired card. */
  readonly expectedError: 'invalid_number' | 'expired_card';
}

/**
 * A card that must be rejected, of the given kind (or a random kind):
 * - bad_luhn: right brand prefix and length, check digit off by one to nine;
 * - too_short: Luhn-valid digits, 1-4 fewer than the brand's length;
 * - too_long: Luhn-valid digits, 20-22 of them (no brand allows more than 19);
 * - non_digits: a valid number with one digit replaced by a letter or punctuation;
 * - expired: a valid number whose expiry month is 1-36 months before `now`.
 */
export function invalidCard(rng: Rng, kind?: InvalidCardKind, now: number | Date = Date.now()): InvalidCard {
  const k = kind ?? (INVALID_CARD_KINDS[Math.floor(rng() * INVALID_CARD_KINDS.length)] as InvalidCardKind);
  const brand = pickBrand(rng);
  const spec = brandSpec(brand);
  const valid = generateCard(rng, { brand, now });
  let number = valid.number;
  switch (k) {
    case 'bad_luhn': {
      const last = number.charCodeAt(number.length - 1) - 48;
      number = number.slice(0, -1) + String((last + randomInt(rng, 1, 9)) % 10);
      break;
    }
    case 'too_short': {
      const length = spec.length - randomInt(rng, 1, 4);
      number = withLuhnCheckDigit(number.slice(0, length - 1));
      break;
    }
    case 'too_long': {
      // 20-22 digits: longer than any brand allows (19 at most), so unambiguous.
      const extra = 20 - spec.length + randomInt(rng, 0, 2);
      number = withLuhnCheckDigit(number.slice(0, -1) + randomDigits(rng, extra));
      break;
    }
    case 'non_digits': {
      // No space or dash: some APIs strip those and would accept the number.
      const junk = 'OIlSx#./';
      const pos = randomInt(rng, 1, number.length - 2);
      number = number.slice(0, pos) + junk[Math.floor(rng() * junk.length)] + number.slice(pos + 1);
      break;
    }
    case 'expired': {
      const d = new Date(typeof now === 'number' ? now : now.getTime());
      const months = d.getUTCFullYear() * 12 + d.getUTCMonth() - randomInt(rng, 1, 36);
      return { ...valid, expMonth: (months % 12) + 1, expYear: Math.floor(months / 12), kind: k, expectedError: 'expired_card' };
    }
  }
  return { ...valid, number, kind: k, expectedError: 'invalid_number' };
}

export type CardProblem = 'invalid_number' | 'expired_card' | 'invalid_cvc';

/**
 * What is wrong with a card, checked the way an API should (digits only, length for the
 * brand, Luhn, expiry not before the current month, CVV length), or undefined when fine.
 */
export function cardProblem(card: Pick<CardDetails, 'number' | 'expMonth' | 'expYear' | 'cvv'>, now: number | Date = Date.now()): CardProblem | undefined {
  const brand = brandOf(card.number);
  if (!/^\d+$/.test(card.number) || !brand || brandSpec(brand).length !== card.number.length || !isLuhnValid(card.number)) {
    return 'invalid_number';
  }
  const d = new Date(typeof now === 'number' ? now : now.getTime());
  if (!(card.expMonth >= 1 && card.expMonth <= 12)) return 'expired_card';
  if (card.expYear * 12 + card.expMonth - 1 < d.getUTCFullYear() * 12 + d.getUTCMonth()) return 'expired_card';
  if (!/^\d+$/.test(card.cvv) || card.cvv.length !== brandSpec(brand).cvvLength) return 'invalid_cvc';
  return undefined;
}
