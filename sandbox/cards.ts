/** Card checks shared by the payment service and the banking API. Full card numbers are never stored. */
import { ApiError } from './errors.ts';

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvv: string;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'other';

/** Test cards that are declined with HTTP 402 card_declined. */
export const DECLINED_CARDS: Readonly<Record<string, string>> = {
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'do_not_honor',
  '5105105105105100': 'do_not_honor',
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function cardBrand(n: string): CardBrand {
  if (n.startsWith('4')) return 'visa';
  const two = Number(n.slice(0, 2));
  const four = Number(n.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  const three = Number(n.slice(0, 3));
  if (n.startsWith('6011') || two === 65 || (three >= 644 && three <= 649)) return 'discover';
  return 'other';
}

/** Lengths each network issues today (13-digit Visa numbers are no longer issued). */
const BRAND_LENGTHS: Readonly<Record<CardBrand, readonly number[]>> = {
  visa: [16, 19],
  mastercard: [16],
  amex: [15],
  discover: [16, 17, 18, 19],
  other: [12, 13, 14, 15, 16, 17, 18, 19],
};

export interface CheckedCard {
  brand: CardBrand;
  last4: string;
}

/**
 * Validates a card whose JSON shape was already checked by the route schema.
 * Throws 422 invalid_card_number / card_expired, or 402 card_declined for the test decline cards.
 */
export function checkCard(card: CardInput, now: Date = new Date()): CheckedCard {
  const n = card.number;
  if (!/^[0-9]{12,19}$/.test(n)) {
    throw new ApiError(422, 'invalid_card_number', 'card.number must be 12 to 19 digits', { field: 'card.number' });
  }
  const brand = cardBrand(n);
  if (!BRAND_LENGTHS[brand].includes(n.length)) {
    throw new ApiError(422, 'invalid_card_number', `a ${brand} card.number has ${BRAND_LENGTHS[brand].join(' or ')} digits, got ${n.length}`, {
      field: 'card.number',
    });
  }
  if (!luhnValid(n)) {
    throw new ApiError(422, 'invalid_card_number', 'card.number fails the Luhn check', { field: 'card.number' });
  }
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  if (card.exp_year < year || (card.exp_year === year && card.exp_month < month)) {
    throw new ApiError(422, 'card_expired', `card expired ${card.exp_year}-${String(card.exp_month).padStart(2, '0')}`, {
      field: card.exp_year < year ? 'card.exp_year' : 'card.exp_month',
    });
  }
  const reason = DECLINED_CARDS[n];
  if (reason !== undefined) {
    throw new ApiError(402, 'card_declined', `the card was declined (${reason})`, { extra: { decline_reason: reason } });
  }
  return { brand, last4: n.slice(-4) };
}
