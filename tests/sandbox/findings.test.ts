/**
 * Reproductions of the hardening findings, one block per finding, each asserting the fixed behaviour:
 *  1. percent-encoded paths must not skip the bearer check or fault injection; fault scopes accept `{param}`;
 *  2. deep nesting and NUL / lone surrogates in strings are 422, never 500;
 *  3. the rate limiter keys on the authenticated client, after auth, not on a client-chosen X-Client-Id;
 *  4. text/plain is 415, header overflow is 431 in the documented shape, a bad token is never echoed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../sandbox/config.ts';
import { parseFaultSpec } from '../../sandbox/faults.ts';
import { AUTH, paymentBody, rawRequest, start } from './helpers.ts';

const JSON_CT = { 'content-type': 'application/json' };

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}

function assertErrorShape(body: any, code: string, label: string): void {
  assert.equal(typeof body?.error?.message, 'string', `${label}: ${JSON.stringify(body)?.slice(0, 200)}`);
  assert.equal(body.error.code, code, label);
}

describe('finding 1: encoded paths bypass neither auth nor faults', () => {
  test('percent-encoded route paths without a token get 401', async () => {
    const { sb } = await start();
    try {
      const pay = await rawRequest(sb.paymentUrl, 'POST', '/%61pi/v1/payments', { headers: JSON_CT, body: JSON.stringify(paymentBody()) });
      assert.equal(pay.status, 401, pay.text);
      assertErrorShape(pay.body, 'unauthorized', 'POST /%61pi/v1/payments');
      const faults = await rawRequest(sb.paymentUrl, 'PUT', '/%61dmin/faults', { headers: JSON_CT, body: '{"spec":"errors=1"}' });
      assert.equal(faults.status, 401, faults.text);
      const tamper = await rawRequest(sb.bankingUrl, 'POST', '/%61dmin/audit/tamper', { headers: JSON_CT, body: '{}' });
      assert.equal(tamper.status, 401, tamper.text);
      assert.equal(sb.faults.current.rules.length, 0);
      // unknown routes are denied too: the token is checked before anyone learns what exists
      assert.equal((await rawRequest(sb.paymentUrl, 'GET', '/api/v1/nope')).status, 401);
      assert.equal((await rawRequest(sb.paymentUrl, 'GET', '/api/v1/nope', { headers: AUTH })).status, 404);
      assert.equal((await rawRequest(sb.paymentUrl, 'GET', '/health')).status, 200);
    } finally {
      await sb.close();
    }
  });

  test('an encoded path gets the fault injected on its route', async () => {
    const { sb } = await start({ faults: 'errors=1@POST /api/v1/payments' });
    try {
      const r = await rawRequest(sb.paymentUrl, 'POST', '/api/v1/p%61yments', { headers: { ...AUTH, ...JSON_CT }, body: JSON.stringify(paymentBody()) });
      assert.equal(r.status, 503, r.text);
      assertErrorShape(r.body, 'injected_fault', 'POST /api/v1/p%61yments');
    } finally {
      await sb.close();
    }
  });

  test('fault scopes accept the endpoint-name template form', async () => {
    assert.equal(parseFaultSpec('errors=5%@POST /api/v1/payments').rules.length, 1);
    const { sb, api } = await start({ faults: 'errors=100%@POST /api/v1/payments/{id}/refunds' });
    try {
      const paid = await api.pay('POST', '/api/v1/payments', { body: paymentBody() });
      assert.equal(paid.status, 201);
      const r = await api.pay('POST', `/api/v1/payments/${paid.body.id}/refunds`, { body: { amount: 1 } });
      assert.equal(r.status, 503);
      const other = await api.pay('POST', '/api/v1/payments/pay_123/refunds', { body: { amount: 1 } });
      assert.equal(other.status, 503);
      assert.equal((await api.pay('GET', `/api/v1/payments/${paid.body.id}`)).status, 200, 'other routes are not faulted');
    } finally {
      await sb.close();
    }
  });
});

describe('finding 2: client input never produces a 500', () => {
  test('an extra field nested 3000 deep (with an Idempotency-Key) is a 422 naming where', async () => {
    const { sb, api } = await start();
    try {
      const headers = { 'idempotency-key': 'deep-1' };
      const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ extra: nested(3000) }), headers });
      assert.equal(r.status, 422, r.text.slice(0, 300));
      assertErrorShape(r.body, 'validation_failed', 'deep payment');
      assert.match(r.body.error.field, /^extra(\.n)+$/);
      const paid = await api.pay('POST', '/api/v1/payments', { body: paymentBody() });
      const refund = await api.pay('POST', `/api/v1/payments/${paid.body.id}/refunds`, {
        body: { amount: 1, extra: nested(3000) },
        headers: { 'idempotency-key': 'deep-2' },
      });
      assert.equal(refund.status, 422, refund.text.slice(0, 300));
      assertErrorShape(refund.body, 'validation_failed', 'deep refund');
    } finally {
      await sb.close();
    }
  });

  test('NUL and unpaired surrogates are 422 naming the field', async () => {
    const { sb, api } = await start();
    try {
      const cases: ['payment' | 'banking', string, unknown, string][] = [
        ['payment', '/api/v1/payments', paymentBody({ merchant_id: '\u0000' }), 'merchant_id'],
        ['payment', '/api/v1/payments', paymentBody({ description: 'a\ud800b' }), 'description'],
        ['banking', '/api/v1/users', { name: '\u0000', pan: 'NULPK1234N' }, 'name'],
        ['banking', '/api/v1/batch', { operations: [{ type: 'authorize', body: { merchant_id: '\u0000', amount: 1, currency: 'USD' } }] }, 'operations[0].body.merchant_id'],
      ];
      for (const [service, path, body, field] of cases) {
        const r = await api.call(service, 'POST', path, { body });
        assert.equal(r.status, 422, `${path} ${field}: ${r.text.slice(0, 200)}`);
        assertErrorShape(r.body, 'validation_failed', path);
        assert.equal(r.body.error.field, field);
      }
      assert.equal((await api.pay('GET', '/api/v1/stats')).body.payments, 0, 'nothing was stored');
    } finally {
      await sb.close();
    }
  });
});

describe('finding 3: rate limit identity is the authenticated client', () => {
  test('unauthenticated requests naming a victim do not use up the victim budget', async () => {
    const { sb, api } = await start({ rateLimit: '5/10s' });
    try {
      for (let i = 0; i < 25; i++) {
        const r = await api.pay('GET', '/api/v1/stats', { auth: false, headers: { 'x-client-id': 'victim' } });
        assert.ok(r.status === 401 || r.status === 429, String(r.status));
      }
      const victim = await api.pay('GET', '/api/v1/stats', { headers: { 'x-client-id': 'victim' } });
      assert.equal(victim.status, 200);
    } finally {
      await sb.close();
    }
  });

  test('rotating X-Client-Id does not escape the limit', async () => {
    const { sb, api } = await start({ rateLimit: '5/10s' });
    try {
      const authed: number[] = [];
      const anon: number[] = [];
      for (let i = 0; i < 8; i++) {
        authed.push((await api.pay('GET', '/api/v1/stats', { headers: { 'x-client-id': `rot-${i}` } })).status);
        anon.push((await api.bank('GET', '/api/v1/stats', { auth: false, headers: { 'x-client-id': `anon-${i}` } })).status);
      }
      assert.deepEqual(authed, [200, 200, 200, 200, 200, 429, 429, 429]);
      assert.deepEqual(anon, [401, 401, 401, 401, 401, 429, 429, 429]);
    } finally {
      await sb.close();
    }
  });
});

describe('finding 4: documented statuses and shapes', () => {
  test('text/plain is 415 unsupported_media_type', async () => {
    const { sb, api } = await start();
    try {
      const r = await api.pay('POST', '/api/v1/payments', { raw: JSON.stringify(paymentBody()), headers: { 'content-type': 'text/plain' } });
      assert.equal(r.status, 415, r.text);
      assertErrorShape(r.body, 'unsupported_media_type', 'text/plain');
    } finally {
      await sb.close();
    }
  });

  test('header overflow is 431 in the documented error shape', async () => {
    const { sb } = await start();
    try {
      const r = await rawRequest(sb.paymentUrl, 'GET', '/api/v1/stats', { headers: { ...AUTH, 'x-pad': 'x'.repeat(20_000) } });
      assert.equal(r.status, 431);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assertErrorShape(r.body, 'headers_too_large', '431');
    } finally {
      await sb.close();
    }
  });

  test('a bad SANDBOX_TOKEN is not echoed', () => {
    for (const token of ['secret with space', ' ', 'trailing\t']) {
      assert.throws(
        () => loadConfig({ SANDBOX_TOKEN: token }),
        (err: unknown) => err instanceof ConfigError && /^SANDBOX_TOKEN must be/.test(err.message) && (token.trim() === '' || !err.message.includes(token.trim())),
      );
    }
  });
});
