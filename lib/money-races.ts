// Pure helpers for the money races (scenarios/idempotency.ts, scenarios/double-spend.ts): their
// environment variables, which race and racer each VU is, the amounts that make a partial-refund race
// overshoot by a known margin, response classification and comparison. No k6 imports: unit-tested in Node.
import { EnvReader } from './config.ts';

/** One VU per racer; above this one load generator no longer fires "at the same instant" (as RACE_MAX_VUS). */
export const MONEY_RACE_MAX_VUS = 2000;

export type IdempotencyApi = 'payment' | 'banking';

export interface IdempotencyPlan {
  /** K: keys per API, each raced by `racersPerKey` VUs. */
  keys: number;
  /** M: racers per key (>= 2). */
  racersPerKey: number;
  /** The APIs raced, in group order: groups 0..K-1 are the first API's keys, K..2K-1 the second's. */
  apis: IdempotencyApi[];
  /** K x APIs: one group per key. */
  groups: number;
  vus: number;
}

/** IDEM_KEYS (K, default 5), IDEM_RACERS_PER_KEY (M, default 10), IDEM_APIS (payment,banking; default both). */
export function readIdempotencyPlan(r: EnvReader): IdempotencyPlan {
  const keys = r.number('IDEM_KEYS', 5, { min: 1, max: 1000, integer: true });
  const racersPerKey = r.number('IDEM_RACERS_PER_KEY', 10, { min: 2, max: MONEY_RACE_MAX_VUS, integer: true });
  const text = r.raw('IDEM_APIS') ?? 'payment,banking';
  const apis: IdempotencyApi[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (part !== 'payment' && part !== 'banking') r.problems.push(`IDEM_APIS lists '${part}'; it takes payment, banking or both (comma-separated)`);
    else if (!apis.includes(part)) apis.push(part);
  }
  if (apis.length === 0) {
    r.problems.push(`IDEM_APIS is empty; give payment, banking or payment,banking`);
    apis.push('payment');
  }
  const groups = keys * apis.length;
  const vus = groups * racersPerKey;
  if (vus > MONEY_RACE_MAX_VUS) r.problems.push(`IDEM_KEYS x IDEM_RACERS_PER_KEY x APIs is ${vus} VUs; at most ${MONEY_RACE_MAX_VUS}`);
  return { keys, racersPerKey, apis, groups, vus };
}

/**
 * The race group and the racer's index in it. VUs are interleaved over the groups (as the registration
 * race does), so VU initialisation order does not put one group's racers all first.
 */
export function raceSlot(vuIdInTest: number, groups: number): { group: number; racer: number } {
  return { group: (vuIdInTest - 1) % groups, racer: Math.floor((vuIdInTest - 1) / groups) };
}

// ---------------------------------------------------------------------------------------------
// Double spend

export const DOUBLE_SPEND_RACES = ['full_refund', 'partial_refund', 'capture', 'bank_refund'] as const;
export type DoubleSpendRace = (typeof DOUBLE_SPEND_RACES)[number];

export interface DoubleSpendPlan {
  /** M: racers per race. */
  racers: number;
  /** R: rounds; each round runs every race once, on fresh payments and authorizations. */
  rounds: number;
  races: DoubleSpendRace[];
  vus: number;
  /** Time between the rounds' release instants. */
  roundMs: number;
}

/** DS_RACERS (M, default 10), DS_ROUNDS (R, default 5), DS_RACES (default all four), DS_ROUND_MS (default 600). */
export function readDoubleSpendPlan(r: EnvReader): DoubleSpendPlan {
  const racers = r.number('DS_RACERS', 10, { min: 2, max: MONEY_RACE_MAX_VUS, integer: true });
  const rounds = r.number('DS_ROUNDS', 5, { min: 1, max: 1000, integer: true });
  // Long enough for a round's requests to finish (a racy target holds each ~100 ms) before the next fires.
  const roundMs = r.number('DS_ROUND_MS', 600, { min: 100, max: 60_000, integer: true, what: 'milliseconds' });
  const text = r.raw('DS_RACES');
  const races: DoubleSpendRace[] = [];
  for (const part of (text ?? DOUBLE_SPEND_RACES.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(DOUBLE_SPEND_RACES as readonly string[]).includes(part)) {
      r.problems.push(`DS_RACES lists '${part}'; known races: ${DOUBLE_SPEND_RACES.join(', ')}`);
    } else if (!races.includes(part as DoubleSpendRace)) races.push(part as DoubleSpendRace);
  }
  if (races.length === 0 && text !== undefined) r.problems.push(`DS_RACES is empty; known races: ${DOUBLE_SPEND_RACES.join(', ')}`);
  if (races.length === 0) races.push(...DOUBLE_SPEND_RACES);
  const vus = races.length * racers;
  if (vus > MONEY_RACE_MAX_VUS) r.problems.push(`DS_RACERS x races is ${vus} VUs; at most ${MONEY_RACE_MAX_VUS}`);
  return { racers, rounds, races, vus, roundMs };
}

/**
 * Amounts for the partial races: each of M racers asks for `part`; the amount holds exactly `winners`
 * parts (about half of M), so the racers together ask for more than the amount and exactly `winners`
 * must succeed. Full races use `part * winners` too, so every race object has the same amount.
 */
export function partialPlan(racers: number, part = 250): { amount: number; part: number; winners: number } {
  const winners = Math.max(1, Math.floor(racers / 2));
  return { amount: part * winners, part, winners };
}

/** What each race must end with per round: [succeeded, refused] for M racers. */
export function doubleSpendExpectation(race: DoubleSpendRace, racers: number): { won: number; refused: number } {
  const won = race === 'partial_refund' || race === 'bank_refund' ? partialPlan(racers).winners : 1;
  return { won, refused: racers - won };
}

/** The success status of each race and its documented refusal (status and error code). */
export const RACE_CONTRACT: Record<DoubleSpendRace, { won: number; refused: number; code: string }> = {
  full_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
  partial_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
  capture: { won: 200, refused: 409, code: 'already_captured' },
  bank_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
};

export type MoneyOutcome = 'won' | 'refused' | 'server_error' | 'other';

export function moneyOutcome(status: number, contract: { won: number; refused: number }): MoneyOutcome {
  if (status === contract.won) return 'won';
  if (status === contract.refused) return 'refused';
  if (status >= 500 && status <= 599) return 'server_error';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Comparing answers

/** JSON with object keys sorted recursively: k6's parsed bodies do not keep the body's key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Is an Idempotent-Replayed header value a yes? (`true`, any case; the sandbox and Stripe-like APIs send `true`.) */
export function isReplayHeader(value: string | string[] | undefined | null): boolean {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim().toLowerCase() === 'true';
}
