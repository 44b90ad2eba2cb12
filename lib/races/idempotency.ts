// The idempotency race (scenarios/idempotency.ts): K keys per API, M racers sending the same request with
// the same Idempotency-Key at once; its environment variables, and how the racers' answers are compared
// (one JSON value, canonically; the replay header). Pure, unit-tested in Node.
import type { EnvReader } from '../config.ts';
import { RACE_MAX_VUS } from './slots.ts';

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
  const racersPerKey = r.number('IDEM_RACERS_PER_KEY', 10, { min: 2, max: RACE_MAX_VUS, integer: true });
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
  if (vus > RACE_MAX_VUS) r.problems.push(`IDEM_KEYS x IDEM_RACERS_PER_KEY x APIs is ${vus} VUs; at most ${RACE_MAX_VUS}`);
  return { keys, racersPerKey, apis, groups, vus };
}

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
