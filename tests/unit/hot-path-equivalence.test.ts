// The hot-path rewrites in lib/random.ts, lib/data/amounts.ts, lib/refunds.ts and lib/vu-pools.ts (docs/peers.md) must not
// change a single draw: a seed replays the same ids, amounts and picks as the straightforward forms below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, hashSeed, pickOne, seededUuid, type Rng } from '../../lib/random.ts';
import { DEFAULT_AMOUNT_BANDS, bandOf, drawAmount, drawMinorAmount, type AmountBand } from '../../lib/data/amounts.ts';
import { allCurrencies, minorUnitExponent } from '../../lib/data/currencies.ts';
import { pickRefundable } from '../../lib/refunds.ts';
import { pickFrom } from '../../lib/vu-pools.ts';

/** mulberry32 as first written: unsigned state, Math.imul looked up on every call. */
function referenceRng(seed: string | number): Rng {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function referenceUuid(rng: Rng): string {
  const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
  const a = (rng() * 4294967296) >>> 0;
  const b = (rng() * 4294967296) >>> 0;
  const c = (rng() * 4294967296) >>> 0;
  const d = (rng() * 4294967296) >>> 0;
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b & 0xfff, 3)}-${'89ab'[(c >>> 28) & 3]}${hex((c >>> 16) & 0xfff, 3)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`;
}

/** drawAmount as first written: a fresh weighted draw over the bands, Math.min/Math.max clamping. */
function referenceAmount(rng: Rng, currency: string, bands: readonly AmountBand[]): number {
  const f = 10 ** minorUnitExponent(currency);
  const total = bands.reduce((s, b) => s + b.weight, 0);
  let target = rng() * total;
  let band = bands[bands.length - 1] as AmountBand;
  for (const b of bands.filter((x) => x.weight > 0)) {
    target -= b.weight;
    if (target < 0) {
      band = b;
      break;
    }
  }
  const lo = Math.ceil(band.min * f);
  const hi = Math.ceil(band.max * f) - 1;
  const x = Math.round(Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo))));
  return Math.min(hi, Math.max(lo, x));
}

test('createRng draws exactly what the unsigned mulberry32 draws', () => {
  for (const seed of [0, 1, 42, '42', 'payment:smoke:7', -5, 2 ** 31, 'x'.repeat(100)]) {
    const a = createRng(seed);
    const b = referenceRng(seed);
    for (let i = 0; i < 20_000; i++) assert.equal(a(), b(), `seed ${String(seed)}, draw ${i}`);
  }
});

test('seededUuid formats the same four draws as a plain hex formatting would', () => {
  const a = createRng(11);
  const b = referenceRng(11);
  for (let i = 0; i < 5_000; i++) assert.equal(seededUuid(a), referenceUuid(b));
});

test('drawAmount draws the same amounts, whichever currencies and bands alternate', () => {
  const bands: AmountBand[] = [
    { name: 'a', weight: 3, min: 1, max: 10 },
    { name: 'zero', weight: 0, min: 10, max: 20 },
    { name: 'b', weight: 1, min: 20, max: 1_000 },
  ];
  const a = createRng(5);
  const b = referenceRng(5);
  const cases: Array<[string, readonly AmountBand[]]> = [['INR', DEFAULT_AMOUNT_BANDS], ['JPY', DEFAULT_AMOUNT_BANDS], ['INR', bands], ['KWD', bands], ['INR', DEFAULT_AMOUNT_BANDS]];
  for (let i = 0; i < 20_000; i++) {
    const [currency, bs] = cases[i % 7 < 4 ? 0 : (i % cases.length)] as [string, readonly AmountBand[]];
    const got = drawAmount(a, bs === DEFAULT_AMOUNT_BANDS ? { currency } : { currency, bands: bs });
    assert.equal(got.amount, referenceAmount(b, currency, bs), `draw ${i} (${currency})`);
    assert.equal(got.currency, currency);
  }
});

test('drawMinorAmount and drawAmount draw what the straightforward form draws, over many seeds and every currency', () => {
  const codes = Object.keys(allCurrencies());
  assert.ok(codes.length > 50);
  for (let seed = 0; seed < 200; seed++) {
    const minor = createRng(seed);
    const full = createRng(seed);
    const ref = referenceRng(seed);
    for (let i = 0; i < 400; i++) {
      // Runs of one currency (the cached case) and switches between currencies, both.
      const currency = codes[(seed * 7 + (i >> 3) * 13 + (i % 5 === 0 ? i : 0)) % codes.length] as string;
      const want = referenceAmount(ref, currency, DEFAULT_AMOUNT_BANDS);
      assert.equal(drawMinorAmount(minor, currency), want, `seed ${seed}, draw ${i} (${currency})`);
      const got = drawAmount(full, { currency });
      assert.equal(got.amount, want, `seed ${seed}, draw ${i} (${currency})`);
      assert.equal(got.currency, currency);
      assert.equal(got.band, bandOf(want, currency));
    }
    // The same number of draws taken: the three streams are still in step.
    const next = ref();
    assert.equal(minor(), next);
    assert.equal(full(), next);
  }
});

test('drawMinorAmount with its own bands draws what the straightforward form draws, and rejects what it rejected', () => {
  const bands: AmountBand[] = [
    { name: 'a', weight: 0, min: 1, max: 2 },
    { name: 'b', weight: 2.5, min: 1, max: 10 },
    { name: 'c', weight: 0, min: 10, max: 20 },
    { name: 'd', weight: 1, min: 20, max: 30 },
  ];
  for (let seed = 0; seed < 50; seed++) {
    const a = createRng(seed);
    const b = referenceRng(seed);
    for (let i = 0; i < 500; i++) {
      const currency = i % 3 === 0 ? 'BHD' : 'USD';
      const bs = i % 2 === 0 ? bands : DEFAULT_AMOUNT_BANDS;
      assert.equal(drawMinorAmount(a, currency, bs), referenceAmount(b, currency, bs), `seed ${seed}, draw ${i}`);
    }
  }
  assert.throws(() => drawMinorAmount(createRng(1), 'INR', [{ name: 'z', weight: 0, min: 1, max: 2 }]), /weights sum to zero/);
  assert.throws(() => drawMinorAmount(createRng(1), 'XYZ'), /unknown ISO 4217/);
});

/** pickRefundable in its plainest form: one draw among a filtered copy of the refundable items. */
function referenceRefundable<T extends { total: number; done: number }>(rng: Rng, items: readonly T[]): T | undefined {
  const open = items.filter((x) => x.done < x.total);
  return open.length === 0 ? undefined : open[Math.floor(rng() * open.length)];
}

test('pickRefundable picks what the counting form picks, with the same draws', () => {
  const gen = createRng('lists');
  for (let seed = 0; seed < 300; seed++) {
    const items = Array.from({ length: Math.floor(gen() * 60) }, () => ({ total: 10, done: gen() < 0.4 ? 10 : Math.floor(gen() * 10) }));
    const a = createRng(seed);
    const b = createRng(seed);
    for (let i = 0; i < 20; i++) assert.equal(pickRefundable(a, items, 'total', 'done'), referenceRefundable(b, items));
    assert.equal(a(), b());
  }
});

test('pickFrom picks what pickOne picks, and nothing from an empty list', () => {
  const items = Array.from({ length: 37 }, (_, i) => i);
  const a = createRng(3);
  const b = createRng(3);
  for (let i = 0; i < 5_000; i++) assert.equal(pickFrom(a, items), pickOne(b, items));
  assert.equal(pickFrom(a, []), undefined);
});
