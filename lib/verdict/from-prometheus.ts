// A run judged from Prometheus: what its k6 processes wrote (remote-write, one series per tag set, every
// runner with its `runner` label) read through a PromReader (below; the HTTP client is
// cli/distributed/prometheus.ts), next to whatever exact totals the processes left. Used by the local
// coordinator, the remote coordinator and `npm run verdict`, so all three judge alike. Missing runner
// data (none, fewer runners than expected, a total that does not add up) is an error, never a pass.
// Pure but for the reader, tested in Node.
import { taskCounterName, type TaskMixRow } from '../tasks.ts';
import { noLatency, withMergedPercentiles } from './assemble.ts';
import { exactCounter, judge, judgeNoData, unjudged, type Judged, type Observation } from './judge.ts';
import { cumulative, planThreshold, resolveSeries, selector } from './promql.ts';
import type { EndpointResult, Report, ThresholdResult } from './report-data.ts';
import { parseKey, type Threshold } from './thresholds.ts';

/** One sample of an instant vector, as Prometheus's HTTP API gives it. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * What a verdict reads of Prometheus. The judging is pure; this is its one door to the server
 * (cli/distributed/prometheus.ts answers it over HTTP; a unit test can answer it from a table).
 */
export interface PromReader {
  readonly url: string;
  /** An instant query at `time` (seconds): the server's default "now" would look back only 5 minutes. */
  query(promql: string, time: number): Promise<PromSample[]>;
  /** A label's values over the series of one test id, from a day before `time`. */
  labelValues(label: string, testId: string, time: number): Promise<string[]>;
}

/** One number from a query that sums to a single sample; null when there is no data. */
export async function scalar(prom: PromReader, promql: string, time: number): Promise<number | null> {
  const r = await prom.query(promql, time);
  if (r.length === 0) return null;
  const v = Number(r[0]!.value[1]);
  return Number.isFinite(v) ? v : null;
}

export interface EvaluateInput {
  prom: PromReader;
  testId: string;
  /** Query time (seconds): after the last process exited plus one push interval. */
  time: number;
  /** How far back cumulative float series are read: the whole run. */
  rangeSeconds: number;
  durationSeconds: number;
  thresholds: readonly Threshold[];
  /** Every k6 process's own summary: exact counts Prometheus cannot weight (checks, unsampled counters). */
  summaries: readonly Report[];
  /** Exact check totals from elsewhere (remote runners' REST APIs) when there are no summaries. */
  checks?: { passes: number; fails: number };
  /** Every counter and counter sub-metric summed over all processes by their own count (sumCounts). */
  counts?: Record<string, number>;
}

const ZERO_WHEN_ABSENT = new Set(['dropped_iterations']);

export async function judgeThresholds(i: EvaluateInput): Promise<Judged[]> {
  const { names, histograms } = await metricNames(i.prom, i.testId, i.time);
  const counters: Record<string, number> = {};
  for (const r of i.summaries) for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
  const out: Judged[] = [];
  for (const t of i.thresholds) {
    const o = await observe(t, names, histograms, counters, i);
    out.push(('missing' in o && /^no (samples|series) for /.test(o.missing) && judgeNoData(t, i.thresholds)) || judge(t, o));
  }
  return out;
}

