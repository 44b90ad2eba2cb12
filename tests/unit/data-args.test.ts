// cli/data/args.ts and lib/data/options.ts: flags are read in order and each error names its flag;
// the CLI and the model apply the same option rules (one definition in lib/data/options.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP, parseDataArgs, readFlags, UsageError, type DataArgs } from '../../cli/data/args.ts';
import { DEFAULT_AMOUNT_BANDS } from '../../lib/data/amounts.ts';
import { builtinDataset, BUILTIN_POOLS } from '../../lib/data/builtin.ts';
import { DatasetModel } from '../../lib/data/model.ts';
import { COUNT_RANGES, OPTION_DEFAULTS, optionConflict, parseAsOf, type ModelOptions } from '../../lib/data/options.ts';
import { PAN_SERIAL_MODULUS } from '../../lib/data/pan.ts';

const tmp = mkdtempSync(join(tmpdir(), 'data-args-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const out = ['--out', join(tmp, 'out')];

function usageError(argv: string[]): string {
  try {
    parseDataArgs(argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, `${argv.join(' ')}: ${String(e)}`);
    return e.message;
  }
  assert.fail(`${argv.join(' ')}: accepted`);
}

test('reading flags: each kind of bad argument is reported with the flag as typed', () => {
  const cases: [string[], string][] = [
    [['--frobnicate', '1'], 'unknown flag --frobnicate (see --help)'],
    [['--merchants'], '--merchants: missing value'],
    [['--merchants', '--quiet'], '--merchants: missing value'],
    [['--quiet=1'], '--quiet: takes no value'],
    [['--seed', '1', '--seed', '2'], '--seed: given twice'],
    [['customers'], 'unexpected argument "customers" (flags start with --; see --help)'],
    [['-q'], 'unexpected argument "-q" (flags start with --; see --help)'],
    [['-hq'], 'unexpected argument "-hq" (flags start with --; see --help)'],
    [['--'], 'unknown flag -- (see --help)'],
    [['--=5'], 'unknown flag -- (see --help)'],
  ];
  for (const [argv, message] of cases) assert.equal(usageError(argv), message, argv.join(' '));
});

test('reading flags: values as given, inline or separate; a value may start with one dash', () => {
  const flags = readFlags(['--customers=10', '--out', '-x', '--seed', '-1', '--quiet']);
  assert.notEqual(flags, 'help');
  if (flags === 'help') return;
  assert.deepEqual([...flags.values], [['customers', '10'], ['out', '-x'], ['seed', '-1']]);
  assert.deepEqual([...flags.switches], ['quiet']);
  assert.deepEqual(readFlags(['--out=--x']), { values: new Map([['out', '--x']]), switches: new Set() });
});

test('help: -h at once (before later errors), --help after the whole line is read', () => {
  assert.equal(parseDataArgs(['-h', '--frobnicate']), 'help');
  assert.equal(parseDataArgs(['--help', '--customers', 'abc']), 'help');
  assert.match(usageError(['--help', '--frobnicate']), /unknown flag --frobnicate/);
  assert.equal(parseDataArgs(['--list-locales']), 'list-locales');
});

test('the help text states the defaults the code uses', () => {
  const bands = DEFAULT_AMOUNT_BANDS.map((b) => `${b.name}:${b.weight}:${b.min}-${b.max}`).join(',');
  assert.ok(HELP.includes(`(default ${bands})`));
  assert.ok(HELP.includes(`--domestic-banks N   domestic consortium banks (default ${OPTION_DEFAULTS.domesticBanks})`));
  assert.ok(HELP.includes('--pattern P          transaction arrivals: random | burst | steady (default random)'));
  const a = parseDataArgs(out) as DataArgs;
  assert.equal(a.domesticBanks, OPTION_DEFAULTS.domesticBanks);
  assert.equal(a.foreignBanks, OPTION_DEFAULTS.foreignBanks);
  assert.equal(a.travelRatio, OPTION_DEFAULTS.travelRatio);
  assert.equal(a.travelAccounts, OPTION_DEFAULTS.travelAccountShare);
  assert.equal(a.tps, OPTION_DEFAULTS.tps);
  assert.equal(a.pattern, OPTION_DEFAULTS.pattern);
  assert.equal(a.amountBands, OPTION_DEFAULTS.amountBands);
  assert.equal(a.transactions, a.customers);
});

test('count flags use the ranges in lib/data/options.ts, and the model enforces the same ones', () => {
  const flagOf = { customers: '--customers', merchants: '--merchants', transactions: '--transactions', domesticBanks: '--domestic-banks', foreignBanks: '--foreign-banks', seed: '--seed' } as const;
  for (const [option, flag] of Object.entries(flagOf) as [keyof typeof COUNT_RANGES, string][]) {
    const [min, max] = COUNT_RANGES[option];
    assert.equal(usageError([flag, String(max + 1), ...out]), `${flag}: must be between ${min} and ${max}, got ${max + 1}`);
    assert.equal(usageError([flag, String(min - 1), ...out]), `${flag}: must be between ${min} and ${max}, got ${min - 1}`);
    if (option === 'seed') continue; // max + 1 is not a safe integer: no model option can hold it exactly
    const options: ModelOptions = { seed: 1, customers: 2, merchants: 0, transactions: 0, asOf: '2026-01-01', [option]: max + 1 };
    assert.throws(() => new DatasetModel(options, BUILTIN_POOLS), new RegExp(`^Error: ${option} must be an integer in \\[${min}, ${max}\\]`));
  }
  // Every customer gets a distinct PAN.
  assert.ok(COUNT_RANGES.customers[1] <= PAN_SERIAL_MODULUS);
});

test('rules between options: one definition, the CLI and the model both refuse', () => {
  const base = { customers: 10, transactions: 10, travelRatio: 0.2, foreignBanks: 10, travelAccountShare: 0.2 };
  assert.equal(optionConflict(base), null);
  assert.equal(optionConflict({ ...base, customers: 1 }), 'transactions-need-two-customers');
  assert.equal(optionConflict({ ...base, customers: 1, transactions: 0 }), null);
  assert.equal(optionConflict({ ...base, foreignBanks: 0 }), 'travel-needs-travel-accounts');
  assert.equal(optionConflict({ ...base, travelAccountShare: 0 }), 'travel-needs-travel-accounts');
  assert.equal(optionConflict({ ...base, foreignBanks: 0, travelRatio: 0 }), null);

  assert.equal(usageError(['--customers', '1', ...out]), '--customers: transactions need at least 2 customers (or pass --transactions 0)');
  assert.equal(usageError(['--foreign-banks', '0', ...out]), '--travel-ratio: travel transactions need --foreign-banks > 0 and --travel-accounts > 0 (or --travel-ratio 0)');
  assert.ok(typeof parseDataArgs(['--customers', '1', '--transactions', '0', ...out]) === 'object');
  const model = (o: Partial<ModelOptions>) => new DatasetModel({ seed: 1, customers: 10, merchants: 0, transactions: 10, asOf: '2026-01-01', ...o }, BUILTIN_POOLS);
  assert.throws(() => model({ customers: 1 }), /transactions need at least 2 customers/);
  assert.throws(() => model({ foreignBanks: 0 }), /travel transactions need foreign banks/);
  assert.doesNotThrow(() => model({ customers: 1, transactions: 0 }));
});

test('shares, rates, patterns and dates: the CLI and the model agree on what is valid', () => {
  for (const [flag, bad] of [['--travel-ratio', '1.5'], ['--travel-ratio', '-0.1'], ['--travel-accounts', 'NaN'], ['--tps', '0'], ['--tps', 'Infinity'], ['--pattern', 'sometimes'], ['--as-of', '2026-02-30']] as const) {
    assert.ok(usageError([flag, bad, ...out]).startsWith(`${flag}: `), `${flag} ${bad}`);
  }
  const model = (o: Partial<ModelOptions>) => new DatasetModel({ seed: 1, customers: 10, merchants: 0, transactions: 10, asOf: '2026-01-01', ...o }, BUILTIN_POOLS);
  assert.throws(() => model({ travelRatio: 1.5 }), /travelRatio/);
  assert.throws(() => model({ travelAccountShare: Number.NaN }), /travelAccountShare/);
  assert.throws(() => model({ tps: Number.POSITIVE_INFINITY }), /tps/);
  assert.throws(() => model({ pattern: 'sometimes' as never }), /arrival pattern/);
  assert.throws(() => model({ asOf: '2026-02-30' }), /as-of is not a date/);
  assert.equal(parseAsOf('2026-01-01'), Date.UTC(2026, 0, 1));
});

test('the defaults in lib/data/options.ts are what the built-in dataset gets', () => {
  const ds = builtinDataset(3, { asOf: '2026-01-01' });
  const tx = ds.transactions;
  // random arrivals at 50 tps: the mean gap is about 20 ms.
  const meanGap = (tx[tx.length - 1]!.offsetMs - tx[0]!.offsetMs) / (tx.length - 1);
  assert.ok(meanGap > 15 && meanGap < 25, `mean gap ${meanGap} ms`);
});
