// Transaction amounts drawn from weighted bands, as integers in minor units.
// Default bands (major units, sized for INR): 60% small 100-5,000; 30% medium 5,000-50,000;
// 9% large 50,000-500,000; 1% very large 500,000-5,000,000. Within a band the amount is
// log-uniform (small amounts within a band are more common than large ones, as in real
// traffic), then rounded to whole minor units and clamped to the band.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

import { totalWeight, weightIndex, type Rng } from '../random.ts';
import { minorUnitExponent } from './currencies.ts';

export interface AmountBand {
  readonly name: string;
  /** Relative frequency; weights need not sum to 100. */
  readonly weight: number;
  /** Inclusive lower bound, major units. */
  readonly min: number;
  /** Exclusive upper bound, major units. */
  readonly max: number;
}

export const DEFAULT_AMOUNT_BANDS: readonly AmountBand[] = Object.freeze([
  { name: 'small', weight: 60, min: 100, max: 5_000 },
  { name: 'medium', weight: 30, min: 5_000, max: 50_000 },
  { name: 'large', weight: 9, min: 50_000, max: 500_000 },
  { name: 'very_large', weight: 1, min: 500_000, max: 5_000_000 },
]);

export interface Amount {
  /** Integer, minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
  readonly band: string;
}

/** Throws unless bands are non-empty, named uniquely, weighted >= 0 (some > 0), with 0 < min < max. */
export function checkAmountBands(bands: readonly AmountBand[]): void {
  if (bands.length === 0) throw new Error('amount bands: none given');
  const names = new Set<string>();
  let total = 0;
  for (const b of bands) {
    if (!b.name || names.has(b.name)) throw new Error(`amount bands: duplicate or empty name "${b.name}"`);
    names.add(b.name);
    if (!(b.weight >= 0) || !Number.isFinite(b.weight)) throw new Error(`amount bands: ${b.name}: weight must be >= 0`);
    if (!(b.min > 0) || !(b.max > b.min) || !Number.isFinite(b.max)) {
      throw new Error(`amount bands: ${b.name}: need 0 < min < max, got ${b.min}-${b.max}`);
    }
    total += b.weight;
  }
  if (total <= 0) throw new Error('amount bands: weights sum to zero');
}

/**
 * Parses `name:weight:min-max,...`, e.g. `small:60:100-5000,medium:30:5000-50000`.
 * Throws with a readable message on bad input.
 */
export function parseAmountBands(spec: string): AmountBand[] {
  const bands = spec.split(',').map((part) => {
    const m = /^\s*([a-z_][a-z0-9_]*):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (!m) throw new Error(`amount bands: expected name:weight:min-max, got "${part}"`);
    return { name: m[1] as string, weight: Number(m[2]), min: Number(m[3]), max: Number(m[4]) };
  });
  checkAmountBands(bands);
  return bands;
}

export interface DrawAmountOptions {
  currency?: string;
  bands?: readonly AmountBand[];
}

// Bands compiled per (bands, minor-unit exponent) on first use, into parallel arrays of the bands with
// weight > 0 (in order): the amount is drawn once per payment in k6's hot path, where validating weights
// and taking logarithms on every call was a measurable cost, and where an index into an array is cheaper
// than a named field of an object.
interface CompiledBands {
  readonly total: number;
  readonly weights: readonly number[];
  readonly names: readonly string[];
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly logLo: readonly number[];
  readonly logSpan: readonly number[];
}

const compiled = new WeakMap<readonly AmountBand[], Map<number, CompiledBands>>();

function compile(bands: readonly AmountBand[], exponent: number): CompiledBands {
  let byExponent = compiled.get(bands);
  if (!byExponent) compiled.set(bands, (byExponent = new Map()));
  let c = byExponent.get(exponent);
  if (!c) {
    const total = totalWeight(bands); // the weighted draw's own validation, with its errors
    const f = 10 ** exponent;
    const live = bands.filter((b) => b.weight > 0);
    const lo = live.map((b) => Math.ceil(b.min * f));
    const hi = live.map((b) => Math.ceil(b.max * f) - 1); // max is exclusive
    c = {
      total,
      weights: live.map((b) => b.weight),
      names: live.map((b) => b.name),
      lo,
      hi,
      logLo: lo.map((x) => Math.log(x)),
      logSpan: lo.map((x, i) => Math.log(hi[i] as number) - Math.log(x)),
    };
    byExponent.set(exponent, c);
  }
  return c;
}

// The last (bands, currency) drawn for and its compiled bands, unpacked: a VU draws for the same bands
// and, mostly, the same few currencies, so the common call skips the two map lookups, the currency table
// and every field read of the compiled object.
let lastBands: readonly AmountBand[] | null = null;
let lastCurrency = '';
let total = 0;
let weights: readonly number[] = [];
let names: readonly string[] = [];
let los: readonly number[] = [];
let his: readonly number[] = [];
let logLos: readonly number[] = [];
let logSpans: readonly number[] = [];
/** Index (into `names`) of the band of the last draw. */
let lastBand = 0;
const { exp, round } = Math;

function use(bands: readonly AmountBand[], currency: string): void {
  const c = compile(bands, minorUnitExponent(currency));
  lastBands = bands;
  lastCurrency = currency;
  ({ total, weights, names, lo: los, hi: his, logLo: logLos, logSpan: logSpans } = c);
}

/**
 * Draws a band by weight, then an amount within it: an integer in minor units of `currency`. The same
 * two draws and the same result as drawAmount, without its option and result objects: this is the form
 * the users' hot paths call, once per payment or authorization.
 */
export function drawMinorAmount(rng: Rng, currency: string, bands: readonly AmountBand[] = DEFAULT_AMOUNT_BANDS): number {
  if (currency !== lastCurrency || bands !== lastBands) use(bands, currency);
  const i = (lastBand = weightIndex(weights, rng() * total));
  const lo = los[i] as number;
  const hi = his[i] as number;
  const x = round(exp((logLos[i] as number) + rng() * (logSpans[i] as number)));
  // Clamped to the band with comparisons: the same result as Math.min/Math.max, two native calls fewer.
  return x < lo ? lo : x > hi ? hi : x;
}

/** Draws a band by weight, then an amount within it, in minor units of `currency` (default INR). */
export function drawAmount(rng: Rng, options: DrawAmountOptions = {}): Amount {
  const currency = options.currency ?? 'INR';
  const amount = drawMinorAmount(rng, currency, options.bands ?? DEFAULT_AMOUNT_BANDS);
  return { amount, currency, band: names[lastBand] as string };
}

/** Name of the band a minor-unit amount falls in, or undefined when outside every band. */
export function bandOf(amount: number, currency = 'INR', bands: readonly AmountBand[] = DEFAULT_AMOUNT_BANDS): string | undefined {
  const f = 10 ** minorUnitExponent(currency);
  for (const b of bands) {
    if (amount >= Math.ceil(b.min * f) && amount < Math.ceil(b.max * f)) return b.name;
  }
  return undefined;
}
