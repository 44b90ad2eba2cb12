// A single k6 process judges its own samples: k6's end-of-test data (handleSummary's argument) turned
// into the report data (report-data.ts), with the "no data" rule k6 itself lacks. The renderers are in
// lib/report/render.ts. Pure, tested in Node.
import { endpointMetric } from '../budgets.ts';
import { taskCounterName, taskMix, type ClassWeights, type TaskMixRow } from '../tasks.ts';
import { verdictOf } from './judge.ts';
import type { CheckResult, EndpointResult, Report, RunFacts, ThresholdResult } from './report-data.ts';
import { parseKey } from './thresholds.ts';

interface K6Group {
  groups?: K6Group[];
  checks?: { name: string; passes: number; fails: number }[];
}

/** The subset of k6's handleSummary() argument that we read. */
export interface K6SummaryData {
  state?: { testRunDurationMs?: number };
  root_group?: K6Group;
  /** What setup() returned; absent when setup() never completed (an abort, a script error). */
  setup_data?: unknown;
  metrics: Record<
    string,
    { type: string; contains?: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
}

export interface ReportMeta {
  scenario: string;
  profile: string;
  classes: ReadonlyArray<ClassWeights>;
  now?: Date;
  /** The script has a setup(): without its data the run is an error, whatever the thresholds say. */
  setupRequired?: boolean;
  run?: Omit<RunFacts, 'startedAt'>;
}

/** "p(95)<500" -> "p(95)"; "rate<0.05" -> "rate"; "count<=10" -> "count". */
export function thresholdStat(expression: string): string {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|==|===|!=|<|>)/.exec(expression);
  return m ? (m[1] as string) : expression;
}

/** `http_req_failed{name:GET /x}` -> { metric: 'http_req_failed', name: 'GET /x' }; undefined for other keys. */
function parseEndpointMetric(key: string): { metric: string; name: string } | undefined {
  const { metric, tags } = parseKey(key);
  const keys = Object.keys(tags);
  return keys.length === 1 && keys[0] === 'name' ? { metric, name: tags.name as string } : undefined;
}

function collectChecks(group: K6Group | undefined, out: CheckResult[]): CheckResult[] {
  for (const c of group?.checks ?? []) out.push({ name: c.name, passes: c.passes, fails: c.fails });
  for (const g of group?.groups ?? []) collectChecks(g, out);
  return out;
}

