// `npm run data -- [flags]`: generates a seeded, referentially intact test dataset for k6
// scenarios and other tools. See --help and docs/test-data.md.
//
// Files are written under temporary names (<name>.tmp-<pid>), validated while they are written
// (a worker thread checks the exact text of every record of one format), then renamed;
// manifest.json is written last. An interrupted run (SIGINT/SIGTERM) removes its temporary files,
// and any previous manifest.json is removed before the first rename, so a directory with a
// manifest.json always holds one complete dataset.
//
// This file runs the steps in order; each has its module under cli/data/: args.ts (flags, help),
// sinks.ts (output files), validator-client.ts + validate-worker.ts (validation beside
// generation), progress.ts, manifest.ts, signals.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseS3Config, parseS3Url, S3ConfigError, type S3Location } from '../lib/s3-config.ts';
import { s3Client } from '../lib/s3-client.ts';
import { uploadDataset } from './data/s3-dataset.ts';
import { printVerdict, verifyRun } from './data/verify.ts';
import { availableLocales, createGenerator } from '../lib/data/generate.ts';
import type { DatasetModel } from '../lib/data/model.ts';
import { ENTITY_NAMES, type EntityName } from '../lib/data/types.ts';
import type { ValidationReport } from '../lib/data/validate.ts';
import { HELP, parseDataArgs, UsageError, type DataArgs } from './data/args.ts';
import { csvHeader, type Format } from './data/formats.ts';
import { buildManifest, share, writeManifest, type ManifestFile } from './data/manifest.ts';
import { fmt, Progress } from './data/progress.ts';
import { checkInterrupted, INTERRUPTED_EXIT_CODE, onInterrupt, wasInterrupted } from './data/signals.ts';
import { addRecord, closeSink, flush, makeDirs, openSink, TempFiles, type Sink } from './data/sinks.ts';
import { ParallelValidator } from './data/validator-client.ts';

const temps = new TempFiles();
let stopValidator: () => void = () => undefined;

