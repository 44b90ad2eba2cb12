// `npm run data -- --verify s3://bucket/prefix/<run id>`: proves a stored generation run from the
// outside, with any S3 credentials (lib/s3-config.ts). Storage: the paged listing equals the manifest,
// sizes and sha256 match, the seed suite's floor holds (lib/data/stored-run.ts, the same checks as the
// k6 teardown). Content: record counts equal the manifest and the request, every record matches the
// schema (lib/data/transaction-stream.ts), ids are unique and complete (seq 1..N in order) and every
// merchant reference resolves, and the run regenerated from its seed at two other chunk sizes gives the
// same sha256, part by part. Every failure is printed with its check and object; exit 99 if any.
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import {
  checkListing,
  formatFinding,
  manifestKey,
  readManifest,
  RUN_CHECKS,
  type ListedObject,
  type RunFinding,
  type RunManifest,
} from '../../lib/data/stored-run.ts';
import { parseTransactionLine, renderRunParts, transactionProblem } from '../../lib/data/transaction-stream.ts';
import type { S3Location } from '../../lib/s3-config.ts';
import type { Manifest } from './manifest.ts';
import { DATASET_GENERATOR, verifyDataset } from './s3-dataset.ts';

export const VERIFY_FAILED_EXIT_CODE = 99;
/** Problems of one kind printed per object; all are counted. */
const MAX_PER_OBJECT = 5;

export async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer | null> {
  try {
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (e) {
    if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return null;
    throw e;
  }
}

export async function listAll(client: S3Client, bucket: string, prefix: string, pageSize = 1000): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, ContinuationToken: token }));
    for (const o of r.Contents ?? []) out.push({ key: o.Key as string, size: Number(o.Size) });
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The content checks of one run, on the parts' bytes as read back. */
export function checkContent(m: RunManifest, bodies: ReadonlyMap<string, Buffer>): RunFinding[] {
  const out: RunFinding[] = [];
  let nextSeq = 1;
  let total = 0;
  for (const p of m.parts) {
    const body = bodies.get(p.key);
    if (!body) continue; // already reported by the listing check
    const lines = body.toString('utf8').split('\n');
    if (lines.pop() !== '') out.push({ check: RUN_CHECKS.schema, object: p.key, message: 'does not end with a newline' });
    if (m.format === 'csv' && lines.shift() === undefined) out.push({ check: RUN_CHECKS.schema, object: p.key, message: 'no CSV header' });
    let schemaBad = 0;
    let idsBad = 0;
    for (const [i, line] of lines.entries()) {
      let rec: unknown;
      let problem: string | null;
      try {
        rec = parseTransactionLine(line, m.format);
        problem = transactionProblem(rec);
      } catch (e) {
        problem = `not a record: ${(e as Error).message}`;
      }
      if (problem !== null) {
        if (++schemaBad <= MAX_PER_OBJECT) out.push({ check: RUN_CHECKS.schema, object: p.key, message: `line ${i + 1}: ${problem}` });
        nextSeq++;
        continue;
      }
      const seq = (rec as { seq: number }).seq;
      if (seq !== nextSeq && ++idsBad <= MAX_PER_OBJECT) out.push({ check: RUN_CHECKS.ids, object: p.key, message: `line ${i + 1}: seq ${seq} where ${nextSeq} was due (an id repeated or skipped)` });
      nextSeq = seq + 1;
    }
    if (schemaBad > MAX_PER_OBJECT) out.push({ check: RUN_CHECKS.schema, object: p.key, message: `${schemaBad} records in all do not match` });
    if (lines.length !== p.records) out.push({ check: RUN_CHECKS.counts, object: p.key, message: `${lines.length} records, manifest says ${p.records}` });
    total += lines.length;
  }
  if (total !== m.requested_records && bodies.size === m.parts.length) {
    out.push({ check: RUN_CHECKS.counts, object: manifestKey(m.prefix, m.run_id), message: `${total} records read back, ${m.requested_records} requested` });
  }
  return out;
}

