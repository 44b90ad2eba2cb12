// Turns k6's end-of-test data into our report: one stable JSON shape (docs/reports.md) and its
// renderings for people (text, Markdown) and CI dashboards (JUnit XML). Pure, tested in Node.

import type { Comparison } from './baseline.ts';
import { endpointMetric } from './budgets.ts';
import { parseKey } from './verdict/thresholds.ts';
import { taskCounterName, taskMix, type ClassWeights, type TaskMixRow } from './tasks.ts';

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

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The statistic the expression compares (e.g. p(95), rate, count) and its observed value. */
  stat: string;
  observed: number | null;
  /**
   * The metric had no sample: nothing was judged. Such a threshold fails (`ok: false`) unless it belongs
   * to an endpoint whose budget is optional (docs/reports.md).
   */
  noData?: true;
}

export interface CheckResult {
  name: string;
  passes: number;
  fails: number;
}

/** One endpoint's traffic, from the sub-metrics its budget adds (`http_req_failed{name:…}`, `http_req_duration{name:…}`). */
export interface EndpointResult {
  name: string;
  requests: number;
  failed: number;
  p95Ms: number | null;
  p50Ms?: number | null;
  p90Ms?: number | null;
  p99Ms?: number | null;
  maxMs?: number | null;
}

export interface Report {
  schema: 'paykit.summary/v1';
  scenario: string;
  profile: string;
  /** `error`: the run never got to judge its thresholds (setup() did not complete). */
  verdict: 'pass' | 'fail' | 'error';
  /** Why the verdict is `error`. */
  error?: string;
  finishedAt: string;
  durationSeconds: number;
  thresholds: ThresholdResult[];
  failedThresholds: string[];
  /** `retries`: documented "come back later" answers that were waited out and sent again (http_req_retries). */
  requests: { count: number; ratePerSecond: number; failedRate: number | null; retries?: number };
  latencyMs: { avg: number | null; p95: number | null; p99: number | null; max: number | null };
  checks: { passes: number; fails: number; rate: number | null };
  iterations: { count: number; ratePerSecond: number; dropped: number };
  taskMix: TaskMixRow[];
  /** Every other counter (business metrics such as payments_created), by name. */
  counters: Record<string, number>;
  /**
   * Every counter and counter sub-metric this process kept, by k6's key (`http_reqs{name:GET /x}`): the
   * exact counts a distributed verdict sums over processes (docs/distributed.md, "Exact counts").
   */
  counts?: Record<string, number>;
  /** Every check by name (they carry the endpoint name), failing ones first. */
  checkResults?: CheckResult[];
  /** Every budgeted endpoint's requests, failures and percentiles. */
  endpoints?: EndpointResult[];
  /** What ran against what (the report page's run facts): hosts only, never a URL's credentials. */
  run?: RunFacts;
  /** The comparison with a baseline (`npm start -- --baseline`, docs/baseline.md), when there was one. */
  baseline?: Comparison & { source: string };
}

