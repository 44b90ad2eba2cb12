// cli/openapi/model.ts, names.ts and values.ts: what the generator decides from a spec (endpoints,
// statuses, body encodings, probes, auth, which ids flow where, request values).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildModel, chooseOperations, MissingDetails, type CallModel, type ServiceModel } from '../../cli/openapi/model.ts';
import { operationKey, resourceOf, singular } from '../../cli/openapi/names.ts';
import { listOperations, loadDetails, loadSpec, parseSpec, readSpec, STACK_KB, type JsonObject } from '../../cli/openapi/parse.ts';
import { fromExample, generate, type Value, type ValueContext } from '../../cli/openapi/values.ts';

const acme = async () => buildModel(await loadSpec('tests/fixtures/openapi/acme-pay.yaml'), { name: 'acme' });
const sbx = async (operations?: string[]) => buildModel(await loadSpec('sandbox/openapi.yaml'), { name: 'sbx', tag: 'payment', ...(operations ? { operations } : {}) });
const call = (m: ServiceModel, key: string) => m.calls.find((c) => c.key === key) as CallModel;
const lit = (value: unknown): Value => ({ kind: 'literal', value: value as never });

test('Acme Pay: form bodies, 200 creates, a bodiless confirm, basic auth, probes without /health', async () => {
  const m = await acme();
  assert.deepEqual(
    m.endpoints.map((e) => [e.key, e.method, e.path, e.expected, e.body, e.budget]),
    [
      ['createPaymentIntent', 'POST', '/v1/payment_intents', [200], 'form', 'WRITE'],
      ['listPaymentIntents', 'GET', '/v1/payment_intents', [200], undefined, 'LIST'],
      ['retrievePaymentIntent', 'GET', '/v1/payment_intents/{intent}', [200], undefined, 'LOOKUP'],
      ['confirmPaymentIntent', 'POST', '/v1/payment_intents/{intent}/confirm', [200], 'none', 'WRITE'],
      ['createRefund', 'POST', '/v1/refunds', [200], 'form', 'WRITE'],
      ['retrieveBalance', 'GET', '/v1/balance', [200], undefined, 'LIST'],
    ],
  );
  assert.deepEqual(m.auth, { kind: 'basic', userVar: 'ACME_USER', passwordVar: 'ACME_PASSWORD' });
  assert.equal(m.urlVar, 'ACME_URL');
  assert.equal(m.defaultUrl, 'http://127.0.0.1:12111');
  // No /health: the first GET without path parameters; the auth probe is the lookup with a documented 404.
  assert.equal(m.health?.endpoint.key, 'listPaymentIntents');
  assert.equal(m.health?.inTable, true);
  assert.equal(m.authProbe?.endpoint.key, 'retrievePaymentIntent');
  assert.deepEqual(Object.keys(m.authProbe?.params ?? {}), ['intent']);
  assert.deepEqual(m.tasks.map((t) => t.name), ['create_payment_intent', 'list_payment_intents', 'retrieve_payment_intent', 'confirm_payment_intent', 'create_refund', 'retrieve_balance']);
});

test('Acme Pay: ids flow from the create to the calls that name the resource, by path position or field name', async () => {
  const m = await acme();
  assert.equal(call(m, 'createPaymentIntent').produces, 'payment_intent');
  assert.deepEqual(call(m, 'createPaymentIntent').deps, []);
  // A read uses an intent this VU made; a state change gets a fresh one made in the same task.
  assert.deepEqual(call(m, 'retrievePaymentIntent').deps, [{ resource: 'payment_intent', producer: 'createPaymentIntent', mode: 'reuse' }]);
  assert.deepEqual(call(m, 'retrievePaymentIntent').params, [['intent', { kind: 'id', resource: 'payment_intent' }]]);
  assert.deepEqual(call(m, 'confirmPaymentIntent').deps, [{ resource: 'payment_intent', producer: 'createPaymentIntent', mode: 'create' }]);
  assert.equal(call(m, 'confirmPaymentIntent').body, undefined);
  const refund = call(m, 'createRefund');
  assert.deepEqual(refund.deps, [{ resource: 'payment_intent', producer: 'createPaymentIntent', mode: 'create' }]);
  assert.deepEqual(refund.body, { kind: 'object', props: [['payment_intent', { kind: 'id', resource: 'payment_intent' }]] });
  assert.equal(refund.produces, 'refund');
  // The create's body is the spec's example, as written.
  const body = call(m, 'createPaymentIntent').body;
  assert.equal(body?.kind, 'object');
  assert.deepEqual(body.kind === 'object' && body.props.find(([k]) => k === 'card')?.[1], {
    kind: 'object',
    props: [['number', lit('4242424242424242')], ['exp_month', lit(12)], ['exp_year', lit(2034)], ['cvc', lit('123')]],
  });
  assert.deepEqual(m.stateFields, [{ resource: 'payment_intent', field: 'paymentIntents' }, { resource: 'refund', field: 'refunds' }]);
});

