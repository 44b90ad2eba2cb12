// File formats for generated datasets: streaming JSON arrays (one record per line, so
// they can be re-read line by line, and what k6's SharedArray loads), NDJSON and CSV.
// Node-only (used by cli/data.ts, tests and benchmarks).

import { csvColumns, csvRowDecoder, type RowDecoder } from '../../lib/data/csv.ts';
import { ENTITY_NAMES, type EntityName } from '../../lib/data/types.ts';

export type Format = 'json' | 'ndjson' | 'csv';
export const FORMATS: readonly Format[] = ['json', 'ndjson', 'csv'];
export const EXTENSION: Record<Format, string> = { json: 'json', ndjson: 'ndjson', csv: 'csv' };

/** Header names per entity, in file order (the schema is lib/data/csv.ts: CSV_SCHEMA). */
const CSV_NAMES = {} as Record<EntityName, readonly string[]>;
for (const e of ENTITY_NAMES) CSV_NAMES[e] = csvColumns(e).map((c) => c.name);

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
  return CSV_NAMES[entity].join(',') + '\n';
}

export function csvRow(entity: EntityName, record: object): string {
  const r = record as Record<string, unknown>;
  return CSV_NAMES[entity].map((name) => csvCell(getPath(r, name))).join(',') + '\n';
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

/**
 * Turns the text of a written file, fed in pieces of any size, back into records: JSON as this tool
 * writes it (one record per line inside `[` `]`), NDJSON, or CSV with the entity's header. A piece may
 * end in the middle of a line; the rest is kept for the next piece.
 */
export class RecordLineReader {
  private rest = '';
  private first = true;
  private readonly header: string;
  private readonly decode: RowDecoder;

  constructor(
    private readonly format: Format,
    entity: EntityName,
    private readonly source: string,
  ) {
    this.header = csvHeader(entity).trimEnd();
    this.decode = csvRowDecoder(entity, CSV_NAMES[entity]);
  }

  push(text: string): unknown[] {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() as string;
    return this.parse(lines);
  }

  end(): unknown[] {
    const last = this.rest;
    this.rest = '';
    return last === '' ? [] : this.parse([last]);
  }

  private parse(lines: string[]): unknown[] {
    const out: unknown[] = [];
    for (const line of lines) {
      if (this.format === 'csv') {
        if (this.first) {
          this.first = false;
          if (line !== this.header) throw new Error(`${this.source}: unexpected CSV header`);
          continue;
        }
        if (line !== '') out.push(this.decode(parseCsvLine(line)));
        continue;
      }
      if (line === '' || (this.format === 'json' && (line === '[' || line === ']' || line === '[]'))) continue;
      out.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line));
    }
    return out;
  }
}
