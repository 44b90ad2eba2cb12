// Runs the report page's range queries (lib/page/prom-series.ts) against the Prometheus a distributed
// run wrote to, while it is still up. A query that fails leaves the page without charts, never the run
// without its verdict.
import { rangeQueries, seriesFromMatrices, type Matrix } from '../../lib/page/prom-series.ts';
import type { RunSeries } from '../../lib/page/series.ts';
import { cumulative, selector } from '../../lib/verdict/promql.ts';
import { withMergedPercentiles } from '../../lib/verdict/report.ts';
import { parseKey } from '../../lib/verdict/thresholds.ts';
import type { EndpointResult, ThresholdResult } from '../../lib/summary.ts';
import { instantQuery } from './prometheus.ts';

async function rangeQuery(url: string, promql: string, start: number, end: number, step: number): Promise<Matrix> {
  const body = new URLSearchParams({ query: promql, start: start.toFixed(0), end: end.toFixed(0), step: String(step) });
  const res = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body });
  const json = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Matrix } };
  if (json.status !== 'success' || !json.data) throw new Error(`prometheus rejected '${promql}': ${json.error ?? res.status}`);
  return json.data.resultType === 'matrix' ? json.data.result : [];
}

/** The run's series from `start` to `end` (unix seconds), or null with the reason logged. */
export async function prometheusSeries(
  url: string,
  testId: string,
  start: number,
  end: number,
  endpoints: readonly string[],
  log: (l: string) => void = () => {},
  breached: ReadonlyArray<{ metric: string; expression: string }> = [],
): Promise<RunSeries | null> {
  const q = rangeQueries(testId, end - start);
  const from = Math.floor(start);
  const to = Math.ceil(end);
  try {
    const [requestsPerSecond, failedRate, vus, droppedIterations, p95Ms] = await Promise.all(
      [q.requestsPerSecond, q.failedRate, q.vus, q.droppedIterations, q.p95Ms].map((promql) => rangeQuery(url, promql, from, to, q.step)),
    );
    return seriesFromMatrices(q, from, to, { requestsPerSecond: requestsPerSecond!, failedRate: failedRate!, vus: vus!, droppedIterations: droppedIterations!, p95Ms: p95Ms! }, endpoints, breached);
  } catch (e) {
    log(`report page: no charts (${(e as Error).message})`);
    return null;
  }
}

/**
 * Each endpoint's requests and failures as Prometheus holds them (`npm run verdict`, which has no
 * process's own summary): the counters' last values summed over runners, by `name`. Like every count
 * read from Prometheus alone, one push short at worst (docs/distributed.md, "Exact counts").
 */
export async function endpointCounts(url: string, testId: string, time: number, rangeSeconds: number): Promise<Map<string, { requests: number; failed: number }>> {
  const sel = selector(testId);
  const failedSel = sel.replace(/}$/, ',expected_response="false"}');
  const by = async (s: string) => new Map((await instantQuery(url, `sum by (name) (${cumulative('k6_http_reqs_total', s, rangeSeconds)})`, time)).map((x) => [x.metric.name ?? '', Number(x.value[1])] as const));
  const [all, failed] = await Promise.all([by(sel), by(failedSel)]);
  return new Map([...all].filter(([name]) => name !== '').map(([name, requests]) => [name, { requests, failed: failed.get(name) ?? 0 }]));
}

/**
 * A report's endpoints when no process kept a summary (the coordinator's flat runners, a verdict judged
 * later): each budgeted endpoint's counts from Prometheus, its merged p95/p99 from the thresholds that
 * read them. What --baseline compares and the page's endpoint table shows.
 */
export async function endpointsFromPrometheus(url: string, testId: string, time: number, rangeSeconds: number, thresholds: ReadonlyArray<ThresholdResult>): Promise<EndpointResult[]> {
  const counts = await endpointCounts(url, testId, time, rangeSeconds);
  const budgeted = new Set(thresholds.map((t) => parseKey(t.metric).tags.name).filter((n): n is string => n !== undefined));
  return withMergedPercentiles([...budgeted].map((name) => ({ name, ...(counts.get(name) ?? { requests: 0, failed: 0 }) })), thresholds);
}
