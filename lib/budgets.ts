// Turns a scenario's budget (data in thresholds/<scenario>.ts) and a resolved profile into k6 thresholds.
// Pure, so the exact thresholds a run will carry are unit-tested in Node.

import { EnvReader, type Env } from './config.ts';
import type { ProfileName, ResolvedProfile } from './profiles.ts';

export interface EndpointBudget {
  /** milliseconds */
  p95: number;
  /** milliseconds */
  p99: number;
  /**
   * Max share of this endpoint's requests that fail (http_req_failed{name:…}, which honours the call's
   * expected statuses, so a failure is an answer outside the contract or no answer). Judged per endpoint
   * because a run-wide rate dilutes a broken endpoint by the others' traffic.
   */
  errorRate: number;
  /**
   * A run that sends this endpoint no request still passes (it is reported `no data`). Without it, an
   * endpoint with a budget and no traffic fails the gate: a misnamed budget or a task that never ran
   * judges nothing, and must not pass as if it had.
   */
  optional?: boolean;
}

export interface Budget {
  /** Latency and errors per endpoint `name` tag. */
  endpoints: Record<string, EndpointBudget>;
  /** Max share of failed requests over the whole run (k6's http_req_failed). */
  errorRate: number;
  /** When set, replaces every endpoint's own error rate (past the peak, errors anywhere are expected). */
  endpointErrorRate?: number;
  /** Min share of passing checks. */
  checksRate: number;
  /** An error rate this high means the target is broken: abort instead of hammering it. */
  abortErrorRate: number;
  /** Open-model profiles: achieved iterations/s must reach this share of the profile's mean arrival rate. */
  throughputShare: number;
  /** Open-model profiles: at most this share of the scheduled iterations may be dropped. */
  droppedShare: number;
}

export interface ScenarioBudget extends Budget {
  /** Per-profile changes to the defaults above (e.g. a stress run may tolerate more errors). */
  profiles?: Partial<Record<ProfileName, Partial<Budget>>>;
}

export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };
export type Thresholds = Record<string, ThresholdSpec[]>;

/** k6 threshold key for a metric restricted to one endpoint's name tag. */
export function endpointMetric(metric: string, name: string): string {
  return `${metric}{name:${name}}`;
}

/**
 * Builds the thresholds. Environment overrides (one knob each, applied to every endpoint):
 * P95_MS, P99_MS, MAX_ERROR_RATE (run-wide), MAX_ENDPOINT_ERROR_RATE (each endpoint), MIN_CHECKS_RATE,
 * MIN_RPS (a fixed http_reqs floor), OPTIONAL_ENDPOINTS (endpoint names, comma-separated, or `*`: their
 * budgets pass without data, for runs too short to reach every endpoint).
 */
export function buildThresholds(budget: ScenarioBudget, profile: ResolvedProfile, env: Env = {}): Thresholds {
  const b: Budget = { ...budget, ...(budget.profiles?.[profile.name] ?? {}) };
  const r = new EnvReader(env);
  const p95 = r.number('P95_MS', NaN, { min: 1, what: 'milliseconds' });
  const p99 = r.number('P99_MS', NaN, { min: 1, what: 'milliseconds' });
  const errorRate = r.rate('MAX_ERROR_RATE', b.errorRate);
  const endpointErrorRate = r.rate('MAX_ENDPOINT_ERROR_RATE', NaN);
  const checksRate = r.rate('MIN_CHECKS_RATE', b.checksRate);
  const minRps = r.number('MIN_RPS', NaN, { min: 0, what: 'requests per second' });
  const optionalNames = (r.raw('OPTIONAL_ENDPOINTS') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const allOptional = optionalNames.includes('*');
  for (const n of optionalNames) {
    if (n !== '*' && !(n in b.endpoints)) r.problems.push(`OPTIONAL_ENDPOINTS names '${n}', which has no budget here (known: ${Object.keys(b.endpoints).join(', ')})`);
  }
  r.done();

  const abort = (threshold: string): ThresholdSpec =>
    profile.abortOnAnyBreach ? { threshold, abortOnFail: true, delayAbortEval: '10s' } : threshold;

  const t: Thresholds = {
    http_req_failed: [
      abort(`rate<${errorRate}`),
      // Catastrophic: stop within seconds rather than send a broken target the whole profile.
      { threshold: `rate<${b.abortErrorRate}`, abortOnFail: true, delayAbortEval: '5s' },
    ],
    checks: [abort(`rate>=${checksRate}`)],
  };
  for (const [name, e] of Object.entries(b.endpoints)) {
    t[endpointMetric('http_req_duration', name)] = [
      abort(`p(95)<${Number.isNaN(p95) ? e.p95 : p95}`),
      abort(`p(99)<${Number.isNaN(p99) ? e.p99 : p99}`),
    ];
    // `<=` so that a budget of 0 reads as "no failure at all"
    const maxFailed = Number.isNaN(endpointErrorRate) ? (b.endpointErrorRate ?? e.errorRate) : endpointErrorRate;
    t[endpointMetric('http_req_failed', name)] = [abort(`rate<=${maxFailed}`)];
    // k6 passes a threshold whose sub-metric has no sample; this one is the gate's "no data".
    if (!e.optional && !allOptional && !optionalNames.includes(name)) t[endpointMetric('http_reqs', name)] = [REQUIRED_DATA];
  }
  if (!Number.isNaN(minRps)) t.http_reqs = [`rate>=${minRps}`];
  if (profile.model === 'open') {
    t.iterations = [`rate>=${round(profile.meanRate * b.throughputShare)}`];
    t.dropped_iterations = [abort(`count<=${Math.floor(profile.expectedIterations * b.droppedShare)}`)];
  }
  return t;
}

/** The threshold that makes a budgeted endpoint with no request fail the gate. */
export const REQUIRED_DATA = 'count>0';

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Merges threshold maps; specs for the same metric are concatenated. */
export function mergeThresholds(...maps: Thresholds[]): Thresholds {
  const out: Thresholds = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = [...(out[k] ?? []), ...v];
  return out;
}
