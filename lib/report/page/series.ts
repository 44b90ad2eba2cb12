// The report page's charts over time, read from what k6's web dashboard already aggregates: its event
// record (K6_WEB_DASHBOARD_RECORD, the file `k6 dashboard replay` reads). The dashboard keeps one
// aggregate per period and one cumulative per metric and per tag value it is told to split on
// (K6_WEB_DASHBOARD_TAGS); nothing per request. Pure, tested in Node.
import { endpointMetric } from '../../budgets.ts';
import { holds, parseExpression, parseKey } from '../../verdict/thresholds.ts';
import { FAILED_RESPONSES, FAILURE_TAG } from './failures.ts';

/** One value per period; null where the metric had no sample in that period. */
export type Line = Array<number | null>;

export interface RunSeries {
  /** Where the points come from, in words for the page. */
  source: string;
  periodSeconds: number;
  /** Unix seconds at the end of each period. */
  time: number[];
  requestsPerSecond: Line;
  /** Share of the period's requests that failed (http_req_failed). */
  failedRate: Line;
  vus: Line;
  /** dropped_iterations per period (open-model profiles). */
  droppedIterations: Line;
  /** p95 of http_req_duration per endpoint name, in ms. */
  p95Ms: Record<string, Line>;
  /**
   * Where each breached threshold started: the end of the first period at which the run's cumulative
   * value (what k6 judges at the end) broke it. Only thresholds on a statistic the dashboard keeps.
   */
  breachStarts: Array<{ metric: string; expression: string; time: number }>;
  /** Failed responses per endpoint and status, from the run's last cumulative (lib/report/page/failures.ts). */
  failuresByStatus: Record<string, Record<string, number>>;
}

type Aggregate = Record<string, number>;

interface Event {
  event: string;
  data: unknown;
}

function failuresByStatus(last: Map<string, Aggregate> | undefined): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, agg] of last ?? []) {
    const { metric, tags } = parseKey(key);
    const tag = tags[FAILURE_TAG];
    if (metric !== FAILED_RESPONSES || tag === undefined || !agg.count) continue;
    const cut = tag.lastIndexOf(' ');
    const endpoint = tag.slice(0, cut);
    (out[endpoint] ??= {})[tag.slice(cut + 1)] = agg.count;
  }
  return out;
}

/** NDJSON text of the dashboard record (already gunzipped) → one event per line. */
export function parseRecord(text: string): Event[] {
  const out: Event[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as Event | null;
    if (e && typeof e.event === 'string') out.push(e);
  }
  return out;
}

/**
 * The series the page draws. A snapshot or cumulative event is an array in the sorted order of every
 * metric name announced so far (metric events), each entry that metric's aggregates in the order the
 * param event gives for its type: how the dashboard's own page decodes them.
 */
export function seriesFromRecord(events: ReadonlyArray<Event>, breached: ReadonlyArray<{ metric: string; expression: string }> = []): RunSeries | null {
  const types = new Map<string, string>();
  let names: string[] = [];
  let aggregates: Record<string, string[]> = {};
  let periodMs = 0;
  const snapshots: Array<Map<string, Aggregate>> = [];
  const cumulatives: Array<Map<string, Aggregate>> = [];
  const decode = (data: unknown): Map<string, Aggregate> => {
    const row = new Map<string, Aggregate>();
    const arr = Array.isArray(data) ? (data as unknown[]) : [];
    for (let i = 0; i < arr.length && i < names.length; i++) {
      const name = names[i] as string;
      const values = Array.isArray(arr[i]) ? (arr[i] as number[]) : [];
      const stats = aggregates[types.get(name) ?? ''] ?? [];
      if (values.length === 0) continue;
      const agg: Aggregate = {};
      stats.forEach((s, j) => {
        if (typeof values[j] === 'number') agg[s] = values[j] as number;
      });
      row.set(name, agg);
    }
    return row;
  };
  for (const e of events) {
    if (e.event === 'param') {
      const p = e.data as { period?: number; aggregates?: Record<string, string[]> };
      periodMs = p.period ?? periodMs;
      aggregates = p.aggregates ?? aggregates;
    } else if (e.event === 'metric') {
      for (const [name, m] of Object.entries(e.data as Record<string, { type: string }>)) types.set(name, m.type);
      names = [...types.keys()].sort();
    } else if (e.event === 'snapshot') snapshots.push(decode(e.data));
    else if (e.event === 'cumulative') cumulatives.push(decode(e.data));
  }
  if (snapshots.length === 0) return null;

  const timeOf = (row: Map<string, Aggregate>) => Math.round((row.get('time')?.value ?? 0) / 1000);
  const pick = (metric: string, stat: string): Line => snapshots.map((s) => s.get(metric)?.[stat] ?? null);
  const endpoints = new Set<string>();
  for (const name of types.keys()) {
    const { metric, tags } = parseKey(name);
    if (metric === 'http_req_duration' && Object.keys(tags).length === 1 && tags.name !== undefined) endpoints.add(tags.name);
  }
  const p95Ms: Record<string, Line> = {};
  for (const name of [...endpoints].sort()) p95Ms[name] = pick(endpointMetric('http_req_duration', name), 'p(95)');

  const breachStarts: RunSeries['breachStarts'] = [];
  for (const t of breached) {
    let parsed: ReturnType<typeof parseExpression>;
    try {
      parsed = parseExpression(t.expression);
    } catch {
      continue;
    }
    const at = cumulatives.find((c) => {
      const v = c.get(t.metric)?.[parsed.stat];
      return typeof v === 'number' && !holds(v, parsed.op, parsed.bound);
    });
    if (at) breachStarts.push({ metric: t.metric, expression: t.expression, time: timeOf(at) });
  }

  return {
    source: "k6's web-dashboard aggregation",
    periodSeconds: periodMs / 1000,
    time: snapshots.map(timeOf),
    requestsPerSecond: pick('http_reqs', 'rate'),
    failedRate: pick('http_req_failed', 'rate'),
    vus: pick('vus', 'value'),
    droppedIterations: pick('dropped_iterations', 'count'),
    p95Ms,
    breachStarts,
    failuresByStatus: failuresByStatus(cumulatives[cumulatives.length - 1]),
  };
}
