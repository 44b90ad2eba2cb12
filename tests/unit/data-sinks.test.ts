// cli/data/ seams below the CLI: output sinks and their temporary files, the manifest write, the
// validation worker client, the CSV schema, the arrival clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { share, writeManifest, type Manifest } from '../../cli/data/manifest.ts';
import { addRecord, closeSink, flush, openSink, TempFiles, type Sink } from '../../cli/data/sinks.ts';
import { ParallelValidator } from '../../cli/data/validator-client.ts';
import { DEFAULT_AMOUNT_BANDS } from '../../lib/data/amounts.ts';
import { arrivalClock } from '../../lib/data/arrivals.ts';
import { builtinDataset } from '../../lib/data/builtin.ts';
import { CSV_REQUIRED_COLUMNS, CSV_SCHEMA, csvColumns } from '../../lib/data/csv.ts';
import { ENTITY_NAMES } from '../../lib/data/types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'data-sinks-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const ds = builtinDataset(11, { asOf: '2026-01-01', customers: 20, transactions: 30, merchants: 3 });

test('sinks: JSON array one record per line, sha256 and size of what was written, temp name until renamed', async () => {
  const dir = mkdtempSync(join(tmp, 'json-'));
  const temps = new TempFiles();
  const sink = openSink(temps, dir, 'merchants', 'json');
  for (const m of ds.merchants) addRecord(sink, m);
  await flush(sink); // below a chunk: nothing written yet
  assert.equal(sink.bytes, 0);
  const { bytes, sha256 } = await closeSink(temps, sink);
  const text = readFileSync(sink.tmpPath, 'utf8');
  assert.equal(text, `[\n${ds.merchants.map((m) => JSON.stringify(m)).join(',\n')}\n]\n`);
  assert.equal(bytes, Buffer.byteLength(text));
  assert.equal(sha256, createHash('sha256').update(text).digest('hex'));
  assert.deepEqual(readdirSync(dir), [`merchants.json.tmp-${process.pid}`]);
  temps.rename(sink.tmpPath, sink.finalPath);
  temps.removeAll(); // a renamed file is no longer the run's to remove
  assert.deepEqual(readdirSync(dir), ['merchants.json']);
});

test('sinks: an empty JSON array is "[\\n]\\n"; CSV starts with the header; removeAll() leaves nothing', async () => {
  const dir = mkdtempSync(join(tmp, 'empty-'));
  const temps = new TempFiles();
  const json = openSink(temps, dir, 'banks', 'json');
  await closeSink(temps, json);
  assert.equal(readFileSync(json.tmpPath, 'utf8'), '[\n]\n');
  const csv = openSink(temps, dir, 'banks', 'csv');
  addRecord(csv, ds.banks[0]!);
  await closeSink(temps, csv);
  assert.ok(readFileSync(csv.tmpPath, 'utf8').startsWith(`${CSV_SCHEMA.banks}\n`));
  const open = openSink(temps, dir, 'banks', 'ndjson');
  await once(open.stream, 'ready');
  assert.equal(readdirSync(dir).length, 3);
  temps.removeAll(); // two closed, one still open
  assert.deepEqual(readdirSync(dir), []);
});

test('manifest: written under a temporary name, then renamed; share() rounds to 6 places', () => {
  const dir = mkdtempSync(join(tmp, 'manifest-'));
  const temps = new TempFiles();
  writeManifest(temps, dir, { seed: 1 } as unknown as Manifest);
  assert.deepEqual(readdirSync(dir), ['manifest.json']);
  assert.equal(readFileSync(join(dir, 'manifest.json'), 'utf8'), '{\n  "seed": 1\n}\n');
  assert.equal(share(1, 3), 0.333333);
  assert.equal(share(1, 0), 0);
});

function checkedSink(entity: Sink['entity'], lines: string[]): Sink {
  return { entity, check: lines } as Sink;
}

test('validator client: records handed over as written are validated in the worker thread', async () => {
  const ok = new ParallelValidator('json', DEFAULT_AMOUNT_BANDS);
  await ok.send(checkedSink('banks', ds.banks.map((b) => JSON.stringify(b) + '\n')));
  const good = await ok.finish();
  assert.equal(good.ok, true, JSON.stringify(good.issues));
  assert.equal(good.summary.counts.banks, ds.banks.length);

  const bad = new ParallelValidator('json', DEFAULT_AMOUNT_BANDS);
  await bad.send(checkedSink('banks', [JSON.stringify({ ...ds.banks[0], currency: 'XXQ' }) + '\n']));
  const report = await bad.finish();
  assert.equal(report.ok, false);
  assert.match(report.issues[0]?.message ?? '', /currency/);

  const broken = new ParallelValidator('json', DEFAULT_AMOUNT_BANDS);
  await broken.send(checkedSink('banks', ['{not json\n']));
  await assert.rejects(broken.finish(), /^Error: validation: /);
});

test('CSV schema: parses into typed columns; every required column is in it', () => {
  for (const e of ENTITY_NAMES) {
    const cols = csvColumns(e);
    assert.equal(cols.map((c) => c.name).join(','), CSV_SCHEMA[e].replace(/:(int|list)/g, ''));
    for (const r of CSV_REQUIRED_COLUMNS[e]) assert.ok(cols.some((c) => c.name === r), `${e}.${r}`);
  }
  assert.deepEqual(csvColumns('cards').filter((c) => c.type === 'int').map((c) => c.name), ['expMonth', 'expYear']);
  assert.deepEqual(csvColumns('customers').filter((c) => c.type === 'list').map((c) => c.name), ['accountIds', 'cardIds']);
});

test('arrival clock: steady is a fixed interval; the same seed gives the same times; the model uses it', () => {
  const steady = arrivalClock(1, 'steady', 50);
  assert.deepEqual([steady(), steady(), steady()], [0, 20, 40]);
  for (const pattern of ['random', 'burst'] as const) {
    const a = arrivalClock(5, pattern, 10);
    const b = arrivalClock(5, pattern, 10);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! >= xs[i - 1]!, `${pattern}: not monotonic at ${i}`);
    const rate = (1000 * (xs.length - 1)) / (xs[xs.length - 1]! - xs[0]!);
    assert.ok(rate > 7 && rate < 13, `${pattern}: ${rate} per s`);
  }
  const clock = arrivalClock(11, 'random', 50);
  assert.deepEqual(ds.transactions.map((t) => t.offsetMs), ds.transactions.map(() => clock()));
});
