// A synthetic spec shaped like the large payment APIs that broke the old generator: many schemas, each
// recursive (a `parent` of its own type), in clusters of 10 that refer to each other (`related`: lists of
// anyOf), with expandable fields (`anyOf: [id string, the object]`) pointing at 20 core schemas that form
// one cycle, as a payment API's charges, customers and accounts do; half the bodies form-encoded.
// Deterministic: the same sizes give the same document.
// `ring` adds a `next` field chaining all schemas into one cycle: a depth-first walk then passes every
// schema before it meets one it has seen, the worst case for the parser (see docs/adapting.md).
import { writeFileSync } from 'node:fs';

export interface SyntheticSize {
  schemas: number;
  operations: number;
  ring?: boolean;
}

export const FULL_SIZE: SyntheticSize = { schemas: 2000, operations: 4000 };
/** The core schemas every expandable field points at (charge, customer, account ... in a payment API). */
const CORE = 20;

export function syntheticSpec(size: SyntheticSize = FULL_SIZE): Record<string, unknown> {
  const n = size.schemas;
  const ref = (i: number) => ({ $ref: `#/components/schemas/S${((i % n) + n) % n}` });
  const cluster = (i: number, step: number) => Math.min(n - 1, i - (i % 10) + ((i + step) % 10));
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    schemas[`S${i}`] = {
      type: 'object',
      required: ['name', 'amount', 'expand'],
      properties: {
        id: { type: 'string', readOnly: true, example: `s${i}_1` },
        name: { type: 'string', minLength: 1, maxLength: 40 },
        amount: { type: 'integer', minimum: 1, maximum: 100000000 },
        currency: { type: 'string', enum: ['eur', 'usd', 'gbp'] },
        parent: ref(i),
        ...(size.ring ? { next: ref(i + 1) } : {}),
        expand: { anyOf: [{ type: 'string', maxLength: 64 }, ref(i < CORE ? (i + 1) % CORE : (i * 7) % CORE)] },
        related: { type: 'array', items: { anyOf: [ref(cluster(i, 1)), ref(cluster(i, 3)), { type: 'string' }] } },
        metadata: { type: 'object', additionalProperties: { type: 'string' } },
      },
    };
  }
  const paths: Record<string, Record<string, unknown>> = {};
  const resources = Math.ceil(size.operations / 4);
  let ops = 0;
  for (let r = 0; r < resources && ops < size.operations; r++) {
    const schema = ref(r);
    const body = { required: true, content: { [r % 2 ? 'application/x-www-form-urlencoded' : 'application/json']: { schema } } };
    const ok = (status: string) => ({ [status]: { description: 'ok', content: { 'application/json': { schema } } }, '404': { description: 'no such thing' } });
    const tags = [`tag${r % 50}`];
    const collection: Record<string, unknown> = {};
    const item: Record<string, unknown> = { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] };
    for (const [target, method, op] of [
      [collection, 'post', { operationId: `create${r}`, tags, requestBody: body, responses: ok('201') }],
      [collection, 'get', { operationId: `list${r}`, tags, parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }], responses: ok('200') }],
      [item, 'get', { operationId: `get${r}`, tags, responses: ok('200') }],
      [item, 'post', { operationId: `update${r}`, tags, requestBody: body, responses: ok('200') }],
    ] as const) {
      if (ops++ >= size.operations) break;
      target[method] = op;
    }
    paths[`/v1/things${r}`] = collection;
    paths[`/v1/things${r}/{id}`] = item;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'synthetic', version: `${size.schemas} schemas, ${size.operations} operations` },
    servers: [{ url: 'http://127.0.0.1:9' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

export function writeSyntheticSpec(file: string, size: SyntheticSize = FULL_SIZE): void {
  writeFileSync(file, JSON.stringify(syntheticSpec(size)));
}
