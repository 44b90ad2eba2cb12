import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointBudgets, endpointName, successStatus, type Endpoint } from '../../lib/endpoints.ts';
import { resolveProfile } from '../../lib/profiles.ts';
import { BANKING_API } from '../../lib/services/banking.ts';
import { PAYMENT_API } from '../../lib/services/payment.ts';
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
