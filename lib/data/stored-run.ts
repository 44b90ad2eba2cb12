// A generation run stored in object storage: where its objects go, what its manifest says, and the
// checks that compare the manifest with what the store lists. Pure: the k6 teardown
// (scenarios/data-generation.ts through lib/k6/s3.ts) and `npm run data -- --verify` both use it, so
// "the listing equals the manifest" means the same thing on both sides.
//
// Layout: <prefix>/<run id>/part-00001.<ext>, part-00002.<ext>, ..., then <prefix>/<run id>/manifest.json,
// written LAST. A run without a manifest was cut off (client gone, storage fault, process killed)
// and is never taken for complete.

import type { StreamFormat } from './transaction-stream.ts';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_KIND = 'paykit-k6/generated-run';
/** Bumped when the manifest's fields change meaning. */
export const MANIFEST_SCHEMA_VERSION = 1;

/** The seed suite's floor for what a generation leaves in storage. */
export const STORAGE_FLOOR = { minObjects: 1, minObjectBytes: 100, minTotalBytes: 1024 } as const;

export interface ManifestPart {
  key: string;
  bytes: number;
  sha256: string;
  records: number;
}

export interface RunManifest {
  kind: typeof MANIFEST_KIND;
  manifest_version: number;
  /** The record schema of every part (lib/data/transaction-stream.ts). */
  schema: string;
  run_id: string;
  bucket: string;
  prefix: string;
  format: StreamFormat;
  seed: number;
  /** What the request asked for. */
  requested_records: number;
  chunk_size: number;
  part_records: number;
  records: number;
  bytes: number;
  /** SHA-256 of all parts' bytes in order: the same for a seed whatever the chunk size. */
  content_sha256: string;
  parts: ManifestPart[];
  started_at: string;
  completed_at: string;
}

/** Run ids: UTC time to the millisecond plus 6 random hex digits, so they sort by time. */
export const RUN_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

