// Pure parts of object storage: the S3 settings (standard names, MINIO_* aliases, errors naming the
// variable), the stored run's checks (listing = manifest, sizes, checksums, floor), the ListObjectsV2
// parser with continuation, and the generator's records (schema, reproducible whatever the chunk size).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parseS3Config, parseS3Url, S3ConfigError } from '../../lib/s3-config.ts';
import {
  checkListing,
  makeRunId,
  manifestKey,
  parseListObjectsV2,
  partKey,
  readManifest,
  RUN_CHECKS,
  RUN_ID_PATTERN,
  type RunManifest,
} from '../../lib/data/stored-run.ts';
import { nextTransaction, parseTransactionLine, renderRunParts, renderTransaction, streamPrng, transactionProblem } from '../../lib/data/transaction-stream.ts';

test('S3 settings: unset means the embedded store with its documented credentials and bucket', () => {
  const c = parseS3Config({});
  assert.deepEqual(c, { endpoint: 'http://127.0.0.1:9000', embedded: true, accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin', sessionToken: undefined, region: 'us-east-1', bucket: 'analytics' });
});

test('S3 settings: the standard AWS names, and the seed suite MINIO_* names as aliases', () => {
  const aws = parseS3Config({ AWS_ENDPOINT_URL_S3: 'https://s3.eu-west-1.amazonaws.com/', AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_REGION: 'eu-west-1', S3_BUCKET: 'my-data' });
  assert.equal(aws.endpoint, 'https://s3.eu-west-1.amazonaws.com');
  assert.equal(aws.embedded, false);
  assert.equal(aws.bucket, 'my-data');
  const minio = parseS3Config({ MINIO_ENDPOINT: 'http://localhost:9000', MINIO_ACCESS_KEY: 'a', MINIO_SECRET_KEY: 'b', MINIO_BUCKET: 'analytics' });
  assert.deepEqual([minio.endpoint, minio.accessKeyId, minio.secretAccessKey, minio.bucket, minio.embedded], ['http://localhost:9000', 'a', 'b', 'analytics', false]);
});

test('S3 settings: every bad value fails naming its variable, a secret is never shown', () => {
  const problems = (env: Record<string, string>) => {
    try {
      parseS3Config(env);
    } catch (e) {
      assert.ok(e instanceof S3ConfigError);
      return e.problems;
    }
    assert.fail('expected an error');
  };
  assert.match(problems({ AWS_ENDPOINT_URL_S3: 'localhost:9000' })[0]!, /^AWS_ENDPOINT_URL_S3 is not an http\(s\) endpoint URL: 'localhost:9000' \(did you mean http:\/\/localhost:9000\?\)/);
  assert.match(problems({ MINIO_ENDPOINT: 'http://h:99999' })[0]!, /^MINIO_ENDPOINT has a port outside/);
  assert.match(problems({ S3_BUCKET: 'Bad_Bucket' })[0]!, /^S3_BUCKET must be 3\.\.63 characters/);
  assert.match(problems({ MINIO_BUCKET: 'x' })[0]!, /^MINIO_BUCKET /);
  assert.match(problems({ AWS_REGION: 'EU West' })[0]!, /^AWS_REGION /);
  const both = problems({ AWS_SECRET_ACCESS_KEY: 'one-secret', MINIO_SECRET_KEY: 'other-secret' });
  assert.match(both[0]!, /AWS_SECRET_ACCESS_KEY and MINIO_SECRET_KEY are both set and differ \(values not shown\)/);
  assert.ok(!both.join().includes('secret-'), 'no secret in the message');
});

test('s3:// locations: bucket and prefix checked, naming the flag', () => {
  assert.deepEqual(parseS3Url('--out', 's3://analytics/runs/x/'), { bucket: 'analytics', prefix: 'runs/x' });
  assert.deepEqual(parseS3Url('--out', 's3://analytics'), { bucket: 'analytics', prefix: '' });
  assert.throws(() => parseS3Url('--out', 'analytics/runs'), /^Error: --out: expected s3:\/\/bucket\/prefix/);
  assert.throws(() => parseS3Url('--verify', 's3://analytics/a/../b'), /--verify: prefix 'a\/\.\.\/b' must be path segments/);
});

function manifestFor(parts: { records: number; text: string }[], over: Partial<RunManifest> = {}): RunManifest {
  const runId = makeRunId(new Date(Date.UTC(2026, 0, 1)), 'abcdef');
  const ps = parts.map((p, i) => ({ key: partKey('runs', runId, i + 1, 'ndjson'), bytes: Buffer.byteLength(p.text), sha256: createHash('sha256').update(p.text).digest('hex'), records: p.records }));
  const records = ps.reduce((a, p) => a + p.records, 0);
  return {
    kind: 'paykit-k6/generated-run', manifest_version: 1, schema: 'transaction-stream/1', run_id: runId, bucket: 'analytics', prefix: 'runs', format: 'ndjson',
    seed: 1, requested_records: records, chunk_size: 10, part_records: 10, records, bytes: ps.reduce((a, p) => a + p.bytes, 0),
    content_sha256: createHash('sha256').update(parts.map((p) => p.text).join('')).digest('hex'), parts: ps, started_at: '', completed_at: '', ...over,
  };
}

test('a stored run: listing = manifest, sizes and checksums pass; each kind of damage is named with its object', () => {
  const texts = [{ records: 10, text: 'a'.repeat(1100) }, { records: 10, text: 'b'.repeat(1200) }];
  const m = manifestFor(texts);
  assert.ok(RUN_ID_PATTERN.test(m.run_id));
  assert.equal(readManifest(JSON.stringify(m)).problem, null);
  const listing = [...m.parts.map((p) => ({ key: p.key, size: p.bytes })), { key: manifestKey('runs', m.run_id), size: 900 }];
  const sums = new Map(m.parts.map((p) => [p.key, p.sha256]));
  assert.deepEqual(checkListing(m, listing, sums), []);

  const missing = checkListing(m, listing.slice(1), sums);
  assert.deepEqual(missing.map((f) => [f.check, f.object]), [[RUN_CHECKS.listing, m.parts[0]!.key]]);
  const extra = checkListing(m, [...listing, { key: 'runs/' + m.run_id + '/stray.ndjson', size: 500 }], sums);
  assert.deepEqual(extra.map((f) => f.check), [RUN_CHECKS.listing]);
  const resized = checkListing(m, listing.map((o, i) => (i === 1 ? { ...o, size: o.size - 1 } : o)), sums);
  assert.deepEqual(resized.map((f) => [f.check, f.object]), [[RUN_CHECKS.sizes, m.parts[1]!.key]]);
  const corrupt = checkListing(m, listing, new Map([...sums, [m.parts[0]!.key, '0'.repeat(64)]]));
  assert.deepEqual(corrupt.map((f) => [f.check, f.object]), [[RUN_CHECKS.checksums, m.parts[0]!.key]]);
});

test('the seed suite floor: at least one object, each over 100 B, over 1 KB in all', () => {
  const small = manifestFor([{ records: 1, text: 'x'.repeat(100) }]);
  const f = checkListing(small, small.parts.map((p) => ({ key: p.key, size: p.bytes })));
  assert.deepEqual(f.map((x) => x.check), [RUN_CHECKS.floor, RUN_CHECKS.floor]);
  const none = checkListing(small, []);
  assert.ok(none.some((x) => x.check === RUN_CHECKS.floor && /no part stored/.test(x.message)));
});

test('a manifest short of the request, or not a manifest at all, is named', () => {
  const m = manifestFor([{ records: 10, text: 'a'.repeat(2000) }], { requested_records: 20 });
  assert.deepEqual(checkListing(m, m.parts.map((p) => ({ key: p.key, size: p.bytes }))).map((x) => x.check), [RUN_CHECKS.counts]);
  assert.match(readManifest(null).problem!, /missing/);
  assert.equal(readManifest('{').problem, 'not JSON');
  assert.match(readManifest('{"kind":"x"}').problem!, /kind/);
});

test('ListObjectsV2 XML: keys (entities decoded), sizes, and the continuation token', () => {
  const page1 = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>analytics</Name><IsTruncated>true</IsTruncated>
    <Contents><Key>runs/a&amp;b/part-00001.ndjson</Key><Size>1234</Size><ETag>&quot;x&quot;</ETag></Contents>
    <Contents><Key>runs/r/manifest.json</Key><Size>99</Size></Contents><NextContinuationToken>tok/+=</NextContinuationToken></ListBucketResult>`;
  assert.deepEqual(parseListObjectsV2(page1), { objects: [{ key: 'runs/a&b/part-00001.ndjson', size: 1234 }, { key: 'runs/r/manifest.json', size: 99 }], truncated: true, nextToken: 'tok/+=' });
  assert.deepEqual(parseListObjectsV2('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>'), { objects: [], truncated: false, nextToken: null });
  assert.throws(() => parseListObjectsV2('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>'), /without a NextContinuationToken/);
});

test('generated records match their schema in both formats; a changed field does not', () => {
  const rand = streamPrng(99);
  for (let seq = 1; seq <= 500; seq++) {
    const t = nextTransaction(rand, seq);
    for (const f of ['ndjson', 'csv'] as const) assert.equal(transactionProblem(parseTransactionLine(renderTransaction(t, f).trimEnd(), f)), null);
  }
  const t = nextTransaction(streamPrng(1), 7);
  assert.match(transactionProblem({ ...t, id: 'txn_000000000008' })!, /not the id of seq 7/);
  assert.match(transactionProblem({ ...t, currency: 'XXX' })!, /currency/);
  assert.match(transactionProblem({ ...t, extra: 1 })!, /fields must be/);
});

test('the same seed gives the same parts and sha256 whatever the chunk size', () => {
  const digest = (chunkSize: number, format: 'ndjson' | 'csv') => {
    const parts: string[] = [];
    renderRunParts({ seed: 2024, records: 2500, format, partRecords: 1000, chunkSize }, (text) => parts.push(createHash('sha256').update(text).digest('hex')));
    return parts;
  };
  for (const format of ['ndjson', 'csv'] as const) {
    const ref = digest(1000, format);
    assert.equal(ref.length, 3);
    for (const cs of [1, 7, 999, 1001, 100_000]) assert.deepEqual(digest(cs, format), ref, `chunk size ${cs}, ${format}`);
  }
  assert.notDeepEqual(digest(1000, 'ndjson'), digest(1000, 'csv'));
});