test('the sandbox by tag: 201 creates, bearer auth, /health as the health probe, unique idempotency keys', async () => {
  const m = await sbx();
  assert.deepEqual(m.endpoints.map((e) => `${e.key} ${e.method} ${e.path} ${e.expected.join('|')} ${e.body ?? '-'}`), [
    'createPayment POST /api/v1/payments 201 -',
    'getPayment GET /api/v1/payments/{id} 200 -',
    'createPaymentRefund POST /api/v1/payments/{id}/refunds 201 -',
    'listMerchantTransactions GET /api/v1/merchants/{merchantId}/transactions 200 -',
    'generateData POST /api/v1/data/generate 200 -',
  ]);
  // Documented answers with Retry-After become retries: the generation's 409, every 429.
  assert.deepEqual(m.endpoints.find((e) => e.key === 'generateData')?.retry, [409, 429]);
  assert.deepEqual(m.endpoints.find((e) => e.key === 'getPayment')?.retry, [429]);
  assert.deepEqual(m.auth, { kind: 'bearer', tokenVar: 'SBX_TOKEN' });
  assert.equal(m.defaultUrl, 'http://127.0.0.1:8000');
  assert.deepEqual([m.health?.endpoint.path, m.health?.inTable], ['/health', false]);
  assert.deepEqual([m.authProbe?.endpoint.key, m.authProbe?.inTable], ['getPayment', true]);
  assert.deepEqual(call(m, 'createPayment').headers, [['Idempotency-Key', { kind: 'unique', prefixed: true }]]);
  assert.deepEqual(call(m, 'getPayment').deps, [{ resource: 'payment', producer: 'createPayment', mode: 'reuse' }]);
  assert.deepEqual(call(m, 'createPaymentRefund').deps, [{ resource: 'payment', producer: 'createPayment', mode: 'create' }]);
  // No create of merchants: the parameter gets a value from its schema (the sampler's).
  const [merchant] = call(m, 'listMerchantTransactions').params;
  assert.equal(merchant?.[0], 'merchantId');
  assert.ok(merchant?.[1].kind === 'literal' && typeof merchant[1].value === 'string' && merchant[1].value.length >= 1, JSON.stringify(merchant));
  // A card's expiry year (2000..2100, no example) is taken at the middle of its range, not at 2000.
  const body = call(m, 'createPayment').body;
  const card = body?.kind === 'object' ? body.props.find(([k]) => k === 'card')?.[1] : undefined;
  assert.deepEqual(card?.kind === 'object' ? card.props.find(([k]) => k === 'exp_year')?.[1] : undefined, lit(2050));
  assert.equal(call(m, 'generateData').checksId, false, 'an NDJSON answer has no id to check');
});

test('--operations picks by operationId or generated key, and a create the picks need comes along', async () => {
  const m = await sbx(['getPayment', 'listMerchantTransactions']);
  assert.deepEqual(m.tasks.map((t) => t.key), ['getPayment', 'listMerchantTransactions']);
  assert.deepEqual(m.endpoints.map((e) => e.key), ['getPayment', 'listMerchantTransactions', 'createPayment']);
  const a = buildModel(await loadSpec('tests/fixtures/openapi/acme-pay.yaml'), { name: 'acme', operations: ['createRefund'] });
  assert.deepEqual(a.endpoints.map((e) => e.key), ['createRefund', 'createPaymentIntent']);
  assert.deepEqual(a.tasks.map((t) => t.key), ['createRefund']);
});

