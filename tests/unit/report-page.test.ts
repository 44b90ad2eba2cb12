// The report page's pure parts: the dashboard record's series, the renderer, the failure examples and
// the suite page. The browser side (the page renders, makes no request, draws its charts) is in
// tests/integration/report-page.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReport } from '../../lib/verdict/from-summary.ts';
import { chartSpecs } from '../../lib/report/page/charts.ts';
import { examplesFromLog, exampleLine, lastErrorMessage, maskPans } from '../../lib/report/page/failures.ts';
import { CSP } from '../../lib/report/page/html.ts';
import { budgetsInOrder, describeBreach, renderRunPage, type RunPage } from '../../lib/report/page/run.ts';
import { parseRecord, seriesFromRecord } from '../../lib/report/page/series.ts';
import { rangeQueries, seriesFromMatrices } from '../../lib/report/page/prom-series.ts';
import { renderSuitePage } from '../../lib/report/page/suite.ts';

const ASSETS = { uplotJs: '/* uPlot */', uplotCss: '/* css */' };
const PAY = 'POST /api/v1/payments';
const HEALTH = 'GET /health';

const data = {
  state: { testRunDurationMs: 10_000 },
  setup_data: { startedAt: '2026-12-07T09:00:00.000Z' },
  metrics: {
    http_reqs: { type: 'counter', values: { count: 120, rate: 12 } },
    http_req_failed: { type: 'rate', values: { rate: 0, passes: 0, fails: 120 }, thresholds: { 'rate<0.05': { ok: true } } },
    http_req_duration: { type: 'trend', values: { avg: 300, 'p(95)': 712, 'p(99)': 720, max: 730 } },
    [`http_req_duration{name:${PAY}}`]: { type: 'trend', values: { med: 700, 'p(90)': 705, 'p(95)': 712, 'p(99)': 720, max: 730 }, thresholds: { 'p(95)<500': { ok: false } } },
    [`http_req_failed{name:${PAY}}`]: { type: 'rate', values: { rate: 0, passes: 0, fails: 100 }, thresholds: { 'rate<=0': { ok: true } } },
    [`http_reqs{name:${PAY}}`]: { type: 'counter', values: { count: 100 }, thresholds: { 'count>0': { ok: true } } },
    [`http_req_duration{name:${HEALTH}}`]: { type: 'trend', values: { med: 1, 'p(95)': 2 }, thresholds: { 'p(95)<200': { ok: true } } },
    [`http_req_failed{name:${HEALTH}}`]: { type: 'rate', values: { rate: 0, passes: 0, fails: 20 }, thresholds: { 'rate<=0.01': { ok: true } } },
    checks: { type: 'rate', values: { rate: 1, passes: 240, fails: 0 }, thresholds: { 'rate>=0.95': { ok: true } } },
    iterations: { type: 'counter', values: { count: 110, rate: 11 } },
  },
  root_group: { checks: [{ name: `${PAY} status 201`, passes: 97, fails: 3 }] },
};

