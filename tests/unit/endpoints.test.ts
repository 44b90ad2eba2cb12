import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listOperations, readSpec } from '../../cli/openapi/parse.ts';
import { endpointBudgets, endpointName, RETRY_LIMIT, RETRY_MAX_WAIT_S, retryDelay, successStatus, type Endpoint } from '../../lib/endpoints.ts';
import { resolveProfile } from '../../lib/profiles.ts';
import { BANKING_API } from '../../lib/services/banking/service.ts';
import { PAYMENT_API } from '../../lib/services/payment/service.ts';
import { buildThresholds } from '../../lib/budgets.ts';
import { bankingBudget } from '../../thresholds/banking.ts';
import { WRITE } from '../../thresholds/defaults.ts';
import { failuresBudget } from '../../thresholds/failures.ts';
import { mixedBudget } from '../../thresholds/mixed.ts';
import { paymentBudget } from '../../thresholds/payment.ts';
import { realisticBudget } from '../../thresholds/realistic.ts';

test('renaming an endpoint in its table moves its thresholds with it', () => {
  const renamed = { ...PAYMENT_API, createPayment: { ...PAYMENT_API.createPayment, path: '/api/v2/charges' } } as const;
  const endpoints = endpointBudgets(renamed, { createPayment: WRITE });
  assert.deepEqual(Object.keys(endpoints), ['POST /api/v2/charges']);
  const t = buildThresholds({ ...paymentBudget, endpoints }, resolveProfile({}));
  assert.ok(t['http_req_duration{name:POST /api/v2/charges}']);
  assert.ok(t['http_req_failed{name:POST /api/v2/charges}']);
  assert.equal(t['http_req_duration{name:POST /api/v1/payments}'], undefined);
});

test('every budgeted endpoint of every scenario is an endpoint of a service table', () => {
  const known = new Set([...Object.values(PAYMENT_API), ...Object.values(BANKING_API)].map((e: Endpoint) => endpointName(e)));
  for (const [scenario, budget] of Object.entries({ paymentBudget, bankingBudget, failuresBudget, mixedBudget, realisticBudget })) {
    for (const name of Object.keys(budget.endpoints)) assert.ok(known.has(name), `${scenario}: '${name}' is in no endpoint table`);
  }
});

test('the success status is the first expected status of the table', () => {
  assert.equal(successStatus(PAYMENT_API.createPayment), 201);
  assert.equal(successStatus(BANKING_API.capture), 200);
  assert.throws(() => endpointBudgets(PAYMENT_API, { nope: WRITE } as never), /no endpoint 'nope'/);
});

test('retryDelay: only a documented retry status with a usable Retry-After, within the wait cap, a bounded number of times', () => {
  const e: Endpoint = { method: 'POST', path: '/gen', expected: [200], retry: [409, 429] };
  assert.equal(retryDelay(e, 409, '2', 0), 2);
  assert.equal(retryDelay(e, 429, ['1'], RETRY_LIMIT - 1), 1);
  assert.equal(retryDelay(e, 409, '2', RETRY_LIMIT), null, 'retries used up: the answer is judged');
  assert.equal(retryDelay(e, 503, '2', 0), null, 'not documented as retryable');
  assert.equal(retryDelay(e, 409, undefined, 0), null, 'no Retry-After');
  assert.equal(retryDelay(e, 409, 'Wed, 21 Oct 2015 07:28:00 GMT', 0), null, 'a date is not acted on');
  assert.equal(retryDelay(e, 409, String(RETRY_MAX_WAIT_S + 1), 0), null, 'too long a wait');
  assert.equal(retryDelay({ ...e, retry: undefined }, 409, '1', 0), null);
});

test('the built-in tables retry exactly the statuses sandbox/openapi.yaml documents with Retry-After', async () => {
  const spec = listOperations(await readSpec('sandbox/openapi.yaml'));
  for (const [key, e] of Object.entries({ ...PAYMENT_API, ...BANKING_API }) as Array<[string, Endpoint]>) {
    const op = spec.operations.find((o) => o.path === e.path && o.method === e.method.toLowerCase());
    assert.ok(op, `${key}: ${endpointName(e)} is not in the spec`);
    assert.deepEqual(e.retry ?? [], op.retry, `${key}: ${endpointName(e)}`);
  }
});
