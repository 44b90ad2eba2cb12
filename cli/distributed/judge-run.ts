// One distributed test's verdict from what its k6 processes wrote to Prometheus: used by the local
// coordinator, by the remote coordinator and by `npm run verdict`, so all three judge alike. Missing
// runner data (fewer runners than expected, none, a total that does not add up) is an error, never a pass.
import { cumulative, selector } from '../../lib/verdict/promql.ts';
import { noLatency, unjudged, type Judged } from '../../lib/verdict/report.ts';
import type { Threshold } from '../../lib/verdict/thresholds.ts';
import type { Report } from '../../lib/summary.ts';
import { taskCounterName, type TaskMixRow } from '../../lib/tasks.ts';
import { judgeThresholds, latency, requestsByRunner } from './evaluate.ts';
import { scalarQuery } from './prometheus.ts';

/** The label of the process that runs only setup() and teardown(): not a load runner. */
export const SETUP_RUNNER = 'setup';

export interface RunInput {
  url: string;
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
  /** Exact counter totals over all processes (lib/verdict/report.ts sumCounts); without them, Prometheus's. */
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
export async function runnerLabels(url: string, testId: string, time: number): Promise<string[]> {
  return (await labelValues(url, 'runner', testId, time)).filter((r) => r !== SETUP_RUNNER).sort();
}

async function labelValues(url: string, label: string, testId: string, time: number): Promise<string[]> {
  const params = new URLSearchParams({ 'match[]': `{testid=${JSON.stringify(testId)}}`, start: String(time - 86_400), end: time.toFixed(3) });
  const res = await fetch(`${url}/api/v1/label/${label}/values?${params}`);
  const json = (await res.json()) as { status: string; data?: string[]; error?: string };
  if (json.status !== 'success') throw new Error(`prometheus at ${url} rejected the ${label} label query: ${json.error ?? res.status}`);
  return json.data ?? [];
}

/** The count-like figures of one process, read from Prometheus where no summary file is at hand. */
async function summaryFromPrometheus(i: RunInput, names: readonly string[], runner: string, durationSeconds: number, weights: readonly TaskMixRow[] = []): Promise<Report> {
  const sel = selector(i.testId, { runner });
  const last = async (name: string) => (await scalarQuery(i.url, `sum(${cumulative(name, sel, i.rangeSeconds)})`, i.time)) ?? 0;
  const requests = await last('k6_http_reqs_total');
  const failedSel = cumulative('k6_http_req_failed_rate', sel, i.rangeSeconds);
  const failed = await scalarQuery(i.url, `sum(${failedSel} * ${cumulative('k6_http_reqs_total', sel, i.rangeSeconds)})`, i.time);
  const counters: Record<string, number> = {};
  const builtins = new Set(['http_reqs', 'iterations', 'data_sent', 'data_received', 'dropped_iterations']);
  for (const full of names) {
    const name = full.replace(/^k6_/, '').replace(/_total$/, '');
    if (!full.endsWith('_total') || builtins.has(name) || name.startsWith('task_')) continue;
    const v = await scalarQuery(i.url, `sum(${cumulative(full, sel, i.rangeSeconds)})`, i.time);
    if (v !== null) counters[name] = v;
  }
  const iterations = await last('k6_iterations_total');
  // The task mix's weights come from an exact summary (the setup process's lists every task at 0 runs).
  const taskMix: TaskMixRow[] = [];
  for (const row of weights) {
    const runs = (await scalarQuery(i.url, `sum(${cumulative(`k6_${taskCounterName(row.userClass, row.task)}_total`, sel, i.rangeSeconds)})`, i.time)) ?? 0;
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
  const span = await scalarQuery(i.url, `max(max_over_time(timestamp(${s})${range})) - min(min_over_time(timestamp(${s})${range}))`, i.time);
  return span === null ? 0 : Math.max(0, span);
}

export async function judgeRun(i: RunInput): Promise<RunVerdict> {
  const errors: string[] = [];
  const labels = await runnerLabels(i.url, i.testId, i.time);
  const stored = await requestsByRunner(i.url, i.testId, i.time, i.rangeSeconds);
  if (labels.length === 0) {
    errors.push(`no runner wrote data for test id '${i.testId}' to ${i.url}`);
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
    const inHistograms = (await scalarQuery(i.url, `sum(histogram_count(k6_http_req_duration_seconds${selector(i.testId)}))`, i.time)) ?? 0;
    if (inHistograms !== counted) errors.push(`Prometheus's latency histograms hold ${inHistograms} of the ${counted} requests of test id '${i.testId}' (series older than its --query.lookback-delta?)`);
  }
  const durationSeconds = i.durationSeconds ?? (await durationFromSamples(i));
  const exact = i.summaries ?? [];
  const names = exact.length > 0 && flat.length === 0 ? [] : await labelValues(i.url, '__name__', i.testId, i.time);
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
  const judged = await judgeThresholds({ url: i.url, testId: i.testId, time: i.time, rangeSeconds: i.rangeSeconds, durationSeconds, thresholds: i.thresholds, summaries: exact, checks, counts: i.counts });
  return { judged, latencyMs: await latency(i.url, i.testId, i.time), errors, summaries, durationSeconds, stored, labels };
}