export interface RunFacts {
  targets: string[];
  /** The load shape in words (lib/profiles.ts describeLoad); null for scenarios with their own shape. */
  load: string | null;
  seed: number | null;
  /** When setup() finished: load starts right after. */
  startedAt: string | null;
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
  return {
    schema: 'paykit.summary/v1',
    scenario: meta.scenario,
    profile: meta.profile,
    verdict: setupMissing ? 'error' : failed.length === 0 ? 'pass' : 'fail',
    ...(setupMissing ? { error: 'setup() did not complete (target unreachable, token rejected or a script error before load): no threshold was judged' } : {}),
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

function fmt(n: number | null, digits = 2): string {
  if (n === null) return '-';
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function observed(t: ThresholdResult): string {
  if (t.noData) return t.ok ? 'no data (optional)' : 'no data';
  return `observed ${fmt(t.observed)}`;
}

export function renderText(r: Report): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(`  ${r.scenario} / ${r.profile}: ${r.verdict.toUpperCase()} (${r.durationSeconds}s)`);
  if (r.error) lines.push(`  ${r.error}`);
  lines.push('');
  lines.push('  thresholds');
  const width = Math.max(...r.thresholds.map((t) => t.metric.length), 10);
  for (const t of r.thresholds) {
    lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'}  ${t.metric.padEnd(width)}  ${t.expression.padEnd(16)} ${observed(t)}`);
  }
  lines.push('');
  lines.push(
    `  requests ${r.requests.count} (${fmt(r.requests.ratePerSecond, 1)}/s), failed ${r.requests.failedRate === null ? '-' : pct(r.requests.failedRate)}, retried ${r.requests.retries ?? 0}, ` +
      `latency avg ${fmt(r.latencyMs.avg)} ms p95 ${fmt(r.latencyMs.p95)} ms p99 ${fmt(r.latencyMs.p99)} ms`,
  );
  lines.push(
    `  checks ${r.checks.passes} passed, ${r.checks.fails} failed; iterations ${r.iterations.count} (${fmt(r.iterations.ratePerSecond, 1)}/s), dropped ${r.iterations.dropped}`,
  );
  if (r.taskMix.length > 0) {
    lines.push('');
    const w = Math.max(...r.taskMix.map((t) => t.userClass.length + t.task.length + 1), 8);
    lines.push(`  ${'task mix'.padEnd(w + 2)}  weight  expected  achieved     runs`);
    for (const t of r.taskMix) {
      const label = `${t.userClass}.${t.task}`;
      lines.push(`    ${label.padEnd(w)}  ${fmt(t.weight).padStart(6)}  ${pct(t.expectedShare).padStart(8)}  ${pct(t.share).padStart(8)}  ${String(t.runs).padStart(7)}`);
    }
  }
  const endpoints = r.endpoints ?? [];
  if (endpoints.length > 0) {
    lines.push('');
    const w = Math.max(...endpoints.map((e) => e.name.length), 8);
    lines.push(`  ${'endpoint'.padEnd(w + 2)}  requests    failed   p95 ms`);
    for (const e of endpoints) {
      lines.push(`    ${e.name.padEnd(w)}  ${String(e.requests).padStart(8)}  ${String(e.failed).padStart(8)}  ${fmt(e.p95Ms).padStart(7)}`);
    }
  }
  const failedChecks = (r.checkResults ?? []).filter((c) => c.fails > 0);
  if (failedChecks.length > 0) {
    lines.push('');
    lines.push('  failed checks');
    for (const c of failedChecks) lines.push(`    ${c.fails} of ${c.passes + c.fails}  ${c.name}`);
  }
  const counters = Object.entries(r.counters);
  if (counters.length > 0) {
    lines.push('');
    lines.push(`  counters  ${counters.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  }
  if (r.failedThresholds.length > 0) {
    lines.push('');
    lines.push(`  failed thresholds: ${r.failedThresholds.join('; ')}`);
  }
  lines.push('');
  return lines.join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(r: Report): string {
  const lines = [
    `### ${r.verdict === 'pass' ? '✅' : '❌'} k6 ${r.scenario} / ${r.profile}: ${r.verdict.toUpperCase()}`,
    '',
    ...(r.error ? [r.error, ''] : []),
    `${r.requests.count} requests at ${fmt(r.requests.ratePerSecond, 1)}/s over ${r.durationSeconds}s; ` +
      `p95 ${fmt(r.latencyMs.p95)} ms, p99 ${fmt(r.latencyMs.p99)} ms; failed ${r.requests.failedRate === null ? '-' : pct(r.requests.failedRate)}; retried ${r.requests.retries ?? 0}; ` +
      `checks ${r.checks.passes}/${r.checks.passes + r.checks.fails}; dropped iterations ${r.iterations.dropped}.`,
    '',
    '| | metric | threshold | observed |',
    '|---|---|---|---|',
    ...r.thresholds.map((t) => `| ${t.ok ? '✅' : '❌'} | \`${mdCell(t.metric)}\` | \`${mdCell(t.expression)}\` | ${t.noData ? observed(t) : fmt(t.observed)} |`),
  ];
  if ((r.endpoints ?? []).length > 0) {
    lines.push('', '| endpoint | requests | failed | p95 ms |', '|---|---:|---:|---:|');
    for (const e of r.endpoints ?? []) lines.push(`| \`${mdCell(e.name)}\` | ${e.requests} | ${e.failed} | ${fmt(e.p95Ms)} |`);
  }
  const failedChecks = (r.checkResults ?? []).filter((c) => c.fails > 0);
  if (failedChecks.length > 0) {
    lines.push('', '| failed check | fails | of |', '|---|---:|---:|');
    for (const c of failedChecks) lines.push(`| ${mdCell(c.name)} | ${c.fails} | ${c.passes + c.fails} |`);
  }
  if (r.taskMix.length > 0) {
    lines.push('', '| user class | task | weight | expected | achieved | runs |', '|---|---|---:|---:|---:|---:|');
    for (const t of r.taskMix) lines.push(`| ${t.userClass} | ${t.task} | ${fmt(t.weight)} | ${pct(t.expectedShare)} | ${pct(t.share)} | ${t.runs} |`);
  }
  return lines.join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One test case per threshold, so CI dashboards show exactly which budget broke. */
export function renderJunit(r: Report): string {
  const failures = r.thresholds.filter((t) => !t.ok).length;
  const setup = r.error
    ? [`    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}" name="setup" time="0">\n      <error message="${xml(r.error)}" type="setup">${xml(r.error)}</error>\n    </testcase>`]
    : [];
  const cases = r.thresholds.map((t) => {
    const name = xml(`${t.metric} ${t.expression}`);
    const open = `    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}" name="${name}" time="0">`;
    if (t.ok) return `${open}</testcase>`;
    const msg = xml(t.noData ? `${t.metric} ${t.expression}: no data, nothing was judged` : `${t.metric} ${t.expression} breached: observed ${t.stat} = ${fmt(t.observed)}`);
    return `${open}\n      <failure message="${msg}" type="threshold">${msg}</failure>\n    </testcase>`;
  });
  // Each compared baseline row is a test case too: a regression is a failure as a breached budget is.
  const compared = (r.baseline?.rows ?? []).filter((b) => b.outcome !== 'not compared');
  const baselineCases = compared.map((b) => {
    const open = `    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}.baseline" name="${xml(`${b.endpoint} ${b.metric}`)}" time="0">`;
    if (b.outcome !== 'regression') return `${open}</testcase>`;
    const msg = xml(`${b.endpoint} ${b.metric} regressed beyond the baseline's noise: baseline ${fmt(b.baseline)}, current ${fmt(b.current)}, band ${fmt(b.band)}`);
    return `${open}\n      <failure message="${msg}" type="baseline">${msg}</failure>\n    </testcase>`;
  });
  const tests = r.thresholds.length + setup.length + baselineCases.length;
  const failed = failures + compared.filter((b) => b.outcome === 'regression').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k6" tests="${tests}" failures="${failed}" errors="${setup.length}" time="${r.durationSeconds}">`,
    `  <testsuite name="${xml(r.scenario)}-${xml(r.profile)}" tests="${tests}" failures="${failed}" errors="${setup.length}" time="${r.durationSeconds}" timestamp="${r.finishedAt}">`,
    ...setup,
    ...cases,
    ...baselineCases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
