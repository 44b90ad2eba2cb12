/**
 * Card checks shared by the payment service and the banking API, on the rules the kit generates cards
 * against (lib/card-rules.ts, lib/data/luhn.ts). Full card numbers are never stored.
 */
import { brandOf, declineReasonOf, ISSUED_LENGTHS, OTHER_CARD_LENGTHS, type CardBrand as KnownBrand } from '../lib/card-rules.ts';
import { isLuhnValid } from '../lib/data/luhn.ts';
import { ApiError } from './errors.ts';

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvv: string;
}

/** The networks lib/card-rules.ts knows, and 'other' for a number of none of them. */
export type CardBrand = KnownBrand | 'other';

function cardBrand(n: string): CardBrand {
  return brandOf(n) ?? 'other';
}

function issuedLengths(brand: CardBrand): readonly number[] {
  return brand === 'other' ? OTHER_CARD_LENGTHS : ISSUED_LENGTHS[brand];
}

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
  const lengths = issuedLengths(brand);
  if (!lengths.includes(n.length)) {
    throw new ApiError(422, 'invalid_card_number', `a ${brand} card.number has ${lengths.join(' or ')} digits, got ${n.length}`, {
      field: 'card.number',
    });
  }
  if (!isLuhnValid(n)) {
    throw new ApiError(422, 'invalid_card_number', 'card.number fails the Luhn check', { field: 'card.number' });
  }
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  if (card.exp_year < year || (card.exp_year === year && card.exp_month < month)) {
    throw new ApiError(422, 'card_expired', `card expired ${card.exp_year}-${String(card.exp_month).padStart(2, '0')}`, {
      field: card.exp_year < year ? 'card.exp_year' : 'card.exp_month',
    });
  }
  const reason = declineReasonOf(n);
  if (reason !== undefined) {
    throw new ApiError(402, 'card_declined', `the card was declined (${reason})`, { extra: { decline_reason: reason } });
  }
  return { brand, last4: n.slice(-4) };
}