export function makeRunId(now: Date, randomHex6: string): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomHex6}`;
}

export function runDir(prefix: string, runId: string): string {
  return prefix === '' ? runId : `${prefix}/${runId}`;
}

export function partKey(prefix: string, runId: string, index: number, format: StreamFormat): string {
  return `${runDir(prefix, runId)}/part-${String(index).padStart(5, '0')}.${format}`;
}

export function manifestKey(prefix: string, runId: string): string {
  return `${runDir(prefix, runId)}/${MANIFEST_NAME}`;
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface RunFinding {
  /** The check's name, as the k6 check and the CLI print it. */
  check: string;
  object?: string;
  message: string;
}

/** Names of the checks, in the order they are reported. */
export const RUN_CHECKS = {
  manifest: 'storage: manifest present and well-formed',
  listing: 'storage: listing equals manifest',
  sizes: 'storage: sizes match manifest',
  checksums: 'storage: checksums match manifest',
  floor: 'storage: floor (>=1 object, each >100 B, total >1 KB)',
  counts: 'content: record counts equal manifest and request',
  schema: 'content: every record matches the schema',
  ids: 'content: ids unique and references resolve',
  reproducible: 'content: same seed, same sha256 whatever the chunk size',
} as const;

const HEX64 = /^[0-9a-f]{64}$/;

/** Why `m` is not a manifest this kit wrote, or null. */
export function manifestProblem(m: unknown): string | null {
  if (typeof m !== 'object' || m === null) return 'not a JSON object';
  const r = m as Partial<RunManifest>;
  if (r.kind !== MANIFEST_KIND) return `kind is not ${MANIFEST_KIND}`;
  if (r.manifest_version !== MANIFEST_SCHEMA_VERSION) return `manifest_version ${String(r.manifest_version)} is not ${MANIFEST_SCHEMA_VERSION}`;
  if (typeof r.run_id !== 'string' || !RUN_ID_PATTERN.test(r.run_id)) return 'run_id is missing or malformed';
  if (!Array.isArray(r.parts)) return 'parts is not a list';
  for (const [i, p] of r.parts.entries()) {
    if (typeof p?.key !== 'string' || !Number.isSafeInteger(p.bytes) || !Number.isSafeInteger(p.records) || typeof p.sha256 !== 'string' || !HEX64.test(p.sha256)) {
      return `parts[${i}] needs key, bytes, records and a hex sha256`;
    }
  }
  for (const f of ['seed', 'requested_records', 'records', 'bytes', 'chunk_size', 'part_records'] as const) {
    if (!Number.isSafeInteger(r[f])) return `${f} is not an integer`;
  }
  if (typeof r.content_sha256 !== 'string' || !HEX64.test(r.content_sha256)) return 'content_sha256 is not a hex sha256';
  return null;
}

/** The manifest from its text (null: not found), or why it is not one. */
export function readManifest(text: string | null): { manifest: RunManifest; problem: null } | { manifest: null; problem: string } {
  if (text === null) return { manifest: null, problem: 'missing: the run was cut off or never stored' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { manifest: null, problem: 'not JSON' };
  }
  const problem = manifestProblem(parsed);
  return problem === null ? { manifest: parsed as RunManifest, problem: null } : { manifest: null, problem };
}

/**
 * The listing of <prefix>/<run id>/ against the manifest: nothing extra, nothing missing, each size
 * as written; with `sha256` (key -> hex digest of the object as read back), each checksum too; and
 * the seed suite's floor on what was stored.
 */
export function checkListing(m: RunManifest, listing: readonly ListedObject[], sha256?: ReadonlyMap<string, string>): RunFinding[] {
  const out: RunFinding[] = [];
  const mk = manifestKey(m.prefix, m.run_id);
  const listed = new Map(listing.map((o) => [o.key, o.size]));
  const expected = new Set(m.parts.map((p) => p.key));
  for (const p of m.parts) if (!listed.has(p.key)) out.push({ check: RUN_CHECKS.listing, object: p.key, message: 'in the manifest but not in the bucket' });
  for (const o of listing) {
    if (o.key !== mk && !expected.has(o.key)) out.push({ check: RUN_CHECKS.listing, object: o.key, message: 'in the bucket but not in the manifest' });
  }
  for (const p of m.parts) {
    const size = listed.get(p.key);
    if (size !== undefined && size !== p.bytes) out.push({ check: RUN_CHECKS.sizes, object: p.key, message: `${size} B stored, manifest says ${p.bytes} B` });
    const sum = sha256?.get(p.key);
    if (sum !== undefined && sum !== p.sha256) out.push({ check: RUN_CHECKS.checksums, object: p.key, message: `sha256 ${sum} read back, manifest says ${p.sha256}` });
  }
  const parts = listing.filter((o) => expected.has(o.key));
  const total = parts.reduce((a, o) => a + o.size, 0);
  if (parts.length < STORAGE_FLOOR.minObjects) out.push({ check: RUN_CHECKS.floor, message: 'no part stored' });
  for (const o of parts) {
    if (o.size <= STORAGE_FLOOR.minObjectBytes) out.push({ check: RUN_CHECKS.floor, object: o.key, message: `${o.size} B, not over ${STORAGE_FLOOR.minObjectBytes} B` });
  }
  if (total <= STORAGE_FLOOR.minTotalBytes) out.push({ check: RUN_CHECKS.floor, message: `${total} B in all, not over ${STORAGE_FLOOR.minTotalBytes} B` });
  const sumBytes = m.parts.reduce((a, p) => a + p.bytes, 0);
  const sumRecords = m.parts.reduce((a, p) => a + p.records, 0);
  if (sumBytes !== m.bytes || sumRecords !== m.records) out.push({ check: RUN_CHECKS.manifest, object: mk, message: `parts add up to ${sumRecords} records / ${sumBytes} B, manifest says ${m.records} / ${m.bytes}` });
  if (m.records !== m.requested_records) out.push({ check: RUN_CHECKS.counts, object: mk, message: `${m.records} records stored, ${m.requested_records} requested` });
  return out;
}

/** One line per finding, check first: what the CLI prints and the k6 teardown logs. */
export function formatFinding(f: RunFinding): string {
  return `${f.check}: ${f.object ? `${f.object}: ` : ''}${f.message}`;
}

/** Parses a ListObjectsV2 XML answer (what k6 gets back; the Node side uses the AWS SDK). */
export function parseListObjectsV2(xml: string): { objects: ListedObject[]; truncated: boolean; nextToken: string | null } {
  const objects: ListedObject[] = [];
  const contents = /<Contents>([\s\S]*?)<\/Contents>/g;
  for (let m = contents.exec(xml); m; m = contents.exec(xml)) {
    const body = m[1] as string;
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(body)?.[1];
    const size = /<Size>(\d+)<\/Size>/.exec(body)?.[1];
    if (key === undefined || size === undefined) throw new Error('ListObjectsV2: a <Contents> entry lacks <Key> or <Size>');
    objects.push({ key: xmlText(key), size: Number(size) });
  }
  const truncated = /<IsTruncated>\s*true\s*<\/IsTruncated>/.test(xml);
  const token = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1];
  if (truncated && !token) throw new Error('ListObjectsV2: truncated without a NextContinuationToken');
  return { objects, truncated, nextToken: token === undefined ? null : xmlText(token) };
}

function xmlText(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
