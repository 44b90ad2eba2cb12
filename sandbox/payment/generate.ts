/**
 * POST /api/v1/data/generate — streams synthetic transactions as NDJSON.
 *
 * The body is produced by a pull-based Readable: each _read() renders one chunk of `chunk_size`
 * records, so memory stays at about one chunk and a slow client throttles generation (backpressure).
 * Only one generation runs at a time; the slot is released when the stream ends or is destroyed
 * (fastify destroys it when the client disconnects).
 *
 * With a `sink` ({bucket, prefix, format, part_records}) the same records are also stored in object
 * storage (sandbox/storage.ts): parts as they fill, the manifest last, just before the stream ends.
 * The run's id and location are in the X-Run-Id and X-Run-Location headers. A cut-off stream leaves
 * no manifest. The record shape is lib/data/transaction-stream.ts.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { SandboxState } from '../state.ts';
import { ApiError } from '../errors.ts';
import { BUCKET_PATTERN, keyPrefixProblem, bucketProblem } from '../../lib/s3-config.ts';
import { s3Client } from '../../lib/s3-client.ts';
import { nextTransaction, renderTransaction, STREAM_FORMATS, streamPrng, type StreamFormat } from '../../lib/data/transaction-stream.ts';
import { RunWriter } from '../storage.ts';
import { HeadBucketCommand } from '@aws-sdk/client-s3';

interface GenerateBody {
  records: number;
  chunk_size: number;
  seed?: number;
  sink?: { bucket?: string; prefix?: string; format?: StreamFormat; part_records?: number };
}

const generateSchema = {
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: {
    records: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    chunk_size: { type: 'integer', minimum: 1, maximum: 100_000, default: 1000 },
    seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
    // Store the run in object storage as well (sandbox/storage.ts); the response stream is unchanged.
    sink: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bucket: { type: 'string', minLength: 3, maxLength: 63, pattern: BUCKET_PATTERN },
        prefix: { type: 'string', maxLength: 512 },
        format: { type: 'string', enum: [...STREAM_FORMATS] },
        part_records: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 5000 },
      },
    },
  },
} as const;

class TransactionStream extends Readable {
  private next = 1;
  private scheduled = false;
  private readonly rand: () => number;
  /** A part upload in flight: rendering waits for it, so storage throttles generation like a slow client does. */
  private uploading: Promise<void> | null = null;

  constructor(
    private readonly total: number,
    private readonly chunkSize: number,
    private readonly seed: number,
    private readonly onDone: () => void,
    private readonly writer: RunWriter | null,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.rand = streamPrng(seed);
  }

  // Each chunk is rendered on a later turn of the event loop (setImmediate): when the client reads
  // fast, Node would otherwise call _read back-to-back on the microtask queue and starve every other
  // request, including the concurrent trigger that must get its 409 at once.
  override _read(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const go = (): void => {
      setImmediate(() => {
        this.scheduled = false;
        if (!this.destroyed) this.renderChunk();
      });
    };
    if (this.uploading) {
      this.uploading.then(() => {
        this.uploading = null;
        go();
      }, (err: unknown) => this.destroy(err as Error));
    } else go();
  }

  private renderChunk(): void {
    if (this.next > this.total) {
      if (!this.writer) {
        this.push(null);
        return;
      }
      // The manifest is written before the stream ends: a client that saw the whole body finds it.
      this.writer.finish({ seed: this.seed, requestedRecords: this.total, chunkSize: this.chunkSize }).then(
        () => this.push(null),
        (err: unknown) => this.destroy(err as Error),
      );
      return;
    }
    const end = Math.min(this.total, this.next + this.chunkSize - 1);
    const sinkFormat = this.writer?.format;
    let out = '';
    for (let seq = this.next; seq <= end; seq++) {
      const t = nextTransaction(this.rand, seq);
      const line = renderTransaction(t, 'ndjson');
      out += line;
      if (this.writer) this.writer.add(sinkFormat === 'ndjson' ? line : renderTransaction(t, 'csv'));
    }
    this.next = end + 1;
    if (this.writer?.hasReady) this.uploading = this.writer.upload();
    this.push(out);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.writer?.abort();
    this.onDone();
    cb(err);
  }
}

export function registerGenerate(app: FastifyInstance, state: SandboxState): void {
  app.post<{ Body: GenerateBody }>('/api/v1/data/generate', { schema: { body: generateSchema } }, async (req, reply) => {
    if (state.generation.active) {
      req.faultTtfbMs = 0; // a refusal is answered at once; the ttfb fault delays only a stream
      throw new ApiError(409, 'generation_in_progress', 'another data generation is running; retry later', {
        headers: { 'Retry-After': '1' },
      });
    }
    state.generation.active = true;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        state.generation.active = false;
      }
    };
    try {
      const ttfb = req.faultTtfbMs;
      req.faultTtfbMs = 0; // handled here instead of in the generic onSend hook
      if (ttfb > 0) {
        const aborted = await new Promise<boolean>((resolve) => {
          const onClose = (): void => {
            clearTimeout(timer);
            resolve(true);
          };
          const timer = setTimeout(() => {
            reply.raw.off('close', onClose);
            resolve(false);
          }, ttfb);
          reply.raw.once('close', onClose);
        });
        if (aborted || reply.raw.destroyed) {
          release();
          reply.hijack();
          return reply;
        }
      }
      const { records, chunk_size: chunkSize } = req.body;
      const seed = req.body.seed ?? (Date.now() >>> 0);
      const writer = req.body.sink ? await openSink(state, req.body.sink) : null;
      const stream = new TransactionStream(records, chunkSize, seed, release, writer);
      reply.type('application/x-ndjson').header('Cache-Control', 'no-store').header('X-Records', String(records));
      if (writer) reply.header('X-Run-Id', writer.runId).header('X-Run-Location', writer.location);
      return reply.send(stream);
    } catch (err) {
      release();
      throw err;
    }
  });
}

/**
 * Checks the sink against the bucket and key rules (answered 422 naming the field), asks the store
 * whether the bucket is there (answered 503 `storage_unavailable` before any byte is streamed), and
 * opens the run's writer.
 */
async function openSink(state: SandboxState, sink: NonNullable<GenerateBody['sink']>): Promise<RunWriter> {
  const store = state.config.objectStore;
  const bucket = sink.bucket ?? store.bucket;
  const prefix = (sink.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const bp = bucketProblem(bucket);
  if (bp) throw new ApiError(422, 'validation_failed', `sink.bucket ${bp}`, { field: 'sink.bucket' });
  const kp = keyPrefixProblem(prefix);
  if (kp) throw new ApiError(422, 'validation_failed', `sink.prefix ${kp}`, { field: 'sink.prefix' });
  state.s3 ??= s3Client(store);
  try {
    await state.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const why = (err as { name?: string }).name === 'NotFound' ? `bucket '${bucket}' does not exist` : `${(err as Error).name}: ${(err as Error).message}`;
    throw new ApiError(503, 'storage_unavailable', `object storage at ${store.endpoint} cannot take the run: ${why}`);
  }
  const f = state.faults.current;
  return new RunWriter(
    state.s3,
    { bucket, prefix, format: sink.format ?? 'ndjson', partRecords: sink.part_records ?? 5000 },
    { slowStorage: f.slowStorage, failingStorage: f.failingStorage, corruptPart: f.corruptPart, missingPart: f.missingPart },
  );
}
