/**
 * Contract test: runs the route suites with every response validated against sandbox/openapi.yaml
 * (status documented + body schema, via tests/sandbox/spec.ts), then asserts that every documented
 * (method, route, status) was actually produced.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentedTuples, seen, spec } from './spec.ts';
import { bankingRouteSuite } from './suites/banking-routes.ts';
import { genericStatusSuite } from './suites/generic-statuses.ts';
import { paymentRouteSuite } from './suites/payment-routes.ts';
import { streamingSuite } from './suites/streaming.ts';

describe('openapi document', () => {
  test('is OpenAPI 3.1 with every route', () => {
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(documentedTuples().length > 50);
  });
});

paymentRouteSuite();
bankingRouteSuite();
streamingSuite();
genericStatusSuite();

test('every documented status of every route was produced by a test', () => {
  const missing = documentedTuples().filter((t) => !seen.has(t));
  assert.deepEqual(missing, [], `documented but never produced:\n${missing.join('\n')}`);
});
