/**
 * 405 Method Not Allowed with `Allow` for every documented path asked with a method it does not list,
 * driven by sandbox/openapi.yaml; and the closed request bodies and value forms the document states
 * (additionalProperties: false, the PAN and card number patterns, the cursor form).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../sandbox/server.ts';
import { RouteTable } from '../../sandbox/route-table.ts';
import { Client, paymentBody, rawRequest, start, TOKEN, VISA } from './helpers.ts';
import { spec, validateAgainst, type Service } from './spec.ts';

const DOCUMENTED = ['get', 'post', 'put', 'delete', 'patch'];
/** Methods no documented path lists, including the ones fetch refuses to send (TRACE) and QUERY. */
const UNDECLARED = ['TRACE', 'QUERY', 'OPTIONS', 'PATCH'];
const METHOD_NOT_ALLOWED = 'openapi#/components/responses/MethodNotAllowed/content/application~1json/schema';

interface PathCase {
  service: Service;
  path: string;
  allow: string[];
}

function pathCases(): PathCase[] {
  const out: PathCase[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const path = template.replace(/\{[^}]+\}/g, 'x_unknown');
    const methods = DOCUMENTED.filter((m) => item[m] !== undefined).map((m) => m.toUpperCase());
    const allow = methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
    for (const s of item.servers ?? []) out.push({ service: s.description?.startsWith('payment') ? 'payment' : 'banking', path, allow });
  }
  return out;
}

test('RouteTable: the methods of a path, matched decoded segment by segment', () => {
  const t = new RouteTable();
  t.add(['GET', 'HEAD'], '/api/v1/payments/:id');
  t.add('POST', '/api/v1/payments');
  t.add('POST', '/api/v1/payments/:id/refunds');
  t.add('DELETE', '/admin/faults');
  t.add('GET', '/admin/faults');
  assert.deepEqual(t.allowed('/api/v1/payments/pay_1'), ['GET', 'HEAD']);
  assert.deepEqual(t.allowed('/%61pi/v1/payments'), ['POST']);
  assert.deepEqual(t.allowed('/api/v1/payments/a%2Fb/refunds'), ['POST'], 'an encoded slash stays inside the parameter');
  assert.deepEqual(t.allowed('/admin/faults'), ['GET', 'DELETE']);
  assert.deepEqual(t.allowed('/api/v1/payments/'), [], 'an empty parameter is no route');
  assert.deepEqual(t.allowed('/api/v1/nothing'), []);
  assert.deepEqual(t.allowed('/api/v1/payments/%FF/refunds'), ['POST'], 'a parameter need not decode to find the resource');
});

describe('undeclared methods', () => {
  let sb: Sandbox;
  before(async () => {
    ({ sb } = await start());
  });
  after(() => sb.close());
  const base = (s: Service) => (s === 'payment' ? sb.paymentUrl : sb.bankingUrl);

  test('405 with Allow naming the documented methods, on every documented path and service', async () => {
    let checked = 0;
    for (const c of pathCases()) {
      for (const method of [...UNDECLARED, ...['GET', 'POST', 'PUT', 'DELETE'].filter((m) => !c.allow.includes(m))]) {
        const label = `${c.service} ${method} ${c.path}`;
        const r = await rawRequest(base(c.service), method, c.path, { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.status, 405, `${label}: ${r.text.slice(0, 200)}`);
        assert.equal(r.headers.allow, c.allow.join(', '), label);
        assert.equal(r.body?.error?.code, 'method_not_allowed', label);
        validateAgainst(METHOD_NOT_ALLOWED, r.body, label);
        checked++;
      }
    }
    assert.ok(checked > 100, `only ${checked} cases`);
  });

  test('the token is checked first, the path is the decoded one, an unknown path stays 404', async () => {
    const noToken = await rawRequest(sb.paymentUrl, 'TRACE', '/api/v1/payments');
    assert.equal(noToken.status, 401);
    assert.equal(noToken.headers.allow, undefined, 'no route information without a token');
    const encoded = await rawRequest(sb.paymentUrl, 'TRACE', '/%61pi/v1/p%61yments', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(encoded.status, 405);
    assert.equal(encoded.headers.allow, 'POST');
    const unknown = await rawRequest(sb.paymentUrl, 'TRACE', '/api/v1/nothing', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body?.error?.code, 'not_found');
    // a route of the other service is not a path of this one
    const other = await rawRequest(sb.paymentUrl, 'POST', '/api/v1/users', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(other.status, 404);
    // QUERY carries a body in HTTP; it is answered before the body is read
    const query = await rawRequest(sb.paymentUrl, 'QUERY', '/api/v1/payments/x', {
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"broken":',
    });
    assert.equal(query.status, 405);
  });
});

describe('what the document says the server refuses', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  test('a key a body does not declare gets 422 naming it, at any depth', async () => {
    const top = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ metadata: { a: 1 } }) });
    assert.equal(top.status, 422);
    assert.equal(top.body.error.field, 'metadata');
    const nested = await api.bank('POST', '/api/v1/authorizations', { body: { ...paymentBody(), card: { ...VISA, holder: 'A' } } });
    assert.equal(nested.status, 422);
    assert.equal(nested.body.error.field, 'card.holder');
    const batch = await api.bank('POST', '/api/v1/batch', { body: { operations: [{ type: 'capture', id: 'auth_x', body: { amount: 1, note: 'x' } }] } });
    assert.equal(batch.status, 200, 'an operation body is checked per item');
    assert.equal(batch.body.results[0].status, 422);
    assert.equal(batch.body.results[0].body.error.field, 'note');
  });

  test('a PAN or card number of the wrong form keeps its own error code', async () => {
    for (const pan of ['', 'abcpk1234f', 'ABCPK1234FF']) {
      const r = await api.bank('POST', '/api/v1/users', { body: { name: 'A', pan } });
      assert.equal(r.status, 422, pan);
      assert.equal(r.body.error.code, 'invalid_pan', pan);
      assert.equal(r.body.error.field, 'pan');
    }
    for (const number of ['', '4242-4242-4242', '4'.repeat(20)]) {
      const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card: { ...VISA, number } }) });
      assert.equal(r.status, 422, number);
      assert.equal(r.body.error.code, 'invalid_card_number', number);
      assert.equal(r.body.error.field, 'card.number');
    }
  });

  test('every cursor of the documented form is a position; another form is 422', async () => {
    for (const cursor of ['c0', 'c0000000000', 'czzzzzzzzzz']) {
      const r = await api.pay('GET', `/api/v1/merchants/m1/transactions?cursor=${cursor}`);
      assert.equal(r.status, 200, cursor);
      assert.deepEqual(r.body.data, []);
    }
    for (const cursor of ['', 'c', 'C1', 'cAAAA', 'c00000000000']) {
      const r = await api.pay('GET', `/api/v1/merchants/m1/transactions?cursor=${cursor}`);
      assert.equal(r.status, 422, cursor);
      assert.equal(r.body.error.field, 'cursor');
    }
  });

  test('settlement dates: years before 100 are read as written', async () => {
    const r = await api.bank('GET', '/api/v1/settlements?date=0001-01-01');
    assert.equal(r.status, 200);
    assert.equal(r.body.date, '0001-01-01');
  });
});
