// `npm run data -- [flags]`: generates a seeded, referentially intact test dataset for k6
// scenarios and other tools. See --help and docs/test-data.md.
//
// Files are written under temporary names (<name>.tmp-<pid>), validated while they are
// written (a worker thread checks the exact text of every record of one format), then renamed; manifest.json is written last. An interrupted run (SIGINT/SIGTERM)
// removes its temporary files, and any previous manifest.json is removed before the first
// rename, so a directory with a manifest.json always holds one complete dataset.

import { createHash, type Hash } from 'node:crypto';
import { accessSync, closeSync, constants, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseAmountBands, DEFAULT_AMOUNT_BANDS, type AmountBand } from '../lib/data/amounts.ts';
import { availableLocales, createGenerator, DEFAULT_LOCALES, GENERATOR_VERSION, isKnownLocale } from '../lib/data/generate.ts';
import type { DatasetModel } from '../lib/data/model.ts';
import { defaultAsOf, parseAsOf } from '../lib/data/options.ts';
import { ENTITY_NAMES, type ArrivalPattern, type EntityName } from '../lib/data/types.ts';
import type { ValidationReport } from '../lib/data/validate.ts';
import { csvHeader, csvRow, EXTENSION, FORMATS, type Format } from './data/formats.ts';

const HELP = `usage: npm run data -- [options]

Generates a seeded test dataset (banks, merchants, customers with PAN, accounts and
cards, transactions) as JSON arrays for k6 SharedArray, plus NDJSON/CSV if asked.
Same options and seed => byte-identical files.

  --customers N        customers (default 1000); each has 1-3 domestic accounts (mean 1.8)
  --merchants N        merchants (default 50)
  --transactions N     transactions (default: same as --customers)
  --seed N             integer seed, 0..2^53-1 (default 42)
  --out DIR            output directory (default data/)
  --locales L,L        faker locales for names/addresses/phones (default en_US,en_IN)
  --format F,F         json, ndjson, csv (default json)
  --travel-ratio X     share of transactions that are travel deposits, 0..1 (default 0.2)
  --travel-accounts X  share of customers with a travel account abroad, 0..1 (default 0.2)
  --domestic-banks N   domestic consortium banks (default 12)
  --foreign-banks N    foreign banks (default 10)
  --pattern P          transaction arrivals: random | burst | steady (default random)
  --tps N              mean arrival rate, transactions per second (default 50)
  --as-of YYYY-MM-DD   reference date for ages, card expiry, timestamps
                       (default 1 January of the current UTC year)
  --amount-bands SPEC  name:weight:min-max,... in major units
                       (default small:60:100-5000,medium:30:5000-50000,large:9:50000-500000,very_large:1:500000-5000000)
  --pool-size N        faker values per pool and locale (default 2000)
  --no-validate        skip validating what is written (validation runs in a
                       worker thread, beside generation)
  --quiet              no progress output
  --list-locales       print the usable faker locales and exit
  -h, --help           this help

Exit codes: 0 done, 1 generation or validation failed, 2 bad arguments, 130 interrupted.`;

class UsageError extends Error {}

interface Args {
  customers: number;
  merchants: number;
  transactions: number;
  seed: number;
  out: string;
  locales: string[];
  formats: Format[];
  travelRatio: number;
  travelAccounts: number;
  domesticBanks: number;
  foreignBanks: number;
  pattern: ArrivalPattern;
  tps: number;
  asOf: string;
  amountBands: readonly AmountBand[];
  poolSize: number;
  validate: boolean;
  quiet: boolean;
}

const VALUE_FLAGS = new Set([
  'customers', 'merchants', 'transactions', 'seed', 'out', 'locales', 'format', 'travel-ratio', 'travel-accounts',
  'domestic-banks', 'foreign-banks', 'pattern', 'tps', 'as-of', 'amount-bands', 'pool-size',
]);
const BOOL_FLAGS = new Set(['no-validate', 'quiet', 'help', 'list-locales']);

