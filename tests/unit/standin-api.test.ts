/**
 * The Acme Pay stand-in (tests/helpers/standin-api.ts) against its contract (tests/fixtures/openapi/acme-pay.yaml).
 *
 * The operations are read from the spec rather than listed here, so an operation added to the spec without
 * a route in the stand-in fails this test. Every answer is checked against the spec: the status must be
 * documented for its operation and the JSON body must match that status's schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { DECLINED_CARD, parseForm, startStandin, type Standin } from '../helpers/standin-api.ts';

const SPEC_PATH = fileURLToPath(new URL('../fixtures/openapi/acme-pay.yaml', import.meta.url));

interface Ref {
  $ref?: string;
}
interface MediaType {
  schema?: Ref;
  example?: Record<string, unknown>;
  encoding?: Record<string, { style?: string; explode?: boolean }>;
}
interface Response extends Ref {
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}
interface Spec {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Response>; schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
const FORM = 'application/x-www-form-urlencoded';

interface Op {
  method: string;
  path: string;
  id: string;
  op: Operation;
}
const operations: Op[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, id: op.operationId ?? '', op })),
);
const byId = (id: string): Op => {
  const found = operations.find((o) => o.id === id);
  assert.ok(found, `no operation ${id} in the spec`);
  return found;
};

// OpenAPI 3.0 schemas are a draft-04/07 dialect; ajv's default (draft-07) understands them, `nullable` included.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(spec as object, 'spec');
const ptr = (ref: string) => `spec${ref}`;

function successStatus(op: Operation): number {
  const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
  assert.equal(ok.length, 1, 'one documented success status');
  return Number(ok[0]);
}

/** The status must be documented for the operation and the body must match its schema. */
function checkAgainstSpec(o: Op, status: number, body: unknown): void {
  let resp = o.op.responses[String(status)];
  assert.ok(resp, `${o.id}: status ${status} is not documented (body ${JSON.stringify(body)})`);
  if (resp.$ref) resp = spec.components.responses[resp.$ref.split('/').pop()!];
  const ref = resp?.content?.['application/json']?.schema?.$ref;
  assert.ok(ref, `${o.id} ${status}: no schema`);
  const validate = ajv.getSchema(ptr(ref));
  assert.ok(validate, `${ref} does not resolve`);
  assert.ok(validate(body), `${o.id} ${status} body does not match ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}

/**
 * Form encoding as the spec's `encoding` (deepObject, explode) describes it: nested objects become bracket keys.
 * This is the serialisation a client generated from the spec has to produce.
 */
function encodeForm(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') return encodeForm(v as Record<string, unknown>, key);
    return [`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`];
  });
}

interface CallOpts {
  form?: Record<string, unknown>;
  body?: string;
  contentType?: string;
  auth?: string | null;
}

let api: Standin;

async function call(method: string, path: string, opts: CallOpts = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? `Basic ${Buffer.from(`${api.key}:`).toString('base64')}` : opts.auth;
  if (auth !== null) headers['authorization'] = auth;
  let body = opts.body;
  if (opts.form) body = encodeForm(opts.form).join('&');
  if (body !== undefined) headers['content-type'] = opts.contentType ?? FORM;
  const res = await fetch(api.url + path, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Calls an operation of the spec and checks the answer against it. */
async function callOp(id: string, opts: CallOpts & { params?: Record<string, string>; query?: string } = {}) {
  const o = byId(id);
  const path = o.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(opts.params?.[name] ?? '')) + (opts.query ?? '');
  const res = await call(o.method, path, opts);
  checkAgainstSpec(o, res.status, res.body);
  return res;
}

const example = (id: string) => structuredClone(byId(id).op.requestBody?.content[FORM]?.example ?? {});
const createExample = () => example('createPaymentIntent') as { card: Record<string, unknown>; [k: string]: unknown };

async function createIntent(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await callOp('createPaymentIntent', { form: { ...createExample(), ...overrides } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.id;
}

before(async () => {
  api = await startStandin();
});
after(async () => {
  await api.close();
});

describe('the spec', () => {
  test('is OpenAPI 3.0.3 with basic auth, six operations and form-encoded bodies with examples', () => {
    assert.equal(spec.openapi, '3.0.3');
    assert.deepEqual(spec.servers, [{ url: 'http://127.0.0.1:12111' }]);
    assert.deepEqual(spec.components.securitySchemes, { basicAuth: { type: 'http', scheme: 'basic' } });
    assert.deepEqual(operations.map((o) => o.id).sort(), [
      'confirmPaymentIntent', 'createPaymentIntent', 'createRefund', 'listPaymentIntents', 'retrieveBalance', 'retrievePaymentIntent',
    ]);
    assert.ok(!('/health' in spec.paths));
    for (const o of operations) {
      assert.equal(successStatus(o.op), 200, `${o.id} succeeds with 200`);
      assert.ok(o.op.responses['401'], `${o.id} documents 401`);
      if (o.path.includes('{intent}')) assert.ok(o.op.responses['404'], `${o.id} documents 404`);
      if (!o.op.requestBody) continue;
      assert.deepEqual(Object.keys(o.op.requestBody.content), [FORM], `${o.id} takes only form bodies`);
    }
  });

  test('every request example matches its own schema, and nested fields are declared deepObject', () => {
    for (const o of operations) {
      const media = o.op.requestBody?.content[FORM];
      if (!media) continue;
      assert.ok(media.example, `${o.id} has an example`);
      const validate = ajv.getSchema(ptr(media.schema!.$ref!));
      assert.ok(validate?.(media.example), `${o.id} example: ${ajv.errorsText(validate?.errors)}`);
      for (const [field, value] of Object.entries(media.example)) {
        if (typeof value === 'object') assert.deepEqual(media.encoding?.[field], { style: 'deepObject', explode: true }, `${o.id} ${field}`);
      }
    }
    const card = createExample().card;
    assert.equal(card['number'], '4242424242424242');
    assert.equal(createExample()['confirm'], true);
    assert.ok(Number(card['exp_year']) > new Date().getUTCFullYear(), 'the example card has not expired');
  });
});

describe('every operation answers its documented success for the spec example', () => {
  test('in a realistic order, and counts() tallies the successes per operationId', async () => {
    const intentId = await createIntent();
    const params = { intent: intentId };
    const order = ['createPaymentIntent', 'confirmPaymentIntent', 'retrievePaymentIntent', 'listPaymentIntents', 'createRefund', 'retrieveBalance'];
    assert.deepEqual([...order].sort(), operations.map((o) => o.id).sort(), 'the order covers the spec');
    const before = api.counts();
    for (const id of order) {
      const o = byId(id);
      let form: Record<string, unknown> | undefined;
      if (o.op.requestBody) {
        form = example(id);
        if ('payment_intent' in form) form['payment_intent'] = intentId;
      }
      const res = await callOp(id, { params, ...(form && { form }) });
      assert.equal(res.status, successStatus(o.op), `${id}: ${JSON.stringify(res.body)}`);
    }
    const after = api.counts();
    for (const id of order) assert.equal((after[id] ?? 0) - (before[id] ?? 0), 1, `counts()[${id}]`);
  });

  test('the answers carry the documented state', async () => {
    const id = await createIntent({ confirm: false, amount: 5000 });
    assert.equal((await callOp('retrievePaymentIntent', { params: { intent: id } })).body.status, 'requires_confirmation');
    const confirmed = await callOp('confirmPaymentIntent', { params: { intent: id } });
    assert.equal(confirmed.body.status, 'succeeded');
    // Confirming again is documented as a no-op 200.
    assert.deepEqual((await callOp('confirmPaymentIntent', { params: { intent: id } })).body, confirmed.body);
    assert.ok(!JSON.stringify(confirmed.body).includes('4242424242424242'), 'the full card number is never echoed');

    const partial = await callOp('createRefund', { form: { payment_intent: id, amount: 1500 } });
    assert.deepEqual([partial.status, partial.body.amount, partial.body.payment_intent], [200, 1500, id]);
    assert.match(partial.body.id, /^re_[A-Za-z0-9]{24}$/);
    const rest = await callOp('createRefund', { form: { payment_intent: id } });
    assert.equal(rest.body.amount, 3500, 'the default refunds what is left');
    const again = await callOp('createRefund', { form: { payment_intent: id } });
    assert.deepEqual([again.status, again.body.error.code], [400, 'charge_already_refunded']);

    const list = await callOp('listPaymentIntents', { query: '?limit=1' });
    assert.deepEqual([list.body.object, list.body.data.length, list.body.has_more], ['list', 1, true]);
    assert.equal(list.body.data[0].id, id, 'newest first');
  });
});

describe('error paths', () => {
  const errorOf = (res: { status: number; body: any }) => [res.status, res.body.error.code, res.body.error.param];

  test('401 without a key or with a wrong one, before anything else (even an unknown route)', async () => {
    for (const auth of [null, 'Bearer sk_test_standin', `Basic ${Buffer.from('sk_wrong:').toString('base64')}`]) {
      const res = await callOp('createPaymentIntent', { form: createExample(), auth });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.type, 'authentication_error');
      assert.equal((await call('GET', '/nowhere', { auth })).status, 401);
    }
  });

  test('400 for a JSON body or another Content-Type, whatever the operation', async () => {
    const json = JSON.stringify(createExample());
    for (const contentType of ['application/json', FORM, 'text/plain']) {
      const res = await callOp('createPaymentIntent', { body: json, contentType });
      assert.equal(res.status, 400, contentType);
      assert.match(res.body.error.message, /form-encoded/);
    }
    const intent = await createIntent();
    const res = await callOp('confirmPaymentIntent', { params: { intent }, body: '{}', contentType: 'application/json' });
    assert.equal(res.status, 400);
  });

  test('400 naming the bracketed param for each invalid field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ card: { ...createExample().card, number: '4242-4242' } }, 'card[number]'],
      [{ card: { ...createExample().card, exp_month: 13 } }, 'card[exp_month]'],
      [{ card: { ...createExample().card, exp_year: 2001 } }, 'card[exp_year]'],
      [{ card: { ...createExample().card, cvc: '12' } }, 'card[cvc]'],
      [{ card: { ...createExample().card, brand: 'visa' } }, 'card[brand]'],
      [{ amount: 49 }, 'amount'],
      [{ amount: 'NaN' }, 'amount'],
      [{ currency: 'USD' }, 'currency'],
      [{ confirm: 'yes' }, 'confirm'],
      [{ metadata: { order_id: '' } }, 'metadata[order_id]'],
      [{ amount: undefined }, 'amount'],
    ];
    for (const [overrides, param] of cases) {
      const form = Object.fromEntries(Object.entries({ ...createExample(), ...overrides }).filter(([, v]) => v !== undefined));
      const res = await callOp('createPaymentIntent', { form });
      assert.equal(res.status, 400, `${param}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.param, param);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    const res = await callOp('listPaymentIntents', { query: '?limit=101' });
    assert.deepEqual([res.status, res.body.error.param], [400, 'limit']);
  });

  test('402 card_declined for the decline card, at create or at confirm', async () => {
    const declined = { card: { ...createExample().card, number: DECLINED_CARD } };
    const res = await callOp('createPaymentIntent', { form: { ...createExample(), ...declined } });
    assert.deepEqual([res.status, res.body.error.type, res.body.error.code], [402, 'card_error', 'card_declined']);

    const id = await createIntent({ ...declined, confirm: false });
    assert.equal((await callOp('confirmPaymentIntent', { params: { intent: id } })).status, 402);
    assert.equal((await callOp('retrievePaymentIntent', { params: { intent: id } })).body.status, 'requires_confirmation');
  });

  test('404 for an unknown id and an unknown route', async () => {
    const unknown = 'pi_' + 'x'.repeat(24);
    for (const id of ['retrievePaymentIntent', 'confirmPaymentIntent']) {
      const res = await callOp(id, { params: { intent: unknown } });
      assert.deepEqual(errorOf(res), [404, 'resource_missing', 'intent'], id);
    }
    assert.equal((await call('GET', '/health')).status, 404);
    assert.equal((await call('DELETE', '/v1/balance')).status, 404);
  });

  test('refunds: 400 over what is left, for a missing or unknown intent, and for one not succeeded', async () => {
    const id = await createIntent({ amount: 1000 });
    assert.deepEqual(errorOf(await callOp('createRefund', { form: { payment_intent: id, amount: 1001 } })), [400, 'amount_too_large', 'amount']);
    assert.deepEqual(errorOf(await callOp('createRefund', { form: { amount: 10 } })), [400, 'parameter_missing', 'payment_intent']);
    assert.deepEqual(errorOf(await callOp('createRefund', { form: example('createRefund') })), [400, 'resource_missing', 'payment_intent']);
    const pending = await createIntent({ confirm: false });
    assert.deepEqual(errorOf(await callOp('createRefund', { form: { payment_intent: pending } })), [400, 'payment_intent_unexpected_state', 'payment_intent']);
  });

  test('failed answers are not counted as successes', async () => {
    const before = api.counts();
    await callOp('createPaymentIntent', { form: { ...createExample(), amount: 1 } });
    await callOp('retrievePaymentIntent', { params: { intent: 'pi_missing' } });
    assert.deepEqual(api.counts(), before);
  });
});

describe('parseForm', () => {
  test('splits bracket keys into nested objects and refuses ambiguous input', () => {
    assert.deepEqual(parseForm('a=1&card%5Bnumber%5D=42&x[y][z]=a+b'), { a: '1', card: { number: '42' }, x: { y: { z: 'a b' } } });
    assert.throws(() => parseForm('a=1&a=2'), /more than once/);
    assert.throws(() => parseForm('card=1&card[number]=2'), /both a value and an object/);
    assert.throws(() => parseForm('card[]=1'), /Invalid parameter name/);
  });
});