function cleanup(): void {
  stopValidator();
  temps.removeAll();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

async function generate(args: DataArgs): Promise<number> {
  // s3://bucket/prefix: written and validated locally first, then stored with the manifest last.
  const s3Out: S3Location | null = args.out.startsWith('s3://') ? parseS3Url('--out', args.out) : null;
  const s3 = s3Out ? s3Client(parseS3Config(process.env)) : null;
  const dir = s3Out ? mkdtempSync(join(tmpdir(), 'paykit-data-')) : resolve(args.out);
  if (s3Out) onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  makeDirs(dir);
  // From here on the directory does not hold a complete dataset until the new manifest lands.
  rmSync(join(dir, 'manifest.json'), { force: true });

  const model: DatasetModel = createGenerator({
    seed: args.seed,
    customers: args.customers,
    merchants: args.merchants,
    transactions: args.transactions,
    domesticBanks: args.domesticBanks,
    foreignBanks: args.foreignBanks,
    travelAccountShare: args.travelAccounts,
    travelRatio: args.travelRatio,
    amountBands: args.amountBands,
    pattern: args.pattern,
    tps: args.tps,
    asOf: args.asOf,
    locales: args.locales,
    poolSize: args.poolSize,
  });

  const sinks = new Map<EntityName, Sink[]>();
  for (const e of ENTITY_NAMES) sinks.set(e, args.formats.map((f) => openSink(temps, dir, e, f)));
  // The text of one format is validated (JSON if written, else NDJSON, else CSV), in a worker thread.
  const checkFormat = (['json', 'ndjson', 'csv'] as const).find((f) => args.formats.includes(f)) as Format;
  const checked = new Map<EntityName, Sink>();
  for (const e of ENTITY_NAMES) {
    const sink = (sinks.get(e) as Sink[]).find((x) => x.format === checkFormat) as Sink;
    if (args.validate) sink.check = checkFormat === 'csv' ? [csvHeader(e)] : [];
    checked.set(e, sink);
  }
  const validator = args.validate ? new ParallelValidator(checkFormat, args.amountBands) : null;
  stopValidator = () => validator?.stop();
  const write = (e: EntityName, r: object) => {
    for (const s of sinks.get(e) as Sink[]) addRecord(s, r);
  };
  const flushAll = async (...entities: EntityName[]) => {
    for (const e of entities) for (const s of sinks.get(e) as Sink[]) await flush(s);
    // In this order: an account is validated after its customer, a card after its account.
    if (validator) for (const e of entities) await validator.send(checked.get(e) as Sink);
  };

  const total = args.customers + args.transactions + args.merchants;
  const progress = new Progress(total, 'items', args.quiet);
  let done = 0;
  const t0 = Date.now();

  for (const b of model.banks()) write('banks', b);
  for (const m of model.merchants()) {
    write('merchants', m);
    done++;
  }
  await flushAll('banks', 'merchants');
  let i = 0;
  for (const block of model.customerBlocks()) {
    write('customers', block.customer);
    for (const a of block.accounts) write('accounts', a);
    for (const c of block.cards) write('cards', c);
    if (++i % 2000 === 0) {
      await flushAll('customers', 'accounts', 'cards');
      done += 2000;
      progress.update(done, 'customers');
      await yieldToEventLoop();
      checkInterrupted();
    }
  }
  await flushAll('customers', 'accounts', 'cards');
  done += i % 2000;
  let j = 0;
  for (const t of model.transactions()) {
    write('transactions', t);
    if (++j % 5000 === 0) {
      await flushAll('transactions');
      done += 5000;
      progress.update(done, 'transactions');
      await yieldToEventLoop();
      checkInterrupted();
    }
  }
  await flushAll('transactions');
  done += j % 5000;

  const files: ManifestFile[] = [];
  for (const e of ENTITY_NAMES) {
    for (const s of sinks.get(e) as Sink[]) {
      const { bytes, sha256 } = await closeSink(temps, s);
      files.push({ name: s.name, entity: e, format: s.format, records: s.records, bytes, sha256 });
    }
  }
  const genMs = Date.now() - t0;
  checkInterrupted();

  let report: ValidationReport | undefined;
  if (validator) {
    report = await validator.finish();
    progress.done();
    if (!report.ok) {
      console.error(`data: validation failed with ${report.errorCount} problem(s):`);
      for (const issue of report.issues) console.error(`  ${issue.entity}[${issue.index}] ${issue.id ?? ''} ${issue.message}`);
      cleanup();
      return 1;
    }
  }
  progress.done();
  checkInterrupted();

  for (const e of ENTITY_NAMES) for (const s of sinks.get(e) as Sink[]) temps.rename(s.tmpPath, s.finalPath);
  const manifest = buildManifest(args, model, files);
  writeManifest(temps, dir, manifest);
  let stored = '';
  if (s3Out && s3) {
    try {
      stored = await uploadDataset(s3, dir, s3Out, files);
    } finally {
      s3.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const st = model.stats;
  const secs = (Date.now() - t0) / 1000;
  const records = files.filter((f) => f.format === args.formats[0]).reduce((a, f) => a + f.records, 0);
  const lines = [
    `data: wrote ${stored || dir} (seed ${args.seed}, as-of ${args.asOf}, ${args.formats.join('+')})`,
    `  banks ${fmt(manifest.counts.banks)}  merchants ${fmt(args.merchants)}  customers ${fmt(st.customers)}  accounts ${fmt(st.accounts)} (travel ${fmt(st.travelAccounts)})  cards ${fmt(st.cards)}  transactions ${fmt(st.transactions)}`,
    `  domestic accounts per customer: mean ${manifest.distributions.domesticAccountsPerCustomerMean.toFixed(3)}`,
    `  transactions: domestic ${(100 * share(st.domesticTransactions, st.transactions)).toFixed(1)}% / travel ${(100 * share(st.travelTransactions, st.transactions)).toFixed(1)}%`,
    `  amount bands: ${Object.entries(st.amountBands).map(([k, v]) => `${k} ${(100 * share(v, st.transactions)).toFixed(1)}%`).join(', ')}`,
    `  ${fmt(records)} records in ${secs.toFixed(1)} s (generate+write ${(genMs / 1000).toFixed(1)} s, ${fmt(Math.round(records / Math.max(genMs / 1000, 0.001)))} records/s)` +
      (report ? `; validation ok (${fmt(Object.values(report.summary.counts).reduce((a, b) => a + b, 0))} records as written, ${checkFormat}; done ${((Date.now() - t0 - genMs) / 1000).toFixed(1)} s after the last write)` : '; not validated'),
  ];
  console.log(lines.join('\n'));
  return 0;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseDataArgs>;
  try {
    args = parseDataArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`data: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  if (args === 'list-locales') {
    console.log(availableLocales().join('\n'));
    return 0;
  }
  const needsS3 = 'verify' in args || args.out.startsWith('s3://');
  if (needsS3) {
    try {
      parseS3Config(process.env);
    } catch (e) {
      if (!(e instanceof S3ConfigError)) throw e;
      console.error(`data: ${e.message}`);
      return 2;
    }
  }
  if ('verify' in args) {
    const client = s3Client(parseS3Config(process.env));
    try {
      return printVerdict(args.verify, await verifyRun(client, args.verify));
    } catch (e) {
      console.error(`data: --verify s3://${args.verify.bucket}/${args.verify.prefix}: ${(e as Error).message}`);
      return 1;
    } finally {
      client.destroy();
    }
  }
  onInterrupt(cleanup);
  try {
    return await generate(args);
  } catch (e) {
    cleanup();
    if (wasInterrupted()) return INTERRUPTED_EXIT_CODE;
    console.error(`data: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

process.exitCode = await main();
