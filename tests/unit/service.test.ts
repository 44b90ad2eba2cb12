import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, SANDBOX_DEFAULT_TOKEN, tokenProblem, type Env } from '../../lib/config.ts';
import { encodeForm } from '../../lib/form.ts';
import { bodyEncoding } from '../../lib/endpoints.ts';
import { defineService, describeTargets, parseTargets, resolveTargets, type Service } from '../../lib/services/define.ts';
import { BANKING_SERVICE } from '../../lib/services/banking/service.ts';
import { PAYMENT_SERVICE } from '../../lib/services/payment/service.ts';

function problems(services: Service[], env: Env): string {
  try {
    resolveTargets(services, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

const ACME = defineService({
  name: 'acme',
  urlVar: 'ACME_URL',
  auth: { kind: 'basic', userVar: 'ACME_USER', passwordVar: 'ACME_PASSWORD' },
  endpoints: { charge: { method: 'POST', path: '/v1/charges', body: 'form', expected: [200] } },
  probes: {},
});

test("the sandbox's services default to the local sandbox with its token", () => {
  const [pay, bank] = resolveTargets([PAYMENT_SERVICE, BANKING_SERVICE], {});
  assert.equal(pay!.url, 'http://127.0.0.1:8000');
  assert.equal(bank!.url, 'http://127.0.0.1:8001');
  assert.deepEqual(pay!.credential, { kind: 'bearer', token: SANDBOX_DEFAULT_TOKEN });
  assert.equal(pay!.defaultToken, true, 'the message on a rejection must say the default was used');
  assert.equal(pay!.credentialVar, 'AUTH_TOKEN', 'and name the variable to set');
});

test('a "Bearer " prefix on AUTH_TOKEN is accepted; the URL loses its trailing slash', () => {
  const [pay] = resolveTargets([PAYMENT_SERVICE], { PAYMENT_SERVICE_URL: 'https://pay.example.com/', AUTH_TOKEN: 'Bearer s3cret-value' });
  assert.equal(pay!.url, 'https://pay.example.com');
  assert.deepEqual(pay!.credential, { kind: 'bearer', token: 's3cret-value' });
  assert.equal(pay!.credentialVar, 'AUTH_TOKEN');
  assert.equal(pay!.defaultToken, false);
  assert.deepEqual(pay!.secrets, ['s3cret-value']);
});

test('a remote sandbox-service target without AUTH_TOKEN is refused: the sandbox token is never sent there', () => {
  assert.match(problems([PAYMENT_SERVICE], { PAYMENT_SERVICE_URL: 'https://pay.example.com' }), /AUTH_TOKEN is not set; the payment service at https:\/\/pay.example.com needs its bearer token/);
  assert.match(problems([PAYMENT_SERVICE], { PAYMENT_SERVICE_URL: 'localhost:8000' }), /PAYMENT_SERVICE_URL is not an http\(s\) URL: 'localhost:8000' \(did you mean http:\/\/localhost:8000\?\)/);
});

test('a token a header cannot carry is refused before load, without echoing it', () => {
  const msg = problems([PAYMENT_SERVICE], { AUTH_TOKEN: 'tok\u0001secret-9876' });
  assert.match(msg, /AUTH_TOKEN contains a control character or a space at position 4 \(the value is not shown\)/);
  assert.doesNotMatch(msg, /secret-9876/);
  assert.match(problems([PAYMENT_SERVICE], { AUTH_TOKEN: 'tok\u00e9n-1234' }), /AUTH_TOKEN contains a non-ASCII character at position 4/);
  assert.equal(tokenProblem('sk_test_A-b.c~d+e/f='), null);
});

test("your own service: its URL and credential variables are required and named, even on loopback, and the sandbox's token is never used", () => {
  const msg = problems([ACME, PAYMENT_SERVICE], { PAYMENT_SERVICE_URL: 'https://pay.example.com' });
  assert.match(msg, /ACME_URL is not set: the base URL of the acme service/);
  assert.match(msg, /ACME_USER is not set; the acme service at .* needs the user name \(or API key\) for basic auth/);
  assert.match(msg, /AUTH_TOKEN is not set/, 'all problems of all targets at once');
  assert.match(problems([ACME], { ACME_URL: 'http://127.0.0.1:12111' }), /ACME_USER is not set/);
  const [t] = resolveTargets([ACME], { ACME_URL: 'http://127.0.0.1:12111', ACME_USER: 'sk_test_abc' });
  assert.deepEqual(t!.credential, { kind: 'basic', user: 'sk_test_abc', password: '' });
  assert.deepEqual(t!.secrets, ['sk_test_abc']);
});

test('a header scheme carries its token in its own header', () => {
  const svc = defineService({ name: 'shop', urlVar: 'SHOP_URL', defaultUrl: 'http://127.0.0.1:9', auth: { kind: 'header', header: 'X-Api-Key', tokenVar: 'SHOP_API_KEY' }, endpoints: {}, probes: {} });
  assert.match(problems([svc], {}), /SHOP_API_KEY is not set; the shop service at http:\/\/127.0.0.1:9 needs its X-Api-Key token/);
  assert.deepEqual(resolveTargets([svc], { SHOP_API_KEY: 'k-1234' })[0]!.credential, { kind: 'header', header: 'X-Api-Key', token: 'k-1234' });
});

test('body encoding defaults by method', () => {
  assert.equal(bodyEncoding({ method: 'POST', path: '/', expected: [200] }), 'json');
  assert.equal(bodyEncoding({ method: 'GET', path: '/', expected: [200] }), 'none');
  assert.equal(bodyEncoding({ method: 'POST', path: '/', expected: [200], body: 'none' }), 'none');
  assert.equal(bodyEncoding(ACME.endpoints.charge), 'form');
});

test('encodeForm: bracket notation for nested objects and arrays, nulls left out, values escaped', () => {
  const body = { amount: 2000, confirm: true, card: { number: '4242 4242', exp_month: 12 }, items: [{ price: 'p_1', qty: 2 }], note: null, meta: { 'a&b': 'x=y' } };
  const encoded = encodeForm(body);
  assert.equal(encoded, 'amount=2000&confirm=true&card%5Bnumber%5D=4242%204242&card%5Bexp_month%5D=12&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bqty%5D=2&meta%5Ba%26b%5D=x%3Dy');
  const decoded = Object.fromEntries(new URLSearchParams(encoded));
  assert.deepEqual(decoded, { amount: '2000', confirm: 'true', 'card[number]': '4242 4242', 'card[exp_month]': '12', 'items[0][price]': 'p_1', 'items[0][qty]': '2', 'meta[a&b]': 'x=y' });
  let deep: Record<string, unknown> = { v: 1 };
  for (let i = 0; i < 40; i++) deep = { d: deep };
  assert.throws(() => encodeForm(deep), /nested deeper than 32/);
});

test('a bundle names its targets in one line that survives k6\'s log quoting; anything else is no answer', () => {
  const line = describeTargets([PAYMENT_SERVICE, BANKING_SERVICE]);
  const want = [
    { name: PAYMENT_SERVICE.name, urlVar: 'PAYMENT_SERVICE_URL', sandbox: true },
    { name: BANKING_SERVICE.name, urlVar: 'BANKING_API_URL', sandbox: true },
  ];
  assert.deepEqual(parseTargets(line), want);
  // As k6 logs a console line: msg="…" with the JSON's quotes escaped, then other fields.
  const logged = `time="2026-12-01T18:59:00Z" level=info msg="${line.replace(/"/g, '\\"')}" source=console\nmore output`;
  assert.deepEqual(parseTargets(logged), want);
  assert.equal(parseTargets('level=error msg="SHOP_URL is not set"'), null);
  assert.equal(parseTargets('paykit-targets not json'), null);
  assert.equal(parseTargets('paykit-targets [{"name":1}]'), null);
});