function endpointResults(data: K6SummaryData): EndpointResult[] {
  const out: EndpointResult[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    const parsed = parseEndpointMetric(metric);
    if (parsed?.metric !== 'http_req_failed') continue;
    const { name } = parsed;
    // a Rate's passes are its true samples: for http_req_failed, the failed requests
    const failed = m.values.passes ?? 0;
    const duration = endpointMetric('http_req_duration', name);
    out.push({
      name,
      requests: failed + (m.values.fails ?? 0),
      failed,
      p95Ms: value(data, duration, 'p(95)'),
      p50Ms: value(data, duration, 'med'),
      p90Ms: value(data, duration, 'p(90)'),
      p99Ms: value(data, duration, 'p(99)'),
      maxMs: value(data, duration, 'max'),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function value(data: K6SummaryData, metric: string, stat: string): number | null {
  const v = data.metrics[metric]?.values[stat];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Whether a metric had no sample. An endpoint's sub-metrics (`…{name:X}`) have none when the endpoint
 * got no request; a Rate has none when it has neither passes nor fails. Trends and counters without an
 * endpoint tag are taken as having data (k6 gives no sample count for a trend; a counter's 0 is a value).
 */
function hasNoData(data: K6SummaryData, metric: string, endpoints: ReadonlyMap<string, EndpointResult>): boolean {
  const name = parseEndpointMetric(metric)?.name;
  if (name !== undefined && endpoints.has(name)) return endpoints.get(name)!.requests === 0;
  const m = data.metrics[metric];
  if (!m) return true;
  if (m.type === 'rate') return (m.values.passes ?? 0) + (m.values.fails ?? 0) === 0;
  return false;
}

export function buildReport(data: K6SummaryData, meta: ReportMeta): Report {
  const endpoints = endpointResults(data);
  const byName = new Map(endpoints.map((e) => [e.name, e]));
  const thresholds: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expression, t] of Object.entries(m.thresholds ?? {})) {
      const stat = thresholdStat(expression);
      const noData = hasNoData(data, metric, byName);
      // An endpoint whose budget requires data (http_reqs{name:X} count>0) fails whole; one marked
      // optional passes with "no data"; any other threshold without a sample judged nothing and fails.
      const name = parseEndpointMetric(metric)?.name;
      const optional = name !== undefined && byName.has(name) && data.metrics[endpointMetric('http_reqs', name)]?.thresholds === undefined;
      const ok = noData ? optional : t.ok;
      thresholds.push({ metric, expression, ok, stat, observed: value(data, metric, stat), ...(noData ? { noData: true as const } : {}) });
    }
  }
  thresholds.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
  const failed = thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`);

  const mix: TaskMixRow[] = [];
  const taskCounters = new Set<string>();
  for (const c of meta.classes) {
    const runs: Record<string, number> = {};
    for (const t of c.tasks) {
      const counter = taskCounterName(c.name, t.name);
      taskCounters.add(counter);
      runs[t.name] = value(data, counter, 'count') ?? 0;
    }
    mix.push(...taskMix(c.name, c.tasks, runs));
  }
  const builtins = new Set(['http_reqs', 'iterations', 'data_sent', 'data_received', 'dropped_iterations']);
  const counts: Record<string, number> = {};
  for (const [name, m] of Object.entries(data.metrics)) if (m.type === 'counter') counts[name] = m.values.count ?? 0;
  const counters: Record<string, number> = {};
  for (const [name, n] of Object.entries(counts)) {
    if (!taskCounters.has(name) && !builtins.has(name) && !name.includes('{')) counters[name] = n;
  }

  const checkResults = collectChecks(data.root_group, []).sort((a, b) => b.fails - a.fails || a.name.localeCompare(b.name));
  const setupMissing = meta.setupRequired === true && data.setup_data === undefined;
  const errors = setupMissing ? ['setup() did not complete (target unreachable, token rejected or a script error before load): no threshold was judged'] : [];
  return {
    schema: 'paykit.summary/v1',
    scenario: meta.scenario,
    profile: meta.profile,
    verdict: verdictOf(errors, failed),
    ...(setupMissing ? { error: errors[0] } : {}),
    finishedAt: (meta.now ?? new Date()).toISOString(),
    durationSeconds: Math.round((data.state?.testRunDurationMs ?? 0) / 10) / 100,
    thresholds,
    failedThresholds: failed,
    requests: {
      count: value(data, 'http_reqs', 'count') ?? 0,
      ratePerSecond: value(data, 'http_reqs', 'rate') ?? 0,
      failedRate: value(data, 'http_req_failed', 'rate'),
      retries: value(data, 'http_req_retries', 'count') ?? 0,
    },
    latencyMs: {
      avg: value(data, 'http_req_duration', 'avg'),
      p95: value(data, 'http_req_duration', 'p(95)'),
      p99: value(data, 'http_req_duration', 'p(99)'),
      max: value(data, 'http_req_duration', 'max'),
    },
    checks: {
      passes: value(data, 'checks', 'passes') ?? 0,
      fails: value(data, 'checks', 'fails') ?? 0,
      rate: value(data, 'checks', 'rate'),
    },
    iterations: {
      count: value(data, 'iterations', 'count') ?? 0,
      ratePerSecond: value(data, 'iterations', 'rate') ?? 0,
      dropped: value(data, 'dropped_iterations', 'count') ?? 0,
    },
    taskMix: mix,
    counters,
    counts,
    checkResults,
    endpoints,
    ...(meta.run ? { run: { ...meta.run, startedAt: startedAt(data.setup_data) } } : {}),
  };
}

function startedAt(setupData: unknown): string | null {
  const v = (setupData as { startedAt?: unknown } | null | undefined)?.startedAt;
  return typeof v === 'string' ? v : null;
}
