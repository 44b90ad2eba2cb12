// Identifiers, collision-free serial numbers and per-VU seeds.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.
//
// Uniqueness is guaranteed by construction, never by luck: every unique field
// (PAN, account number, card number, email) embeds a bijective scramble of the
// record's serial number, so two records can only collide if their serials do.

import { hashSeed, createRng, type Rng } from '../random.ts';

export type EntityKind = 'customer' | 'account' | 'bank' | 'merchant' | 'card' | 'transaction';

export const ID_PREFIX: Readonly<Record<EntityKind, string>> = {
  customer: 'cus',
  account: 'acc',
  bank: 'bnk',
  merchant: 'mer',
  card: 'crd',
  transaction: 'txn',
};

/** `cus_00000042`: the number is the record's position in its file, so lookups need no index map. */
export function makeId(kind: EntityKind, index: number): string {
  return `${ID_PREFIX[kind]}_${String(index).padStart(8, '0')}`;
}

/**
 * Position of a record in its array from its id (`acc_00000077` → 77), or -1 when the id
 * is not of the form `<prefix>_<digits>`. Lets k6 code resolve references in O(1)
 * on a SharedArray without building a map in every VU.
 */
export function indexOfId(id: string): number {
  const u = id.indexOf('_');
  if (u < 1 || u === id.length - 1) return -1;
  let n = 0;
  for (let i = u + 1; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** a*b mod m without losing precision, for 0 <= a, b < m <= 2^34. */
function mulMod(a: number, b: number, m: number): number {
  const hi = Math.floor(b / 65536);
  const lo = b % 65536;
  return (((a * hi) % m) * 65536 + a * lo) % m;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * A seeded bijection on [0, modulus): distinct inputs always give distinct outputs,
 * but consecutive serials do not look consecutive. Two affine rounds with a decimal
 * digit rotation in between (each step is itself a bijection).
 */
export class SerialScrambler {
  private readonly a1: number;
  private readonly b1: number;
  private readonly a2: number;
  private readonly b2: number;
  private readonly digits: number;
  private readonly rotate: boolean;

  constructor(readonly modulus: number, seed: string | number) {
    if (!Number.isInteger(modulus) || modulus < 2 || modulus > 2 ** 34) {
      throw new Error(`SerialScrambler: modulus out of range: ${modulus}`);
    }
    const rng = createRng(`${seed}:scramble:${modulus}`);
    const coprime = (): number => {
      let a = 1 + Math.floor(rng() * (modulus - 1));
      while (gcd(a, modulus) !== 1) a = (a % (modulus - 1)) + 1;
      return a;
    };
    this.a1 = coprime();
    this.b1 = Math.floor(rng() * modulus);
    this.a2 = coprime();
    this.b2 = Math.floor(rng() * modulus);
    // Digit rotation is only a bijection when the modulus is a power of ten.
    const d = Math.round(Math.log10(modulus));
    this.rotate = 10 ** d === modulus && d >= 2;
    this.digits = d;
  }

  scramble(serial: number): number {
    if (!Number.isInteger(serial) || serial < 0 || serial >= this.modulus) {
      throw new Error(`SerialScrambler: serial ${serial} outside [0, ${this.modulus})`);
    }
    let x = (mulMod(this.a1, serial, this.modulus) + this.b1) % this.modulus;
    if (this.rotate) {
      const half = Math.floor(this.digits / 2);
      const p = 10 ** half;
      x = (x % p) * 10 ** (this.digits - half) + Math.floor(x / p);
    }
    return (mulMod(this.a2, x, this.modulus) + this.b2) % this.modulus;
  }
}

/**
 * Seed for one VU's generator, derived from the run seed and the VU id (`exec.vu.idInTest`).
 * The same (seed, vu) gives the same sequence of choices in every run.
 */
export function seedForVu(seed: string | number, vu: number): number {
  return hashSeed(`${seed}:vu:${vu}`);
}

/** A seeded generator for one VU: `vuRng(__ENV.SEED ?? 42, exec.vu.idInTest)`. */
export function vuRng(seed: string | number, vu: number): Rng {
  return createRng(seedForVu(seed, vu));
}