function parseIntFlag(flag: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${flag}: expected an integer, got "${raw}"`);
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`--${flag}: must be between ${min} and ${max}, got ${raw}`);
  return v;
}

function parseRatio(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`--${flag}: expected a number from 0 to 1, got "${raw}"`);
  return v;
}

/** Parses and checks every argument; throws UsageError naming the flag. Touches nothing on disk. */
export function parseArgs(argv: readonly string[]): Args | 'help' | 'list-locales' {
  const raw = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h') return 'help';
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}" (flags start with --; see --help)`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (BOOL_FLAGS.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name}: takes no value`);
      bools.add(name);
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown flag --${name} (see --help)`);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name}: missing value`);
    }
    if (raw.has(name)) throw new UsageError(`--${name}: given twice`);
    raw.set(name, value);
  }
  if (bools.has('help')) return 'help';
  if (bools.has('list-locales')) return 'list-locales';

  const get = (k: string) => raw.get(k);
  const customers = get('customers') !== undefined ? parseIntFlag('customers', get('customers') as string, 0, 100_000_000) : 1000;
  const transactions = get('transactions') !== undefined ? parseIntFlag('transactions', get('transactions') as string, 0, 1_000_000_000) : customers;
  const locales = (get('locales') ?? DEFAULT_LOCALES.join(',')).split(',').map((x) => x.trim());
  for (const l of locales) {
    if (!isKnownLocale(l)) throw new UsageError(`--locales: unknown faker locale "${l}" (see --list-locales)`);
  }
  const formats = (get('format') ?? 'json').split(',').map((x) => x.trim());
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format "${f}" (json, ndjson, csv)`);
  const pattern = get('pattern') ?? 'random';
  if (!['random', 'burst', 'steady'].includes(pattern)) throw new UsageError(`--pattern: expected random, burst or steady, got "${pattern}"`);
  const tpsRaw = get('tps');
  const tps = tpsRaw === undefined ? 50 : Number(tpsRaw);
  if (!(tps > 0) || !Number.isFinite(tps)) throw new UsageError(`--tps: expected a number > 0, got "${tpsRaw}"`);
  const asOf = get('as-of') ?? defaultAsOf();
  try {
    parseAsOf(asOf);
  } catch (e) {
    throw new UsageError(`--as-of: ${(e as Error).message}`);
  }
  let amountBands: readonly AmountBand[] = DEFAULT_AMOUNT_BANDS;
  if (get('amount-bands') !== undefined) {
    try {
      amountBands = parseAmountBands(get('amount-bands') as string);
    } catch (e) {
      throw new UsageError(`--amount-bands: ${(e as Error).message}`);
    }
  }
  const args: Args = {
    customers,
    merchants: get('merchants') !== undefined ? parseIntFlag('merchants', get('merchants') as string, 0, 10_000_000) : 50,
    transactions,
    seed: get('seed') !== undefined ? parseIntFlag('seed', get('seed') as string, 0, Number.MAX_SAFE_INTEGER) : 42,
    out: get('out') ?? 'data',
    locales,
    formats: [...new Set(formats)] as Format[],
    travelRatio: get('travel-ratio') !== undefined ? parseRatio('travel-ratio', get('travel-ratio') as string) : 0.2,
    travelAccounts: get('travel-accounts') !== undefined ? parseRatio('travel-accounts', get('travel-accounts') as string) : 0.2,
    domesticBanks: get('domestic-banks') !== undefined ? parseIntFlag('domestic-banks', get('domestic-banks') as string, 1, 9999) : 12,
    foreignBanks: get('foreign-banks') !== undefined ? parseIntFlag('foreign-banks', get('foreign-banks') as string, 0, 9999) : 10,
    pattern: pattern as ArrivalPattern,
    tps,
    asOf,
    amountBands,
    poolSize: get('pool-size') !== undefined ? parseIntFlag('pool-size', get('pool-size') as string, 1, 1_000_000) : 2000,
    validate: !bools.has('no-validate'),
    quiet: bools.has('quiet'),
  };
  if (args.out.trim() === '') throw new UsageError('--out: empty path');
  if (args.transactions > 0) {
    if (args.customers < 2) throw new UsageError('--customers: transactions need at least 2 customers (or pass --transactions 0)');
    if (args.travelRatio > 0 && (args.foreignBanks === 0 || args.travelAccounts === 0)) {
      throw new UsageError('--travel-ratio: travel transactions need --foreign-banks > 0 and --travel-accounts > 0 (or --travel-ratio 0)');
    }
  }
  checkOutDir(args.out);
  return args;
}

