/**
 * Cross-cutting statuses produced for every documented route, driven by the OpenAPI document itself:
 * 401 (no token), 429 (rate limit), 503 (injected fault), 400 / 413 / 415 (body parsing), 422 (NUL in the query
 * string), 431 (oversized headers), plus the admin API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../../sandbox/server.ts';
import { Client, start, TOKEN } from '../helpers.ts';
import { spec, type Service } from '../spec.ts';

interface RouteCall {
  service: Service;
  method: string;
  path: string;
  statuses: string[];
}

function routeCalls(): RouteCall[] {
  const out: RouteCall[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const path = template.replace(/\{[^}]+\}/g, 'x_unknown').replace('/api/v1/settlements', '/api/v1/settlements?date=2026-01-01');
    const services = (item.servers ?? []).map((s) => (s.description?.startsWith('payment') ? 'payment' : 'banking')) as Service[];
    for (const method of ['get', 'post', 'put', 'delete']) {
      const op = item[method] as { responses: Record<string, unknown> } | undefined;
      if (!op) continue;
      for (const service of services) out.push({ service, method: method.toUpperCase(), path, statuses: Object.keys(op.responses) });
    }
  }
  return out;
}

export function genericStatusSuite(): void {
  describe('cross-cutting statuses on every route', () => {
    let sb: Sandbox;
    let api: Client;
    const calls = routeCalls();
    // one API key per route for the 429 loop: the limiter keys on the authenticated client
    const keys = calls.map((_, i) => `generic-key-${i}`);
    before(async () => {
      ({ sb, api } = await start({ bodyLimit: 2048, rateLimit: '1/1m', token: [TOKEN, ...keys].join(',') }));
    });
    after(() => sb.close());

    test('401 without a bearer token', async () => {
      // unauthenticated requests share one budget per address: lift the limit to see every route's 401
      await api.pay('PUT', '/admin/faults', { body: { spec: 'no_rate_limit' } });
      try {
        for (const c of calls.filter((c) => c.statuses.includes('401'))) {
          const r = await api.call(c.service, c.method, c.path, {
            auth: false,
            body: c.method === 'GET' || c.method === 'DELETE' ? undefined : {},
          });
          assert.equal(r.status, 401, `${c.service} ${c.method} ${c.path}`);
          assert.equal(r.headers.get('www-authenticate'), 'Bearer');
        }
      } finally {
        await api.pay('DELETE', '/admin/faults');
      }
      const anon = await api.pay('GET', '/api/v1/stats', { auth: false });
      assert.equal(anon.status, 401, 'first unauthenticated request of the window');
      const over = await api.pay('GET', '/api/v1/stats', { auth: false });
      assert.equal(over.status, 429, 'unauthenticated requests are limited per address');
    });

    test('429 with Retry-After once the per-client limit is used up', async () => {
      let n = 0;
      for (const c of calls.filter((c) => c.statuses.includes('429'))) {
        const auth = keys[n++];
        const body = c.method === 'GET' ? undefined : {};
        const first = await api.call(c.service, c.method, c.path, { body, auth, contract: false });
        assert.notEqual(first.status, 429);
        assert.equal(first.headers.get('x-ratelimit-remaining'), '0');
        // a client-chosen X-Client-Id does not open a new budget
        const r = await api.call(c.service, c.method, c.path, { body, auth, headers: { 'x-client-id': `fresh-${n}` } });
        assert.equal(r.status, 429, `${c.service} ${c.method} ${c.path}`);
        assert.equal(r.body.error.code, 'rate_limited');
        const retry = Number(r.headers.get('retry-after'));
        assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60);
        assert.equal(r.headers.get('x-ratelimit-limit'), '1');
      }
      // /health and /admin are exempt
      for (let i = 0; i < 3; i++) {
        assert.equal((await api.pay('GET', '/health', { auth: keys[0] })).status, 200);
        assert.equal((await api.pay('GET', '/admin/faults', { auth: keys[0] })).status, 200);
      }
    });

    test('503 injected_fault on every /api route when errors=1', async () => {
      const put = await api.pay('PUT', '/admin/faults', { body: { spec: 'errors=1; no_rate_limit' } });
      assert.equal(put.status, 200);
      try {
        for (const c of calls.filter((c) => c.statuses.includes('503'))) {
          const r = await api.call(c.service, c.method, c.path, { body: c.method === 'GET' ? undefined : {} });
          assert.equal(r.status, 503, `${c.service} ${c.method} ${c.path}`);
          assert.equal(r.body.error.code, 'injected_fault');
        }
        assert.equal((await api.bank('GET', '/health')).status, 200, 'health is never faulted');
      } finally {
        const del = await api.bank('DELETE', '/admin/faults');
        assert.equal(del.status, 200);
        assert.deepEqual(del.body, { spec: '', rules: [] });
      }
    });

    test('400 malformed JSON, 413 too large, 415 wrong media type on every body route', async () => {
      await api.pay('PUT', '/admin/faults', { body: { spec: 'no_rate_limit' } });
      try {
        for (const c of calls) {
          const label = `${c.service} ${c.method} ${c.path}`;
          if (c.statuses.includes('400')) {
            const r = await api.call(c.service, c.method, c.path, { raw: '{"a":' });
            assert.equal(r.status, 400, label);
            assert.equal(r.body.error.code, 'malformed_json');
          }
          if (c.statuses.includes('413')) {
            const r = await api.call(c.service, c.method, c.path, { body: { pad: 'x'.repeat(4096) } });
            assert.equal(r.status, 413, label);
            assert.equal(r.body.error.code, 'payload_too_large');
          }
          if (c.statuses.includes('415')) {
            const r = await api.call(c.service, c.method, c.path, { raw: '<x/>', headers: { 'content-type': 'application/xml' } });
            assert.equal(r.status, 415, label);
            assert.equal(r.body.error.code, 'unsupported_media_type');
          }
        }
      } finally {
        await api.pay('DELETE', '/admin/faults');
      }
    });

    test('422 naming the parameter for NUL in the query string, 431 for oversized headers, on every route', async () => {
      await api.pay('PUT', '/admin/faults', { body: { spec: 'no_rate_limit' } });
      try {
        for (const c of calls) {
          const label = `${c.service} ${c.method} ${c.path}`;
          const body = c.method === 'GET' || c.method === 'DELETE' ? undefined : {};
          if (c.statuses.includes('422')) {
            const q = `${c.path}${c.path.includes('?') ? '&' : '?'}probe=%00`;
            const r = await api.call(c.service, c.method, q, { body });
            assert.equal(r.status, 422, label);
            assert.equal(r.body.error.code, 'validation_failed');
            assert.equal(r.body.error.field, 'probe');
          }
          if (c.statuses.includes('431')) {
            const r = await api.call(c.service, c.method, c.path, { body, headers: { 'x-pad': 'x'.repeat(20_000) } });
            assert.equal(r.status, 431, label);
            assert.equal(r.body.error.code, 'headers_too_large');
          }
        }
      } finally {
        await api.pay('DELETE', '/admin/faults');
      }
    });

    test('admin API: faults round-trip, validation, tamper', async () => {
      const fresh = await start();
      try {
        const a = new Client(fresh.sb);
        const empty = await a.bank('POST', '/admin/audit/tamper', { body: {} });
        assert.equal(empty.status, 404);
        const spec1 = 'latency=50ms..400ms@/api/v1/payments*; errors=0.1:500@POST /api/v1/payments; timeout=0.01; no_unique_pan';
        const put = await a.pay('PUT', '/admin/faults', { body: { spec: spec1 } });
        assert.equal(put.status, 200);
        assert.equal(put.body.spec, spec1);
        const got = await a.bank('GET', '/admin/faults');
        assert.deepEqual(got.body, put.body, 'fault state is shared by both ports');
        const structured = await a.pay('PUT', '/admin/faults', {
          body: { rules: [{ type: 'latency', value: 200, method: 'GET', path: '/api/v1/stats' }, { type: 'errors', value: 0.5 }] },
        });
        assert.equal(structured.status, 200);
        assert.equal(structured.body.spec, 'latency=200ms@GET /api/v1/stats; errors=0.5');
        for (const body of [{ spec: 'latency=fast' }, { spec: 'explode=1' }, { rules: [{ type: 'errors', value: 2 }] }, {}, { spec: 'x', rules: [] }]) {
          const r = await a.pay('PUT', '/admin/faults', { body });
          assert.equal(r.status, 422, JSON.stringify(body));
        }
        assert.equal((await a.pay('PUT', '/admin/faults', { body: { spec: 7 } })).body.error.field, 'spec');
        assert.equal((await a.pay('DELETE', '/admin/faults')).body.spec, '');
        const u = await a.bank('POST', '/api/v1/users', { body: { name: 'T', pan: 'TAMPR1234T' } });
        assert.equal(u.status, 201);
        const t = await a.bank('POST', '/admin/audit/tamper', { body: { seq: 1 } });
        assert.deepEqual(t.body, { tampered_seq: 1 });
        assert.equal((await a.bank('POST', '/admin/audit/tamper', { body: { seq: 99 } })).status, 404);
        assert.equal((await a.bank('POST', '/admin/audit/tamper', { body: { seq: 'one' } })).status, 422);
        const v = await a.bank('GET', '/api/v1/audit/verify');
        assert.deepEqual(v.body, { valid: false, entries: 1, first_invalid_seq: 1 });
      } finally {
        await fresh.sb.close();
      }
    });
  });
}
