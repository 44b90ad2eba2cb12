// A distributed run's charts over time, from the Prometheus its runners wrote to: the same lines as a
// single run's page (lib/report/page/series.ts), summed over every runner. The queries and the assembly are
// pure (tested in Node); cli/distributed/series.ts runs them.
import { selector } from '../../verdict/promql.ts';
import { holds, parseExpression, parseKey } from '../../verdict/thresholds.ts';
import type { Line, RunSeries } from './series.ts';

export interface RangeQueries {
  step: number;
  requestsPerSecond: string;
  failedRate: string;
  vus: string;
  droppedIterations: string;
  /** One series per endpoint `name` label, in ms. */
  p95Ms: string;
}

/** About 60 points over the run, one a second at most; rates over two steps so a point is never empty. */
export function rangeQueries(testId: string, durationSeconds: number): RangeQueries {
  const step = Math.max(1, Math.round(durationSeconds / 60));
  const w = `[${Math.max(5, 2 * step)}s]`;
  const sel = selector(testId);
  const failedSel = sel.replace(/}$/, ',expected_response="false"}');
  return {
    step,
    requestsPerSecond: `sum(rate(k6_http_reqs_total${sel}${w}))`,
    // k6 tags every request with expected_response: the failed share is a ratio of two counters.
    failedRate: `(sum(rate(k6_http_reqs_total${failedSel}${w})) or vector(0)) / sum(rate(k6_http_reqs_total${sel}${w}))`,
    vus: `sum(k6_vus${sel})`,
    droppedIterations: `sum(increase(k6_dropped_iterations_total${sel}${w}))`,
    p95Ms: `histogram_quantile(0.95, sum by (name) (rate(k6_http_req_duration_seconds${sel}${w}))) * 1000`,
  };
}

/** A query_range matrix: one entry per series, its labels and [unix seconds, "value"] pairs. */
export type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;

function line(time: readonly number[], m: Matrix[number] | undefined): Line {
  const at = new Map((m?.values ?? []).map(([t, v]) => [Math.round(t), Number(v)]));
  return time.map((t) => {
    const v = at.get(t);
    return v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000;
  });
}

/** The page's series from the range queries' answers, on the grid from `start` to `end` by `step`. */
export function seriesFromMatrices(
  q: Pick<RangeQueries, 'step'>,
  start: number,
  end: number,
  m: { requestsPerSecond: Matrix; failedRate: Matrix; vus: Matrix; droppedIterations: Matrix; p95Ms: Matrix },
  endpoints: readonly string[],
  breached: ReadonlyArray<{ metric: string; expression: string }> = [],
): RunSeries | null {
  const time: number[] = [];
  for (let t = Math.round(start); t <= end; t += q.step) time.push(t);
  if (time.length < 2 || m.requestsPerSecond.length === 0) return null;
  const p95Ms: Record<string, Line> = {};
  for (const name of endpoints) p95Ms[name] = line(time, m.p95Ms.find((s) => s.metric.name === name));
  // A breached p95 budget is marked at the first step whose own p95 broke it: Prometheus gives no
  // cumulative percentile per step, so the mark is where the breach first showed, not where k6's
  // whole-run value crossed.
  const breachStarts: RunSeries['breachStarts'] = [];
  for (const t of breached) {
    const { metric, tags } = parseKey(t.metric);
    const values = tags.name === undefined ? undefined : p95Ms[tags.name];
    if (metric !== 'http_req_duration' || !values) continue;
    let parsed: ReturnType<typeof parseExpression>;
    try {
      parsed = parseExpression(t.expression);
    } catch {
      continue;
    }
    if (parsed.stat !== 'p(95)') continue;
    const i = values.findIndex((v) => v !== null && !holds(v, parsed.op, parsed.bound));
    if (i >= 0) breachStarts.push({ metric: t.metric, expression: t.expression, time: time[i]! });
  }
  return {
    source: 'Prometheus, summed over every runner',
    periodSeconds: q.step,
    time,
    requestsPerSecond: line(time, m.requestsPerSecond[0]),
    failedRate: line(time, m.failedRate[0]),
    vus: line(time, m.vus[0]),
    droppedIterations: line(time, m.droppedIterations[0]),
    p95Ms,
    breachStarts,
    failuresByStatus: {},
  };
}
