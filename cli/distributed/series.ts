// Runs the report page's range queries (lib/report/page/prom-series.ts) against the Prometheus a distributed
// run wrote to, while it is still up. A query that fails leaves the page without charts, never the run
// without its verdict.
import { rangeQueries, seriesFromMatrices, type Matrix } from '../../lib/report/page/prom-series.ts';
import type { RunSeries } from '../../lib/report/page/series.ts';

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
