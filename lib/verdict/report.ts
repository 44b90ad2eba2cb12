// One report for a distributed run, in the schema of a single run (lib/summary.ts `Report`,
// docs/reports.md) plus the runners. Thresholds are judged over the merged data; counts that k6 keeps
// exactly (requests, checks, iterations, business counters, the task mix) are the sums of every k6
// process's own end-of-test summary. Pure, tested in Node.
import type { CheckResult, EndpointResult, Report, ThresholdResult } from '../summary.ts';
import { taskMix, type TaskMixRow } from '../tasks.ts';
import { holds, type Threshold } from './thresholds.ts';

export interface RunnerRow {
  runner: string;
  /** `0:1/3`; the coordinator process that ran setup() and teardown() has `setup/teardown`. */
  segment: string;
  requests: number | null;
  exit: number | null;
}

export type Verdict = 'pass' | 'fail' | 'error';

export interface DistributedReport extends Omit<Report, 'verdict'> {
  verdict: Verdict;
  distributed: { testId: string; runners: number; startSkewMs: number | null; prometheus: string; abortedBy?: string };
  runners: RunnerRow[];
  /** Why the verdict is `error`, naming the runner or the threshold. */
  error?: string;
}

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
 * Every process's own counter totals summed, by k6's key. Undefined unless every process gave its
 * counts: a sum over part of the processes would judge part of the run.
 */
