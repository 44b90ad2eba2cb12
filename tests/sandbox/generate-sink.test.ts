// The generation endpoint's sink, in-process: a bad bucket or prefix is a 422 naming the field, and a
// store it cannot use is a 503 storage_unavailable before any byte is streamed (the generation slot is
// freed). Storing for real: tests/integration/object-storage.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../cli/processes.ts';
import { parseS3Config } from '../../lib/s3-config.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { start, type Client } from './helpers.ts';

let sb: Sandbox;
let api: Client;
let endpoint: string;
before(async () => {
  // A port nothing listens on: the store is unreachable.
  endpoint = `http://127.0.0.1:${await freePort()}`;
  ({ sb, api } = await start({ objectStore: parseS3Config({ AWS_ENDPOINT_URL_S3: endpoint }) }));
});
after(async () => {
  await sb?.close();
});

const generate = (sink: unknown) => api.pay('POST', '/api/v1/data/generate', { body: { records: 10, sink } });

test('a sink with a bad bucket, prefix or field is a 422 naming it', async () => {
  const bucket = await generate({ bucket: 'Not_A_Bucket' });
  assert.equal(bucket.status, 422);
  assert.equal(bucket.body.error.field, 'sink.bucket');
  const prefix = await generate({ prefix: 'runs/../etc' });
  assert.equal(prefix.status, 422);
  assert.equal(prefix.body.error.field, 'sink.prefix');
  const extra = await generate({ prefix: 'runs', format: 'parquet' });
  assert.equal(extra.status, 422);
});

test('an unreachable store is a 503 storage_unavailable naming it, and the slot is free again', async () => {
  const r = await generate({ prefix: 'runs' });
  assert.equal(r.status, 503);
  assert.equal(r.body.error.code, 'storage_unavailable');
  assert.ok(r.body.error.message.includes(endpoint), r.body.error.message);
  const plain = await api.pay('POST', '/api/v1/data/generate', { body: { records: 5 } });
  assert.equal(plain.status, 200);
  assert.equal(plain.text.trim().split('\n').length, 5);
});
