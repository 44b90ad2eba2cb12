/**
 * Hostile inputs: nothing a client sends may produce a 5xx, crash the process, or return non-JSON errors.
 * The first block is hand-picked bodies, paths and headers; the second is generated from sandbox/openapi.yaml
 * (tests/sandbox/hostile-cases.ts + hostile-props.ts), so a new route or field is covered without new code.
 * The generated block uses a fixed seed; HOSTILE_RUNS raises its runs (bench/fuzz-sandbox.ts runs far more).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../sandbox/server.ts';
import { AUTH, Client, paymentBody, start, VISA } from './helpers.ts';
import { HOSTILE_SANDBOX, HostileRunner, type RunOptions } from './hostile-props.ts';

const POST_ROUTES: ['payment' | 'banking', string][] = [
  ['payment', '/api/v1/payments'],
  ['payment', '/api/v1/payments/pay_x/refunds'],
  ['payment', '/api/v1/data/generate'],
  ['banking', '/api/v1/authorizations'],
  ['banking', '/api/v1/authorizations/auth_x/capture'],
  ['banking', '/api/v1/refunds'],
  ['banking', '/api/v1/batch'],
  ['banking', '/api/v1/users'],
  ['payment', '/admin/faults'],
  ['banking', '/admin/audit/tamper'],
];

const RAW_BODIES: string[] = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '-1',
  '"string"',
  '[]',
  '[{}]',
  '{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"amount":1e999}',
  '{"amount":-1e999}',
  '{"amount":123456789012345678901234567890}',
  '{"records":1e308,"chunk_size":1e-308}',
  '{"merchant_id":"\\u0000\\u0001","amount":1,"currency":"USD","card":{}}',
  '{"name":"\\ud800","pan":"ABCPK1234F"}',
  '{"operations":[' + '{"type":"authorize","body":[]},'.repeat(99) + '{"type":"capture","id":null}]}',
  '{"operations":{"length":5}}',
  '{"transaction_id":["auth_x"],"amount":{"$gt":0}}',
  '{"spec":"latency=' + '9'.repeat(400) + 'ms"}',
  '{"seq":1e400}',
  '['.repeat(50_000) + ']'.repeat(50_000),
  '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
  '\uFEFF{"records":1}',
  '{"x":"' + '🙂'.repeat(50_000) + '"}',
  JSON.stringify(paymentBody({ merchant_id: 'é'.repeat(64), description: '\u202e\u0000'.repeat(100) })),
  JSON.stringify(paymentBody({ card: { ...VISA, number: '٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢' } })),
  JSON.stringify(paymentBody({ card: { ...VISA, exp_year: 1e21 } })),
  JSON.stringify(paymentBody({ customer_id: { nested: true } })),
];

describe('hostile inputs never produce a 5xx', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  test('hostile JSON bodies on every POST route', async () => {
    for (const [service, path] of POST_ROUTES) {
      for (const raw of RAW_BODIES) {
        const method = path === '/admin/faults' ? 'PUT' : 'POST';
        const r = await api.call(service, method, path, { raw, contract: false });
        assert.ok(r.status < 500, `${method} ${path} with ${raw.slice(0, 60)} -> ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400) {
          assert.equal(typeof r.body?.error?.code, 'string', `${path}: ${r.text.slice(0, 100)}`);
          assert.equal(typeof r.body?.error?.message, 'string');
        }
      }
    }
  });

  test('binary and invalid UTF-8 bodies, odd content types', async () => {
    const bodies: [Uint8Array, string][] = [
      [new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x7d]), 'application/json'],
      [new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'application/json'],
      [new TextEncoder().encode('{"records":1}'), 'application/json; charset=latin1'],
      [new TextEncoder().encode('{"records":1}'), 'text/plain'],
      [new TextEncoder().encode('records=1'), 'application/x-www-form-urlencoded'],
      [new TextEncoder().encode('--x\r\n\r\n--x--'), 'multipart/form-data; boundary=x'],
      [new TextEncoder().encode('{}'), 'application/json, text/plain'],
    ];
    for (const [service, path] of POST_ROUTES) {
      for (const [raw, ct] of bodies) {
        const r = await api.call(service, path === '/admin/faults' ? 'PUT' : 'POST', path, { raw, headers: { 'content-type': ct }, contract: false });
        assert.ok(r.status < 500, `${path} ${ct} -> ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
  });

  test('hostile paths, params, query strings and headers', async () => {
    const gets: ['payment' | 'banking', string][] = [
      ['payment', `/api/v1/payments/${'x'.repeat(5000)}`],
      ['payment', '/api/v1/payments/%00'],
      ['payment', '/api/v1/payments/%E0%A4%A'],
      ['payment', '/api/v1/payments/..%2F..%2Fetc%2Fpasswd'],
      ['payment', "/api/v1/payments/' OR 1=1 --"],
      ['payment', '/api/v1/merchants/m/transactions?limit=1&limit=2'],
      ['payment', '/api/v1/merchants/m/transactions?limit[]=1'],
      ['payment', '/api/v1/merchants/m/transactions?limit=1e2'],
      ['payment', '/api/v1/merchants/m/transactions?limit=99999999999999999999999'],
      ['payment', `/api/v1/merchants/m/transactions?cursor=${'A'.repeat(60)}`],
      ['payment', '/api/v1/merchants/m/transactions?cursor=%ZZ'],
      ['payment', `/api/v1/merchants/${encodeURIComponent('🙂'.repeat(20))}/transactions`],
      ['banking', '/api/v1/settlements?date=9999-99-99'],
      ['banking', '/api/v1/settlements?date=0000-01-01'],
      ['banking', '/api/v1/settlements?date[]=2026-01-01'],
      ['banking', '/api/v1/settlements?date=2026-01-01&date=2026-01-02'],
      ['banking', `/api/v1/transactions/${encodeURIComponent('\u0000\u202e')}`],
      ['banking', '/api/v1/audit/verify?x=%'],
      ['banking', '/%'],
      ['banking', '//api/v1/stats'],
    ];
    for (const [service, path] of gets) {
      const r = await api.call(service, 'GET', path, { contract: false });
      assert.ok(r.status < 500, `GET ${path} -> ${r.status} ${r.text.slice(0, 200)}`);
    }
    const weirdKey = await api.pay('POST', '/api/v1/payments', { body: paymentBody(), headers: { 'idempotency-key': '\u00e9\u00ff\t'.repeat(10) } , contract: false });
    assert.ok(weirdKey.status < 500);
    const badAuth = await api.pay('GET', '/api/v1/stats', { auth: 'x'.repeat(8000), contract: false });
    assert.equal(badAuth.status, 401);
  });

  test('mismatched Content-Length and aborted uploads do not break the server', async () => {
    const url = new URL(sb.paymentUrl);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/payments', headers: { ...AUTH, 'content-type': 'application/json', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"merchant_id":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    assert.equal((await api.pay('GET', '/health')).status, 200);
    const stats = await api.pay('GET', '/api/v1/stats');
    assert.equal(stats.status, 200);
  });
});

describe('hostile inputs generated from the OpenAPI document', () => {
  const opts: RunOptions = { seed: 20261201, runs: Number(process.env.HOSTILE_RUNS ?? 200) };
  let sb: Sandbox;
  let runner: HostileRunner;
  before(async () => {
    ({ sb } = await start(HOSTILE_SANDBOX));
    runner = new HostileRunner(sb);
  });
  after(async (t) => {
    (t as unknown as { diagnostic?: (m: string) => void }).diagnostic?.(`generated hostile requests: ${runner.sent}`);
    process.stdout.write(`# generated hostile requests: ${runner.sent} (seed ${opts.seed}, runs ${opts.runs})\n`);
    await sb.close();
  });

  test('encoded, double-encoded, mixed-case, // and /./ paths: no auth bypass, never 5xx', () => runner.pathsAndAuth(opts));
  test('encoded paths get the fault injected on their route (errors=1@METHOD route)', () => runner.faultScopes(opts));
  test('a value nested past 32 levels at every body position is 422 naming where', () => runner.deepNesting(opts));
  test('NUL and lone surrogates in every string, key, path param and query value are 422 naming the field', () => runner.badStrings(opts));
  test('over-long strings in every string field are a documented 4xx', () => runner.longStrings(opts));
  test('413 and 431 in the documented shape on every route', () => runner.sizeLimits());
});
