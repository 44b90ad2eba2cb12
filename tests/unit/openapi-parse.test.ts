// cli/openapi/parse.ts: the facts the generator reads from a spec, on the sandbox's spec, the Acme Pay
// fixture and small documents made for one rule each.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec, parseSpec, REF_DEPTH, resolveDeep, type JsonObject } from '../../cli/openapi/parse.ts';

const SANDBOX = 'sandbox/openapi.yaml';
const ACME = 'tests/fixtures/openapi/acme-pay.yaml';

const doc = (paths: JsonObject, components: JsonObject = {}): JsonObject => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components });

test('the sandbox spec: every operation, refs resolved, per-path servers, per-operation security', () => {
  const spec = loadSpec(SANDBOX);
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.operations.length >= 15, `${spec.operations.length} operations`);
  assert.doesNotMatch(JSON.stringify(spec.operations), /"\$ref"/, 'no $ref is left in what the model reads');
  const create = spec.operations.find((o) => o.method === 'post' && o.path === '/api/v1/payments');
  assert.ok(create?.requestBody);
  assert.equal(create.requestBody.contentType, 'application/json');
  const card = (create.requestBody.schema.properties as JsonObject).card as JsonObject;
  assert.deepEqual(card.required, ['number', 'exp_month', 'exp_year', 'cvv']);
  assert.deepEqual(create.statuses.filter((s) => s.startsWith('2')), ['201']);
  assert.deepEqual(create.servers, ['http://127.0.0.1:8000']);
  assert.deepEqual(create.security, ['bearer']);
  assert.deepEqual(create.tags, ['payment']);
  assert.ok(create.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key' && !p.required));
  const health = spec.operations.find((o) => o.path === '/health');
  assert.deepEqual(health?.security, [], '`security: []` means no auth');
  const get = spec.operations.find((o) => o.method === 'get' && o.path === '/api/v1/payments/{id}');
  assert.deepEqual(get?.parameters.map((p) => [p.name, p.in, p.required]), [['id', 'path', true]]);
  assert.equal((get?.successSchema?.properties as JsonObject | undefined)?.id !== undefined, true);
  // NDJSON is not a JSON body: no shape is read from it.
  assert.equal(spec.operations.find((o) => o.path === '/api/v1/data/generate')?.successSchema, undefined);
  assert.deepEqual(spec.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
});

test('the Acme Pay fixture: form bodies with their examples, basic auth, shared parameters from components', () => {
  const spec = loadSpec(ACME);
  assert.equal(spec.openapi, '3.0.3');
  assert.deepEqual(spec.servers, ['http://127.0.0.1:12111']);
  assert.deepEqual(spec.securitySchemes.basicAuth, { type: 'http', scheme: 'basic' });
  const ids = spec.operations.map((o) => o.operationId);
  assert.deepEqual(ids, ['createPaymentIntent', 'listPaymentIntents', 'retrievePaymentIntent', 'confirmPaymentIntent', 'createRefund', 'retrieveBalance']);
  const create = spec.operations[0]!;
  assert.equal(create.requestBody?.contentType, 'application/x-www-form-urlencoded');
  assert.deepEqual((create.requestBody?.example as JsonObject).card, { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' });
  assert.deepEqual(create.statuses, ['200', '400', '401', '402']);
  const retrieve = spec.operations[2]!;
  assert.deepEqual(retrieve.parameters[0], { name: 'intent', in: 'path', required: true, schema: { type: 'string', pattern: '^pi_[A-Za-z0-9]{24}$' } });
  assert.equal(spec.operations[3]!.requestBody, undefined, 'confirm takes no body');
  assert.deepEqual(spec.operations[4]!.requestBody?.example, { payment_intent: 'pi_example' });
});

test('a recursive schema is followed to a bounded depth and then left open', () => {
  const d = doc({}, { schemas: { Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } } } });
  let node = resolveDeep(d, { $ref: '#/components/schemas/Node' }) as JsonObject;
  let depth = 0;
  while (node && (node.properties as JsonObject | undefined)?.child) {
    node = (node.properties as JsonObject).child as JsonObject;
    depth++;
  }
  assert.ok(depth >= REF_DEPTH - 1 && depth <= REF_DEPTH + 1, `followed ${depth} levels`);
  assert.deepEqual(node, {});
});

test('remote and dangling $refs, Swagger 2 and non-objects are refused with a reason', () => {
  assert.throws(() => parseSpec(doc({ '/a': { get: { parameters: [{ $ref: 'other.yaml#/x' }], responses: { '200': { description: 'ok' } } } } })), /only local \$refs/);
  assert.throws(() => parseSpec(doc({ '/a': { get: { parameters: [{ $ref: '#/components/parameters/Nope' }], responses: {} } } })), /does not resolve/);
  assert.throws(() => parseSpec({ swagger: '2.0', paths: {} }), /only OpenAPI 3\.0 and 3\.1.*'2\.0'/);
  assert.throws(() => parseSpec('openapi: 3.0.0'), /not an object/);
});

test('links name their target by operationId or operationRef; path-level parameters are shared and overridable', () => {
  const spec = parseSpec(
    doc({
      '/things': {
        post: {
          operationId: 'makeThing',
          responses: {
            '201': {
              description: 'made',
              links: {
                byId: { operationId: 'readThing', parameters: { tid: '$response.body#/id' } },
                byRef: { operationRef: '#/paths/~1things~1{tid}/get', parameters: { 'path.tid': '$response.body#/id' } },
              },
            },
          },
        },
      },
      '/things/{tid}': {
        parameters: [{ name: 'tid', in: 'path', required: true, schema: { type: 'string' } }, { name: 'v', in: 'query', schema: { type: 'integer' } }],
        get: { operationId: 'readThing', parameters: [{ name: 'v', in: 'query', required: true, schema: { type: 'string' }, example: 'x' }], responses: { '200': { description: 'ok' } } },
      },
    }),
  );
  const [make, read] = spec.operations;
  assert.deepEqual(make?.links, [
    { operationId: 'readThing', parameters: { tid: '$response.body#/id' } },
    { operationId: 'readThing', parameters: { tid: '$response.body#/id' } },
  ]);
  assert.deepEqual(read?.parameters, [
    { name: 'tid', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'v', in: 'query', required: true, schema: { type: 'string' }, example: 'x' },
  ]);
});

test('a path template parameter that no parameter declares is still a required string parameter', () => {
  const spec = parseSpec(doc({ '/carts/{cart_id}/items/{item}': { delete: { parameters: [{ name: 'item', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '204': { description: 'gone' } } } } }));
  assert.deepEqual(spec.operations[0]?.parameters, [
    { name: 'item', in: 'path', required: true, schema: { type: 'integer' } },
    { name: 'cart_id', in: 'path', required: true, schema: { type: 'string' } },
  ]);
});