export function sumCounts(perProcess: ReadonlyArray<Readonly<Record<string, number>> | undefined>): Record<string, number> | undefined {
  if (perProcess.length === 0 || perProcess.some((c) => c === undefined)) return undefined;
  const sum: Record<string, number> = {};
  for (const c of perProcess) for (const [k, v] of Object.entries(c!)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
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
 * That is "no data", as in a single run's report (lib/summary.ts): failed when the endpoint's budget
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

/** Latency of a run with nothing merged. */
export function noLatency(): Report['latencyMs'] {
  return { avg: null, p95: null, p99: null, max: null };
}

/** The start skew as reported: tenths of a millisecond. */
export function reportedSkew(skewMs: number | null): number | null {
  return skewMs === null ? null : Math.round(skewMs * 10) / 10;
}

/** Sums the exact end-of-test figures of every k6 process (runners and the setup/teardown process). */
export function mergeSummaries(summaries: ReadonlyArray<Report>, durationSeconds: number) {
  const sum = (f: (r: Report) => number) => summaries.reduce((s, r) => s + f(r), 0);
  const requests = sum((r) => r.requests.count);
  // The failed share is weighted by each process's requests: a mean of rates would overweight a small runner.
  const failed = sum((r) => (r.requests.failedRate ?? 0) * r.requests.count);
  const passes = sum((r) => r.checks.passes);
  const fails = sum((r) => r.checks.fails);
  const iterations = sum((r) => r.iterations.count);
  const counters: Record<string, number> = {};
  for (const r of summaries) for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
  const perSecond = (n: number) => (durationSeconds > 0 ? Math.round((n / durationSeconds) * 100) / 100 : 0);
  return {
    requests: { count: requests, ratePerSecond: perSecond(requests), failedRate: requests > 0 ? Math.round((failed / requests) * 1e6) / 1e6 : null },
    checks: { passes, fails, rate: passes + fails > 0 ? passes / (passes + fails) : null },
    iterations: { count: iterations, ratePerSecond: perSecond(iterations), dropped: sum((r) => r.iterations.dropped) },
    counters,
    taskMix: mergeTaskMix(summaries.map((r) => r.taskMix)),
  };
}

/**
 * Every endpoint's exact requests and failures summed over the processes; its percentiles are the merged
 * ones the thresholds read from Prometheus (within the error bound), where a threshold asked for them.
 */
export function mergeEndpoints(summaries: ReadonlyArray<Report>, thresholds: ReadonlyArray<ThresholdResult>): EndpointResult[] {
  const byName = new Map<string, EndpointResult>();
  for (const r of summaries) {
    for (const e of r.endpoints ?? []) {
      const m = byName.get(e.name) ?? { name: e.name, requests: 0, failed: 0, p95Ms: null };
      m.requests += e.requests;
      m.failed += e.failed;
      byName.set(e.name, m);
    }
  }
  return withMergedPercentiles([...byName.values()], thresholds);
}

/** Endpoints' counts with the merged p95 and p99 their latency thresholds read, sorted by name. */
export function withMergedPercentiles(list: ReadonlyArray<{ name: string; requests: number; failed: number }>, thresholds: ReadonlyArray<ThresholdResult>): EndpointResult[] {
  const merged = (name: string, stat: string) =>
    thresholds.find((t) => t.metric === `http_req_duration{name:${name}}` && t.stat === stat && t.observed !== null)?.observed ?? null;
  return list
    .map((e) => ({ name: e.name, requests: e.requests, failed: e.failed, p95Ms: merged(e.name, 'p(95)'), p99Ms: merged(e.name, 'p(99)') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every check's passes and fails summed over the processes, failing ones first. */
export function mergeChecks(summaries: ReadonlyArray<Report>): CheckResult[] {
  const byName = new Map<string, CheckResult>();
  for (const r of summaries) {
    for (const c of r.checkResults ?? []) {
      const m = byName.get(c.name) ?? { name: c.name, passes: 0, fails: 0 };
      m.passes += c.passes;
      m.fails += c.fails;
      byName.set(c.name, m);
    }
  }
  return [...byName.values()].sort((a, b) => b.fails - a.fails || a.name.localeCompare(b.name));
}

export function mergeTaskMix(mixes: ReadonlyArray<ReadonlyArray<TaskMixRow>>): TaskMixRow[] {
  const classes = new Map<string, { weights: Array<{ name: string; weight: number }>; runs: Record<string, number> }>();
  for (const mix of mixes) {
    for (const row of mix) {
      let c = classes.get(row.userClass);
      if (!c) classes.set(row.userClass, (c = { weights: [], runs: {} }));
      if (!c.weights.some((w) => w.name === row.task)) c.weights.push({ name: row.task, weight: row.weight });
      c.runs[row.task] = (c.runs[row.task] ?? 0) + row.runs;
    }
  }
  return [...classes.entries()].flatMap(([name, c]) => taskMix(name, c.weights, c.runs));
}

export interface Assembly {
  scenario: string;
  profile: string;
  now?: Date;
  durationSeconds: number;
  judged: ReadonlyArray<Judged>;
  summaries: ReadonlyArray<Report>;
  latencyMs: Report['latencyMs'];
  runners: RunnerRow[];
  distributed: DistributedReport['distributed'];
  /** Errors found outside the thresholds: a runner that died, a total that does not add up. */
  errors: ReadonlyArray<string>;
}

export function assembleReport(a: Assembly): DistributedReport {
  const thresholds = a.judged.map((j) => j.result);
  const failedThresholds = thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`);
  const errors = [...a.errors, ...a.judged.flatMap((j) => (j.undecided ? [j.undecided] : []))];
  const verdict: Verdict = errors.length > 0 ? 'error' : failedThresholds.length > 0 ? 'fail' : 'pass';
  const report: DistributedReport = {
    schema: 'paykit.summary/v1',
    scenario: a.scenario,
    profile: a.profile,
    verdict,
    finishedAt: (a.now ?? new Date()).toISOString(),
    durationSeconds: Math.round(a.durationSeconds * 100) / 100,
    thresholds,
    failedThresholds,
    ...mergeSummaries(a.summaries, a.durationSeconds),
    latencyMs: a.latencyMs,
    endpoints: mergeEndpoints(a.summaries, thresholds),
    ...(a.summaries.find((r) => r.run) ? { run: a.summaries.find((r) => r.run)!.run } : {}),
    checkResults: mergeChecks(a.summaries),
    distributed: a.distributed,
    runners: a.runners,
  };
  if (errors.length > 0) report.error = errors.join('; ');
  return report;
}

/**
 * How far a merged percentile can be from the sample of the same rank: one bucket of the native
 * histograms k6 v2.2 writes (schema 3, bucket bounds 2^(1/8) apart; docs/distributed.md).
 */
export const PERCENTILE_ERROR_BOUND = 2 ** (1 / 8) - 1;

export function errorBoundText(): string {
  return `Merged percentiles are within ${(PERCENTILE_ERROR_BOUND * 100).toFixed(2)}% of the sample at the same rank (one native-histogram bucket, docs/distributed.md); counts, rates and error rates are exact sums of every process's own.`;
}

/** 0 pass, 99 a global breach, 1 an error: the codes a single run gives (docs/reports.md). */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 99 : 1;
}
