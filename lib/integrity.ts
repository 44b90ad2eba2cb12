// Pure helpers for the integrity scenarios (registration race, rate limit, data generation, audit):
// their environment variables, run-unique PANs, how a response is classified, what a Retry-After
// header must look like, and the "acknowledged but missing" arithmetic. No k6 imports: unit-tested in Node.
import { EnvReader } from './config.ts';
import { PAN_SERIAL_MODULUS, panFromSerial, type PanHolderType } from './data/pan.ts';
import { parseRateLimit, type RateLimitSpec } from './rate-limit.ts';
import { successStatus } from './endpoints.ts';
import { BANKING_API, BANKING_STATUS } from './services/banking/service.ts';

// ---------------------------------------------------------------------------------------------
// Registration race

export interface RacePlan {
  /** K: distinct PANs raced in this run (each must end with exactly one winner). */
  pans: number;
  /** M: users racing for each PAN. */
  usersPerPan: number;
  /** K * M: one VU per user. */
  vus: number;
}

export const RACE_DEFAULT_USERS = 100;
/** One VU per racing user; above this a single load generator no longer fires "at the same instant". */
export const RACE_MAX_VUS = 2000;

/**
 * RACE_USERS (total racers, default 100), RACE_PANS (K, default 1), RACE_USERS_PER_PAN (M).
 * With RACE_USERS_PER_PAN unset, M = RACE_USERS / K (which must divide evenly).
 */
export function readRacePlan(r: EnvReader): RacePlan {
  const pans = r.number('RACE_PANS', 1, { min: 1, max: 1000, integer: true });
  const perPanRaw = r.raw('RACE_USERS_PER_PAN');
  const usersRaw = r.raw('RACE_USERS');
  let usersPerPan: number;
  if (perPanRaw !== undefined) {
    usersPerPan = r.number('RACE_USERS_PER_PAN', 2, { min: 2, max: RACE_MAX_VUS, integer: true });
    if (usersRaw !== undefined) {
      const total = r.number('RACE_USERS', pans * usersPerPan, { min: 2, max: RACE_MAX_VUS, integer: true });
      if (total !== pans * usersPerPan) {
        r.problems.push(
          `RACE_USERS (${total}) must equal RACE_PANS x RACE_USERS_PER_PAN (${pans} x ${usersPerPan} = ${pans * usersPerPan}); set only one of RACE_USERS and RACE_USERS_PER_PAN`,
        );
      }
    }
  } else {
    const total = r.number('RACE_USERS', RACE_DEFAULT_USERS, { min: 2, max: RACE_MAX_VUS, integer: true });
    if (total % pans !== 0) {
      r.problems.push(`RACE_USERS (${total}) must be a multiple of RACE_PANS (${pans}), or set RACE_USERS_PER_PAN instead`);
    }
    usersPerPan = Math.floor(total / pans);
    if (usersPerPan < 2) r.problems.push(`RACE_USERS (${total}) must give every one of RACE_PANS (${pans}) PANs at least 2 racers`);
  }
  const vus = pans * usersPerPan;
  if (vus > RACE_MAX_VUS) r.problems.push(`RACE_PANS x RACE_USERS_PER_PAN is ${vus} VUs; at most ${RACE_MAX_VUS}`);
  return { pans, usersPerPan, vus };
}

/** The PAN a VU races for: VUs are interleaved over the K PANs so every group fires in the same instant. */
export function raceGroup(vuIdInTest: number, plan: Pick<RacePlan, 'pans'>): number {
  return (vuIdInTest - 1) % plan.pans;
}

export type RaceOutcome = 'created' | 'conflict' | 'server_error' | 'other';

/** The two answers the contract allows a racing registration: the winner's and the PAN-taken refusal. */
export const REGISTERED = successStatus(BANKING_API.registerUser);
export const PAN_TAKEN = BANKING_STATUS.panTaken;
export const RACE_ANSWERS: readonly number[] = [REGISTERED, PAN_TAKEN];

