// The distributed verdict's pure parts: thresholds from `k6 inspect`, their PromQL, and the judgement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usePrometheus } from '../../cli/distributed/prometheus.ts';
import { segments } from '../../cli/distributed/runners.ts';
import { parseArgs } from '../../cli/distributed.ts';
import type { Report } from '../../lib/verdict/report-data.ts';
import { planThreshold, resolveSeries, selector } from '../../lib/verdict/promql.ts';
import { assembleReport, mergeTaskMix, noLatency, reportedSkew, sumCounts } from '../../lib/verdict/assemble.ts';
import { exactCounter, judge, judgeNoData, unjudged } from '../../lib/verdict/judge.ts';
import { exitCodeOf } from '../../lib/verdict/report-data.ts';
import { durationSeconds, holds, parseExpression, parseKey, quantileOf, thresholdsFromInspect } from '../../lib/verdict/thresholds.ts';

test('threshold keys and expressions parse as k6 writes them', () => {
  assert.deepEqual(parseKey('http_req_duration{name:POST /api/v1/payments}'), { metric: 'http_req_duration', tags: { name: 'POST /api/v1/payments' } });
  assert.deepEqual(parseKey('http_reqs{scenario:load,task:pay}'), { metric: 'http_reqs', tags: { scenario: 'load', task: 'pay' } });
  assert.deepEqual(parseKey('checks'), { metric: 'checks', tags: {} });
  assert.deepEqual(parseExpression('p(99.9)<=1000'), { stat: 'p(99.9)', op: '<=', bound: 1000 });
  assert.deepEqual(parseExpression('rate>=0.95'), { stat: 'rate', op: '>=', bound: 0.95 });
  assert.deepEqual(parseExpression('count==0'), { stat: 'count', op: '==', bound: 0 });
  assert.throws(() => parseExpression('p95 < 5'), /'p95 < 5' is not '<stat> <op> <number>'/);
  assert.throws(() => parseKey('x{name'), /unclosed/);
  assert.equal(quantileOf('p(95)'), 0.95);
  assert.equal(quantileOf('med'), 0.5);
  assert.equal(quantileOf('avg'), null);
  assert.ok(holds(0, '<=', 0) && !holds(1, '<', 1) && holds(2, '!=', 1));
});

test('thresholdsFromInspect keeps abortOnFail and orders by metric', () => {
  const ts = thresholdsFromInspect({
    http_req_failed: ['rate<0.05', { threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '5s' }],
    checks: ['rate>=0.95'],
  });
  assert.deepEqual(ts.map((t) => [t.key, t.expression, t.abortOnFail]), [
    ['checks', 'rate>=0.95', false],
    ['http_req_failed', 'rate<0.05', false],
    ['http_req_failed', 'rate<0.5', true],
  ]);
  assert.equal(ts[2]!.delayAbortEvalSeconds, 5);
  assert.equal(durationSeconds('1m30s'), 90);
  assert.equal(durationSeconds('500ms'), 0.5);
  assert.equal(durationSeconds(null), 0);
  assert.throws(() => durationSeconds('5 sec'), /delayAbortEval '5 sec' is not a duration/);
});

const names = new Set(['k6_http_req_duration_seconds', 'k6_http_reqs_total', 'k6_http_req_failed_rate', 'k6_checks_rate', 'k6_vus', 'k6_amount']);
const one = (key: string, expression: string) => thresholdsFromInspect({ [key]: [expression] })[0]!;

test('series resolve by the names remote-write gives each metric type', () => {
  assert.deepEqual(resolveSeries('http_reqs', names), { kind: 'counter', name: 'k6_http_reqs_total', scale: 1 });
  assert.deepEqual(resolveSeries('http_req_duration', names), { kind: 'trend', name: 'k6_http_req_duration_seconds', scale: 1000 });
  assert.equal(resolveSeries('vus', names)!.kind, 'gauge');
  assert.equal(resolveSeries('amount', names, new Set(['k6_amount']))!.kind, 'trend');
  assert.equal(resolveSeries('nothing', names), null);
});

