/** Fault injection: parser, and measurable effects on real requests. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { emptyFaults, formatFaultSpec, parseFaultSpec, scopeMatches } from '../../sandbox/faults.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { AUTH, Client, paymentBody, start } from './helpers.ts';

describe('fault spec parser', () => {
  test("scope patterns: '{param}' is one segment, '*' anything; decoded path or route template", () => {
    const [rule] = parseFaultSpec('errors=5%@POST /api/v1/payments/{id}/refunds').rules;
    assert.ok(rule);
    assert.equal(formatFaultSpec(parseFaultSpec('errors=5%@POST /api/v1/payments/{id}/refunds')), 'errors=0.05@POST /api/v1/payments/{id}/refunds');
    const s = rule.scope;
    assert.ok(scopeMatches(s, 'POST', '/api/v1/payments/pay_123/refunds', null));
    assert.ok(!scopeMatches(s, 'GET', '/api/v1/payments/pay_123/refunds', null));
    assert.ok(!scopeMatches(s, 'POST', '/api/v1/payments/a/b/refunds', null), 'one segment only');
    assert.ok(!scopeMatches(s, 'POST', '/api/v1/payments//refunds', null), 'not an empty segment');
    assert.ok(scopeMatches(s, 'POST', '/api/v1/payments/a/b/refunds', '/api/v1/payments/{id}/refunds'), 'the matched route decides');
    const glob = parseFaultSpec('latency=1ms@/api/v1/payments*').rules[0]?.scope;
    assert.ok(glob && scopeMatches(glob, 'GET', '/api/v1/payments/x/refunds', null));
    assert.ok(glob && !scopeMatches(glob, 'GET', '/api/v1/stats', '/api/v1/stats'));
  });

  test('parses every rule kind and scopes; formats canonically', () => {
    const spec = parseFaultSpec(
      ' latency=200ms ; latency=50ms..400ms@/api/v1/payments* ;latency=normal(200ms,50ms)@GET;' +
        'errors=0.1; errors=25%:500@POST /api/v1/payments\nreset=0.05; timeout=0.01; timeout=1:2s@/api/v1/stats; ttfb=6s@POST /api/v1/data/generate; no_unique_pan; no_rate_limit',
    );
    assert.equal(spec.rules.length, 9);
    assert.equal(spec.noUniquePan, true);
    assert.equal(spec.noRateLimit, true);
    assert.equal(
      formatFaultSpec(spec),
      'latency=200ms; latency=50ms..400ms@/api/v1/payments*; latency=normal(200ms,50ms)@GET; errors=0.1; errors=0.25:500@POST /api/v1/payments; ' +
        'reset=0.05; timeout=0.01; timeout=1:2s@/api/v1/stats; ttfb=6s@POST /api/v1/data/generate; no_unique_pan; no_rate_limit',
    );
    assert.deepEqual(parseFaultSpec(formatFaultSpec(spec)), spec, 'round-trips');
    assert.deepEqual(parseFaultSpec(''), emptyFaults());
  });

  test('rejects bad specs with a message naming the rule', () => {
    const cases: [string, RegExp][] = [
      ['latency=fast', /rule 'latency=fast': 'fast' is not a duration/],
      ['latency=', /'latency' needs a value/],
      ['latency=400ms..50ms', /max < min/],
      ['latency=10m', /exceeds the maximum/],
      ['errors=1.5', /not a fraction 0..1/],
      ['errors=0.1:418', /error status must be one of/],
      ['reset=-1', /not a fraction/],
      ['explode=1', /unknown fault 'explode'/],
      ['errors=0.1@FETCH /x', /'FETCH' is not an HTTP method/],
      ['errors=0.1@', /empty scope/],
      ['errors=0.1@/a /b', /more than one path/],
      ['no_unique_pan@/api', /cannot be scoped/],
      ['no_rate_limit=maybe', /takes no value/],
    ];
    for (const [text, re] of cases) assert.throws(() => parseFaultSpec(text), re, text);
  });
});

describe('faults over HTTP', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  const setFaults = async (spec: string) => {
    const r = await api.pay('PUT', '/admin/faults', { body: { spec } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await fn();
    return [v, performance.now() - t0];
  };

  /** The delay the sandbox says it injected (its Server-Timing header), 0 when none. */
  const injected = (headers: Headers, name: 'fault-latency' | 'fault-ttfb'): number => {
    const m = new RegExp(`${name};dur=(\\d+)`).exec(headers.get('server-timing') ?? '');
    return m ? Number(m[1]) : 0;
  };

  // Wall-clock bounds are only lower bounds (a delay cannot be shorter than injected); that an unscoped
  // route was not delayed is read from the sandbox's own account, which a busy machine cannot skew.
  test('latency slows only the scoped route', async () => {
    await setFaults('latency=250ms@GET /api/v1/stats');
    try {
      const [slow, slowMs] = await timed(() => api.pay('GET', '/api/v1/stats'));
      assert.equal(slow.status, 200);
      assert.equal(injected(slow.headers, 'fault-latency'), 250);
      assert.ok(slowMs >= 240, `stats took ${slowMs.toFixed(0)} ms`);
      const fast = await api.pay('GET', '/api/v1/payments/pay_x');
      assert.equal(fast.status, 404);
      assert.equal(fast.headers.get('server-timing'), null, 'unscoped route not delayed');
      const admin = await api.pay('GET', '/admin/faults');
      assert.equal(admin.headers.get('server-timing'), null, 'admin is never faulted');
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('uniform latency stays within its range', async () => {
    await setFaults('latency=100ms..200ms@/api/v1/stats');
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => timed(() => api.bank('GET', '/api/v1/stats'))));
      for (const [r, ms] of results) {
        const d = injected(r.headers, 'fault-latency');
        assert.ok(d >= 100 && d <= 200, `injected ${d} ms`);
        assert.ok(ms >= d - 5, `took ${ms.toFixed(0)} ms, less than the ${d} ms injected`);
      }
      assert.ok(new Set(results.map(([r]) => injected(r.headers, 'fault-latency'))).size > 1, 'delays vary');
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('errors=0.3 answers about 30% with 503 injected_fault', async () => {
    await setFaults('errors=0.3@GET /api/v1/stats');
    try {
      const results = await Promise.all(Array.from({ length: 400 }, () => api.pay('GET', '/api/v1/stats')));
      const errors = results.filter((r) => r.status === 503);
      assert.ok(errors.every((r) => r.body.error.code === 'injected_fault'));
      assert.equal(errors.length + results.filter((r) => r.status === 200).length, 400);
      const rate = errors.length / 400;
      assert.ok(rate > 0.2 && rate < 0.4, `error rate ${rate}`);
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('scoped error rule hits only its method + path', async () => {
    await setFaults('errors=1@POST /api/v1/payments');
    try {
      assert.equal((await api.pay('POST', '/api/v1/payments', { body: paymentBody() })).status, 503);
      assert.equal((await api.pay('GET', '/api/v1/payments/pay_nope')).status, 404);
      assert.equal((await api.pay('GET', '/api/v1/merchants/m/transactions')).status, 200);
      assert.equal((await api.bank('POST', '/api/v1/users', { body: { name: 'n', pan: 'SCOPE1234S' } })).status, 201);
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
    assert.equal((await api.pay('POST', '/api/v1/payments', { body: paymentBody() })).status, 201);
  });

  test('errors with a configured status', async () => {
    await setFaults('errors=1:502@/api/v1/stats');
    try {
      const r = await api.pay('GET', '/api/v1/stats', { contract: false });
      assert.equal(r.status, 502);
      assert.equal(r.body.error.code, 'injected_fault');
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('reset destroys the connection; timeout holds then closes', async () => {
    await setFaults('reset=1@/api/v1/stats; timeout=1:300ms@/api/v1/audit/verify');
    try {
      await assert.rejects(fetch(`${sb.paymentUrl}/api/v1/stats`, { headers: AUTH }));
      const t0 = performance.now();
      await assert.rejects(fetch(`${sb.bankingUrl}/api/v1/audit/verify`, { headers: AUTH }));
      const held = performance.now() - t0;
      // the upper bound only tells 'closed after its hold' from 'held until the client gave up'
      assert.ok(held >= 280 && held < 10_000, `held ${held.toFixed(0)} ms`);
      assert.equal((await api.pay('GET', '/health')).status, 200);
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('ttfb delays the first byte of data/generate and of normal routes', async () => {
    await setFaults('ttfb=300ms@POST /api/v1/data/generate; ttfb=200ms@GET /api/v1/stats');
    try {
      const t0 = performance.now();
      const res = await fetch(`${sb.paymentUrl}/api/v1/data/generate`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ records: 10 }),
      });
      const headersMs = performance.now() - t0;
      assert.equal(res.status, 200);
      assert.equal(injected(res.headers, 'fault-ttfb'), 300);
      assert.equal((await res.text()).trim().split('\n').length, 10);
      assert.ok(headersMs >= 290, `headers after ${headersMs.toFixed(0)} ms`);
      const [r, ms] = await timed(() => api.pay('GET', '/api/v1/stats'));
      assert.equal(r.status, 200);
      assert.equal(injected(r.headers, 'fault-ttfb'), 200);
      assert.ok(ms >= 190, `stats after ${ms.toFixed(0)} ms`);
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });

  test('SANDBOX_FAULTS-style spec at start-up applies immediately', async () => {
    const s2 = await start({ faults: 'errors=1@/api/v1/stats' });
    try {
      assert.equal((await s2.api.bank('GET', '/api/v1/stats')).status, 503);
      assert.equal((await s2.api.bank('GET', '/admin/faults')).body.spec, 'errors=1@/api/v1/stats');
    } finally {
      await s2.sb.close();
    }
  });
});