test('bad names, unknown tags and unknown operations are refused with what is known', async () => {
  const spec = await loadSpec('sandbox/openapi.yaml');
  assert.throws(() => buildModel(spec, { name: 'Acme Pay' }), /--name 'Acme Pay' must be lower case/);
  assert.throws(() => buildModel(spec, { name: 'x', tag: 'nope' }), /no operation has tag 'nope' \(tags: .*payment.*banking/);
  assert.throws(() => buildModel(spec, { name: 'x', tag: 'payment', operations: ['getPayment', 'charge'] }), /unknown operation charge; known: createPayment, getPayment/);
  // Per-path servers: the payment and banking APIs are two servers, so one service cannot hold both.
  assert.throws(() => buildModel(spec, { name: 'x', operations: ['createPayment', 'getTransaction'] }), /served from different servers \(http:\/\/127\.0\.0\.1:8000: createPayment; http:\/\/127\.0\.0\.1:8001: getTransaction\)/);
  assert.equal(buildModel(spec, { name: 'x', tag: 'banking' }).defaultUrl, 'http://127.0.0.1:8001');
});

test('links say which create feeds which parameter when names do not', async () => {
  const spec = await parseSpec({
    openapi: '3.0.3',
    info: { title: 'links', version: '1' },
    paths: {
      '/orders/new': {
        post: {
          operationId: 'placeOrder',
          responses: { '201': { description: 'placed', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } } }, links: { read: { operationId: 'readOrder', parameters: { ref: '$response.body#/order_ref' } } } } },
        },
      },
      '/lookup/{ref}': {
        parameters: [{ name: 'ref', in: 'path', required: true, schema: { type: 'string' }, example: 'o_1' }],
        get: { operationId: 'readOrder', responses: { '200': { description: 'ok' }, '404': { description: 'no' } } },
        delete: { operationId: 'cancelOrder', responses: { '204': { description: 'gone' } } },
      },
    },
  });
  const m = buildModel(spec, { name: 'shop' });
  assert.deepEqual(call(m, 'readOrder').params, [['ref', { kind: 'id', resource: 'order' }]]);
  assert.deepEqual(call(m, 'readOrder').deps, [{ resource: 'order', producer: 'placeOrder', mode: 'reuse' }]);
  // The other operation on the linked path takes the same id; a deletion gets one made for it.
  assert.deepEqual(call(m, 'cancelOrder').deps, [{ resource: 'order', producer: 'placeOrder', mode: 'create' }]);
  assert.equal(call(m, 'placeOrder').produces, 'order');
  assert.deepEqual(m.stateFields, [{ resource: 'order', field: 'orderIds' }]);
  assert.equal(call(m, 'placeOrder').idField, 'order_ref', 'the id is read where the link says');
  assert.equal(call(m, 'placeOrder').checksId, false);
  assert.equal(m.auth.kind, 'none');
  assert.equal(m.health, undefined);
  assert.match(m.notes.join('\n'), /no GET without path parameters/);
});

