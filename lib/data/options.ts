// The dataset generator's options: their defaults, allowed ranges and the rules that tie them
// together, written once. The model enforces them (model.ts, for any caller) and `npm run data`
// turns them into flag errors before anything touches the disk (cli/data/args.ts); each says it
// in its own words, but neither restates a rule.
// Runtime-neutral (no k6/*, no Node built-ins): the built-in dataset is generated inside k6.

import { DEFAULT_AMOUNT_BANDS, type AmountBand } from './amounts.ts';
import type { ArrivalPattern } from './types.ts';

export interface ModelOptions {
  seed: number;
  customers: number;
  merchants: number;
  transactions: number;
  /** Domestic consortium banks (default 12). */
  domesticBanks?: number;
  /** Foreign banks, spread over FOREIGN_COUNTRIES (default 10). */
  foreignBanks?: number;
  /** Share of customers who also hold a travel account at a foreign bank (default 0.2). */
  travelAccountShare?: number;
  /** Share of transactions that are travel deposits (default 0.2, i.e. 80/20 domestic/travel). */
  travelRatio?: number;
  amountBands?: readonly AmountBand[];
  /** Transaction arrival pattern (default random). */
  pattern?: ArrivalPattern;
  /** Mean arrival rate of transactions per second (default 50). */
  tps?: number;
  /** YYYY-MM-DD: reference date for ages, card expiry and transaction times. */
  asOf: string;
}

type OptionalKey = { [K in keyof ModelOptions]-?: undefined extends ModelOptions[K] ? K : never }[keyof ModelOptions];

export const OPTION_DEFAULTS: Readonly<Required<Pick<ModelOptions, OptionalKey>>> = Object.freeze({
  domesticBanks: 12,
  foreignBanks: 10,
  travelAccountShare: 0.2,
  travelRatio: 0.2,
  amountBands: DEFAULT_AMOUNT_BANDS,
  pattern: 'random',
  tps: 50,
});

export const ARRIVAL_PATTERNS: readonly ArrivalPattern[] = Object.freeze(['random', 'burst', 'steady']);

export function isArrivalPattern(p: string): p is ArrivalPattern {
  return (ARRIVAL_PATTERNS as readonly string[]).includes(p);
}

/**
 * Inclusive integer ranges of the counting options. The customer limit stays below
 * PAN_SERIAL_MODULUS (175,760,000 distinct PANs), so every customer's PAN is unique; the
 * transaction limit keeps a run within hours, not days.
 */
export const COUNT_RANGES = Object.freeze({
  customers: [0, 100_000_000],
  merchants: [0, 10_000_000],
  transactions: [0, 1_000_000_000],
  domesticBanks: [1, 9999],
  foreignBanks: [0, 9999],
  seed: [0, Number.MAX_SAFE_INTEGER],
} as const satisfies Record<string, readonly [number, number]>);

export type CountOption = keyof typeof COUNT_RANGES;

/** A share of a whole (travelRatio, travelAccountShare): 0 to 1 inclusive; NaN is not one. */
export function isShare(x: number): boolean {
  return x >= 0 && x <= 1;
}

/** An arrival rate (tps): finite and above zero. */
export function isRate(x: number): boolean {
  return x > 0 && Number.isFinite(x);
}

/** Rules between options, each valid on its own. */
export type OptionConflict = 'transactions-need-two-customers' | 'travel-needs-travel-accounts';

/** The first rule the options break, or null. Transactions pick two different customers, and travel ones a travel account. */
export function optionConflict(o: Pick<Required<ModelOptions>, 'customers' | 'transactions' | 'travelRatio' | 'foreignBanks' | 'travelAccountShare'>): OptionConflict | null {
  if (o.transactions === 0) return null;
  if (o.customers < 2) return 'transactions-need-two-customers';
  if (o.travelRatio > 0 && (o.foreignBanks === 0 || o.travelAccountShare === 0)) return 'travel-needs-travel-accounts';
  return null;
}

/** Milliseconds since the epoch of an as-of date (UTC midnight); throws unless a real YYYY-MM-DD date. */
export function parseAsOf(asOf: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`as-of must be YYYY-MM-DD, got "${asOf}"`);
  const ms = Date.parse(`${asOf}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== asOf) throw new Error(`as-of is not a date: "${asOf}"`);
  return ms;
}

/** 1 January of the current UTC year: the default as-of date (changes once a year). */
export function defaultAsOf(now: number = Date.now()): string {
  return `${new Date(now).getUTCFullYear()}-01-01`;
}
