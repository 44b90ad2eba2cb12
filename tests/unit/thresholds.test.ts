import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveProfile } from '../../lib/profiles.ts';
import { buildThresholds } from '../../lib/budgets.ts';
import { paymentBudget } from '../../thresholds/payment.ts';

test('smoke: per-endpoint p95/p99, error rate with a catastrophic abort, checks; no throughput floor', () => {
  const t = buildThresholds(paymentBudget, resolveProfile({}));
  assert.deepEqual(t['http_req_duration{name:POST /api/v1/payments}'], ['p(95)<500', 'p(99)<1000']);
  assert.deepEqual(t.http_req_failed, ['rate<0.05', { threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '5s' }]);
  assert.deepEqual(t.checks, ['rate>=0.95']);
  assert.equal(t.iterations, undefined);
  assert.equal(t.dropped_iterations, undefined);
});

test('open-model profiles add a throughput floor and a dropped-iterations budget', () => {
  const t = buildThresholds(paymentBudget, resolveProfile({ PROFILE: 'volume', RATE: '200', DURATION: '100s' }));
  assert.deepEqual(t.iterations, ['rate>=180']);
  assert.deepEqual(t.dropped_iterations, ['count<=200']);
});

test('profile overrides and environment overrides apply', () => {
  const stress = buildThresholds(paymentBudget, resolveProfile({ PROFILE: 'stress' }));
  assert.equal(stress.http_req_failed?.[0], 'rate<0.1');
  const t = buildThresholds(paymentBudget, resolveProfile({}), { P95_MS: '50', MAX_ERROR_RATE: '0.01', MIN_RPS: '100' });
  assert.equal(t['http_req_duration{name:GET /health}']?.[0], 'p(95)<50');
  assert.equal(t.http_req_failed?.[0], 'rate<0.01');
  assert.deepEqual(t.http_reqs, ['rate>=100']);
  assert.throws(() => buildThresholds(paymentBudget, resolveProfile({}), { P95_MS: 'fast' }), /P95_MS must be milliseconds/);
});

test('breakpoint aborts on any breach', () => {
  const t = buildThresholds(paymentBudget, resolveProfile({ PROFILE: 'breakpoint' }));
  assert.deepEqual(t.checks, [{ threshold: 'rate>=0.95', abortOnFail: true, delayAbortEval: '10s' }]);
});

test('every endpoint has its own error budget beside its latency budget: none for writes, 1% for reads', () => {
  const t = buildThresholds(paymentBudget, resolveProfile({}));
  assert.deepEqual(t['http_req_failed{name:POST /api/v1/payments}'], ['rate<=0']);
  assert.deepEqual(t['http_req_failed{name:POST /api/v1/payments/{id}/refunds}'], ['rate<=0']);
  assert.deepEqual(t['http_req_failed{name:GET /api/v1/payments/{id}}'], ['rate<=0.01']);
  for (const name of Object.keys(paymentBudget.endpoints)) {
    assert.ok(t[`http_req_failed{name:${name}}`], `${name} has an error budget`);
    assert.ok(t[`http_req_duration{name:${name}}`], `${name} has a latency budget`);
  }
});

test('past the peak every endpoint tolerates the profile error rate; MAX_ENDPOINT_ERROR_RATE sets them all', () => {
  const stress = buildThresholds(paymentBudget, resolveProfile({ PROFILE: 'stress' }));
  assert.deepEqual(stress['http_req_failed{name:POST /api/v1/payments}'], ['rate<=0.1']);
  const t = buildThresholds(paymentBudget, resolveProfile({}), { MAX_ENDPOINT_ERROR_RATE: '0.2' });
  assert.deepEqual(t['http_req_failed{name:POST /api/v1/payments}'], ['rate<=0.2']);
  assert.deepEqual(t['http_req_failed{name:GET /health}'], ['rate<=0.2']);
  assert.throws(() => buildThresholds(paymentBudget, resolveProfile({}), { MAX_ENDPOINT_ERROR_RATE: '5' }), /MAX_ENDPOINT_ERROR_RATE must be a rate/);
  const breakpoint = buildThresholds(paymentBudget, resolveProfile({ PROFILE: 'breakpoint' }));
  assert.deepEqual(breakpoint['http_req_failed{name:POST /api/v1/payments}'], [{ threshold: 'rate<=0', abortOnFail: true, delayAbortEval: '10s' }]);
});

test('every budgeted endpoint must get traffic (count>0) unless its budget is optional', () => {
  const t = buildThresholds(
    { endpoints: { 'GET /a': { p95: 1, p99: 2, errorRate: 0 }, 'GET /b': { p95: 1, p99: 2, errorRate: 0, optional: true } }, errorRate: 0.01, checksRate: 0.99, abortErrorRate: 0.5, throughputShare: 0.9, droppedShare: 0.01 },
    resolveProfile({}),
  );
  assert.deepEqual(t['http_reqs{name:GET /a}'], ['count>0']);
  assert.equal(t['http_reqs{name:GET /b}'], undefined);
  assert.ok(t['http_req_failed{name:GET /b}'], 'an optional endpoint keeps its error and latency budgets');
});

test('OPTIONAL_ENDPOINTS lifts the data requirement by name or for all, and an unknown name is refused naming the variable', () => {
  const names = Object.keys(paymentBudget.endpoints);
  const some = buildThresholds(paymentBudget, resolveProfile({}), { OPTIONAL_ENDPOINTS: 'GET /health' });
  assert.equal(some['http_reqs{name:GET /health}'], undefined);
  assert.equal(Object.keys(some).filter((k) => k.startsWith('http_reqs{')).length, names.length - 1);
  const all = buildThresholds(paymentBudget, resolveProfile({}), { OPTIONAL_ENDPOINTS: '*' });
  assert.equal(Object.keys(all).filter((k) => k.startsWith('http_reqs{')).length, 0);
  assert.ok(all['http_req_failed{name:GET /health}'], 'the error and latency budgets stay');
  assert.throws(() => buildThresholds(paymentBudget, resolveProfile({}), { OPTIONAL_ENDPOINTS: 'GET /helth' }), /OPTIONAL_ENDPOINTS names 'GET \/helth', which has no budget here/);
});
