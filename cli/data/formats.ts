// File formats for generated datasets: streaming JSON arrays (one record per line, so
// they can be re-read line by line, and what k6's SharedArray loads), NDJSON and CSV.
// Node-only (used by cli/data.ts, tests and benchmarks).

import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { EntityName } from '../../lib/data/types.ts';

export type Format = 'json' | 'ndjson' | 'csv';
export const FORMATS: readonly Format[] = ['json', 'ndjson', 'csv'];
export const EXTENSION: Record<Format, string> = { json: 'json', ndjson: 'ndjson', csv: 'csv' };

type ColType = 'str' | 'int' | 'list';
type Column = readonly [path: string, type: ColType];

const s = (p: string): Column => [p, 'str'];
const n = (p: string): Column => [p, 'int'];
const l = (p: string): Column => [p, 'list'];

/** CSV columns per entity; nested fields are dotted, lists are `|`-joined. */
export const CSV_COLUMNS: Record<EntityName, readonly Column[]> = {
  banks: [s('id'), s('code'), s('name'), s('kind'), s('country'), s('currency')],
  merchants: [s('id'), s('name'), s('mcc'), s('category'), s('country'), s('city'), s('currency')],
  customers: [
    s('id'), s('pan'), s('firstName'), s('lastName'), s('fullName'), s('email'), s('phone'), s('dateOfBirth'), s('locale'),
    s('address.street'), s('address.city'), s('address.postcode'), s('address.country'), l('accountIds'), l('cardIds'),
  ],
  accounts: [s('id'), s('accountNumber'), s('customerId'), s('bankId'), s('kind'), s('currency'), n('openingBalance')],
  cards: [s('id'), s('customerId'), s('accountId'), s('brand'), s('number'), n('expMonth'), n('expYear'), s('cvv'), s('holderName')],
  transactions: [
    s('id'), s('kind'), s('fromAccountId'), s('toAccountId'), s('customerId'), n('amount'), s('currency'), s('band'),
    n('offsetMs'), s('timestamp'), s('idempotencyKey'),
  ],
};

function getPath(r: Record<string, unknown>, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return r[path];
  const inner = r[path.slice(0, dot)];
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)[path.slice(dot + 1)] : undefined;
}

function csvCell(v: unknown): string {
  const text = Array.isArray(v) ? v.join('|') : v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(entity: EntityName): string {
  return CSV_COLUMNS[entity].map((c) => c[0]).join(',') + '\n';
}

export function csvRow(entity: EntityName, record: object): string {
  const r = record as Record<string, unknown>;
  return CSV_COLUMNS[entity].map((c) => csvCell(getPath(r, c[0]))).join(',') + '\n';
}

/** Splits one CSV line (RFC 4180 quoting; our cells never contain newlines). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted CSV cell');
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(cell);
    } else {
      const c = line.indexOf(',', i);
      out.push(c < 0 ? line.slice(i) : line.slice(i, c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) break;
    i++; // the comma
    if (i === line.length) {
      out.push('');
      break;
    }
  }
  return out;
}

export function csvRecord(entity: EntityName, cells: readonly string[]): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  CSV_COLUMNS[entity].forEach(([path, type], k) => {
    const raw = cells[k] ?? '';
    const v = type === 'int' ? (raw === '' ? undefined : Number(raw)) : type === 'list' ? (raw === '' ? [] : raw.split('|')) : raw;
    const dot = path.indexOf('.');
    if (dot < 0) r[path] = v;
    else ((r[path.slice(0, dot)] ??= {}) as Record<string, unknown>)[path.slice(dot + 1)] = v;
  });
  return r;
}

/**
 * The records of a written file, in batches of up to ~8 MB of text, read synchronously. One promise
 * per line (readline + an async generator) made validating a million-customer dataset take longer than
 * generating it; callers yield to the event loop between batches instead.
 */
export function* readRecordBatches(path: string, format: Format, entity: EntityName, chunkBytes = 8 << 20): Generator<unknown[]> {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkBytes);
  const decoder = new StringDecoder('utf8');
  const header = csvHeader(entity).trimEnd();
  let first = true;
  let rest = '';
  const parse = (lines: string[]): unknown[] => {
    const out: unknown[] = [];
    for (const line of lines) {
      if (format === 'csv') {
        if (first) {
          first = false;
          if (line !== header) throw new Error(`${path}: unexpected CSV header`);
          continue;
        }
        if (line !== '') out.push(csvRecord(entity, parseCsvLine(line)));
        continue;
      }
      if (line === '' || (format === 'json' && (line === '[' || line === ']' || line === '[]'))) continue;
      out.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line));
    }
    return out;
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) break;
      const lines = (rest + decoder.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop() as string;
      yield parse(lines);
    }
    rest += decoder.end();
    if (rest !== '') yield parse([rest]);
  } finally {
    closeSync(fd);
  }
}
