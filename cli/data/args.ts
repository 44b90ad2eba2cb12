// Arguments of `npm run data`: the help text, and parsing that checks every flag before anything
// touches the disk (the out directory is probed, not created). Errors are UsageErrors naming the
// flag; cli/data.ts prints them and exits 2.
// node:util parseArgs splits the command line into tokens (`--flag value`, `--flag=value`); the
// tokens are then checked in order, so the first bad argument is the one reported.

import { accessSync, constants, existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_AMOUNT_BANDS, parseAmountBands, type AmountBand } from '../../lib/data/amounts.ts';
import { DEFAULT_LOCALES, DEFAULT_POOL_SIZE, isKnownLocale } from '../../lib/data/generate.ts';
import { ARRIVAL_PATTERNS, COUNT_RANGES, OPTION_DEFAULTS, defaultAsOf, isArrivalPattern, isRate, isShare, optionConflict, parseAsOf, type CountOption } from '../../lib/data/options.ts';
import type { ArrivalPattern } from '../../lib/data/types.ts';
import { FORMATS, type Format } from './formats.ts';
import { parseS3Url, type S3Location } from '../../lib/s3-config.ts';

const D = OPTION_DEFAULTS;
const DEFAULT_CUSTOMERS = 1000;
const DEFAULT_MERCHANTS = 50;
const DEFAULT_SEED = 42;
const POOL_SIZE_RANGE = [1, 1_000_000] as const;

export const HELP = `usage: npm run data -- [options]

Generates a seeded test dataset (banks, merchants, customers with PAN, accounts and
cards, transactions) as JSON arrays for k6 SharedArray, plus NDJSON/CSV if asked.
Same options and seed => byte-identical files.

  --customers N        customers (default ${DEFAULT_CUSTOMERS}); each has 1-3 domestic accounts (mean 1.8)
  --merchants N        merchants (default ${DEFAULT_MERCHANTS})
  --transactions N     transactions (default: same as --customers)
  --seed N             integer seed, 0..2^53-1 (default ${DEFAULT_SEED})
  --out DIR            output directory (default data/); or s3://bucket/prefix: the files and
                       then manifest.json go to <prefix>/<run id>/ in object storage
                       (AWS_ENDPOINT_URL_S3 and friends; docs/object-storage.md)
  --verify s3://bucket/prefix/<run id>
                       prove a stored generation run (the sandbox's, or one written with
                       --out s3://...): listing = manifest, sizes, sha256, the floor, record
                       counts, schema, ids and references, and (sandbox runs) the same sha256
                       from the seed at other chunk sizes; exit 99 naming each failed check
  --locales L,L        faker locales for names/addresses/phones (default ${DEFAULT_LOCALES.join(',')})
  --format F,F         ${FORMATS.join(', ')} (default json)
  --travel-ratio X     share of transactions that are travel deposits, 0..1 (default ${D.travelRatio})
  --travel-accounts X  share of customers with a travel account abroad, 0..1 (default ${D.travelAccountShare})
  --domestic-banks N   domestic consortium banks (default ${D.domesticBanks})
  --foreign-banks N    foreign banks (default ${D.foreignBanks})
  --pattern P          transaction arrivals: ${ARRIVAL_PATTERNS.join(' | ')} (default ${D.pattern})
  --tps N              mean arrival rate, transactions per second (default ${D.tps})
  --as-of YYYY-MM-DD   reference date for ages, card expiry, timestamps
                       (default 1 January of the current UTC year)
  --amount-bands SPEC  name:weight:min-max,... in major units
                       (default ${DEFAULT_AMOUNT_BANDS.map((b) => `${b.name}:${b.weight}:${b.min}-${b.max}`).join(',')})
  --pool-size N        faker values per pool and locale (default ${DEFAULT_POOL_SIZE})
  --no-validate        skip validating what is written (validation runs in a
                       worker thread, beside generation)
  --quiet              no progress output
  --list-locales       print the usable faker locales and exit
  -h, --help           this help

Exit codes: 0 done, 1 generation or validation failed, 2 bad arguments, 99 --verify found a
failed check, 130 interrupted.`;