test('values from schemas (openapi-sampler) under the kit rules: ids, unique fields, no read-only field, narrow ranges at their middle', () => {
  const ctx: ValueContext = { resources: new Set(['customer']), notes: [] };
  const schema: JsonObject = {
    type: 'object',
    required: ['id', 'currency', 'month', 'amount', 'ref', 'customer_id', 'when', 'tags', 'code', 'key'],
    properties: {
      id: { type: 'string', readOnly: true, example: 'cus_123' },
      currency: { type: 'string', enum: ['EUR', 'USD'] },
      month: { type: 'integer', minimum: 1, maximum: 12 },
      amount: { type: 'integer', minimum: 50, maximum: 100000000 },
      ref: { type: 'string', minLength: 12, maxLength: 14 },
      customer_id: { type: 'string' },
      when: { type: 'string', format: 'date-time' },
      tags: { type: 'array', items: { type: 'string', enum: ['a'] }, minItems: 2 },
      code: { type: 'string', pattern: '^[0-9]{3}$' },
      key: { type: 'string', format: 'uuid' },
      idempotency_key: { type: 'string' },
      note: { type: 'string', example: 'hello' },
    },
  };
  const v = generate(schema, '', ctx);
  assert.equal(v.kind, 'object');
  const props = Object.fromEntries(v.kind === 'object' ? v.props : []);
  assert.equal(props.id, undefined, 'a read-only field is never sent');
  assert.deepEqual(props.currency, lit('EUR'));
  assert.deepEqual(props.month, lit(7));
  assert.deepEqual(props.amount, lit(50));
  const text = (x: Value | undefined) => (x?.kind === 'literal' && typeof x.value === 'string' ? x.value : '');
  assert.ok(text(props.ref).length >= 12 && text(props.ref).length <= 14, text(props.ref));
  assert.deepEqual(props.customer_id, { kind: 'id', resource: 'customer' });
  assert.ok(!Number.isNaN(Date.parse(text(props.when))), text(props.when));
  assert.deepEqual(props.tags, { kind: 'array', items: [lit('a'), lit('a')] });
  assert.match(text(props.code), /^[0-9]{3}$/, 'the pattern is solved');
  assert.deepEqual(props.key, { kind: 'unique', prefixed: false });
  assert.equal(props.note, undefined, 'optional fields are left out');
  assert.equal(props.idempotency_key, undefined);
  assert.deepEqual(ctx.notes, []);
  // The spec's own example: read-only fields dropped, unique fields fresh, a value off its pattern reported.
  const fromSpec = fromExample({ id: 'cus_1', key: 'k-1', code: '12' }, schema, '', ctx);
  assert.deepEqual(fromSpec, { kind: 'object', props: [['key', { kind: 'unique', prefixed: false }], ['code', lit('12')]] });
  assert.deepEqual(ctx.notes, [".code: '12' does not match the pattern ^[0-9]{3}$; set a value that does"]);
  // A recursive schema (an object cycle after dereferencing) ends at the sampler's depth.
  const node: JsonObject = { type: 'object', required: ['name', 'child'], properties: { name: { type: 'string', example: 'n' } } };
  (node.properties as JsonObject).child = node;
  const tree = generate(node, '', { resources: new Set(), notes: [] });
  assert.equal(tree.kind, 'object');
});

test('names: keys from method and path, singulars, the resource a name refers to', () => {
  assert.equal(operationKey('get', '/api/v1/payments/{id}'), 'getPayment');
  assert.equal(operationKey('get', '/api/v1/merchants/{merchantId}/transactions'), 'listMerchantTransactions');
  assert.equal(operationKey('post', '/api/v1/payments/{id}/refunds'), 'createPaymentRefund');
  assert.equal(operationKey('post', '/v1/payment_intents/{intent}/confirm'), 'confirmPaymentIntent');
  assert.equal(operationKey('post', '/api/v1/data/generate'), 'generateData');
  assert.equal(operationKey('delete', '/v2/customers/{c}'), 'deleteCustomer');
  assert.equal(operationKey('get', '/v1/balance'), 'getBalance');
  assert.deepEqual(['payment_intents', 'entries', 'addresses', 'status', 'refunds'].map(singular), ['payment_intent', 'entry', 'address', 'status', 'refund']);
  assert.deepEqual(['paymentIntentId', 'payment_intent', 'payment_intents', 'id'].map(resourceOf), ['payment_intent', 'payment_intent', 'payment_intent', 'id']);
});

test('schemas are loaded for the chosen operations, then for the creates the model finds they call, and no others', async () => {
  const sd = await readSpec('sandbox/openapi.yaml');
  const spec = listOperations(sd);
  const opts = { name: 'sbx', operations: ['getPayment'] };
  await loadDetails(sd, chooseOperations(spec, opts));
  assert.throws(() => buildModel(spec, opts), (e: unknown) => e instanceof MissingDetails && e.operations.map((o) => `${o.method} ${o.path}`).join() === 'post /api/v1/payments');
  await loadDetails(sd, spec.operations.filter((o) => o.method === 'post' && o.path === '/api/v1/payments'));
  assert.deepEqual(buildModel(spec, opts).endpoints.map((e) => e.key), ['getPayment', 'createPayment']);
  assert.deepEqual(spec.operations.filter((o) => o.detailed).map((o) => `${o.method} ${o.path}`), ['post /api/v1/payments', 'get /api/v1/payments/{id}']);
});

test("npm run new-service gives Node the stack the dereference is sized for", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['new-service'] ?? '', new RegExp(`--stack-size=${STACK_KB} `));
});
