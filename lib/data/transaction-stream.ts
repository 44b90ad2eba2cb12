// The records of the sandbox's streaming generator (POST /api/v1/data/generate): one seeded
// transaction per sequence number, rendered as an NDJSON line or a CSV row, and the schema each one
// must match. One home for the record shape: the sandbox renders with it and `npm run data -- --verify`
// checks stored runs with it (and regenerates them from their seed). Pure: no Node, no k6.
//
// Every record draws exactly two numbers from the seeded PRNG, in sequence order, so the text of
// record N depends only on the seed and N: how the stream is cut into chunks or stored parts cannot
// change a byte.

import { SANDBOX_CURRENCIES } from './currencies.ts';

export const TRANSACTION_STREAM_SCHEMA = 'transaction-stream/1';

export const BRANDS = ['visa', 'mastercard', 'amex', 'discover'] as const;
const STATUSES = ['captured', 'captured', 'captured', 'captured', 'captured', 'captured', 'refunded', 'partially_refunded', 'failed'] as const;
/** The merchants a generated transaction can name: merch_0000 .. merch_0999. */
export const MERCHANT_COUNT = 1000;
const BASE_TIME = Date.UTC(2026, 0, 1);

export type StreamFormat = 'ndjson' | 'csv';
export const STREAM_FORMATS: readonly StreamFormat[] = ['ndjson', 'csv'];

export interface StreamTransaction {
  seq: number;
  id: string;
  merchant_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  status: string;
  card_brand: string;
  card_last4: string;
  created_at: string;
}

/** Field order of the NDJSON objects and the CSV columns. */
export const STREAM_COLUMNS: readonly (keyof StreamTransaction)[] = [
  'seq', 'id', 'merchant_id', 'customer_id', 'amount', 'currency', 'status', 'card_brand', 'card_last4', 'created_at',
];

/** mulberry32: tiny seeded PRNG returning uint32. */
export function streamPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function transactionId(seq: number): string {
  return `txn_${seq.toString(16).padStart(12, '0')}`;
}

/** The record for `seq`, drawing its two numbers from `rand` (call in sequence order). */
export function nextTransaction(rand: () => number, seq: number): StreamTransaction {
  const x = rand();
  const y = rand();
  return {
    seq,
    id: transactionId(seq),
    merchant_id: `merch_${String(y % MERCHANT_COUNT).padStart(4, '0')}`,
    customer_id: `cus_${(x >>> 8).toString(16).padStart(6, '0')}`,
    amount: 100 + (x % 500_000),
    currency: SANDBOX_CURRENCIES[y % SANDBOX_CURRENCIES.length] as string,
    status: STATUSES[(x >>> 3) % STATUSES.length] as string,
    card_brand: BRANDS[(y >>> 5) % BRANDS.length] as string,
    card_last4: String((x >>> 4) % 10000).padStart(4, '0'),
    created_at: new Date(BASE_TIME + seq * 1000).toISOString(),
  };
}

export function csvHeaderLine(): string {
  return STREAM_COLUMNS.join(',') + '\n';
}

/** One record as text: NDJSON (the response stream's format) or a CSV row (no cell needs quoting). */
export function renderTransaction(t: StreamTransaction, format: StreamFormat): string {
  if (format === 'ndjson') return JSON.stringify(t) + '\n';
  return STREAM_COLUMNS.map((c) => String(t[c])).join(',') + '\n';
}

/** Parses one line back into a record; throws on text that is not one. */
export function parseTransactionLine(line: string, format: StreamFormat): unknown {
  if (format === 'ndjson') return JSON.parse(line);
  const cells = line.split(',');
  if (cells.length !== STREAM_COLUMNS.length) throw new Error(`expected ${STREAM_COLUMNS.length} CSV cells, got ${cells.length}`);
  const rec: Record<string, unknown> = {};
  STREAM_COLUMNS.forEach((c, i) => (rec[c] = c === 'seq' || c === 'amount' ? Number(cells[i]) : cells[i]));
  return rec;
}

const PATTERNS: Record<Exclude<keyof StreamTransaction, 'seq' | 'amount'>, RegExp> = {
  id: /^txn_[0-9a-f]{12}$/,
  merchant_id: /^merch_\d{4}$/,
  customer_id: /^cus_[0-9a-f]{6}$/,
  currency: new RegExp(`^(${SANDBOX_CURRENCIES.join('|')})$`),
  status: /^(captured|refunded|partially_refunded|failed)$/,
  card_brand: new RegExp(`^(${BRANDS.join('|')})$`),
  card_last4: /^\d{4}$/,
  created_at: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
};

/**
 * Why a parsed record does not match the schema, or null. Also checks what the record's own fields
 * promise: the id is derived from seq, the timestamp from seq, and the merchant exists.
 */
export function transactionProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'not an object';
  const rec = r as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length !== STREAM_COLUMNS.length || STREAM_COLUMNS.some((c, i) => keys[i] !== c)) return `fields must be ${STREAM_COLUMNS.join(',')} in that order`;
  if (!Number.isSafeInteger(rec.seq) || (rec.seq as number) < 1) return 'seq must be an integer >= 1';
  if (!Number.isSafeInteger(rec.amount) || (rec.amount as number) < 100 || (rec.amount as number) >= 500_100) return 'amount must be an integer 100..500099';
  for (const [field, re] of Object.entries(PATTERNS)) {
    if (typeof rec[field] !== 'string' || !re.test(rec[field] as string)) return `${field} does not match ${re}`;
  }
  if (rec.id !== transactionId(rec.seq as number)) return `id ${String(rec.id)} is not the id of seq ${String(rec.seq)}`;
  if (Number(String(rec.merchant_id).slice(6)) >= MERCHANT_COUNT) return `merchant_id ${String(rec.merchant_id)} names no merchant`;
  if (rec.created_at !== new Date(BASE_TIME + (rec.seq as number) * 1000).toISOString()) return 'created_at does not follow seq';
  return null;
}

/**
 * The stored parts of a run, regenerated from its seed: records 1..`records` rendered `chunkSize` at a
 * time (as the sandbox renders its stream) and cut every `partRecords` records, each CSV part with its
 * header. `onPart` gets each part's text in order. Used to prove a run reproducible whatever the chunk size.
 */
export function renderRunParts(o: { seed: number; records: number; format: StreamFormat; partRecords: number; chunkSize: number }, onPart: (text: string, records: number) => void): void {
  const rand = streamPrng(o.seed);
  let part: string[] = [];
  let inPart = 0;
  for (let start = 1; start <= o.records; start += o.chunkSize) {
    const end = Math.min(o.records, start + o.chunkSize - 1);
    for (let seq = start; seq <= end; seq++) {
      if (inPart === 0 && o.format === 'csv') part.push(csvHeaderLine());
      part.push(renderTransaction(nextTransaction(rand, seq), o.format));
      if (++inPart === o.partRecords) {
        onPart(part.join(''), inPart);
        part = [];
        inPart = 0;
      }
    }
  }
  if (inPart > 0) onPart(part.join(''), inPart);
}