type Metrics = Record<string, { type: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;

function report(overrides: Metrics = {}) {
  return buildReport({ ...data, metrics: { ...data.metrics, ...overrides } }, {
    scenario: 'payment', profile: 'smoke', classes: [], now: new Date(0),
    run: { targets: ['127.0.0.1'], load: '3 VUs (closed model), 10s', seed: 42 },
  });
}

function pageOf(r: ReturnType<typeof report>, extra: Partial<RunPage> = {}): string {
  return renderRunPage({
    report: r, exitCode: r.verdict === 'pass' ? 0 : 99, meaning: '', series: null, dashboardHref: 'dashboard.html',
    facts: { targets: ['127.0.0.1'], load: '3 VUs', durationSeconds: 10, k6Version: 'v2.2.0', seed: 42, gitCommit: 'abc123', startedAt: null, finishedAt: null },
    ...extra,
  }, ASSETS);
}

const rowsOf = (html: string, id: string) => (new RegExp(`<table id="${id}">[\\s\\S]*?</table>`).exec(html)?.[0].match(/<tr>/g) ?? []).length - 1;

test('a failing run: FAIL, the breached budget in one sentence, every threshold and endpoint a row, breached first', () => {
  const r = report();
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.run, { targets: ['127.0.0.1'], load: '3 VUs (closed model), 10s', seed: 42, startedAt: '2026-12-07T09:00:00.000Z' });
  const html = pageOf(r);
  assert.match(html, /data-verdict="FAIL"/);
  assert.match(html, /p95 of POST \/api\/v1\/payments 712 ms &gt; 500 ms budget/);
  assert.equal(rowsOf(html, 'budgets'), r.thresholds.length);
  assert.equal(rowsOf(html, 'endpoints'), 2);
  const firstBudget = /<table id="budgets">[\s\S]*?<tbody>\s*<tr><td><code>([^<]*)<\/code><\/td><td><code>([^<]*)</.exec(html)!;
  assert.deepEqual([firstBudget[1], firstBudget[2]], [`http_req_duration{name:${PAY}}`, 'p(95)&lt;500']);
  assert.match(html, /exit code 99/);
  // a counter the page has never heard of is a row too: the data model grows by one counter at a time
  assert.match(pageOf({ ...r, counters: { payments_created: 5, http_retries: 2 } }), /<tr><td><code>http_retries<\/code><\/td><td class="n">2<\/td><\/tr>/);
  assert.match(html, /<td class="n">700<\/td><td class="n">705<\/td><td class="n">712<\/td><td class="n">720<\/td><td class="n">730<\/td>/, 'p50..max of the endpoint');
});