test('percentiles come from the merged histogram, counters from cumulative values, never increase()', () => {
  const t = one('http_req_duration{name:POST /api/v1/payments}', 'p(95)<500');
  const plan = planThreshold(t, resolveSeries(t.metric, names)!, 't1', 60);
  assert.deepEqual(plan, {
    type: 'exact',
    promql: 'histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="t1",name="POST /api/v1/payments"}))',
    scale: 1000,
    perSecond: false,
  });
  const rps = planThreshold(one('http_reqs', 'rate>=10'), resolveSeries('http_reqs', names)!, 't1', 60);
  assert.deepEqual(rps, { type: 'exact', promql: 'sum(last_over_time(k6_http_reqs_total{testid="t1"}[60s]))', scale: 1, perSecond: true });
  const failed = planThreshold(one('http_req_failed', 'rate<0.05'), resolveSeries('http_req_failed', names)!, 't1', 60);
  assert.equal(failed.type === 'exact' && failed.promql,
    'sum(last_over_time(k6_http_req_failed_rate{testid="t1"}[60s]) * last_over_time(k6_http_reqs_total{testid="t1"}[60s])) / sum(last_over_time(k6_http_reqs_total{testid="t1"}[60s]))');
  assert.equal(planThreshold(one('checks{check:x}', 'rate>0.9'), resolveSeries('checks', names)!, 't1', 60).type, 'bounds');
  assert.equal(planThreshold(one('http_reqs', 'p(95)<1'), resolveSeries('http_reqs', names)!, 't1', 60).type, 'unsupported');
  assert.equal(selector('a"b', { name: 'x\\y' }), '{testid="a\\"b",name="x\\\\y"}');
  assert.throws(() => selector('t', { 'bad-name': 'x' }), /'bad-name' cannot be a Prometheus label name/);
});

test('judge: exact values compare; a range decides only when both ends agree; missing data is undecided', () => {
  const t = one('checks{check:x}', 'rate>0.9');
  assert.equal(judge(t, { value: 0.95 }).result.ok, true);
  assert.deepEqual(judge(t, { min: 0.95, max: 1 }).result, { metric: 'checks{check:x}', expression: 'rate>0.9', stat: 'rate', ok: true, observed: 0.95 });
  assert.equal(judge(t, { min: 0.5, max: 0.8 }).result.ok, false);
  assert.match(judge(t, { min: 0.5, max: 1 }).undecided!, /range 0.5..1/);
  assert.match(judge(t, { missing: 'no samples' }).undecided!, /checks\{check:x\}: rate>0.9: no samples/);
});

test('counters are judged from every process\'s own counts, summed; a missing process leaves them to Prometheus', () => {
  // Two runners and the teardown process of an audit run: the ledger ends at acknowledged - stored = 0.
  const counts = sumCounts([
    { audit_entries_missing: 1682, recon_minor: 900, 'recon_minor{kind:payments,currency:GBP}': 900, http_reqs: 1700 },
    { audit_entries_missing: 1715, recon_minor: 100, 'recon_minor{kind:payments,currency:GBP}': 100, http_reqs: 1700 },
    { audit_entries_missing: -3397, recon_minor: -1000, 'recon_minor{kind:payments,currency:GBP}': -1000, http_reqs: 6 },
  ]);
  assert.deepEqual(counts, { audit_entries_missing: 0, recon_minor: 0, 'recon_minor{kind:payments,currency:GBP}': 0, http_reqs: 3406 });
  assert.equal(sumCounts([{ a: 1 }, undefined]), undefined, 'a process without its counts: no partial sum');
  assert.equal(sumCounts([]), undefined);
  assert.deepEqual(exactCounter(one('audit_entries_missing', 'count<=0'), counts, 10), { value: 0 });
  assert.deepEqual(exactCounter(one('recon_minor{kind:payments,currency:GBP}', 'count<=0'), counts, 10), { value: 0 });
  assert.deepEqual(exactCounter(one('http_reqs', 'rate>100'), counts, 10), { value: 340.6 });
  // A sub-metric of a counted metric that no process saw is 0, as k6 judges it.
  assert.deepEqual(exactCounter(one('recon_minor{kind:refunds,currency:EUR}', 'count<=0'), counts, 10), { value: 0 });
  // Not decided here: another metric, another statistic, no counts.
  assert.equal(exactCounter(one('missing_users', 'count<=0'), counts, 10), null);
  assert.equal(exactCounter(one('http_req_duration', 'p(95)<500'), counts, 10), null);
  assert.equal(exactCounter(one('audit_entries_missing', 'count<=0'), undefined, 10), null);
});

const summary = (requests: number, failedRate: number, runs: number): Report => ({
  schema: 'paykit.summary/v1', scenario: 'payment', profile: 'smoke', verdict: 'pass', finishedAt: '', durationSeconds: 10,
  thresholds: [], failedThresholds: [],
  requests: { count: requests, ratePerSecond: 0, failedRate },
  latencyMs: { avg: null, p95: null, p99: null, max: null },
  checks: { passes: requests, fails: 0, rate: 1 },
  iterations: { count: runs, ratePerSecond: 0, dropped: 0 },
  taskMix: [{ userClass: 'payment', task: 'pay', weight: 70, expectedShare: 0.7, runs, share: 1 }],
  counters: { payments_created: runs },
});

