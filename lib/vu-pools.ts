// Per-VU pools: the dataset rows, request cards and bad cards a VU reuses instead of building anew.
// Module state here is per VU: k6 gives every VU its own runtime, so nothing is shared between VUs
// and no locking is needed. Pure (no k6 imports), so it runs in Node too.
import type { Config } from './config.ts';
import { declineCard, invalidCard, type CardDetails, type CardInput, type DeclineReason, type InvalidCard } from './data/cards.ts';
import type { Card, Merchant } from './data/types.ts';
import type { LoadedDataset } from './dataset.ts';
import type { Rng } from './random.ts';

/** What the picks read: the configured pool sizes and the dataset. */
export interface PoolSource {
  config: Pick<Config, 'merchantCount' | 'customerCount'>;
  data: Pick<LoadedDataset, 'merchants' | 'cards'>;
}

// Every SharedArray read decodes and freezes its row anew (about 7% of k6's CPU in the payment
// scenario), so each VU keeps the rows it has read, but only up to a small pool: a VU must not end up
// with its own copy of a large dataset, which is what SharedArray exists to avoid.
const ROW_CACHE_LIMIT = 2000;
const merchantRows: Merchant[] = [];
const cardRows: Card[] = [];
const floor = Math.floor; // one lookup, not one of the global `Math` per pick

function cachedRow<T>(rows: T[], source: { readonly [index: number]: T }, index: number, poolSize: number): T {
  if (poolSize > ROW_CACHE_LIMIT) return source[index] as T;
  return (rows[index] ??= source[index] as T);
}

// Pool sizes, read once per VU: `length` of a SharedArray (or of a CSV view) is a call into Go or a
// Proxy trap, not a field read. Read lazily because CSV data becomes readable only after init.
let merchantPool = 0;
let cardPool = 0;

/** A merchant from the first MERCHANT_COUNT of the dataset. */
export function pickMerchant(ctx: PoolSource, rng: Rng): Merchant {
  const n = (merchantPool ||= Math.min(ctx.config.merchantCount, ctx.data.merchants.length));
  const i = floor(rng() * n);
  return merchantRows[i] ?? cachedRow(merchantRows, ctx.data.merchants, i, n);
}

/** A card of a customer among the first CUSTOMER_COUNT cards of the dataset, with its customer id. */
export function pickCard(ctx: PoolSource, rng: Rng): Card {
  const n = (cardPool ||= Math.min(ctx.config.customerCount, ctx.data.cards.length));
  const i = floor(rng() * n);
  return cardRows[i] ?? cachedRow(cardRows, ctx.data.cards, i, n);
}

// The request form of a card, made once per card object: dataset rows are reused across a VU's payments.
const cardInputs = new WeakMap<object, CardInput>();

export function cardInput(card: { number: string; expMonth: number; expYear: number; cvv: string }): CardInput {
  let input = cardInputs.get(card);
  if (!input) cardInputs.set(card, (input = Object.freeze({ number: card.number, exp_month: card.expMonth, exp_year: card.expYear, cvv: card.cvv })));
  return input;
}

// Bad and declined cards, per VU: the first POOL_SIZE draws generate fresh ones, later draws reuse
// them at random. A fresh invalid card costs ~0.1 ms of k6 CPU (a Luhn-valid number, then spoiled),
// more than the request that carries it; 64 per VU still vary the numbers across the test.
const POOL_SIZE = 64;
const invalidPool: InvalidCard[] = [];
const declinePools = new Map<DeclineReason, CardDetails[]>();

/** `make()` for the first POOL_SIZE calls on `pool` (kept in it), then one of those at random. */
export function pooled<T>(pool: T[], rng: Rng, make: () => T): T {
  if (pool.length < POOL_SIZE) {
    const item = make();
    pool.push(item);
    return item;
  }
  return pool[floor(rng() * POOL_SIZE)] as T;
}

/** An invalid card (bad Luhn, wrong length, non-digits or expired) that the target must refuse. */
export function pooledInvalidCard(rng: Rng): InvalidCard {
  return pooled(invalidPool, rng, () => invalidCard(rng));
}

/** One of the sandbox's documented decline cards for `reason`, with a valid expiry and CVV. */
export function pooledDeclineCard(rng: Rng, reason: DeclineReason): CardDetails {
  let pool = declinePools.get(reason);
  if (!pool) declinePools.set(reason, (pool = []));
  return pooled(pool, rng, () => declineCard(rng, reason));
}

/** One of `items` uniformly (the same draw as pickOne), or undefined when there is none. */
export function pickFrom<T>(rng: Rng, items: readonly T[]): T | undefined {
  const n = items.length;
  return n > 0 ? items[floor(rng() * n)] : undefined;
}

/** Keeps the newest `max` items: per-VU memory stays flat however long the run. */
export function remember<T>(list: T[], item: T, max = 50): void {
  list.push(item);
  if (list.length > max) list.shift();
}