/** created (REGISTERED), conflict (PAN_TAKEN), 5xx server error, anything else (incl. 0 = no answer) other. */
export function raceOutcome(status: number): RaceOutcome {
  if (status === REGISTERED) return 'created';
  if (status === PAN_TAKEN) return 'conflict';
  if (status >= 500 && status <= 599) return 'server_error';
  return 'other';
}

/** What the race must end with: exactly K created, the rest conflicts, nothing else. */
export function raceExpectation(plan: RacePlan): Record<RaceOutcome, number> {
  return { created: plan.pans, conflict: plan.vus - plan.pans, server_error: 0, other: 0 };
}

// ---------------------------------------------------------------------------------------------
// Run-unique PANs

/**
 * A run's PAN series: the serial base comes from the wall clock in milliseconds (runs started at
 * different milliseconds get disjoint serials as long as each uses fewer PANs than the milliseconds
 * between their starts, and the clock only repeats after ~2 days), and the surname initial (the 5th
 * character) is drawn at random, so two runs started in the same millisecond still differ 25 times in 26.
 */
export interface PanSeries {
  base: number;
  initial: string;
  /**
   * The 4th character. Scenarios use different holder types (the race P, the audit load C) so their
   * PAN spaces never overlap whatever their clocks.
   */
  holderType: PanHolderType;
}

export function runPanSeries(nowMs: number, random: number, holderType: PanHolderType = 'P'): PanSeries {
  const base = Math.floor(nowMs) % PAN_SERIAL_MODULUS;
  const initial = String.fromCharCode(65 + (Math.floor(random * 26) % 26));
  return { base, initial, holderType };
}

/** The run's i-th PAN (valid format AAAAA9999A with our check letter) and a holder name matching its initial. */
export function runPan(series: PanSeries, i: number): { pan: string; name: string } {
  const serial = (series.base + i) % PAN_SERIAL_MODULUS;
  return { pan: panFromSerial(serial, series.initial, series.holderType), name: `Test ${series.initial}. Holder ${i}` };
}

// ---------------------------------------------------------------------------------------------
// Rate limit

export const RATE_LIMIT_MAX_BURST = 10_000;
export const RATE_LIMIT_MAX_WINDOW_MS = 10 * 60_000;

/** RATE_LIMIT is required: the scenario checks a documented limit, it does not guess one. */
export function readRateLimit(r: EnvReader, name = 'RATE_LIMIT'): RateLimitSpec {
  const fallback: RateLimitSpec = { limit: 1, windowMs: 1000, text: '1/1s' };
  const v = r.raw(name);
  if (v === undefined) {
    r.problems.push(`${name} is not set; give the target's documented limit as '<requests>/<window>', e.g. ${name}=20/1s (the sandbox's SANDBOX_RATE_LIMIT)`);
    return fallback;
  }
  const spec = parseRateLimit(v);
  if (!spec) {
    r.problems.push(`${name} must look like '<requests>/<window>' such as '20/1s', '100/s' or '6000/1m'; got '${v}'`);
    return fallback;
  }
  if (spec.limit > RATE_LIMIT_MAX_BURST) r.problems.push(`${name} allows ${spec.limit} requests per window; this scenario bursts at most ${RATE_LIMIT_MAX_BURST}`);
  if (spec.windowMs > RATE_LIMIT_MAX_WINDOW_MS) r.problems.push(`${name} has a window over 10m ('${v}'); the run would wait that long to see recovery`);
  return spec;
}

/** Default excess over the limit: half the limit, at least 5, at most 500. */
export function defaultExcess(limit: number): number {
  return Math.min(500, Math.max(5, Math.ceil(limit / 2)));
}

// ---------------------------------------------------------------------------------------------
// Data generation

/** Concurrent triggers may be served (2xx) or turned away politely (409 busy, 429 throttled, 503 unavailable). */
export function generationStatusAcceptable(status: number): boolean {
  return (status >= 200 && status <= 299) || status === 409 || status === 429 || status === 503;
}

export const GEN_ACCEPTABLE_STATUSES: readonly number[] = [
  ...Array.from({ length: 100 }, (_, i) => 200 + i),
  409,
  429,
  503,
];

