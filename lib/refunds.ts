// The refund rule both services' users follow: refund one of your own refundable records, half the
// time in full and otherwise in part, never more than what is left. Pure: unit-tested in Node.
import type { Rng } from './random.ts';

// Positions of the refundable items of the current pick, reused from call to call (per VU in k6).
const open: number[] = [];
const floor = Math.floor;

/**
 * A uniformly drawn item with `item[total] > item[refunded]`, or undefined when there is none. One pass
 * over the list by field name notes the positions of the refundable items, then one draw picks among them
 * (no filtered copy, no callback per item, each item's two fields read once): on a refund path this runs
 * over a VU's whole list, and in k6's interpreter a copy, a call, an iterator step or a field read per
 * item is a measurable cost (docs/peers.md).
 */
export function pickRefundable<T extends { [P in K]: number }, K extends PropertyKey>(rng: Rng, items: readonly T[], total: K, refunded: K): T | undefined {
  let n = 0;
  for (let i = 0, len = items.length; i < len; i++) {
    const item = items[i] as T;
    if (item[refunded] < item[total]) open[n++] = i;
  }
  if (n === 0) return undefined;
  return items[open[floor(rng() * n)] as number];
}

/** Half full refunds, half partial (at least 1), never more than `left`. */
export function refundAmount(rng: Rng, left: number): number {
  return rng() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * rng()));
}
