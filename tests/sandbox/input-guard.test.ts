// The pure part of the sandbox's input guard that needs no server: which path parameter an undecodable
// path breaks (the hostile suites check the 422s it gives on every route).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { undecodableParam } from '../../sandbox/input-guard.ts';

const routes = ['/api/v1/payments', '/api/v1/payments/:id', '/api/v1/payments/:id/refunds', '/api/v1/merchants/:merchant_id/transactions'];

test('an undecodable segment is named by the parameter of the route whose shape the path has', () => {
  assert.equal(undecodableParam('/api/v1/payments/%FF', routes), 'id');
  assert.equal(undecodableParam('/api/v1/payments/a%ED%A0%80b/refunds', routes), 'id');
  assert.equal(undecodableParam('/api/v1/merchants/%E2%82/transactions', routes), 'merchant_id');
  // Static segments compare decoded, as the router matches them.
  assert.equal(undecodableParam('/api/v1/p%61yments/%FF', routes), 'id');
  // No route has this shape, or the broken segment is a static one: no parameter to name.
  assert.equal(undecodableParam('/api/v1/payments/%FF/captures', routes), null);
  assert.equal(undecodableParam('/api/v1/pay%FFments/x', routes), null);
  // Every segment decodes: nothing to name.
  assert.equal(undecodableParam('/api/v1/payments/pay_1', routes), null);
});
