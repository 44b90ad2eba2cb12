// A generated dataset (npm run data) drives the real payment scenario in k6: DATA_DIR is
// loaded (CSV through k6/experimental/csv, and JSON), and the requests use its records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { FAST, runK6 } from '../helpers/k6.ts';

// The built-in dataset has 10 merchants (mer_00000000-09); this one has 30, so payments to
// mer_00000010-29 can only come from the generated files.
const MERCHANTS = 30;
const BUILTIN_MERCHANTS = 10;

let sandbox: SandboxProcess;
let work: string;
let dataDir: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'paykit-dataset-'));
  dataDir = join(work, 'data');
  const gen = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'cli/data.ts', '--customers', '2000', '--merchants', String(MERCHANTS), '--transactions', '0', '--seed', '7', '--format', 'json,csv', '--out', dataDir, '--quiet'],
    { encoding: 'utf8' },
  );
  assert.equal(gen.status, 0, gen.stderr);
  sandbox = await startSandboxProcess();
});

after(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const env = (extra: Record<string, string>) => ({
  ...FAST,
  VUS: '2',
  DURATION: '4s',
  PAYMENT_SERVICE_URL: sandbox.paymentUrl,
  BANKING_API_URL: sandbox.bankingUrl,
  MERCHANT_COUNT: String(MERCHANTS),
  DATA_DIR: dataDir,
  ...extra,
});

async function merchantPayments(id: string): Promise<number> {
  const res = await fetch(`${sandbox.paymentUrl}/api/v1/merchants/${id}/transactions?limit=100`, { headers: { Authorization: 'Bearer sandbox-token' } });
  assert.equal(res.status, 200, `GET merchant ${id} transactions`);
  return ((await res.json()) as { data: unknown[] }).data.length;
}

async function paymentsToGeneratedOnlyMerchants(): Promise<number> {
  let n = 0;
  for (let i = BUILTIN_MERCHANTS; i < MERCHANTS; i++) n += await merchantPayments(`mer_${String(i).padStart(8, '0')}`);
  return n;
}

test('payment scenario with DATA_DIR (CSV via k6/experimental/csv): exit 0, payments go to merchants only the dataset has', async () => {
  const before = await paymentsToGeneratedOnlyMerchants();
  const run = await runK6('payment', env({ DATA_FORMAT: 'csv' }));
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.equal(run.report?.verdict, 'pass');
  const made = (await paymentsToGeneratedOnlyMerchants()) - before;
  assert.ok(made > 0, 'no payment to mer_00000010…29: the generated dataset was not used');
});

test('payment scenario with DATA_DIR (JSON): exit 0, dataset used', async () => {
  const before = await paymentsToGeneratedOnlyMerchants();
  const run = await runK6('payment', env({ DATA_FORMAT: 'json' }));
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.ok((await paymentsToGeneratedOnlyMerchants()) > before, 'JSON dataset not used');
});

test('DATA_DIR pointing at a missing directory fails before load, naming DATA_DIR', async () => {
  const missing = join(work, 'no-such-dir');
  const run = await runK6('payment', env({ DATA_DIR: missing, DURATION: '5m' }));
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, new RegExp(`DATA_DIR=${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read .*manifest\\.json`));
  assert.equal(run.report, null, 'no summary: the test never started');
  assert.ok(run.seconds < 30, `took ${run.seconds}s`);
});