/** Regenerates the run from its seed at chunk sizes other than the one it was made with; each must give the manifest's sha256s. */
export function checkReproducible(m: RunManifest): RunFinding[] {
  const out: RunFinding[] = [];
  for (const chunkSize of [1, m.chunk_size * 3 + 7]) {
    const content = createHash('sha256');
    const parts: string[] = [];
    renderRunParts({ seed: m.seed, records: m.requested_records, format: m.format, partRecords: m.part_records, chunkSize }, (text) => {
      content.update(text, 'utf8');
      parts.push(createHash('sha256').update(text, 'utf8').digest('hex'));
    });
    const digest = content.digest('hex');
    if (digest !== m.content_sha256) {
      out.push({ check: RUN_CHECKS.reproducible, object: manifestKey(m.prefix, m.run_id), message: `seed ${m.seed} at chunk size ${chunkSize} gives ${digest}, manifest says ${m.content_sha256}` });
    }
    m.parts.forEach((p, i) => {
      if (parts[i] !== p.sha256) out.push({ check: RUN_CHECKS.reproducible, object: p.key, message: `seed ${m.seed} at chunk size ${chunkSize} gives another sha256 for this part` });
    });
  }
  return out;
}

/** Every finding of one stored run (an empty list: it is proven). */
export async function verifyRun(client: S3Client, loc: S3Location): Promise<{ findings: RunFinding[]; manifest: RunManifest | null; objects: number; what: string }> {
  const mk = `${loc.prefix}/manifest.json`;
  const text = (await getObject(client, loc.bucket, mk))?.toString('utf8') ?? null;
  const dataset = datasetManifest(text);
  if (dataset) {
    const listing = await listAll(client, loc.bucket, `${loc.prefix}/`);
    const findings = await verifyDataset(dataset, loc, listing, (k) => getObject(client, loc.bucket, k), (b) => createHash('sha256').update(b).digest('hex'));
    const what = `dataset of ${dataset.files.length} files, ${dataset.files.reduce((a, f) => a + f.records, 0)} records, seed ${dataset.seed}`;
    return { findings, manifest: null, objects: listing.length, what };
  }
  const read = readManifest(text);
  if (read.manifest === null) return { findings: [{ check: RUN_CHECKS.manifest, object: mk, message: read.problem }], manifest: null, objects: 0, what: '' };
  const m = read.manifest;
  if (manifestKey(m.prefix, m.run_id) !== mk || m.bucket !== loc.bucket) {
    return { findings: [{ check: RUN_CHECKS.manifest, object: mk, message: `names s3://${m.bucket}/${manifestKey(m.prefix, m.run_id)}, not where it is stored` }], manifest: m, objects: 0, what: '' };
  }
  const listing = await listAll(client, loc.bucket, `${loc.prefix}/`);
  const bodies = new Map<string, Buffer>();
  const sums = new Map<string, string>();
  for (const p of m.parts) {
    if (!listing.some((o) => o.key === p.key)) continue;
    const body = await getObject(client, loc.bucket, p.key);
    if (body === null) continue;
    bodies.set(p.key, body);
    sums.set(p.key, createHash('sha256').update(body).digest('hex'));
  }
  const findings = [...checkListing(m, listing, sums), ...checkContent(m, bodies), ...checkReproducible(m)];
  const what = `${m.parts.length} parts, ${m.records} records, ${m.bytes} B, seed ${m.seed}`;
  return { findings, manifest: m, objects: listing.length, what };
}

/** A manifest written by `npm run data -- --out s3://...`, or null. */
function datasetManifest(text: string | null): Manifest | null {
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as Manifest;
    return m.generator === DATASET_GENERATOR && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

export function printVerdict(loc: S3Location, r: Awaited<ReturnType<typeof verifyRun>>): number {
  const where = `s3://${loc.bucket}/${loc.prefix}/`;
  if (r.findings.length === 0) {
    console.log(`data: verified ${where}: ${r.objects} objects, ${r.what}; every check passed:`);
    for (const name of Object.values(RUN_CHECKS)) if (r.manifest || name !== RUN_CHECKS.reproducible) console.log(`  ok  ${name}`);
    return 0;
  }
  console.error(`data: ${where} FAILED ${new Set(r.findings.map((f) => f.check)).size} check(s):`);
  for (const f of r.findings) console.error(`  ${formatFinding(f)}`);
  return VERIFY_FAILED_EXIT_CODE;
}