test('a passing run says PASS; the page allows no network request and links only the local dashboard', () => {
  const html = pageOf(report({ [`http_req_duration{name:${PAY}}`]: { type: 'trend', values: { 'p(95)': 400 }, thresholds: { 'p(95)<500': { ok: true } } } }));
  assert.match(html, /data-verdict="PASS"/);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`));
  assert.match(CSP, /^default-src 'none';/);
  const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(refs, ['dashboard.html']);
  assert.doesNotMatch(html, /https?:\/\//);
});

test('hostile names are text, never markup or the end of a script', () => {
  const evil = '</script><img src=x onerror=alert(1)>';
  const r = report();
  r.endpoints![0]!.name = evil;
  r.scenario = evil;
  const html = pageOf(r, {
    series: { source: 'test', periodSeconds: 1, time: [1, 2], requestsPerSecond: [1, 2], failedRate: [0, 0], vus: [1, 1], droppedIterations: [null, null], p95Ms: { [evil]: [1, 2] }, breachStarts: [], failuresByStatus: {} },
  });
  assert.doesNotMatch(html, /<img src=x/);
  assert.equal(html.match(/<\/script>/g)!.length, html.match(/<script/g)!.length, 'every script closes where it should');
});

test('describeBreach words each kind of budget', () => {
  const t = (metric: string, expression: string, observed: number | null, extra = {}) => ({ metric, expression, observed, ok: false, stat: expression.replace(/[<>=].*/, ''), ...extra });
  assert.equal(describeBreach(t(`http_req_duration{name:${PAY}}`, 'p(95)<500', 712.4)), 'p95 of POST /api/v1/payments 712 ms > 500 ms budget');
  assert.equal(describeBreach(t(`http_req_failed{name:${PAY}}`, 'rate<=0', 0.05)), 'failed requests of POST /api/v1/payments 5.00% > 0.00% budget');
  assert.equal(describeBreach(t('checks', 'rate>=0.95', 0.9)), 'passed checks 90.00% < 95.00% budget');
  assert.equal(describeBreach(t(`http_reqs{name:${HEALTH}}`, 'count>0', 0)), 'GET /health got 0 requests (budget count>0)');
  assert.equal(describeBreach(t(`http_req_duration{name:${HEALTH}}`, 'p(95)<200', null, { noData: true })), `no data for http_req_duration{name:${HEALTH}} p(95)<200 (GET /health got no request)`);
});

test('budgets in order: breached, then no data, then ok and optional', () => {
  const mk = (metric: string, ok: boolean, noData?: true) => ({ metric, expression: 'x<1', ok, stat: 'x', observed: null, ...(noData ? { noData } : {}) });
  assert.deepEqual(budgetsInOrder([mk('a', true), mk('b', true, true), mk('c', false, true), mk('d', false)]).map((t) => t.metric), ['d', 'c', 'a', 'b']);
});

// A dashboard record as k6 writes it: snapshots and cumulatives are arrays in the sorted order of every
// metric name announced so far, each entry that metric's aggregates in the param event's order.
const record = [
  { event: 'param', data: { period: 1000, aggregates: { counter: ['count', 'rate'], gauge: ['value'], rate: ['rate'], trend: ['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)'] } } },
  { event: 'metric', data: { time: { type: 'gauge' } } },
  { event: 'metric', data: { http_reqs: { type: 'counter' }, http_req_failed: { type: 'rate' }, [`http_req_duration{name:${PAY}}`]: { type: 'trend' }, vus: { type: 'gauge' } } },
  // sorted: http_req_duration{name:POST …}, http_req_failed, http_reqs, time, vus
  { event: 'snapshot', data: [[300, 320, 300, 280, 310, 315, 319], [0], [10, 10], [1000], [3]] },
  { event: 'cumulative', data: [[300, 320, 300, 280, 310, 315, 319], [0], [10, 10], [1000], [3]] },
  { event: 'metric', data: { [`failed_responses{failure:${PAY} 503}`]: { type: 'counter' } } },
  // sorted: failed_responses{…}, http_req_duration{…}, http_req_failed, http_reqs, time, vus
  { event: 'snapshot', data: [[2, 2], [700, 720, 700, 690, 710, 712, 719], [0.2], [12, 12], [2000], [3]] },
  { event: 'cumulative', data: [[2, 1], [500, 720, 500, 280, 700, 711, 718], [0.1], [22, 11], [2000], [3]] },
  { event: 'snapshot', data: [[], [], [], [], [3000], [0]] },
  { event: 'cumulative', data: [[2, 0.6], [500, 720, 500, 280, 700, 711, 718], [0.1], [22, 7], [3000], [0]] },
];

test('the series come from the dashboard record: per period, per endpoint, with the breach where it started', () => {
  const text = record.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const s = seriesFromRecord(parseRecord(text), [{ metric: `http_req_duration{name:${PAY}}`, expression: 'p(95)<500' }])!;
  assert.deepEqual(s.time, [1, 2, 3]);
  assert.equal(s.periodSeconds, 1);
  assert.deepEqual(s.requestsPerSecond, [10, 12, null]);
  assert.deepEqual(s.failedRate, [0, 0.2, null]);
  assert.deepEqual(s.vus, [3, 3, 0]);
  assert.deepEqual(s.p95Ms, { [PAY]: [315, 712, null] });
  assert.deepEqual(s.breachStarts, [{ metric: `http_req_duration{name:${PAY}}`, expression: 'p(95)<500', time: 2 }]);
  assert.deepEqual(s.failuresByStatus, { [PAY]: { '503': 2 } });
  const specs = chartSpecs(s);
  assert.deepEqual(specs.map((c) => c.id), ['throughput', 'latency', 'errors', 'load'], 'dropped iterations of a closed run: no line, the VUs chart stays');
  assert.deepEqual(specs.find((c) => c.id === 'latency')!.marks, [{ time: 2, label: `${PAY} p(95)<500` }]);
});

test('no snapshot, no series', () => {
  assert.equal(seriesFromRecord(parseRecord(JSON.stringify(record[0]))), null);
});

test('failure examples: read back from k6 log lines, first per check, cut short, card numbers masked', () => {
  const body = JSON.stringify({ error: 'declined', pan: '4111111111111111', pad: 'x'.repeat(1000) });
  // logrus prints a console message Go-quoted
  const goQuote = (s: string) => JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
  const line = (check: string, status: number) => `time="t" level=warning msg=${goQuote(exampleLine(check, status, body))} source=console`;
  const out = examplesFromLog([line(`${PAY} status 201`, 503), line(`${PAY} status 201`, 500), line(`${HEALTH} status 200`, 0)].join('\n'));
  assert.deepEqual(out.map((e) => [e.check, e.status]), [[`${PAY} status 201`, 503], [`${HEALTH} status 200`, 0]]);
  assert.ok(out[0]!.body.length <= 241, `${out[0]!.body.length} chars`);
  assert.match(out[0]!.body, /"pan":"••••••••••••1111"/);
  assert.equal(maskPans('id 12345 card 5555555555554444'), 'id 12345 card ••••••••••••4444');
});

test('the last error k6 logged, without its stack', () => {
  const tail = 'time="t" level=error msg="test aborted: target unreachable: X=http://h (dial)\\n\\tat setup (file:///dist/payment.js:1:2(3))" source=console\n';
  assert.equal(lastErrorMessage(tail), 'test aborted: target unreachable: X=http://h (dial)');
  assert.equal(lastErrorMessage('nothing'), null);
});

test('the suite page: READY or NOT READY and why, a row per scenario linking its run page', () => {
  const scenario = (name: string, verdict: string, exitCode: number | null) => ({
    scenario: name, verdict, exitCode, meaning: verdict === 'skipped' ? 'skipped' : '', failedThresholds: verdict === 'fail' ? [`http_req_duration{name:${PAY}}: p(95)<500`] : [],
    requests: 10, requestsPerSecond: 1, p95Ms: 2, errorRate: 0,
  });
  const base = { profile: 'smoke', startedAt: 'a', finishedAt: 'b' };
  const ready = renderSuitePage({ ...base, decision: 'READY', reasons: [], scenarios: [scenario('payment', 'pass', 0)] }, [{ scenario: 'payment', href: 'payment-smoke-x/report.html' }]);
  assert.match(ready, /data-verdict="READY"/);
  assert.match(ready, /<a href="payment-smoke-x\/report.html">payment<\/a>/);
  const notReady = renderSuitePage(
    { ...base, decision: 'NOT READY', reasons: ['payment: thresholds breached: x', 'banking: not run'], scenarios: [scenario('payment', 'fail', 99), scenario('banking', 'skipped', null)] },
    [{ scenario: 'payment', href: 'p/report.html' }, { scenario: 'banking', href: null }],
  );
  assert.match(notReady, /data-verdict="NOT READY"/);
  assert.match(notReady, /payment: thresholds breached: x; and 1 more/);
  assert.equal(rowsOf(notReady, 'scenarios'), 2);
  assert.match(notReady, /exit code 1/);
});

test("a distributed run's series: one query per line over every runner, on one time grid", () => {
  const q = rangeQueries('t-1', 120);
  assert.equal(q.step, 2);
  assert.equal(q.requestsPerSecond, 'sum(rate(k6_http_reqs_total{testid="t-1"}[5s]))');
  assert.match(q.failedRate, /k6_http_reqs_total\{testid="t-1",expected_response="false"\}/);
  assert.match(q.p95Ms, /^histogram_quantile\(0\.95, sum by \(name\) \(rate\(k6_http_req_duration_seconds\{testid="t-1"\}\[5s\]\)\)\) \* 1000$/);
  const m = (values: Array<[number, string]>, metric = {}) => [{ metric, values }];
  const s = seriesFromMatrices({ step: 2 }, 100, 104, {
    requestsPerSecond: m([[100, '5'], [102, '6'], [104, '7']]),
    failedRate: m([[102, '0.5']]),
    vus: m([[100, '3'], [102, '3'], [104, '3']]),
    droppedIterations: [],
    p95Ms: [{ metric: { name: PAY }, values: [[102, '712.3456']] }, { metric: { name: 'other' }, values: [[100, '1']] }],
  }, [PAY, HEALTH], [{ metric: `http_req_duration{name:${PAY}}`, expression: 'p(95)<500' }, { metric: `http_req_duration{name:${HEALTH}}`, expression: 'p(95)<200' }])!;
  assert.deepEqual(s.time, [100, 102, 104]);
  assert.deepEqual(s.breachStarts, [{ metric: `http_req_duration{name:${PAY}}`, expression: 'p(95)<500', time: 102 }], 'marked at the first step over the budget; none without points');
  assert.deepEqual(s.requestsPerSecond, [5, 6, 7]);
  assert.deepEqual(s.failedRate, [null, 0.5, null]);
  assert.deepEqual(s.droppedIterations, [null, null, null]);
  assert.deepEqual(s.p95Ms, { [PAY]: [null, 712.346, null], [HEALTH]: [null, null, null] });
  assert.equal(seriesFromMatrices({ step: 2 }, 100, 104, { requestsPerSecond: [], failedRate: [], vus: [], droppedIterations: [], p95Ms: [] }, []), null);
});

test('a run failed only by its baseline: FAIL naming endpoint and metric, and a Baseline section with every row', async () => {
  const { compare, BASELINE_SCHEMA } = await import('../../lib/baseline.ts');
  const ep = (p50: number) => ({ name: PAY, requests: 1000, failed: 0, p50Ms: p50, p95Ms: p50 * 2, p99Ms: p50 * 3, ratePerSecond: 100 });
  const runOf = (p50: number) => ({ finishedAt: '', durationSeconds: 10, endpoints: [ep(p50)] });
  const c = compare({ schema: BASELINE_SCHEMA, scenario: 'payment', profile: 'smoke', load: null, k6Version: null, runs: [runOf(1), runOf(1.1)] }, runOf(60));
  const passing = report({ [`http_req_duration{name:${PAY}}`]: { type: 'trend', values: { med: 60, 'p(95)': 120 }, thresholds: { 'p(95)<500': { ok: true } } } });
  const html = pageOf({ ...passing, verdict: 'fail', baseline: { source: 'reports/baselines/main.json', ...c } } as never);
  assert.match(html, /data-verdict="FAIL"/);
  assert.match(html, /slower or failing more than the baseline, beyond its noise: POST \/api\/v1\/payments p50 ms/);
  assert.equal(rowsOf(html, 'baseline'), c.rows.length);
  assert.match(html, /<span class="state breached">regression<\/span>/);
  assert.doesNotMatch(pageOf(passing), /<h2>Baseline<\/h2>/, 'no section without a baseline');
  assert.doesNotMatch(html, /busier machine/, 'no load average recorded: nothing said about it');
  // Recorded load averages: shown, and a busier machine named next to the regression.
  const busy = compare({ schema: BASELINE_SCHEMA, scenario: 'payment', profile: 'smoke', load: null, k6Version: null, runs: [{ ...runOf(1), loadAverage: 0.7 }, { ...runOf(1.1), loadAverage: 0.9 }] }, { ...runOf(60), loadAverage: 4.2 });
  const busyHtml = pageOf({ ...passing, verdict: 'fail', baseline: { source: 'main', ...busy } } as never);
  assert.match(busyHtml, /load average 4\.20 \(baseline 0\.80\)/);
  assert.match(busyHtml, /<p class="busier"><strong>Note:<\/strong> this run ran on a busier machine than its baseline \(1-minute load average 4\.20 against 0\.80\)\.<\/p>/);
});
