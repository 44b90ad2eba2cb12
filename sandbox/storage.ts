/**
 * Stores one generation run in object storage (POST /api/v1/data/generate with a `sink`): parts of
 * `part_records` records under <prefix>/<run id>/, each PUT as soon as it is full, then the manifest
 * LAST (lib/data/stored-run.ts). A run that is aborted (client gone, a PUT failed, shutdown) never
 * writes its manifest. The storage switches (sandbox/fault-spec.ts: slow_storage, failing_storage,
 * corrupt_part, missing_part) act here, on what is sent to the store, never on what the store does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  makeRunId,
  MANIFEST_KIND,
  MANIFEST_SCHEMA_VERSION,
  manifestKey,
  partKey,
  type ManifestPart,
  type RunManifest,
} from '../lib/data/stored-run.ts';
import { csvHeaderLine, TRANSACTION_STREAM_SCHEMA, type StreamFormat } from '../lib/data/transaction-stream.ts';
import { STORAGE_SLOW_MS, type FaultSpec } from './fault-spec.ts';

export interface SinkRequest {
  bucket: string;
  prefix: string;
  format: StreamFormat;
  partRecords: number;
}

export function newRunId(now = new Date()): string {
  return makeRunId(now, randomBytes(3).toString('hex'));
}

const MIME: Record<StreamFormat, string> = { ndjson: 'application/x-ndjson', csv: 'text/csv' };

export class RunWriter {
  readonly runId = newRunId();
  private readonly startedAt = new Date().toISOString();
  private current: string[] = [];
  private currentRecords = 0;
  private readonly ready: { text: string; records: number }[] = [];
  private readonly parts: ManifestPart[] = [];
  private readonly content = createHash('sha256');
  private aborted = false;

  constructor(
    private readonly client: S3Client,
    private readonly sink: SinkRequest,
    /** The switches as they were when the run started: a run is judged under one set of faults. */
    private readonly faults: Pick<FaultSpec, 'slowStorage' | 'failingStorage' | 'corruptPart' | 'missingPart'>,
  ) {}

  get format(): StreamFormat {
    return this.sink.format;
  }

  get location(): string {
    return `s3://${this.sink.bucket}/${this.sink.prefix ? `${this.sink.prefix}/` : ''}${this.runId}/`;
  }

  /** Adds one rendered record; a full part is queued for upload. */
  add(text: string): void {
    if (this.currentRecords === 0 && this.sink.format === 'csv') this.current.push(csvHeaderLine());
    this.current.push(text);
    if (++this.currentRecords === this.sink.partRecords) this.cut();
  }

  private cut(): void {
    if (this.currentRecords === 0) return;
    this.ready.push({ text: this.current.join(''), records: this.currentRecords });
    this.current = [];
    this.currentRecords = 0;
  }

  /** True when full parts wait for upload: the generator should await upload() before rendering more. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  abort(): void {
    this.aborted = true;
  }

  /** PUTs every queued part, in order. */
  async upload(): Promise<void> {
    while (this.ready.length > 0) {
      if (this.aborted) throw new Error('generation aborted');
      const part = this.ready.shift()!;
      const index = this.parts.length + 1;
      const key = partKey(this.sink.prefix, this.runId, index, this.sink.format);
      const bytes = Buffer.from(part.text, 'utf8');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      this.content.update(bytes);
      this.parts.push({ key, bytes: bytes.length, sha256, records: part.records });
      if (this.faults.slowStorage) await new Promise((r) => setTimeout(r, STORAGE_SLOW_MS));
      if (this.faults.failingStorage) throw new Error(`failing_storage: PUT ${key} refused`);
      if (this.faults.missingPart && index === 1) continue;
      let body = bytes;
      if (this.faults.corruptPart && index === 1) {
        body = Buffer.from(bytes);
        body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0x01; // same size, different bytes
      }
      await this.put(key, body, MIME[this.sink.format]);
    }
  }

  private async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.sink.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }));
  }

  /** Uploads the last part, then the manifest: the run is complete only once this resolves. */
  async finish(meta: { seed: number; requestedRecords: number; chunkSize: number }): Promise<RunManifest> {
    this.cut();
    await this.upload();
    if (this.aborted) throw new Error('generation aborted');
    const manifest: RunManifest = {
      kind: MANIFEST_KIND,
      manifest_version: MANIFEST_SCHEMA_VERSION,
      schema: TRANSACTION_STREAM_SCHEMA,
      run_id: this.runId,
      bucket: this.sink.bucket,
      prefix: this.sink.prefix,
      format: this.sink.format,
      seed: meta.seed,
      requested_records: meta.requestedRecords,
      chunk_size: meta.chunkSize,
      part_records: this.sink.partRecords,
      records: this.parts.reduce((a, p) => a + p.records, 0),
      bytes: this.parts.reduce((a, p) => a + p.bytes, 0),
      content_sha256: this.content.digest('hex'),
      parts: this.parts,
      started_at: this.startedAt,
      completed_at: new Date().toISOString(),
    };
    await this.put(manifestKey(this.sink.prefix, this.runId), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), 'application/json');
    return manifest;
  }
}
