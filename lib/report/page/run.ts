// The page a reviewer opens for one run (report.html): the verdict and why first, then the run's facts,
// every budget, every endpoint, the task mix, the failing checks and the charts over time. The one
// renderer for a single run and for a distributed one (plus its runners). It reads the report data
// summary.json holds; the Node side adds what only it knows (exit code, k6 version, commit, series).
// Pure, tested in Node.
import { busierNote, comparisonCells, loadAverageText } from '../comparison.ts';
import type { FailureExample } from './failures.ts';
import type { CheckResult, EndpointResult, Report, ThresholdResult } from '../../verdict/report-data.ts';
import type { TaskMixRow } from '../../tasks.ts';
import { parseExpression, parseKey } from '../../verdict/thresholds.ts';
import { chartsSection } from './charts.ts';
import { banner, esc, fmt, page, pct, table, type PageAssets, type Tone } from './html.ts';
import type { RunSeries } from './series.ts';

/** summary.json as a page reads it: a runner-written summary of an errored run holds only some fields. */
export type PageReport = Partial<Omit<Report, 'scenario' | 'profile' | 'verdict'>> & {
  scenario: string;
  profile: string;
  verdict: 'pass' | 'fail' | 'error';
  runners?: Array<{ runner: string; segment: string; requests: number | null; exit: number | null }>;
  distributed?: { testId: string; runners: number; startSkewMs: number | null; prometheus: string };
};

