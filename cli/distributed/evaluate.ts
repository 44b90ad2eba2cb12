// Reads a finished distributed run out of Prometheus: every threshold over the merged series, the
// run-wide latency, and each k6 process's request total (checked against its own end-of-test count).
import { planThreshold, resolveSeries, selector, cumulative } from '../../lib/verdict/promql.ts';
import { exactCounter, judge, judgeNoData, type Judged, type Observation } from '../../lib/verdict/report.ts';
import type { Threshold } from '../../lib/verdict/thresholds.ts';
import type { Report } from '../../lib/summary.ts';
import { instantQuery, metricNames, scalarQuery } from './prometheus.ts';

export interface EvaluateInput {
  url: string;
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
  const { names, histograms } = await metricNames(i.url, i.testId, i.time);
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
    const [min, max] = await Promise.all([scalarQuery(i.url, plan.min, i.time), scalarQuery(i.url, plan.max, i.time)]);
    return min === null || max === null ? { missing: `no samples for ${t.key}` } : { min, max };
  }
  const v = await scalarQuery(i.url, plan.promql, i.time);
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
export async function latency(url: string, testId: string, time: number): Promise<Report['latencyMs']> {
  const merged = `sum(k6_http_req_duration_seconds${selector(testId)})`;
  const q = async (promql: string) => {
    const v = await scalarQuery(url, promql, time);
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
export async function requestsByRunner(url: string, testId: string, time: number, rangeSeconds: number): Promise<Map<string, number>> {
  const r = await instantQuery(url, `sum by (runner) (${cumulative('k6_http_reqs_total', selector(testId), rangeSeconds)})`, time);
  return new Map(r.map((s) => [s.metric.runner ?? '', Number(s.value[1])]));
}
