// The refund rule both services' users follow: refund one of your own refundable records, half the
// time in full and otherwise in part, never more than what is left. Pure: unit-tested in Node.
import type { Rng } from './random.ts';

/**
 * A uniformly drawn item with `item[total] > item[refunded]`, or undefined when there is none. Counted in
 * place by field name (one draw, no filtered copy, no callback per item), with index loops: on a refund
 * path this runs over a VU's whole list, and in k6's interpreter a copy, a call or an iterator step per
 * item is a measurable cost (docs/peers.md).
 */
export function pickRefundable<T extends { [P in K]: number }, K extends PropertyKey>(rng: Rng, items: readonly T[], total: K, refunded: K): T | undefined {
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    if (item[refunded] < item[total]) n++;
  }
  if (n === 0) return undefined;
  let k = Math.floor(rng() * n);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    if (item[refunded] < item[total] && k-- === 0) return item;
  }
  return undefined; // unreachable: k < n
}

/** Half full refunds, half partial (at least 1), never more than `left`. */
export function refundAmount(rng: Rng, left: number): number {
  return rng() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * rng()));
}
