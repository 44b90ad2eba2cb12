// The one rule that turns what was observed for a threshold into a result, for a run judged from k6's
// summary (from-summary.ts) or from Prometheus (from-prometheus.ts): a value that holds or not, a range
// that decides only when both ends agree, and "no data", which fails unless the endpoint is optional.
// Either path's errors (setup() missing, a runner or its data missing) make the verdict `error`, never
// a pass. Pure, tested in Node.
import type { ThresholdResult, Verdict } from './report-data.ts';
import { holds, type Threshold } from './thresholds.ts';

/** What was read for one threshold: an exact value, the two ends of a range, or nothing. */
export type Observation = { value: number } | { min: number; max: number } | { missing: string };

export interface Judged {
  result: ThresholdResult;
  /** Set when the data cannot decide the threshold: the run's verdict becomes `error`. */
  undecided?: string;
}

export function judge(t: Threshold, o: Observation): Judged {
  const base = { metric: t.key, expression: t.expression, stat: t.stat };
  if ('missing' in o) {
    return { result: { ...base, ok: false, observed: null }, undecided: `${t.key}: ${t.expression}: ${o.missing}` };
  }
  if ('value' in o) return { result: { ...base, ok: holds(o.value, t.op, t.bound), observed: o.value } };
  const lo = holds(o.min, t.op, t.bound);
  const hi = holds(o.max, t.op, t.bound);
  if (lo === hi) return { result: { ...base, ok: lo, observed: lo ? o.min : o.max } };
  return {
    result: { ...base, ok: false, observed: null },
    undecided: `${t.key}: ${t.expression}: the runners' values range ${o.min}..${o.max} and Prometheus holds no per-series counts to merge them`,
  };
}

/**
 * A counter's threshold (count, or rate per second) from the processes' exact counts; null when they do
 * not decide it (no counts, another statistic, a metric no process counted). They come before
 * Prometheus: k6's remote-write output can leave a series' last increment unsent (docs/distributed.md,
 * "Exact counts"). A sub-metric of a counted metric that no process saw is 0, as k6 judges it.
 */
export function exactCounter(t: Threshold, counts: Readonly<Record<string, number>> | undefined, durationSeconds: number): Observation | null {
  if (!counts || (t.stat !== 'count' && t.stat !== 'rate')) return null;
  const n = counts[t.key] ?? (Object.keys(t.tags).length > 0 && t.metric in counts ? 0 : undefined);
  if (n === undefined) return null;
  return { value: t.stat === 'rate' ? (durationSeconds > 0 ? n / durationSeconds : 0) : n };
}

/**
 * A threshold on an endpoint's sub-metric (`…{name:X}`) that has no sample: the endpoint got no request.
 * That is "no data", as in a single run's report (from-summary.ts): failed when the endpoint's budget
 * requires data (the thresholds hold `http_reqs{name:X}` count>0), passed when it is optional. Null for
 * any other threshold: what is missing there stays undecided.
 */
export function judgeNoData(t: Threshold, all: ReadonlyArray<Threshold>): Judged | null {
  const keys = Object.keys(t.tags);
  const name = keys.length === 1 && keys[0] === 'name' ? t.tags.name : undefined;
  if (name === undefined) return null;
  const required = all.some((x) => x.metric === 'http_reqs' && x.tags.name === name && Object.keys(x.tags).length === 1);
  return { result: { metric: t.key, expression: t.expression, ok: !required, stat: t.stat, observed: null, noData: true } };
}

/** Every threshold unjudged: a run with no data to read reports them failed (its errors say why). */
export function unjudged(thresholds: ReadonlyArray<Threshold>): Judged[] {
  return thresholds.map((t) => ({ result: { metric: t.key, expression: t.expression, ok: false, stat: t.stat, observed: null } }));
}

/** Errors first: a run that could not be judged is never a pass, whatever its thresholds say. */
export function verdictOf(errors: ReadonlyArray<string>, failedThresholds: ReadonlyArray<string>): Verdict {
  return errors.length > 0 ? 'error' : failedThresholds.length > 0 ? 'fail' : 'pass';
}
