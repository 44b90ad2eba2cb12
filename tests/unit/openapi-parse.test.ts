// cli/openapi/parse.ts: the facts the generator reads from a spec, on the sandbox's spec, the Acme Pay
// fixture and small documents made for one rule each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSpec, parseSpec, readSpec, type JsonObject } from '../../cli/openapi/parse.ts';

const SANDBOX = 'sandbox/openapi.yaml';
const ACME = 'tests/fixtures/openapi/acme-pay.yaml';

const doc = (paths: JsonObject, components: JsonObject = {}): JsonObject => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components });

test('the sandbox spec: every operation, refs resolved, per-path servers, per-operation security', async () => {
  const spec = await loadSpec(SANDBOX);
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.operations.length >= 15, `${spec.operations.length} operations`);
  assert.doesNotMatch(JSON.stringify(spec.operations), /"\$ref"/, 'no $ref is left in what the model reads');
  // Documented "come back later" answers: 409 with Retry-After on the generation, 429 everywhere it is documented.
  assert.deepEqual(spec.operations.find((o) => o.path === '/api/v1/data/generate')?.retry, [409, 429]);
  assert.deepEqual(spec.operations.find((o) => o.path === '/health')?.retry, []);
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

test('the Acme Pay fixture: form bodies with their examples, basic auth, shared parameters from components', async () => {
  const spec = await loadSpec(ACME);
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
  assert.equal(spec.operations[0]!.bodyType, 'application/x-www-form-urlencoded');
  assert.equal(spec.operations[3]!.requestBody, undefined, 'confirm takes no body');
  assert.deepEqual(spec.operations[4]!.requestBody?.example, { payment_intent: 'pi_example' });
});

test('a recursive schema stays an object cycle: shared, not copied, however deep', async () => {
  const d = doc(
    { '/nodes': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } }, responses: { '201': { description: 'ok' } } } } },
    { schemas: { Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' }, kids: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } } },
  );
  const spec = await parseSpec(d);
  const node = spec.operations[0]?.requestBody?.schema as JsonObject;
  const props = node.properties as JsonObject;
  assert.equal(props.child, node, 'the child is the node itself');
  assert.equal((props.kids as JsonObject).items, node);
});

test('examples, const, enum and default are data: a $ref inside one is kept as written', async () => {
  const d = doc(
    {
      '/a': {
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' }, examples: { one: { $ref: '#/components/examples/One' } } } } },
          responses: { default: { description: 'any', content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } },
        },
      },
    },
    {
      schemas: { A: { type: 'object', properties: { default: { $ref: '#/components/schemas/B' }, doc: { type: 'object', example: { $ref: '#/not/a/ref' }, default: { $ref: 'x' } } } }, B: { type: 'string' } },
      examples: { One: { value: { doc: { $ref: 'just data' } } } },
    },
  );
  const spec = await parseSpec(d);
  const body = spec.operations[0]?.requestBody;
  assert.deepEqual(body?.example, { doc: { $ref: 'just data' } }, 'the named example is followed, its value kept');
  const props = body?.schema.properties as JsonObject;
  assert.deepEqual(props.default, { type: 'string' }, "a property called 'default' is a schema");
  assert.deepEqual((props.doc as JsonObject).example, { $ref: '#/not/a/ref' });
  assert.deepEqual(spec.operations[0]?.statuses, ['default']);
});

test('only the picked operations are dereferenced; the rest are listed without their schemas', async () => {
  const d = doc({
    '/a': { get: { operationId: 'a', parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/components/schemas/Q' } }], responses: { '200': { description: 'ok' } } } },
    '/b': { get: { operationId: 'b', parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/components/schemas/Q' } }], responses: { '200': { description: 'ok' } } } },
  }, { schemas: { Q: { type: 'integer' } } });
  const spec = await parseSpec(d, (ops) => ops.filter((o) => o.operationId === 'b'));
  assert.deepEqual(spec.operations.map((o) => [o.operationId, o.detailed, o.parameters[0]?.schema]), [['a', false, {}], ['b', true, { type: 'integer' }]]);
});

test('a spec that does not parse or validate is refused, saying where', async () => {
  await assert.rejects(parseSpec(doc({ '/a': { get: { parameters: [{ $ref: '#/components/parameters/Nope' }], responses: {} } } })), /#\/paths\/~1a\/get\/parameters\/0: \$ref '#\/components\/parameters\/Nope' does not resolve/);
  const gone = { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Gone' } } } } };
  await assert.rejects(parseSpec(doc({ '/a': { get: { responses: gone } } })), /Missing \$ref pointer "#\/components\/schemas\/Gone"/);
  await assert.rejects(parseSpec(doc({ '/a': { get: { parameters: [{ $ref: 'https://example.com/p.yaml#/x' }], responses: {} } } })), /#\/paths\/~1a\/get\/parameters\/0: \$ref 'https:\/\/example\.com\/p\.yaml#\/x' points outside this document/);
  await assert.rejects(parseSpec(doc({ '/a': { get: { parameters: [{ in: 'query' }], responses: {} } } })), /#\/paths\/~1a\/get\/parameters\/0: a parameter needs a name and an in/);
  const external = { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: 'other.yaml#/S' } } } } };
  await assert.rejects(parseSpec(doc({ '/a': { get: { responses: external } } })), /other\.yaml/);
  await assert.rejects(parseSpec(doc({ '/a': { get: 'nope' } })), /#\/paths\/~1a\/get: an operation must be an object/);
  await assert.rejects(parseSpec({ swagger: '2.0', paths: {} }), /only OpenAPI 3\.0 and 3\.1.*'2\.0'/);
  await assert.rejects(parseSpec('openapi: 3.0.0'), /not an object/);
  const dir = mkdtempSync(join(tmpdir(), 'paykit-spec-'));
  try {
    writeFileSync(join(dir, 'bad.yaml'), 'openapi: 3.1.0\npaths:\n  /a:\n    get: [\n');
    await assert.rejects(readSpec(join(dir, 'bad.yaml')), /bad\.yaml: not valid YAML .*line 5/);
    writeFileSync(join(dir, 'bad.json'), '{"openapi": "3.1.0",\n "paths": {,}}');
    await assert.rejects(readSpec(join(dir, 'bad.json')), /bad\.json: not valid JSON .*line 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('links name their target by operationId or operationRef; path-level parameters are shared and overridable', async () => {
  const spec = await parseSpec(
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

test('a path template parameter that no parameter declares is still a required string parameter', async () => {
  const spec = await parseSpec(doc({ '/carts/{cart_id}/items/{item}': { delete: { parameters: [{ name: 'item', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '204': { description: 'gone' } } } } }));
  assert.deepEqual(spec.operations[0]?.parameters, [
    { name: 'item', in: 'path', required: true, schema: { type: 'integer' } },
    { name: 'cart_id', in: 'path', required: true, schema: { type: 'string' } },
  ]);
});