/** A bad command line; the message names the flag. */
export class UsageError extends Error {}

export interface DataArgs {
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

const VALUE_FLAGS = [
  'customers', 'merchants', 'transactions', 'seed', 'out', 'locales', 'format', 'travel-ratio', 'travel-accounts',
  'domestic-banks', 'foreign-banks', 'pattern', 'tps', 'as-of', 'amount-bands', 'pool-size', 'verify',
] as const;
const BOOL_FLAGS = ['no-validate', 'quiet', 'help', 'list-locales'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
type BoolFlag = (typeof BOOL_FLAGS)[number];

const OPTIONS = Object.fromEntries([
  ...VALUE_FLAGS.map((f) => [f, { type: 'string' }]),
  ...BOOL_FLAGS.map((f) => [f, f === 'help' ? { type: 'boolean', short: 'h' } : { type: 'boolean' }]),
]) as Record<string, { type: 'string' | 'boolean'; short?: string }>;

const isValueFlag = (name: string): name is ValueFlag => (VALUE_FLAGS as readonly string[]).includes(name);
const isBoolFlag = (name: string): name is BoolFlag => (BOOL_FLAGS as readonly string[]).includes(name);

/**
 * Splits the command line into flag values, checking each argument in order: `-h` alone asks for
 * help at once; anything not starting with `--`, an unknown flag, a value given to a switch, a
 * missing value (the next argument is a flag) or a flag given twice is a UsageError.
 */
export function readFlags(argv: readonly string[]): { values: Map<ValueFlag, string>; switches: Set<BoolFlag> } | 'help' {
  const values = new Map<ValueFlag, string>();
  const switches = new Set<BoolFlag>();
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    const arg = argv[t.index] as string;
    if (t.kind === 'option-terminator') throw new UsageError('unknown flag -- (see --help)');
    if (t.kind === 'positional' || !t.rawName.startsWith('--')) {
      if (arg === '-h') return 'help';
      throw new UsageError(`unexpected argument "${arg}" (flags start with --; see --help)`);
    }
    // Named as typed (`--=5` names no flag, where parseArgs would read one called "=5").
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (isBoolFlag(name)) {
      if (t.inlineValue) throw new UsageError(`--${name}: takes no value`);
      switches.add(name);
      continue;
    }
    if (!isValueFlag(name)) throw new UsageError(`unknown flag --${name} (see --help)`);
    const value = t.value;
    if (value === undefined || (!t.inlineValue && value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name}: missing value`);
    if (values.has(name)) throw new UsageError(`--${name}: given twice`);
    values.set(name, value);
  }
  return { values, switches };
}

function parseIntFlag(flag: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${flag}: expected an integer, got "${raw}"`);
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`--${flag}: must be between ${min} and ${max}, got ${raw}`);
  return v;
}

function parseRatio(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !isShare(v)) throw new UsageError(`--${flag}: expected a number from 0 to 1, got "${raw}"`);
  return v;
}

