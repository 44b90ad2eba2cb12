import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderJunit, renderMarkdown, renderText } from '../../lib/report/render.ts';
import { buildReport, thresholdStat } from '../../lib/verdict/from-summary.ts';
import { defineTasks, maxMixDeviation, taskMix } from '../../lib/tasks.ts';

const data = {
  state: { testRunDurationMs: 20_500 },
  metrics: {
    http_reqs: { type: 'counter', values: { count: 1000, rate: 48.8 } },
    http_req_failed: { type: 'rate', values: { rate: 0.01, passes: 10, fails: 990 }, thresholds: { 'rate<0.05': { ok: true } } },
    'http_req_duration{name:GET /health}': { type: 'trend', values: { 'p(95)': 612.5, 'p(99)': 700 }, thresholds: { 'p(95)<500': { ok: false } } },
    http_req_duration: { type: 'trend', values: { avg: 12, 'p(95)': 30, 'p(99)': 50, max: 90 } },
    checks: { type: 'rate', values: { rate: 1, passes: 2000, fails: 0 } },
    iterations: { type: 'counter', values: { count: 900, rate: 44 } },
    task_u_a: { type: 'counter', values: { count: 600 } },
    task_u_b: { type: 'counter', values: { count: 300 } },
    payments_created: { type: 'counter', values: { count: 590 } },
  },
};
const tasks = [{ name: 'a', weight: 2 }, { name: 'b', weight: 1 }];
const classes = [{ name: 'u', tasks }];

test('thresholdStat reads the compared statistic', () => {
  assert.equal(thresholdStat('p(95)<500'), 'p(95)');
  assert.equal(thresholdStat('rate>=0.95'), 'rate');
  assert.equal(thresholdStat('count<=10'), 'count');
  assert.equal(thresholdStat('p(99.9)<1'), 'p(99.9)');
});

test('the report names each threshold with its observed value and the achieved mix', () => {
  const r = buildReport(data, { scenario: 'payment', profile: 'smoke', classes, now: new Date(0) });
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.failedThresholds, ['http_req_duration{name:GET /health}: p(95)<500']);
  const t = r.thresholds.find((x) => !x.ok)!;
  assert.equal(t.observed, 612.5);
  assert.equal(r.requests.count, 1000);
  assert.equal(r.durationSeconds, 20.5);
  assert.deepEqual(r.counters, { payments_created: 590 });
  // Every counter and sub-metric, by k6's key: what a distributed verdict sums over processes.
  assert.deepEqual(r.counts, { http_reqs: 1000, iterations: 900, task_u_a: 600, task_u_b: 300, payments_created: 590 });
  const withSub = buildReport({ ...data, metrics: { ...data.metrics, 'http_reqs{name:GET /health}': { type: 'counter', values: { count: 7 } } } }, { scenario: 'payment', profile: 'smoke', classes });
  assert.equal(withSub.counts?.['http_reqs{name:GET /health}'], 7);
  assert.ok(!('http_reqs{name:GET /health}' in withSub.counters));
  assert.deepEqual(r.taskMix.map((m) => [m.task, m.runs]), [['a', 600], ['b', 300]]);
  assert.ok(Math.abs(r.taskMix[0]!.share - 2 / 3) < 1e-9);
  const text = renderText(r);
  assert.match(text, /FAIL\s+http_req_duration\{name:GET \/health\}\s+p\(95\)<500\s+observed 612\.50/);
  const md = renderMarkdown(r);
  assert.match(md, /❌ \| `http_req_duration\{name:GET \/health\}` \| `p\(95\)<500` \| 612\.50/);
  const junit = renderJunit(r);
  assert.match(junit, /tests="2" failures="1"/);
  assert.match(junit, /<failure message="http_req_duration\{name:GET \/health\} p\(95\)&lt;500 breached: observed p\(95\) = 612\.50"/);
});

test('task tables are validated and mix deviation is measured in standard errors', () => {
  assert.throws(() => defineTasks([]), /at least one/);
  assert.throws(() => defineTasks([{ name: 'Bad Name', weight: 1, run: () => {} }]), /snake_case/);
  assert.throws(() => defineTasks([{ name: 'a', weight: 1, run: () => {} }, { name: 'a', weight: 1, run: () => {} }]), /twice/);
  const exact = taskMix('u', tasks, { a: 2000, b: 1000 });
  assert.equal(maxMixDeviation(exact), 0);
  const skewed = taskMix('u', tasks, { a: 1000, b: 2000 });
  assert.ok(maxMixDeviation(skewed) > 30);
});

