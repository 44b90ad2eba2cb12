// Output files of `npm run data`: one sink per entity and format. Records are serialized into a
// buffer that goes to disk in ~1 MB chunks, hashed on the way (the manifest's sha256), under a
// temporary name (<name>.tmp-<pid>) that is renamed only once the whole dataset is validated.
// TempFiles knows every temporary file and open stream, so an interrupted or failed run can
// remove them (cli/data/signals.ts).

import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { EntityName } from '../../lib/data/types.ts';
import { csvHeader, csvRow, EXTENSION, type Format } from './formats.ts';

/** Buffered text goes to the stream once it reaches this many UTF-16 units. */
const CHUNK = 1 << 20;

/** The temporary files and open streams of one run, removed together if it does not finish. */
export class TempFiles {
  private readonly files = new Set<string>();
  private readonly streams = new Set<WriteStream>();

  add(path: string): void {
    this.files.add(path);
  }

  /** `tmp` becomes `final`, and is no longer removed by removeAll(). */
  rename(tmp: string, final: string): void {
    renameSync(tmp, final);
    this.files.delete(tmp);
  }

  addStream(stream: WriteStream): void {
    this.streams.add(stream);
  }

  closed(stream: WriteStream): void {
    this.streams.delete(stream);
  }

  removeAll(): void {
    for (const s of this.streams) s.destroy();
    for (const t of this.files) rmSync(t, { force: true });
    this.files.clear();
  }
}

export interface Sink {
  entity: EntityName;
  format: Format;
  name: string;
  finalPath: string;
  tmpPath: string;
  stream: WriteStream;
  hash: Hash;
  bytes: number;
  records: number;
  buf: string[];
  bufLen: number;
  /** Set on the one sink whose text is validated: each record exactly as written, as complete lines. */
  check?: string[];
}

export function openSink(temps: TempFiles, dir: string, entity: EntityName, format: Format): Sink {
  const name = `${entity}.${EXTENSION[format]}`;
  const finalPath = join(dir, name);
  const tmpPath = `${finalPath}.tmp-${process.pid}`;
  temps.add(tmpPath);
  const stream = createWriteStream(tmpPath, { highWaterMark: 4 << 20 });
  temps.addStream(stream);
  const sink: Sink = { entity, format, name, finalPath, tmpPath, stream, hash: createHash('sha256'), bytes: 0, records: 0, buf: [], bufLen: 0 };
  if (format === 'json') push(sink, '[\n');
  if (format === 'csv') push(sink, csvHeader(entity));
  return sink;
}

function push(sink: Sink, text: string): void {
  sink.buf.push(text);
  sink.bufLen += text.length;
}

/** Serializes `record` into the sink's buffer (and into `check` when this sink is validated). */
export function addRecord(sink: Sink, record: object): void {
  if (sink.format === 'csv') {
    const row = csvRow(sink.entity, record);
    push(sink, row);
    sink.check?.push(row);
  } else {
    const json = JSON.stringify(record);
    push(sink, sink.format === 'ndjson' ? json + '\n' : (sink.records > 0 ? ',\n' : '') + json);
    sink.check?.push(json + '\n');
  }
  sink.records++;
}

/** Writes the buffer once it holds a chunk (or whatever it holds, with `force`); waits for drain. */
export async function flush(sink: Sink, force = false): Promise<void> {
  if (sink.bufLen === 0 || (!force && sink.bufLen < CHUNK)) return;
  const chunk = sink.buf.join('');
  sink.buf = [];
  sink.bufLen = 0;
  sink.hash.update(chunk, 'utf8');
  sink.bytes += Buffer.byteLength(chunk, 'utf8');
  if (!sink.stream.write(chunk)) await once(sink.stream, 'drain');
}

export async function closeSink(temps: TempFiles, sink: Sink): Promise<{ bytes: number; sha256: string }> {
  if (sink.format === 'json') push(sink, sink.records > 0 ? '\n]\n' : ']\n');
  await flush(sink, true);
  await new Promise<void>((res, rej) => {
    sink.stream.once('error', rej);
    sink.stream.end(res);
  });
  temps.closed(sink.stream);
  return { bytes: sink.bytes, sha256: sink.hash.digest('hex') };
}

/** mkdir -p, one component at a time (recursive mkdirSync can hang on /proc-like file systems). */
export function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  makeDirs(dirname(dir));
  mkdirSync(dir);
}