/** Parses and checks every argument; throws UsageError naming the flag. Touches nothing on disk. */
export function parseDataArgs(argv: readonly string[]): DataArgs | 'help' | 'list-locales' | { verify: S3Location } {
  const flags = readFlags(argv);
  if (flags === 'help') return 'help';
  const { values, switches } = flags;
  if (switches.has('help')) return 'help';
  if (switches.has('list-locales')) return 'list-locales';
  const verify = values.get('verify');
  if (verify !== undefined) {
    const other = [...values.keys()].find((k) => k !== 'verify') ?? [...switches].find((k) => k !== 'quiet');
    if (other) throw new UsageError(`--verify: checks a stored run and takes no other flag (got --${other})`);
    const loc = s3Location('verify', verify);
    if (loc.prefix === '') throw new UsageError('--verify: name the run: s3://bucket/prefix/<run id>');
    return { verify: loc };
  }

  const get = (k: ValueFlag) => values.get(k);
  const count = (flag: ValueFlag, option: CountOption, fallback: number) => {
    const raw = get(flag);
    const [min, max] = COUNT_RANGES[option];
    return raw !== undefined ? parseIntFlag(flag, raw, min, max) : fallback;
  };
  const ratio = (flag: ValueFlag, fallback: number) => {
    const raw = get(flag);
    return raw !== undefined ? parseRatio(flag, raw) : fallback;
  };

  const customers = count('customers', 'customers', DEFAULT_CUSTOMERS);
  const transactions = count('transactions', 'transactions', customers);
  const locales = (get('locales') ?? DEFAULT_LOCALES.join(',')).split(',').map((x) => x.trim());
  for (const l of locales) {
    if (!isKnownLocale(l)) throw new UsageError(`--locales: unknown faker locale "${l}" (see --list-locales)`);
  }
  const formats = (get('format') ?? 'json').split(',').map((x) => x.trim());
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format "${f}" (json, ndjson, csv)`);
  const pattern = get('pattern') ?? D.pattern;
  if (!isArrivalPattern(pattern)) throw new UsageError(`--pattern: expected random, burst or steady, got "${pattern}"`);
  const tpsRaw = get('tps');
  const tps = tpsRaw === undefined ? D.tps : Number(tpsRaw);
  if (!isRate(tps)) throw new UsageError(`--tps: expected a number > 0, got "${tpsRaw}"`);
  const asOf = get('as-of') ?? defaultAsOf();
  try {
    parseAsOf(asOf);
  } catch (e) {
    throw new UsageError(`--as-of: ${(e as Error).message}`);
  }
  let amountBands: readonly AmountBand[] = D.amountBands;
  const bandsRaw = get('amount-bands');
  if (bandsRaw !== undefined) {
    try {
      amountBands = parseAmountBands(bandsRaw);
    } catch (e) {
      throw new UsageError(`--amount-bands: ${(e as Error).message}`);
    }
  }
  const poolSizeRaw = get('pool-size');
  const args: DataArgs = {
    customers,
    merchants: count('merchants', 'merchants', DEFAULT_MERCHANTS),
    transactions,
    seed: count('seed', 'seed', DEFAULT_SEED),
    out: get('out') ?? 'data',
    locales,
    formats: [...new Set(formats)] as Format[],
    travelRatio: ratio('travel-ratio', D.travelRatio),
    travelAccounts: ratio('travel-accounts', D.travelAccountShare),
    domesticBanks: count('domestic-banks', 'domesticBanks', D.domesticBanks),
    foreignBanks: count('foreign-banks', 'foreignBanks', D.foreignBanks),
    pattern,
    tps,
    asOf,
    amountBands,
    poolSize: poolSizeRaw !== undefined ? parseIntFlag('pool-size', poolSizeRaw, ...POOL_SIZE_RANGE) : DEFAULT_POOL_SIZE,
    validate: !switches.has('no-validate'),
    quiet: switches.has('quiet'),
  };
  if (args.out.trim() === '') throw new UsageError('--out: empty path');
  const conflict = optionConflict({ ...args, travelAccountShare: args.travelAccounts });
  if (conflict === 'transactions-need-two-customers') throw new UsageError('--customers: transactions need at least 2 customers (or pass --transactions 0)');
  if (conflict === 'travel-needs-travel-accounts') {
    throw new UsageError('--travel-ratio: travel transactions need --foreign-banks > 0 and --travel-accounts > 0 (or --travel-ratio 0)');
  }
  if (args.out.startsWith('s3://')) s3Location('out', args.out);
  else checkOutDir(args.out);
  return args;
}

function s3Location(flag: string, url: string): S3Location {
  try {
    return parseS3Url(`--${flag}`, url);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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
