/**
 * POST /api/v1/data/generate — streams synthetic transactions as NDJSON.
 *
 * The body is produced by a pull-based Readable: each _read() renders one chunk of `chunk_size`
 * records, so memory stays at about one chunk and a slow client throttles generation (backpressure).
 * Only one generation runs at a time; the slot is released when the stream ends or is destroyed
 * (fastify destroys it when the client disconnects).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { SandboxState } from '../state.ts';
import { ApiError } from '../errors.ts';

interface GenerateBody {
  records: number;
  chunk_size: number;
  seed?: number;
}

const generateSchema = {
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: {
    records: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    chunk_size: { type: 'integer', minimum: 1, maximum: 100_000, default: 1000 },
    seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
  },
} as const;

const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'AED'];
const BRANDS = ['visa', 'mastercard', 'amex', 'discover'];
const STATUSES = ['captured', 'captured', 'captured', 'captured', 'captured', 'captured', 'refunded', 'partially_refunded', 'failed'];
const BASE_TIME = Date.UTC(2026, 0, 1);

/** mulberry32: tiny seeded PRNG returning uint32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

class TransactionStream extends Readable {
  private next = 1;
  private scheduled = false;
  private readonly rand: () => number;

  constructor(
    private readonly total: number,
    private readonly chunkSize: number,
    seed: number,
    private readonly onDone: () => void,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.rand = prng(seed);
  }

  // Each chunk is rendered on a later turn of the event loop (setImmediate): when the client reads
  // fast, Node would otherwise call _read back-to-back on the microtask queue and starve every other
  // request, including the concurrent trigger that must get its 409 at once.
  override _read(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.destroyed) this.renderChunk();
    });
  }

  private renderChunk(): void {
    if (this.next > this.total) {
      this.push(null);
      return;
    }
    const end = Math.min(this.total, this.next + this.chunkSize - 1);
    const r = this.rand;
    let out = '';
    for (let seq = this.next; seq <= end; seq++) {
      const x = r();
      const y = r();
      const amount = 100 + (x % 500_000);
      out +=
        `{"seq":${seq},"id":"txn_${seq.toString(16).padStart(12, '0')}","merchant_id":"merch_${String(y % 1000).padStart(4, '0')}",` +
        `"customer_id":"cus_${(x >>> 8).toString(16).padStart(6, '0')}","amount":${amount},"currency":"${CURRENCIES[y % CURRENCIES.length]}",` +
        `"status":"${STATUSES[(x >>> 3) % STATUSES.length]}","card_brand":"${BRANDS[(y >>> 5) % BRANDS.length]}",` +
        `"card_last4":"${String((x >>> 4) % 10000).padStart(4, '0')}","created_at":"${new Date(BASE_TIME + seq * 1000).toISOString()}"}\n`;
    }
    this.next = end + 1;
    this.push(out);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
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
      const stream = new TransactionStream(records, chunkSize, seed, release);
      reply.type('application/x-ndjson').header('Cache-Control', 'no-store').header('X-Records', String(records));
      return reply.send(stream);
    } catch (err) {
      release();
      throw err;
    }
  });
}
