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

/** mulberry32: tiny, fast, and good enough for load-test choices (not for cryptography). */
export function createRng(seed: string | number): Rng {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pickOne: empty list');
  return items[Math.floor(rng() * items.length)] as T;
}

export interface Weighted {
  readonly weight: number;
}

/**
 * Picks an item with probability weight / sum(weights).
 * Weights need not sum to 100; zero-weight items are never picked.
 */
export function pickWeighted<T extends Weighted>(rng: Rng, items: readonly T[]): T {
  let total = 0;
  for (const item of items) {
    if (!(item.weight >= 0) || !Number.isFinite(item.weight)) {
      throw new Error(`pickWeighted: weight must be a finite number >= 0, got ${item.weight}`);
    }
    total += item.weight;
  }
  if (total <= 0) throw new Error('pickWeighted: weights sum to zero');
  let target = rng() * total;
  for (const item of items) {
    if (item.weight === 0) continue;
    target -= item.weight;
    if (target < 0) return item;
  }
  // Floating-point rounding can leave target at ~0 after the last item.
  for (let i = items.length - 1; i >= 0; i--) if ((items[i] as T).weight > 0) return items[i] as T;
  throw new Error('unreachable');
}

/** A v4-shaped UUID from the seeded generator: unique enough for ids and idempotency keys in one run. */
export function seededUuid(rng: Rng): string {
  // Four 32-bit draws instead of one draw per hex digit: this runs once per payment in k6's hot path.
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(rng() * 4294967296);
  const b = hex(rng() * 4294967296);
  const c = hex(rng() * 4294967296);
  const d = hex(rng() * 4294967296);
  const variant = '89ab'[parseInt(c[0] as string, 16) & 3] as string;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}