test('the report says which check failed on which endpoint, and each endpoint\'s requests and failures', () => {
  const withDetail = {
    ...data,
    setup_data: { runId: 'r' },
    metrics: {
      ...data.metrics,
      'http_req_failed{name:POST /api/v1/payments}': { type: 'rate', values: { rate: 0.05, passes: 3, fails: 57 }, thresholds: { 'rate<=0': { ok: false } } },
      'http_req_duration{name:POST /api/v1/payments}': { type: 'trend', values: { med: 2, 'p(90)': 4, 'p(95)': 4.5, 'p(99)': 6, max: 9 } },
    },
    root_group: {
      checks: [{ name: 'POST /api/v1/payments status 201', passes: 57, fails: 3 }],
      groups: [{ checks: [{ name: 'GET /health status 200', passes: 9, fails: 0 }] }],
    },
  };
  const r = buildReport(withDetail, { scenario: 'payment', profile: 'smoke', classes, setupRequired: true });
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.endpoints, [{ name: 'POST /api/v1/payments', requests: 60, failed: 3, p95Ms: 4.5, p50Ms: 2, p90Ms: 4, p99Ms: 6, maxMs: 9 }]);
  assert.deepEqual(r.checkResults?.map((c) => [c.name, c.fails]), [['POST /api/v1/payments status 201', 3], ['GET /health status 200', 0]]);
  const text = renderText(r);
  assert.match(text, /failed checks\n {4}3 of 60 {2}POST \/api\/v1\/payments status 201/);
  assert.match(text, /POST \/api\/v1\/payments\s+60\s+3\s+4\.50/);
  assert.match(renderMarkdown(r), /\| POST \/api\/v1\/payments status 201 \| 3 \| 60 \|/);
});

test('a run whose setup() never completed is an error, not a fail, in every report', () => {
  const r = buildReport(data, { scenario: 'payment', profile: 'smoke', classes, setupRequired: true });
  assert.equal(r.verdict, 'error');
  assert.match(r.error!, /setup\(\) did not complete/);
  assert.match(renderText(r), /payment \/ smoke: ERROR/);
  assert.match(renderJunit(r), /<testcase classname="k6\.payment\.smoke" name="setup" time="0">\s*<error message="setup\(\) did not complete/);
  assert.equal(buildReport(data, { scenario: 'payment', profile: 'smoke', classes }).verdict, 'fail', 'without a setup() to wait for, thresholds decide');
});

test('a budget with no samples is "no data" and fails, unless its endpoint is optional; a rate with no sample fails', () => {
  const report = buildReport(
    {
      setup_data: {},
      metrics: {
        'http_req_failed{name:POST /v1/refunds}': { type: 'rate', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate<=0': { ok: true } } },
        'http_req_duration{name:POST /v1/refunds}': { type: 'trend', values: { 'p(95)': 0 }, thresholds: { 'p(95)<800': { ok: true } } },
        'http_reqs{name:POST /v1/refunds}': { type: 'counter', values: { count: 0 }, thresholds: { 'count>0': { ok: false } } },
        'http_req_failed{name:GET /v1/rare}': { type: 'rate', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate<=0.01': { ok: true } } },
        'http_req_failed{name:GET /v1/balance}': { type: 'rate', values: { rate: 0, passes: 0, fails: 12 }, thresholds: { 'rate<=0.01': { ok: true } } },
        'http_reqs{name:GET /v1/balance}': { type: 'counter', values: { count: 12 }, thresholds: { 'count>0': { ok: true } } },
        over_limit_429: { type: 'rate', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate>0.9': { ok: true } } },
      },
    },
    { scenario: 'acme', profile: 'smoke', classes: [], setupRequired: true },
  );
  const t = (metric: string) => report.thresholds.filter((x) => x.metric === metric);
  assert.ok(t('http_req_duration{name:POST /v1/refunds}').every((x) => x.noData && !x.ok), 'a required endpoint without traffic fails on each of its budgets');
  assert.ok(t('http_req_failed{name:GET /v1/rare}').every((x) => x.noData && x.ok), 'an optional one passes as no data');
  assert.ok(t('http_req_failed{name:GET /v1/balance}').every((x) => !x.noData && x.ok));
  assert.ok(t('over_limit_429').every((x) => x.noData && !x.ok), 'k6 passes a rate threshold with no sample; the report does not');
  assert.equal(report.verdict, 'fail');
  const text = renderText(report);
  assert.match(text, /FAIL\s+http_req_duration\{name:POST \/v1\/refunds\}\s+p\(95\)<800\s+no data\n/);
  assert.match(text, /ok\s+http_req_failed\{name:GET \/v1\/rare\}\s+rate<=0.01\s+no data \(optional\)/);
  assert.match(renderMarkdown(report), /\| ❌ \| `over_limit_429` \| `rate>0.9` \| no data \|/);
  assert.match(renderJunit(report), /over_limit_429 rate&gt;0.9: no data, nothing was judged/);
});