async function observe(t: Threshold, names: Set<string>, histograms: Set<string>, counters: Record<string, number>, i: EvaluateInput): Promise<Observation> {
  const whole = Object.keys(t.tags).length === 0;
  // A check's rate series carries no count: the processes' own pass/fail totals are exact. Without them
  // (runners elsewhere) the rate is judged between its series' min and max like any other rate.
  if (t.metric === 'checks' && whole && t.stat === 'rate' && (i.checks || i.summaries.length > 0)) {
    const passes = i.checks?.passes ?? i.summaries.reduce((s, r) => s + r.checks.passes, 0);
    const fails = i.checks?.fails ?? i.summaries.reduce((s, r) => s + r.checks.fails, 0);
    return passes + fails > 0 ? { value: passes / (passes + fails) } : { missing: 'no check ran' };
  }
  const exact = exactCounter(t, i.counts, i.durationSeconds);
  if (exact) return exact;
  const series = resolveSeries(t.metric, names, histograms);
  if (!series) {
    // A counter that never got a sample has no series; the summaries list it at zero (zeroCounters).
    if (whole && t.stat === 'count' && t.metric in counters) return { value: counters[t.metric]! };
    // k6's own counters that count only exceptions (dropped_iterations) get a sample only when one
    // happens: no series means none happened, as k6 itself judges it. A run without requests or
    // iterations at all is an error before this (no runner data).
    if (ZERO_WHEN_ABSENT.has(t.metric) && (t.stat === 'count' || t.stat === 'rate')) return { value: 0 };
    return { missing: `no series for ${t.metric} in Prometheus` };
  }
  const plan = planThreshold(t, series, i.testId, i.rangeSeconds);
  if (plan.type === 'unsupported') return { missing: plan.reason };
  if (plan.type === 'bounds') {
    const [min, max] = await Promise.all([scalar(i.prom, plan.min, i.time), scalar(i.prom, plan.max, i.time)]);
    return min === null || max === null ? { missing: `no samples for ${t.key}` } : { min, max };
  }
  const v = await scalar(i.prom, plan.promql, i.time);
  if (v === null) {
    // A sub-metric whose tags never occurred: no request of that name. k6 judges an empty counter as 0.
    if (series.kind === 'counter') return { value: 0 };
    return { missing: `no samples for ${t.key}` };
  }
  const value = v * plan.scale;
  return { value: plan.perSecond ? (i.durationSeconds > 0 ? value / i.durationSeconds : 0) : value };
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

/** Run-wide latency (ms) from the merged http_req_duration histogram. */
export async function latency(prom: PromReader, testId: string, time: number): Promise<Report['latencyMs']> {
  const merged = `sum(k6_http_req_duration_seconds${selector(testId)})`;
  const q = async (promql: string) => {
    const v = await scalar(prom, promql, time);
    return v === null || !Number.isFinite(v) ? null : round(v * 1000);
  };
  const [avg, p95, p99, max] = await Promise.all([
    q(`histogram_sum(${merged}) / histogram_count(${merged})`),
    q(`histogram_quantile(0.95, ${merged})`),
    q(`histogram_quantile(0.99, ${merged})`),
    q(`histogram_quantile(1, ${merged})`),
  ]);
  return { avg, p95, p99, max };
}

/** Requests per runner label as Prometheus holds them. */
export async function requestsByRunner(prom: PromReader, testId: string, time: number, rangeSeconds: number): Promise<Map<string, number>> {
  const r = await prom.query(`sum by (runner) (${cumulative('k6_http_reqs_total', selector(testId), rangeSeconds)})`, time);
  return new Map(r.map((s) => [s.metric.runner ?? '', Number(s.value[1])]));
}

/** The label of the process that runs only setup() and teardown(): not a load runner. */
export const SETUP_RUNNER = 'setup';

export interface RunInput {
  prom: PromReader;
  testId: string;
  /** Query time (seconds), after the last push. */
  time: number;
  rangeSeconds: number;
  thresholds: readonly Threshold[];
  /** How many load runners must have written data; null: at least one. */
  expectedRunners: number | null;
  /**
   * Each process's own request total (its end-of-test summary or its REST API), checked against what
   * Prometheus holds. A process listed with `undefined` reported nothing: an error.
   */
  ownRequests?: ReadonlyMap<string, number | undefined>;
  /** Exact end-of-test summaries when this host can read them; otherwise the report is built from Prometheus. */
  summaries?: readonly Report[];
  /** Exact check totals over all processes when known without summaries (remote runners' REST APIs). */
  checks?: { passes: number; fails: number };
  /** Exact counter totals over all processes (assemble.ts sumCounts); without them, Prometheus's. */
  counts?: Record<string, number>;
  /**
   * Load runners in flat memory (no summary, docs/flat-memory.md): their requests, iterations, failures
   * and counters are read from Prometheus after their last push, next to the exact `summaries` of the
   * other processes. Each must have written data.
   */
  fromPrometheus?: readonly string[];
  /**
   * Exact check totals read from processes' REST APIs: every flat runner's (one missing is an error),
   * and any other process's that left no summary.
   */
  runnerChecks?: ReadonlyMap<string, { passes: number; fails: number } | undefined>;
  /** The test run's duration when known (the longest runner's); otherwise estimated from the samples. */
  durationSeconds?: number;
}

export interface RunVerdict {
  judged: Judged[];
  latencyMs: Report['latencyMs'];
  errors: string[];
  summaries: Report[];
  durationSeconds: number;
  /** Requests per runner label in Prometheus. */
  stored: Map<string, number>;
  /** The load runners' labels found for the test id. */
  labels: string[];
}

/** The runner labels a test id wrote, setup process excluded. */
export async function runnerLabels(prom: PromReader, testId: string, time: number): Promise<string[]> {
  return (await prom.labelValues('runner', testId, time)).filter((r) => r !== SETUP_RUNNER).sort();
}

/** The count-like figures of one process, read from Prometheus where no summary file is at hand. */
async function summaryFromPrometheus(i: RunInput, names: readonly string[], runner: string, durationSeconds: number, weights: readonly TaskMixRow[] = []): Promise<Report> {
  const sel = selector(i.testId, { runner });
  const last = async (name: string) => (await scalar(i.prom, `sum(${cumulative(name, sel, i.rangeSeconds)})`, i.time)) ?? 0;
  const requests = await last('k6_http_reqs_total');
  const failedSel = cumulative('k6_http_req_failed_rate', sel, i.rangeSeconds);
  const failed = await scalar(i.prom, `sum(${failedSel} * ${cumulative('k6_http_reqs_total', sel, i.rangeSeconds)})`, i.time);
  const counters: Record<string, number> = {};
  const builtins = new Set(['http_reqs', 'iterations', 'data_sent', 'data_received', 'dropped_iterations']);
  for (const full of names) {
    const name = full.replace(/^k6_/, '').replace(/_total$/, '');
    if (!full.endsWith('_total') || builtins.has(name) || name.startsWith('task_')) continue;
    const v = await scalar(i.prom, `sum(${cumulative(full, sel, i.rangeSeconds)})`, i.time);
    if (v !== null) counters[name] = v;
  }
  const iterations = await last('k6_iterations_total');
  // The task mix's weights come from an exact summary (the setup process's lists every task at 0 runs).
  const taskMix: TaskMixRow[] = [];
  for (const row of weights) {
    const runs = (await scalar(i.prom, `sum(${cumulative(`k6_${taskCounterName(row.userClass, row.task)}_total`, sel, i.rangeSeconds)})`, i.time)) ?? 0;
    taskMix.push({ ...row, runs, share: 0 });
  }
  return {
    schema: 'paykit.summary/v1',
    scenario: '',
    profile: '',
    verdict: 'pass',
    finishedAt: new Date(i.time * 1000).toISOString(),
    durationSeconds,
    thresholds: [],
    failedThresholds: [],
    requests: { count: requests, ratePerSecond: 0, failedRate: requests > 0 && failed !== null ? failed / requests : null },
    latencyMs: noLatency(),
    // Prometheus holds check rates, not counts: the merged report leaves them out.
    checks: { passes: 0, fails: 0, rate: null },
    iterations: { count: iterations, ratePerSecond: 0, dropped: await last('k6_dropped_iterations_total') },
    taskMix,
    counters,
  };
}

function sumChecks(summaries: readonly Report[]): { passes: number; fails: number } {
  return { passes: summaries.reduce((n, r) => n + r.checks.passes, 0), fails: summaries.reduce((n, r) => n + r.checks.fails, 0) };
}

/** First to last sample of the iteration counters: within about one push interval of the real length. */
async function durationFromSamples(i: RunInput): Promise<number> {
  const range = `[${Math.ceil(i.rangeSeconds)}s:1s]`;
  const s = `k6_iterations_total${selector(i.testId)}`;
  const span = await scalar(i.prom, `max(max_over_time(timestamp(${s})${range})) - min(min_over_time(timestamp(${s})${range}))`, i.time);
  return span === null ? 0 : Math.max(0, span);
}

export async function judgeRun(i: RunInput): Promise<RunVerdict> {
  const errors: string[] = [];
  const labels = await runnerLabels(i.prom, i.testId, i.time);
  const stored = await requestsByRunner(i.prom, i.testId, i.time, i.rangeSeconds);
  if (labels.length === 0) {
    errors.push(`no runner wrote data for test id '${i.testId}' to ${i.prom.url}`);
  } else if (i.expectedRunners !== null && labels.length !== i.expectedRunners) {
    errors.push(`Prometheus holds data of ${labels.length} runners (${labels.join(', ')}) for test id '${i.testId}', expected ${i.expectedRunners}`);
  }
  for (const [id, own] of i.ownRequests ?? []) {
    const held = stored.get(id) ?? 0;
    if (own === undefined) errors.push(`runner ${id} reported no request total`);
    else if (own !== held) errors.push(`runner ${id}: Prometheus holds ${held} of its ${own} requests`);
  }
  const flat = i.fromPrometheus ?? [];
  for (const id of flat) {
    if (labels.length > 0 && !labels.includes(id)) errors.push(`runner ${id} wrote no data to Prometheus for test id '${i.testId}'`);
    if (i.runnerChecks && !i.runnerChecks.get(id)) errors.push(`runner ${id} reported no check totals (its REST API did not answer after its test)`);
  }
  // Every request writes one http_reqs increment and one http_req_duration sample: the histograms, read at
  // the query time, must hold as many requests as the counters read over the whole run. Fewer means
  // histogram series older than the server's lookback (a latency verdict over part of the run).
  if (flat.length > 0 && labels.length > 0) {
    const counted = [...stored.values()].reduce((a, n) => a + n, 0);
    const inHistograms = (await scalar(i.prom, `sum(histogram_count(k6_http_req_duration_seconds${selector(i.testId)}))`, i.time)) ?? 0;
    if (inHistograms !== counted) errors.push(`Prometheus's latency histograms hold ${inHistograms} of the ${counted} requests of test id '${i.testId}' (series older than its --query.lookback-delta?)`);
  }
  const durationSeconds = i.durationSeconds ?? (await durationFromSamples(i));
  const exact = i.summaries ?? [];
  const names = exact.length > 0 && flat.length === 0 ? [] : await i.prom.labelValues('__name__', i.testId, i.time);
  const processes = [...new Set([...labels, ...stored.keys()])];
  const weights = exact[0]?.taskMix ?? [];
  const fromPrometheus = async (r: string) => {
    const s = await summaryFromPrometheus(i, names, r, durationSeconds, weights);
    // A flat runner's checks are its own exact totals.
    const c = i.runnerChecks?.get(r);
    if (c) s.checks = { ...c, rate: null };
    return s;
  };
  const summaries = [...exact, ...(await Promise.all((exact.length > 0 ? flat : processes).map(fromPrometheus)))];
  // The report sums every process's checks: the known totals go on one of them.
  if (exact.length === 0 && i.checks && summaries[0]) summaries[0].checks = { ...i.checks, rate: null };
  if (labels.length === 0) {
    return { judged: unjudged(i.thresholds), latencyMs: noLatency(), errors, summaries: [], durationSeconds, stored, labels };
  }
  // With flat runners every process's checks are known exactly only summed together: the summaries'.
  const checks = i.checks ?? (flat.length > 0 && i.runnerChecks ? sumChecks(summaries) : undefined);
  const judged = await judgeThresholds({ prom: i.prom, testId: i.testId, time: i.time, rangeSeconds: i.rangeSeconds, durationSeconds, thresholds: i.thresholds, summaries: exact, checks, counts: i.counts });
  return { judged, latencyMs: await latency(i.prom, i.testId, i.time), errors, summaries, durationSeconds, stored, labels };
}

/** The metric names a test id wrote, and which of them are (native) histograms. */
export async function metricNames(prom: PromReader, testId: string, time: number): Promise<{ names: Set<string>; histograms: Set<string> }> {
  const names = new Set(await prom.labelValues('__name__', testId, time));
  const histograms = new Set<string>();
  for (const n of names) {
    if (n.endsWith('_total') || n.endsWith('_rate')) continue;
    const r = await prom.query(`count(histogram_count(${n}${selector(testId)}))`, time);
    if (r.length > 0) histograms.add(n);
  }
  return { names, histograms };
}

/**
 * Each endpoint's requests and failures as Prometheus holds them (`npm run verdict`, which has no
 * process's own summary): the counters' last values summed over runners, by `name`. Like every count
 * read from Prometheus alone, one push short at worst (docs/distributed.md, "Exact counts").
 */
export async function endpointCounts(prom: PromReader, testId: string, time: number, rangeSeconds: number): Promise<Map<string, { requests: number; failed: number }>> {
  const sel = selector(testId);
  const failedSel = sel.replace(/}$/, ',expected_response="false"}');
  const by = async (s: string) => new Map((await prom.query(`sum by (name) (${cumulative('k6_http_reqs_total', s, rangeSeconds)})`, time)).map((x) => [x.metric.name ?? '', Number(x.value[1])] as const));
  const [all, failed] = await Promise.all([by(sel), by(failedSel)]);
  return new Map([...all].filter(([name]) => name !== '').map(([name, requests]) => [name, { requests, failed: failed.get(name) ?? 0 }]));
}

