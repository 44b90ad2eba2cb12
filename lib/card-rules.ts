// The card rules both sides hold to: which network a number belongs to, the lengths each network
// issues, and the documented test cards that are always declined. The sandbox enforces them
// (sandbox/cards.ts); the data generator and the failure user produce cards against them
// (lib/data/cards.ts). Pure and runtime-neutral. The Luhn check itself is lib/data/luhn.ts.

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover';

/** Brand of a card number from its leading digits (length not checked), or undefined. */
export function brandOf(number: string): CardBrand | undefined {
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|64[4-9]|65)/.test(number)) return 'discover';
  if (/^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/.test(number)) return 'mastercard';
  if (/^4/.test(number)) return 'visa';
  return undefined;
}

/** Lengths each network issues today (13-digit Visa numbers are no longer issued). */
export const ISSUED_LENGTHS: Readonly<Record<CardBrand, readonly number[]>> = {
  visa: [16, 19],
  mastercard: [16],
  amex: [15],
  discover: [16, 17, 18, 19],
};

/** A number of no known network may still be valid: any length a card number can have. */
export const OTHER_CARD_LENGTHS: readonly number[] = [12, 13, 14, 15, 16, 17, 18, 19];

export type DeclineReason = 'generic_decline' | 'insufficient_funds' | 'do_not_honor';

export interface DeclineTestCard {
  readonly number: string;
  readonly brand: CardBrand;
  readonly reason: DeclineReason;
}

/** Valid-looking numbers the sandbox always declines with 402 card_declined (sandbox/openapi.yaml). */
export const DECLINE_TEST_CARDS: readonly DeclineTestCard[] = Object.freeze([
  { number: '4000000000000002', brand: 'visa', reason: 'generic_decline' },
  { number: '4000000000009995', brand: 'visa', reason: 'insufficient_funds' },
  { number: '5105105105105100', brand: 'mastercard', reason: 'do_not_honor' },
  { number: '4000000000000069', brand: 'visa', reason: 'do_not_honor' },
]);

/** The decline reason documented for `number`, if it is one of DECLINE_TEST_CARDS. */
export function declineReasonOf(number: string): DeclineReason | undefined {
  return DECLINE_TEST_CARDS.find((c) => c.number === number)?.reason;
}
