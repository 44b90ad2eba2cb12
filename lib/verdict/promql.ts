// Threshold -> PromQL over the series k6's Prometheus remote-write output writes (one series per tag set,
// every runner with its own `runner` label). Pure, tested in Node.
//
// Counters are read as cumulative values (last_over_time), never with increase(): increase() over the
// run window extrapolates. Trends are native histograms summed across runners before the quantile, so a
// percentile is one of the whole run, never an average of per-runner percentiles.
import { quantileOf, type Threshold } from './thresholds.ts';

export type Kind = 'counter' | 'rate' | 'trend' | 'gauge';

export interface MetricSeries {
  kind: Kind;
  /** Prometheus metric name, e.g. k6_http_req_duration_seconds. */
  name: string;
  /** Multiply a trend's value by this to get k6's unit (seconds -> ms). */
  scale: number;
}

/**
 * Which series holds a k6 metric, from the metric names this test id wrote. A bare `k6_<name>` is a
 * histogram for a non-time trend and a float for a gauge: `histograms` says which names are histograms.
 */
export function resolveSeries(metric: string, names: ReadonlySet<string>, histograms: ReadonlySet<string> = new Set()): MetricSeries | null {
  const base = `k6_${metric}`;
  if (names.has(`${base}_total`)) return { kind: 'counter', name: `${base}_total`, scale: 1 };
  if (names.has(`${base}_rate`)) return { kind: 'rate', name: `${base}_rate`, scale: 1 };
  if (names.has(`${base}_seconds`)) return { kind: 'trend', name: `${base}_seconds`, scale: 1000 };
  if (names.has(base)) return { kind: histograms.has(base) ? 'trend' : 'gauge', name: base, scale: 1 };
  return null;
}

function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `{testid="t1",name="POST /api/v1/payments"}`: k6 tag names are valid label names as they are. */
export function selector(testId: string, tags: Record<string, string> = {}): string {
  const parts = [`testid=${quote(testId)}`];
  for (const [k, v] of Object.entries(tags)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) throw new Error(`tag '${k}' cannot be a Prometheus label name`);
    parts.push(`${k}=${quote(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A float series' last value within the run (series get samples only while their tags are seen). */
export function cumulative(name: string, sel: string, rangeSeconds: number): string {
  return `last_over_time(${name}${sel}[${Math.max(1, Math.ceil(rangeSeconds))}s])`;
}

/** Rate metrics whose every sample comes with one sample of a counter carrying the same tags. */
const RATE_WEIGHTS: Record<string, string> = { http_req_failed: 'k6_http_reqs_total' };

export type Plan =
  /** One query whose value (times scale, divided by the duration when perSecond) is the observed value. */
  | { type: 'exact'; promql: string; scale: number; perSecond: boolean }
  /**
   * A rate whose per-series weights Prometheus does not hold: the merged value lies between the smallest
   * and the largest series value, so a verdict is certain only when both ends agree.
   */
  | { type: 'bounds'; min: string; max: string }
  | { type: 'unsupported'; reason: string };

export function planThreshold(t: Threshold, series: MetricSeries, testId: string, rangeSeconds: number): Plan {
  const sel = selector(testId, t.tags);
  const last = (name: string) => cumulative(name, sel, rangeSeconds);
  const unsupported = (): Plan => ({ type: 'unsupported', reason: `'${t.stat}' on the ${series.kind} ${t.metric} has no merged value` });
  switch (series.kind) {
    case 'counter':
      if (t.stat === 'count') return { type: 'exact', promql: `sum(${last(series.name)})`, scale: 1, perSecond: false };
      if (t.stat === 'rate') return { type: 'exact', promql: `sum(${last(series.name)})`, scale: 1, perSecond: true };
      return unsupported();
    case 'rate': {
      if (t.stat !== 'rate') return unsupported();
      const weight = RATE_WEIGHTS[t.metric];
      if (weight) {
        return { type: 'exact', promql: `sum(${last(series.name)} * ${last(weight)}) / sum(${last(weight)})`, scale: 1, perSecond: false };
      }
      return { type: 'bounds', min: `min(${last(series.name)})`, max: `max(${last(series.name)})` };
    }
    case 'gauge':
      if (t.stat === 'value') return { type: 'exact', promql: `sum(${last(series.name)})`, scale: 1, perSecond: false };
      if (t.stat === 'min' || t.stat === 'max') return { type: 'exact', promql: `${t.stat}(${last(series.name)})`, scale: 1, perSecond: false };
      return unsupported();
    case 'trend': {
      // Native histograms are read at the query time itself: Prometheus 2.42's last_over_time drops them.
      const merged = `sum(${series.name}${sel})`;
      const q = quantileOf(t.stat);
      if (q !== null) return { type: 'exact', promql: `histogram_quantile(${q}, ${merged})`, scale: series.scale, perSecond: false };
      if (t.stat === 'avg') return { type: 'exact', promql: `histogram_sum(${merged}) / histogram_count(${merged})`, scale: series.scale, perSecond: false };
      if (t.stat === 'count') return { type: 'exact', promql: `histogram_count(${merged})`, scale: 1, perSecond: false };
      // The extremes come from the outermost buckets: within one bucket's width (docs/distributed.md).
      if (t.stat === 'min') return { type: 'exact', promql: `histogram_quantile(0, ${merged})`, scale: series.scale, perSecond: false };
      if (t.stat === 'max') return { type: 'exact', promql: `histogram_quantile(1, ${merged})`, scale: series.scale, perSecond: false };
      return unsupported();
    }
  }
}