/**
 * A report's endpoints when no process kept a summary (the coordinator's flat runners, a verdict judged
 * later): each budgeted endpoint's counts from Prometheus, its merged p95/p99 from the thresholds that
 * read them. What --baseline compares and the page's endpoint table shows.
 */
export async function endpointsFromPrometheus(prom: PromReader, testId: string, time: number, rangeSeconds: number, thresholds: ReadonlyArray<ThresholdResult>): Promise<EndpointResult[]> {
  const counts = await endpointCounts(prom, testId, time, rangeSeconds);
  const budgeted = new Set(thresholds.map((t) => parseKey(t.metric).tags.name).filter((n): n is string => n !== undefined));
  return withMergedPercentiles([...budgeted].map((name) => ({ name, ...(counts.get(name) ?? { requests: 0, failed: 0 }) })), thresholds);
}

/**
 * How far a merged percentile can be from the sample of the same rank: one bucket of the native
 * histograms k6 v2.2 writes (schema 3, bucket bounds 2^(1/8) apart; docs/distributed.md).
 */
export const PERCENTILE_ERROR_BOUND = 2 ** (1 / 8) - 1;

export function errorBoundText(): string {
  return `Merged percentiles are within ${(PERCENTILE_ERROR_BOUND * 100).toFixed(2)}% of the sample at the same rank (one native-histogram bucket, docs/distributed.md); counts, rates and error rates are exact sums of every process's own.`;
}