export interface NdjsonSummary {
  records: number;
  bytes: number;
  /** First and last records parse as JSON objects with a numeric `seq` (1 and `records`). */
  framingOk: boolean;
}

/** Counts NDJSON records without parsing every line; parses the first and last to check the framing. */
export function summarizeNdjson(body: string): NdjsonSummary {
  let records = 0;
  let start = 0;
  let lastStart = 0;
  let lastEnd = 0;
  while (start < body.length) {
    let nl = body.indexOf('\n', start);
    if (nl === -1) nl = body.length;
    if (nl > start) {
      records++;
      lastStart = start;
      lastEnd = nl;
    }
    start = nl + 1;
  }
  const seqOf = (line: string): number | null => {
    try {
      const o = JSON.parse(line) as { seq?: unknown } | null;
      return o !== null && typeof o === 'object' && typeof o.seq === 'number' ? o.seq : null;
    } catch {
      return null;
    }
  };
  let framingOk = records > 0;
  if (framingOk) {
    const firstNl = body.indexOf('\n');
    const first = seqOf(body.slice(0, firstNl === -1 ? body.length : firstNl));
    const last = seqOf(body.slice(lastStart, lastEnd));
    framingOk = first === 1 && last === records;
  }
  return { records, bytes: body.length, framingOk };
}

// ---------------------------------------------------------------------------------------------
// Audit: acknowledged versus stored

/** The state changes the audit scenario acknowledges, and the stats field that counts each. */
export const AUDITED = {
  payments: { stat: 'payments', counter: 'missing_payments' },
  refunds: { stat: 'refunds', counter: 'missing_refunds' },
  users: { stat: 'users', counter: 'missing_users' },
} as const;

export type AuditedType = keyof typeof AUDITED;

/** after[field] - before[field], or null when either side lacks the field. */
export function statDelta(before: Record<string, unknown> | null, after: Record<string, unknown> | null, field: string): number | null {
  const b = before?.[field];
  const a = after?.[field];
  return typeof a === 'number' && typeof b === 'number' ? a - b : null;
}

/**
 * The audit scenario counts "missing" in one k6 Counter per type: +1 for every change the target
 * acknowledged during the load, then teardown adds this adjustment, -(stored delta). The final count is
 * acknowledged - stored: > 0 means acknowledged changes the target does not hold (lost); < 0 that it holds
 * more than this run acknowledged (other traffic). An unknown delta adds nothing, so every acknowledged
 * change stays counted as missing: fail closed.
 */
export function storedAdjustment(delta: number | null): number {
  return delta === null ? 0 : -delta;
}

// ---------------------------------------------------------------------------------------------
// Reconciliation: money acknowledged per currency versus the target's own sums

/** The money the audit load acknowledges, and the `by_currency` field of /api/v1/stats that sums it. */
export const RECONCILED = {
  payments: 'payment_amount',
  refunds: 'refunded_amount',
  captures: 'captured_amount',
  banking_refunds: 'banking_refunded_amount',
} as const;

export type ReconciledKind = keyof typeof RECONCILED;

export type ByCurrency = Record<string, Record<string, number>>;

/**
 * Per currency, after[field] - before[field] for every currency either side lists (absent counts as 0),
 * or null when either snapshot is missing (the caller then fails closed).
 */
export function currencyDeltas(before: ByCurrency | null | undefined, after: ByCurrency | null | undefined, field: string): Record<string, number> | null {
  if (!before || !after) return null;
  const out: Record<string, number> = {};
  for (const c of new Set([...Object.keys(before), ...Object.keys(after)])) {
    out[c] = (after[c]?.[field] ?? 0) - (before[c]?.[field] ?? 0);
  }
  return out;
}

/** RECON_CURRENCIES: comma-separated ISO 4217 codes; an invalid entry is a problem naming the variable. */
export function readCurrencies(r: EnvReader, name = 'RECON_CURRENCIES'): string[] | null {
  const v = r.raw(name);
  if (v === undefined) return null;
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = list.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0 || list.length === 0) r.problems.push(`${name} must list currency codes like EUR,USD; got '${v}'`);
  return [...new Set(list)];
}
