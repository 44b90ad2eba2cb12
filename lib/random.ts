// Seeded pseudo-random numbers that behave the same in k6 and Node.
// k6's Math.random() cannot be seeded, and a reproducible request sequence per VU
// is what makes two runs comparable, so everything that varies per request draws from here.

export type Rng = () => number;

/** Mixes a string or number seed into 32 bits (FNV-1a), so "42" and 42 seed alike. */
export function hashSeed(seed: string | number): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// Module-level references to the Math functions the hot paths call: in k6's interpreter every
// `Math.x(...)` looks up the global `Math` and then its property on each call (docs/peers.md).
const imul = Math.imul;
const floor = Math.floor;

/**
 * mulberry32: tiny and good enough for generated data and load-test choices (not for cryptography).
 * The state is kept as a signed 32-bit integer (`| 0`): the same bits as the unsigned form, so the
 * same seed gives the same numbers, with one conversion fewer per draw.
 */
export function createRng(seed: string | number): Rng {
  let state = hashSeed(seed) | 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A VU's choice generator: MINSTD (Park–Miller, multiplier 48271), one multiplication and one remainder
 * per draw, exact in doubles. A VU draws five to eight numbers per request (task, merchant, card,
 * decline, amount band and amount, refund share), and in k6's interpreter a mulberry32 draw costs about
 * seven times as much (docs/peers.md). It is weaker than mulberry32 in its low bits and in tuples of
 * successive draws, which no weighted or uniform pick here can see; data generation, where bit patterns
 * become card numbers and ids, keeps createRng. Draws lie in (0, 1), never 0 or 1.
 */
export function createChoiceRng(seed: string | number): Rng {
  let s = (hashSeed(seed) % 2147483646) + 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + floor(rng() * (max - min + 1));
}

export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pickOne: empty list');
  return items[floor(rng() * items.length)] as T;
}

export interface Weighted {
  readonly weight: number;
}

/** The sum of the weights; throws unless every weight is finite and >= 0 and some is > 0. */
export function totalWeight(items: readonly Weighted[]): number {
  let total = 0;
  for (const item of items) {
    if (!(item.weight >= 0) || !Number.isFinite(item.weight)) {
      throw new Error(`pickWeighted: weight must be a finite number >= 0, got ${item.weight}`);
    }
    total += item.weight;
  }
  if (total <= 0) throw new Error('pickWeighted: weights sum to zero');
  return total;
}

/**
 * The index into `weights` (all > 0) that `target`, drawn in [0, sum of weights), falls in. Subtracting
 * in order, not comparing with running sums, and the last index when floating-point rounding leaves the
 * target at ~0 after it: the same seed must keep replaying the same choices (recorded runs and tests
 * compare per-task counts across versions).
 */
export function weightIndex(weights: readonly number[], target: number): number {
  const last = weights.length - 1;
  let i = 0;
  while (i < last && (target -= weights[i] as number) >= 0) i++;
  return i;
}

/**
 * Validates the weights once and returns a picker that draws an item with probability
 * weight / sum(weights). Weights need not sum to 100; zero-weight items are never picked.
 * Hot paths (task choice, amount bands) build one picker at init: in k6's interpreter, re-validating
 * the weights on every draw cost as much as the draw itself.
 */
export function weightedPicker<T extends Weighted>(items: readonly T[]): (rng: Rng) => T {
  const total = totalWeight(items);
  const live = items.filter((item) => item.weight > 0);
  const weights = live.map((item) => item.weight);
  return (rng) => live[weightIndex(weights, rng() * total)] as T;
}

const pickers = new WeakMap<readonly Weighted[], (rng: Rng) => Weighted>();

/**
 * One weighted draw. The picker for `items` is built on the first draw and reused, so treat `items`
 * as immutable (every table in this kit is a module constant); a changed table needs a new array.
 */
export function pickWeighted<T extends Weighted>(rng: Rng, items: readonly T[]): T {
  let pick = pickers.get(items);
  if (!pick) pickers.set(items, (pick = weightedPicker(items)));
  return pick(rng) as T;
}

// Hex digits per nibble and per byte, built once: string formatting is slow in k6's interpreter.
const NIBBLE = '0123456789abcdef';
const HEX = Array.from({ length: 256 }, (_, i) => (NIBBLE[i >>> 4] as string) + NIBBLE[i & 15]);

/** A v4-shaped UUID from the seeded generator: unique enough for ids and idempotency keys in one run. */
export function seededUuid(rng: Rng): string {
  // Four 32-bit draws, formatted by table lookups in one expression (no helper calls): this runs once
  // per payment in k6's hot path.
  const a = (rng() * 4294967296) >>> 0;
  const b = (rng() * 4294967296) >>> 0;
  const c = (rng() * 4294967296) >>> 0;
  const d = (rng() * 4294967296) >>> 0;
  return (
    (HEX[a >>> 24] as string) + HEX[(a >>> 16) & 255] + HEX[(a >>> 8) & 255] + HEX[a & 255] + '-' +
    HEX[b >>> 24] + HEX[(b >>> 16) & 255] + '-4' + NIBBLE[(b >>> 8) & 15] + HEX[b & 255] + '-' +
    '89ab'[(c >>> 28) & 3] + NIBBLE[(c >>> 24) & 15] + HEX[(c >>> 16) & 255] + '-' +
    HEX[(c >>> 8) & 255] + HEX[c & 255] + HEX[d >>> 24] + HEX[(d >>> 16) & 255] + HEX[(d >>> 8) & 255] + HEX[d & 255]
  );
}
