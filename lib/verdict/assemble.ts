// One report for a run judged from Prometheus, in the schema of a single run (report-data.ts) plus the
// runners. Thresholds are judged over the merged data (judge.ts); counts that k6 keeps exactly
// (requests, checks, iterations, business counters, the task mix) are the sums of every k6 process's
// own end-of-test summary. Pure, tested in Node.
import { taskMix, type TaskMixRow } from '../tasks.ts';
import { verdictOf, type Judged } from './judge.ts';
import type { CheckResult, DistributedReport, EndpointResult, Report, RunnerRow, ThresholdResult } from './report-data.ts';

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
  const verdict = verdictOf(errors, failedThresholds);
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