test('the report sums exact counts, weights the failed share by requests, and turns errors into the verdict', () => {
  const base = {
    scenario: 'payment', profile: 'smoke', durationSeconds: 10, latencyMs: { avg: 1, p95: 2, p99: 3, max: 4 },
    summaries: [summary(100, 0, 90), summary(300, 0.1, 290)],
    runners: [], distributed: { testId: 't', runners: 2, startSkewMs: 3, prometheus: 'http://p' },
  };
  const ok = judge(one('http_reqs', 'rate>=30'), { value: 40 });
  const pass = assembleReport({ ...base, judged: [ok], errors: [] });
  assert.equal(pass.verdict, 'pass');
  assert.equal(pass.requests.count, 400);
  assert.equal(pass.requests.ratePerSecond, 40);
  assert.equal(pass.requests.failedRate, 0.075);
  assert.equal(pass.counters.payments_created, 380);
  assert.equal(pass.taskMix[0]!.runs, 380);
  const breach = assembleReport({ ...base, judged: [judge(one('http_reqs', 'rate>=50'), { value: 40 })], errors: [] });
  assert.deepEqual([breach.verdict, breach.failedThresholds, exitCodeOf(breach.verdict)], ['fail', ['http_reqs: rate>=50'], 99]);
  const dead = assembleReport({ ...base, judged: [ok], errors: ['runner r1 (segment 1/2:1) exited with code 137'] });
  assert.deepEqual([dead.verdict, dead.error, exitCodeOf(dead.verdict)], ['error', 'runner r1 (segment 1/2:1) exited with code 137', 1]);
  assert.equal(mergeTaskMix([]).length, 0);
});

test('segments cover 0..1 and the CLI names bad arguments', () => {
  assert.deepEqual(segments(3), { sequence: '0,1/3,2/3,1', segments: ['0:1/3', '1/3:2/3', '2/3:1'] });
  assert.deepEqual(segments(1), { sequence: '0,1', segments: ['0:1'] });
  assert.deepEqual(parseArgs(['payment', '--runners', '2'], {}), { scenario: 'payment', runners: 2, profile: 'smoke' });
  assert.deepEqual(parseArgs(['payment', '--baseline', 'main', '--runners', '2'], {}), { scenario: 'payment', runners: 2, profile: 'smoke', baseline: 'main' });
  assert.throws(() => parseArgs(['payment', '--runners', '2', '--baseline'], {}), /--baseline needs a path/);
  assert.throws(() => parseArgs(['payment', '--runners', 'x'], {}), /--runners must be a whole number from 1 to 64, got 'NaN'/);
  assert.throws(() => parseArgs(['payment', '--runners', '2', '--vus', '3'], {}), /unknown option --vus/);
});

test('without PROMETHEUS_URL or a prometheus binary the run stops before any load, saying how to install one', async () => {
  await assert.rejects(usePrometheus({ PROMETHEUS_BIN: '/nonexistent/prometheus' }), /no PROMETHEUS_URL and no 'prometheus' on PATH; .*apt-get install prometheus/);
  await assert.rejects(usePrometheus({ PROMETHEUS_URL: 'localhost:9090' }), /PROMETHEUS_URL is not a URL: 'localhost:9090'/);
});

test('a run with nothing to read reports every threshold failed and unobserved, and no latency', () => {
  const [t] = thresholdsFromInspect({ 'http_req_duration{name:GET /health}': ['p(95)<200'] });
  assert.deepEqual(unjudged([t!]), [{ result: { metric: 'http_req_duration{name:GET /health}', expression: 'p(95)<200', ok: false, stat: 'p(95)', observed: null } }]);
  assert.deepEqual(noLatency(), { avg: null, p95: null, p99: null, max: null });
  assert.equal(reportedSkew(12.345), 12.3);
  assert.equal(reportedSkew(null), null);
});

test('an endpoint without a sample is "no data": failed when its budget requires data, passed when optional; other gaps stay undecided', () => {
  const all = thresholdsFromInspect({
    'http_req_duration{name:GET /a}': ['p(95)<300'],
    'http_reqs{name:GET /a}': ['count>0'],
    'http_req_duration{name:GET /b}': ['p(95)<300'],
    'ds_release_lag_ms': ['max<500'],
  });
  const by = (key: string) => all.find((t) => t.key === key)!;
  assert.deepEqual(judgeNoData(by('http_req_duration{name:GET /a}'), all)?.result, { metric: 'http_req_duration{name:GET /a}', expression: 'p(95)<300', ok: false, stat: 'p(95)', observed: null, noData: true });
  assert.equal(judgeNoData(by('http_req_duration{name:GET /b}'), all)?.result.ok, true);
  assert.equal(judgeNoData(by('ds_release_lag_ms'), all), null);
});
