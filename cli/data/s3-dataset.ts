// `npm run data -- --out s3://bucket/prefix`: the dataset is written and validated in a local temporary
// directory as usual, then each file is PUT to <prefix>/<run id>/ and manifest.json LAST, so a run in
// storage with a manifest is complete. `--verify` of such a run (cli/data/verify.ts dispatches here on
// the manifest's `generator`): listing = manifest files, sizes, sha256, the floor, then every record
// through the dataset validator (schema, unique ids, every reference resolves) and the counts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkListing, makeRunId, MANIFEST_NAME, RUN_CHECKS, type ListedObject, type RunFinding, type RunManifest } from '../../lib/data/stored-run.ts';
import { ENTITY_NAMES, type EntityName } from '../../lib/data/types.ts';
import { DatasetValidator } from '../../lib/data/validate.ts';
import type { S3Location } from '../../lib/s3-config.ts';
import { RecordLineReader, type Format } from './formats.ts';
import type { Manifest, ManifestFile } from './manifest.ts';

export const DATASET_GENERATOR = 'paykit-k6 test data (cli/data.ts)';

const MIME: Record<Format, string> = { json: 'application/json', ndjson: 'application/x-ndjson', csv: 'text/csv' };

/** Uploads a finished dataset directory; returns where it went. */
export async function uploadDataset(client: S3Client, dir: string, loc: S3Location, files: readonly ManifestFile[]): Promise<string> {
  const runDir = `${loc.prefix ? `${loc.prefix}/` : ''}${makeRunId(new Date(), randomBytes(3).toString('hex'))}`;
  for (const f of files) {
    const body = readFileSync(join(dir, f.name));
    await client.send(new PutObjectCommand({ Bucket: loc.bucket, Key: `${runDir}/${f.name}`, Body: body, ContentType: MIME[f.format], ContentLength: body.length }));
  }
  const manifest = readFileSync(join(dir, MANIFEST_NAME));
  await client.send(new PutObjectCommand({ Bucket: loc.bucket, Key: `${runDir}/${MANIFEST_NAME}`, Body: manifest, ContentType: 'application/json' }));
  return `s3://${loc.bucket}/${runDir}/`;
}

/** The dataset's manifest seen as a run manifest, so the storage checks are the same ones. */
function asRun(m: Manifest, loc: S3Location): RunManifest {
  const records = m.files.reduce((a, f) => a + f.records, 0);
  const slash = loc.prefix.lastIndexOf('/');
  return {
    kind: 'paykit-k6/generated-run',
    manifest_version: 1,
    schema: `dataset/${m.generatorVersion}`,
    run_id: loc.prefix.slice(slash + 1),
    bucket: loc.bucket,
    prefix: slash < 0 ? '' : loc.prefix.slice(0, slash),
    format: 'ndjson',
    seed: m.seed,
    requested_records: records,
    chunk_size: 0,
    part_records: 0,
    records,
    bytes: m.files.reduce((a, f) => a + f.bytes, 0),
    content_sha256: '',
    parts: m.files.map((f) => ({ key: `${loc.prefix}/${f.name}`, bytes: f.bytes, sha256: f.sha256, records: f.records })),
    started_at: '',
    completed_at: '',
  };
}

export async function verifyDataset(
  m: Manifest,
  loc: S3Location,
  listing: readonly ListedObject[],
  read: (key: string) => Promise<Buffer | null>,
  sha256: (b: Buffer) => string,
): Promise<RunFinding[]> {
  const run = asRun(m, loc);
  const bodies = new Map<string, Buffer>();
  const sums = new Map<string, string>();
  for (const p of run.parts) {
    if (!listing.some((o) => o.key === p.key)) continue;
    const b = await read(p.key);
    if (b) {
      bodies.set(p.key, b);
      sums.set(p.key, sha256(b));
    }
  }
  const findings = checkListing(run, listing, sums);
  // Content: one format's files, entity by entity, through the validator the generator itself uses.
  const format = m.options.formats[0] as Format;
  const validator = new DatasetValidator();
  for (const entity of ENTITY_NAMES) {
    const file = m.files.find((f) => f.entity === entity && f.format === format);
    const body = file && bodies.get(`${loc.prefix}/${file.name}`);
    if (!file || !body) continue;
    const reader = new RecordLineReader(format, entity as EntityName, file.name);
    let n = 0;
    try {
      for (const r of [...reader.push(body.toString('utf8')), ...reader.end()]) {
        validator.add(entity, r);
        n++;
      }
    } catch (e) {
      findings.push({ check: RUN_CHECKS.schema, object: `${loc.prefix}/${file.name}`, message: (e as Error).message });
    }
    const want = (m.counts as Record<string, number>)[entity];
    if (n !== file.records || (want !== undefined && n !== want)) {
      findings.push({ check: RUN_CHECKS.counts, object: `${loc.prefix}/${file.name}`, message: `${n} records read back, manifest says ${file.records} (counts.${entity}: ${want})` });
    }
  }
  const report = validator.finish();
  for (const i of report.issues) {
    const check = /does not resolve|duplicate|do not match the (accounts|cards)/.test(i.message) ? RUN_CHECKS.ids : RUN_CHECKS.schema;
    const file = m.files.find((f) => f.entity === i.entity && f.format === format);
    findings.push({ check, object: file ? `${loc.prefix}/${file.name}` : undefined, message: `${i.entity}[${i.index}] ${i.id ?? ''} ${i.message}`.replace(/\s+/g, ' ') });
  }
  return findings;
}