/** The out dir must be a writable directory, or creatable under a writable one. */
function checkOutDir(out: string): void {
  let p = resolve(out);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new UsageError(`--out: ${out} exists and is not a directory`);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  try {
    if (!statSync(p).isDirectory()) throw new Error('not a directory');
    accessSync(p, constants.W_OK | constants.X_OK);
    // Root passes access() everywhere, and some file systems (/proc, read-only mounts)
    // refuse anyway: try making (and removing) an empty directory where we will write.
    const probe = join(p, `.data-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch {
    throw new UsageError(`--out: ${out} is not writable (${p})`);
  }
}

/** mkdir -p, one component at a time (recursive mkdirSync can hang on /proc-like file systems). */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  makeDirs(dirname(dir));
  mkdirSync(dir);
}

// ---------------------------------------------------------------------------

interface Sink {
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

const tempFiles = new Set<string>();
const openStreams = new Set<WriteStream>();
let interrupted = false;
let stopValidator: () => void = () => undefined;

function cleanupTemps(): void {
  stopValidator();
  for (const s of openStreams) s.destroy();
  for (const t of tempFiles) rmSync(t, { force: true });
  tempFiles.clear();
}

function openSink(dir: string, entity: EntityName, format: Format): Sink {
  const name = `${entity}.${EXTENSION[format]}`;
  const finalPath = join(dir, name);
  const tmpPath = `${finalPath}.tmp-${process.pid}`;
  tempFiles.add(tmpPath);
  const stream = createWriteStream(tmpPath, { highWaterMark: 4 << 20 });
  openStreams.add(stream);
  const sink: Sink = { entity, format, name, finalPath, tmpPath, stream, hash: createHash('sha256'), bytes: 0, records: 0, buf: [], bufLen: 0 };
  if (format === 'json') push(sink, '[\n');
  if (format === 'csv') push(sink, csvHeader(entity));
  return sink;
}

function push(sink: Sink, text: string): void {
  sink.buf.push(text);
  sink.bufLen += text.length;
}

function addRecord(sink: Sink, record: object): void {
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

// ---------------------------------------------------------------------------
// Validation runs in a worker thread while generation goes on (cli/data/validate-worker.ts). It gets
// the text of every record of one format exactly as written, batch by batch, customers before their
// accounts and cards. A bounded number of batches in flight keeps memory flat if it falls behind.

const MAX_BATCHES_IN_FLIGHT = 16;

class ParallelValidator {
  private readonly worker: Worker;
  private sent = 0;
  private acked = 0;
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private result: Promise<ValidationReport>;

  constructor(format: Format, amountBands: readonly AmountBand[]) {
    this.worker = new Worker(new URL('./data/validate-worker.mjs', import.meta.url), {
      workerData: { format: format === 'csv' ? 'csv' : 'ndjson', amountBands },
    });
    this.result = new Promise((resolve, reject) => {
      this.worker.on('message', (m: { ack?: number; report?: ValidationReport; error?: string }) => {
        if (m.ack !== undefined) this.acked = m.ack;
        if (m.error !== undefined) this.failure = new Error(`validation: ${m.error}`);
        if (m.report) resolve(m.report);
        if (m.error !== undefined) reject(this.failure);
        this.waiting?.();
      });
      this.worker.on('error', (e) => {
        this.failure = e;
        reject(e);
        this.waiting?.();
      });
    });
    this.result.catch(() => undefined); // observed in finish(); a failure also stops send()
  }

  /** Hands over what `sink` has written since the last call; waits while the worker is far behind. */
  async send(sink: Sink): Promise<void> {
    if (!sink.check || sink.check.length === 0) return;
    const text = sink.check.join('');
    sink.check.length = 0;
    this.worker.postMessage({ entity: sink.entity, text });
    this.sent++;
    while (this.sent - this.acked > MAX_BATCHES_IN_FLIGHT && !this.failure) await new Promise<void>((r) => (this.waiting = r));
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<ValidationReport> {
    this.worker.postMessage({ end: true });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  stop(): void {
    void this.worker.terminate();
  }
}

async function flush(sink: Sink, force = false): Promise<void> {
  if (sink.bufLen === 0 || (!force && sink.bufLen < 1 << 20)) return;
  const chunk = sink.buf.join('');
  sink.buf = [];
  sink.bufLen = 0;
  sink.hash.update(chunk, 'utf8');
  sink.bytes += Buffer.byteLength(chunk, 'utf8');
  if (!sink.stream.write(chunk)) await once(sink.stream, 'drain');
}

async function closeSink(sink: Sink): Promise<{ bytes: number; sha256: string }> {
  if (sink.format === 'json') push(sink, sink.records > 0 ? '\n]\n' : ']\n');
  await flush(sink, true);
  await new Promise<void>((res, rej) => {
    sink.stream.once('error', rej);
    sink.stream.end(res);
  });
  openStreams.delete(sink.stream);
  return { bytes: sink.bytes, sha256: sink.hash.digest('hex') };
}

// ---------------------------------------------------------------------------

class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private readonly start = Date.now();
  private last = 0;
  private lastLine = 0;
  private shown = false;
  constructor(private readonly total: number, private readonly unit: string, private readonly quiet: boolean) {}

  update(done: number, label: string): void {
    if (this.quiet) return;
    const now = Date.now();
    const elapsed = now - this.start;
    if (elapsed < 1000) return; // short runs stay silent
    const rate = done / (elapsed / 1000);
    const pct = this.total > 0 ? Math.min(100, (100 * done) / this.total) : 100;
    if (this.tty) {
      if (now - this.last < 150) return;
      this.last = now;
      const width = 28;
      const filled = Math.round((pct / 100) * width);
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.toFixed(0).padStart(3)}% ${label.padEnd(12)} ${fmt(Math.round(rate))} ${this.unit}/s  eta ${eta.toFixed(0)}s   `);
      this.shown = true;
    } else if (now - this.lastLine >= 5000) {
      this.lastLine = now;
      process.stderr.write(`data: ${pct.toFixed(0)}% ${label}, ${fmt(done)}/${fmt(this.total)} ${this.unit}, ${fmt(Math.round(rate))} ${this.unit}/s\n`);
    }
  }

  done(): void {
    if (this.tty && this.shown) process.stderr.write('\r\x1b[K');
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

// ---------------------------------------------------------------------------

async function generate(args: Args): Promise<number> {
  const dir = resolve(args.out);
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
  for (const e of ENTITY_NAMES) sinks.set(e, args.formats.map((f) => openSink(dir, e, f)));
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

  const files: { name: string; entity: EntityName; format: Format; records: number; bytes: number; sha256: string }[] = [];
  for (const e of ENTITY_NAMES) {
    for (const s of sinks.get(e) as Sink[]) {
      const { bytes, sha256 } = await closeSink(s);
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
      cleanupTemps();
      return 1;
    }
  }
  progress.done();
  checkInterrupted();

  for (const e of ENTITY_NAMES) {
    for (const s of sinks.get(e) as Sink[]) {
      renameSync(s.tmpPath, s.finalPath);
      tempFiles.delete(s.tmpPath);
    }
  }

  const st = model.stats;
  const share = (k: number, n: number) => (n > 0 ? Number((k / n).toFixed(6)) : 0);
  const manifest = {
    generator: 'paykit-k6 test data (cli/data.ts)',
    generatorVersion: GENERATOR_VERSION,
    fakerVersion: fakerVersion(),
    seed: args.seed,
    asOf: args.asOf,
    options: {
      locales: args.locales,
      formats: args.formats,
      travelRatio: args.travelRatio,
      travelAccountShare: args.travelAccounts,
      domesticBanks: args.domesticBanks,
      foreignBanks: args.foreignBanks,
      pattern: args.pattern,
      tps: args.tps,
      amountBands: args.amountBands,
      poolSize: args.poolSize,
    },
    counts: {
      banks: model.banks().length,
      merchants: args.merchants,
      customers: st.customers,
      accounts: st.accounts,
      domesticAccounts: st.domesticAccounts,
      travelAccounts: st.travelAccounts,
      cards: st.cards,
      transactions: st.transactions,
    },
    distributions: {
      domesticAccountsPerCustomerMean: share(st.domesticAccounts, st.customers),
      amountBands: Object.fromEntries(Object.entries(st.amountBands).map(([k, v]) => [k, { count: v, share: share(v, st.transactions) }])),
      transactionKinds: {
        domestic: { count: st.domesticTransactions, share: share(st.domesticTransactions, st.transactions) },
        travel: { count: st.travelTransactions, share: share(st.travelTransactions, st.transactions) },
      },
      cardBrands: st.cardBrands,
    },
    validated: args.validate,
    files,
  };
  const manifestPath = join(dir, 'manifest.json');
  const tmp = `${manifestPath}.tmp-${process.pid}`;
  tempFiles.add(tmp);
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(manifest, null, 2) + '\n');
  closeSync(fd);
  renameSync(tmp, manifestPath);
  tempFiles.delete(tmp);

  const secs = (Date.now() - t0) / 1000;
  const records = files.filter((f) => f.format === args.formats[0]).reduce((a, f) => a + f.records, 0);
  const lines = [
    `data: wrote ${dir} (seed ${args.seed}, as-of ${args.asOf}, ${args.formats.join('+')})`,
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

function fakerVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('@faker-js/faker/package.json');
    return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
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
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    cleanupTemps();
    process.stderr.write(`\ndata: ${sig}: stopped, temporary files removed, nothing complete was written\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await generate(args);
  } catch (e) {
    cleanupTemps();
    if (interrupted) return 130;
    console.error(`data: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

process.exitCode = await main();
