// Transaction amounts drawn from weighted bands, as integers in minor units.
// Default bands (major units, sized for INR): 60% small 100-5,000; 30% medium 5,000-50,000;
// 9% large 50,000-500,000; 1% very large 500,000-5,000,000. Within a band the amount is
// log-uniform (small amounts within a band are more common than large ones, as in real
// traffic), then rounded to whole minor units and clamped to the band.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

import { weightedPicker, type Rng } from '../random.ts';
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

interface CompiledBand {
  readonly weight: number;
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly logLo: number;
  readonly logSpan: number;
}

// Bands compiled per (bands, minor-unit exponent) on first use: drawAmount runs once per payment in
// k6's hot path, where validating weights and taking logarithms on every call was a measurable cost.
const compiled = new WeakMap<readonly AmountBand[], Map<number, (rng: Rng) => CompiledBand>>();

function bandPicker(bands: readonly AmountBand[], exponent: number): (rng: Rng) => CompiledBand {
  let byExponent = compiled.get(bands);
  if (!byExponent) compiled.set(bands, (byExponent = new Map()));
  let pick = byExponent.get(exponent);
  if (!pick) {
    const f = 10 ** exponent;
    pick = weightedPicker(
      bands.map((b) => {
        const lo = Math.ceil(b.min * f);
        const hi = Math.ceil(b.max * f) - 1; // max is exclusive
        return { weight: b.weight, name: b.name, lo, hi, logLo: Math.log(lo), logSpan: Math.log(hi) - Math.log(lo) };
      }),
    );
    byExponent.set(exponent, pick);
  }
  return pick;
}

// The last (bands, currency) drawn for and its picker: a VU draws for the same bands and, mostly, the
// same few currencies, so the common call skips the two map lookups and the currency table.
let lastBands: readonly AmountBand[] | null = null;
let lastCurrency = '';
let lastPick: ((rng: Rng) => CompiledBand) | null = null;
const { exp, round } = Math;

/** Draws a band by weight, then an amount within it, in minor units of `currency` (default INR). */
export function drawAmount(rng: Rng, options: DrawAmountOptions = {}): Amount {
  const currency = options.currency ?? 'INR';
  const bands = options.bands ?? DEFAULT_AMOUNT_BANDS;
  let pick = lastPick;
  if (bands !== lastBands || currency !== lastCurrency || pick === null) {
    pick = bandPicker(bands, minorUnitExponent(currency));
    lastBands = bands;
    lastCurrency = currency;
    lastPick = pick;
  }
  const band = pick(rng);
  const x = round(exp(band.logLo + rng() * band.logSpan));
  // Clamped to the band with comparisons: the same result as Math.min/Math.max, two native calls fewer.
  return { amount: x < band.lo ? band.lo : x > band.hi ? band.hi : x, currency, band: band.name };
}

/** Name of the band a minor-unit amount falls in, or undefined when outside every band. */
export function bandOf(amount: number, currency = 'INR', bands: readonly AmountBand[] = DEFAULT_AMOUNT_BANDS): string | undefined {
  const f = 10 ** minorUnitExponent(currency);
  for (const b of bands) {
    if (amount >= Math.ceil(b.min * f) && amount < Math.ceil(b.max * f)) return b.name;
  }
  return undefined;
}