export interface RunFacts {
  /** Target hosts, never their URLs' credentials or query strings. */
  targets: string[];
  /** "3 VUs, closed model" or "100 iterations/s at peak (open model), up to 50 VUs". */
  load: string | null;
  durationSeconds: number | null;
  k6Version: string | null;
  seed: number | null;
  gitCommit: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunPage {
  report: PageReport;
  exitCode: number;
  /** What the exit code means (cli/run-scenario.ts describeExitCode). */
  meaning: string;
  facts: RunFacts;
  series: RunSeries | null;
  /** Relative link to k6's own dashboard export, when there is one. */
  dashboardHref: string | null;
  /** Failed responses per endpoint and status. */
  failuresByStatus?: Record<string, Record<string, number>>;
  examples?: FailureExample[];
  /** A distributed run's merged percentiles: how far they can be from a single process's. */
  errorBound?: string;
}

export type BudgetState = 'breached' | 'no data' | 'ok' | 'optional';

export function budgetState(t: ThresholdResult): BudgetState {
  if (t.noData) return t.ok ? 'optional' : 'no data';
  return t.ok ? 'ok' : 'breached';
}

const ORDER: Record<BudgetState, number> = { breached: 0, 'no data': 1, ok: 2, optional: 3 };

/** Breached first, then no data, then the rest; stable within each. */
export function budgetsInOrder(ts: ReadonlyArray<ThresholdResult>): ThresholdResult[] {
  return [...ts].sort((a, b) => ORDER[budgetState(a)] - ORDER[budgetState(b)]);
}

const STAT_WORD: Record<string, string> = { 'p(95)': 'p95', 'p(99)': 'p99', 'p(90)': 'p90', med: 'median', rate: 'rate', count: 'count', avg: 'average', max: 'max', min: 'min' };

/** One breached or undecided budget in words: "p95 of POST /api/v1/payments 712 ms > 500 ms budget". */
export function describeBreach(t: ThresholdResult): string {
  const { metric, tags } = parseKey(t.metric);
  const where = tags.name ?? (Object.keys(tags).length > 0 ? Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(',') : null);
  let op = '';
  let bound = NaN;
  try {
    ({ op, bound } = parseExpression(t.expression));
  } catch {
    /* an expression we cannot parse is quoted as written below */
  }
  const broke = op.startsWith('<') ? (t.observed !== null && t.observed === bound ? '≥' : '>') : op.startsWith('>') ? (t.observed !== null && t.observed === bound ? '≤' : '<') : '≠';
  if (t.noData) return `no data for ${t.metric} ${t.expression}${where ? ` (${where} got no request)` : ''}`;
  if (metric === 'http_reqs' && t.stat === 'count' && where) return `${where} got ${fmt(t.observed)} requests (budget ${t.expression})`;
  if (t.observed === null || Number.isNaN(bound)) return `${t.metric} ${t.expression} not met`;
  if (metric === 'http_req_duration') {
    const stat = STAT_WORD[t.stat] ?? t.stat;
    return `${stat} of ${where ?? 'all requests'} ${fmt(t.observed, 0)} ms ${broke} ${fmt(bound)} ms budget`;
  }
  if (t.stat === 'rate' && (metric === 'http_req_failed' || metric === 'checks')) {
    const what = metric === 'checks' ? 'passed checks' : `failed requests${where ? ` of ${where}` : ''}`;
    return `${what} ${pct(t.observed, 2)} ${broke} ${pct(bound, 2)} budget`;
  }
  return `${STAT_WORD[t.stat] ?? t.stat} of ${t.metric} ${fmt(t.observed)} ${broke} ${fmt(bound)} budget`;
}

/** The banner's one sentence. */
export function verdictWhy(p: RunPage): string {
  const r = p.report;
  if (r.verdict === 'error') return (r.error ?? p.meaning).replace(/^error: /, '');
  // An endpoint's own budget says more than a run-wide one, and the busiest endpoint's leads: it is what
  // most of the traffic met.
  const traffic = (t: ThresholdResult) => {
    const name = parseKey(t.metric).tags.name;
    return name === undefined ? -1 : (r.endpoints ?? []).find((e) => e.name === name)?.requests ?? 0;
  };
  const breached = budgetsInOrder(r.thresholds ?? [])
    .filter((t) => !t.ok)
    .sort((a, b) => Number(!!a.noData) - Number(!!b.noData) || traffic(b) - traffic(a));
  if (r.verdict === 'fail' && breached.length > 0) {
    const more = breached.length > 1 ? `; and ${breached.length - 1} more budget${breached.length > 2 ? 's' : ''} broken` : '';
    return describeBreach(breached[0]!) + more;
  }
  if (r.verdict === 'fail' && r.baseline && r.baseline.regressions.length > 0) {
    return `slower or failing more than the baseline, beyond its noise: ${r.baseline.regressions.join(', ')}`;
  }
  if (r.verdict === 'fail') return p.meaning;
  const n = (r.thresholds ?? []).length;
  return `every budget held: ${n} threshold${n === 1 ? '' : 's'}, ${fmt(r.requests?.count ?? 0)} requests`;
}

const code = (s: string) => `<code>${esc(s)}</code>`;

function facts(p: RunPage): string {
  const f = p.facts;
  const r = p.report;
  const rows: Array<[string, string | null]> = [
    ['scenario', r.scenario],
    ['profile', r.profile],
    ['targets', f.targets.length > 0 ? f.targets.join(', ') : null],
    ['load', f.load],
    ['duration', f.durationSeconds === null ? null : `${fmt(f.durationSeconds)} s`],
    ['k6', f.k6Version],
    ['seed', f.seed === null ? null : String(f.seed)],
    ['git commit', f.gitCommit],
    ['started', f.startedAt],
    ['finished', f.finishedAt],
  ];
  if (r.distributed) rows.push(['test id', r.distributed.testId], ['runners', String(r.distributed.runners)], ['start skew', r.distributed.startSkewMs === null ? null : `${r.distributed.startSkewMs} ms`]);
  const dl = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v === null ? '<span class="muted">unknown</span>' : esc(v)}</dd>`).join('');
  return `<h2>Run</h2><dl class="facts" id="facts">${dl}</dl>`;
}

function budgets(ts: ReadonlyArray<ThresholdResult>): string {
  if (ts.length === 0) return '<h2>Budgets</h2><p class="muted">No threshold was judged.</p>';
  const rows = budgetsInOrder(ts).map((t) => {
    const s = budgetState(t);
    return [code(t.metric), code(t.expression), t.observed === null ? '–' : esc(fmt(t.observed)), `<span class="state ${s.replace(' ', '')}">${esc(s)}</span>`];
  });
  return `<h2>Budgets</h2>${table('budgets', ['metric', 'limit', 'observed', 'state'], rows, new Set([2]))}`;
}

function baselineSection(c: PageReport['baseline']): string {
  if (!c) return '';
  const rows = c.rows.map((row) => {
    const cells = comparisonCells(row).map((x) => esc(x));
    cells[0] = code(row.endpoint);
    if (row.outcome === 'regression') cells[6] = `<span class="state breached">regression</span>`;
    return cells;
  });
  const head = `${c.runs} baseline run${c.runs === 1 ? '' : 's'} from <span class="mono">${esc(c.source)}</span>: ${c.regressions.length === 0 ? 'no regression beyond noise' : `regression in ${esc(c.regressions.join(', '))}`}. Method: docs/baseline.md.${c.loadAverage ? ` ${esc(loadAverageText(c))}.` : ''}`;
  // Next to a regression: whether the machine, not the code, may be why.
  const busy = c.regressions.length > 0 ? busierNote(c) : null;
  return `<h2>Baseline</h2><p class="muted">${head}</p>${busy ? `<p class="busier"><strong>Note:</strong> ${esc(busy)}.</p>` : ''}${table('baseline', ['endpoint', 'metric', 'baseline', 'current', 'change', 'band', 'outcome'], rows, new Set([2, 3, 4]))}`;
}

function endpointBudget(name: string, ts: ReadonlyArray<ThresholdResult>): string {
  const own = ts.filter((t) => parseKey(t.metric).tags.name === name);
  return own.map((t) => `<span class="mono${t.ok ? '' : ' state breached'}">${esc(`${parseKey(t.metric).metric.replace(/^http_req_/, '')} ${t.expression}`)}</span>`).join('<br>');
}

function endpoints(list: ReadonlyArray<EndpointResult>, ts: ReadonlyArray<ThresholdResult>, byStatus: RunPage['failuresByStatus']): string {
  if (list.length === 0) return '';
  const rows = list.map((e) => {
    const statuses = Object.entries(byStatus?.[e.name] ?? {}).sort((a, b) => b[1] - a[1]);
    const failures = e.failed === 0 ? '0' : `${e.failed}${statuses.length > 0 ? ` <span class="muted">(${statuses.map(([s, n]) => `${esc(s === '0' ? 'no response' : s)}: ${n}`).join(', ')})</span>` : ''}`;
    return [code(e.name), String(e.requests), failures, fmt(e.p50Ms ?? null), fmt(e.p90Ms ?? null), fmt(e.p95Ms), fmt(e.p99Ms ?? null), fmt(e.maxMs ?? null), endpointBudget(e.name, ts)];
  });
  return `<h2>Endpoints</h2>${table('endpoints', ['endpoint', 'requests', 'failed', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'budget'], rows, new Set([1, 2, 3, 4, 5, 6, 7]))}`;
}

function mix(rows: ReadonlyArray<TaskMixRow>): string {
  if (rows.length === 0) return '';
  const body = rows.map((t) => [esc(t.userClass), esc(t.task), fmt(t.weight), pct(t.expectedShare), pct(t.share), String(t.runs)]);
  return `<h2>Task mix</h2>${table('task-mix', ['user class', 'task', 'weight', 'expected', 'achieved', 'runs'], body, new Set([2, 3, 4, 5]))}`;
}

/** Every other counter (business counters, failed_responses, any counter added later), by name. */
function counters(c: Record<string, number> | undefined): string {
  const rows = Object.entries(c ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [code(k), fmt(v)]);
  return rows.length === 0 ? '' : `<h2>Counters</h2>${table('counters', ['counter', 'count'], rows, new Set([1]))}`;
}

function failingChecks(checks: ReadonlyArray<CheckResult>, examples: ReadonlyArray<FailureExample>): string {
  const failing = checks.filter((c) => c.fails > 0);
  if (failing.length === 0) return `<h2>Failing checks</h2><p class="muted" id="failing-checks">None: ${checks.length} checks, every one passed.</p>`;
  const rows = failing.map((c) => {
    const ex = examples.find((e) => e.check === c.name);
    const example = ex ? `status ${ex.status}<pre class="body">${esc(ex.body || '(empty body)')}</pre>` : '<span class="muted">no example recorded</span>';
    return [esc(c.name), String(c.fails), String(c.passes + c.fails), example];
  });
  return `<h2>Failing checks</h2>${table('failing-checks', ['check', 'failed', 'of', 'first failure'], rows, new Set([1, 2]))}`;
}

function runners(p: RunPage): string {
  const list = p.report.runners;
  if (!list) return '';
  const rows = list.map((r) => [esc(r.runner), esc(r.segment), r.requests === null ? '–' : String(r.requests), r.exit === null ? '–' : String(r.exit)]);
  return `<h2>Runners</h2>${table('runners', ['runner', 'segment', 'requests', 'exit'], rows, new Set([2, 3]))}${p.errorBound ? `<p class="muted" id="error-bound">${esc(p.errorBound)}</p>` : ''}`;
}

/** The latency chart draws the budgeted endpoints (setup's probes have no budget and only clutter it). */
function onlyBudgeted(s: RunSeries, endpoints: ReadonlyArray<EndpointResult> | undefined): RunSeries {
  if (!endpoints || endpoints.length === 0) return s;
  const names = new Set(endpoints.map((e) => e.name));
  return { ...s, p95Ms: Object.fromEntries(Object.entries(s.p95Ms).filter(([n]) => names.has(n))) };
}

export function renderRunPage(p: RunPage, assets: PageAssets): string {
  const r = p.report;
  const tone: Tone = r.verdict;
  const word = r.verdict.toUpperCase();
  const title = `${word}: ${r.scenario} / ${r.profile}`;
  const ts = r.thresholds ?? [];
  const summaryLine =
    r.requests === undefined
      ? ''
      : `<p class="muted" id="totals">${fmt(r.requests.count)} requests at ${fmt(r.requests.ratePerSecond, 1)}/s, failed ${pct(r.requests.failedRate, 2)}; ` +
        `p95 ${fmt(r.latencyMs?.p95 ?? null)} ms, p99 ${fmt(r.latencyMs?.p99 ?? null)} ms; checks ${fmt(r.checks?.passes ?? 0)} passed, ${fmt(r.checks?.fails ?? 0)} failed; ` +
        `iterations ${fmt(r.iterations?.count ?? 0)}, dropped ${fmt(r.iterations?.dropped ?? 0)}.</p>`;
  const dash = p.dashboardHref ? `<p class="muted">k6's own dashboard for this run: <a href="${esc(p.dashboardHref)}">${esc(p.dashboardHref)}</a></p>` : '';
  const body = [
    `<h1>${esc(r.scenario)} / ${esc(r.profile)}</h1>`,
    banner(tone, word, verdictWhy(p), `exit code ${p.exitCode}`),
    summaryLine,
    facts(p),
    runners(p),
    budgets(ts),
    baselineSection(r.baseline),
    endpoints(r.endpoints ?? [], ts, p.failuresByStatus),
    mix(r.taskMix ?? []),
    counters(r.counters),
    failingChecks(r.checkResults ?? [], p.examples ?? []),
    chartsSection(p.series && onlyBudgeted(p.series, r.endpoints), p.series ? `One point per ${fmt(p.series.periodSeconds)} s, from ${p.series.source}.` : 'No time series: the run ended before a single aggregation period was recorded.'),
    dash,
  ];
  return page(title, body.filter(Boolean).join('\n'), assets);
}
