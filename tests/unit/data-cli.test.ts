// `npm run data` CLI: determinism of files, argument errors, interrupted runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = ['--import', 'tsx', 'cli/data.ts'];
const tmp = mkdtempSync(join(tmpdir(), 'data-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
}

function sha256s(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

const base = ['--customers', '3000', '--merchants', '30', '--transactions', '3000', '--as-of', '2026-01-01', '--format', 'json,ndjson,csv', '--quiet'];

test('same seed twice ⇒ byte-identical files (sha256); another seed ⇒ different files', () => {
  const a = join(tmp, 'a');
  const b = join(tmp, 'b');
  const c = join(tmp, 'c');
  for (const [dir, seed] of [[a, '42'], [b, '42'], [c, '43']] as const) {
    const r = run([...base, '--seed', seed, '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /validation ok/);
  }
  const ha = sha256s(a);
  assert.deepEqual(Object.keys(ha), [
    'accounts.csv', 'accounts.json', 'accounts.ndjson', 'banks.csv', 'banks.json', 'banks.ndjson', 'cards.csv', 'cards.json', 'cards.ndjson',
    'customers.csv', 'customers.json', 'customers.ndjson', 'manifest.json', 'merchants.csv', 'merchants.json', 'merchants.ndjson',
    'transactions.csv', 'transactions.json', 'transactions.ndjson',
  ]);
  assert.deepEqual(sha256s(b), ha);
  const hc = sha256s(c);
  for (const f of ['customers.json', 'accounts.json', 'cards.json', 'transactions.json', 'manifest.json']) assert.notEqual(hc[f], ha[f], f);

  // The manifest lists every other file with its size and sha256, and the JSON arrays parse.
  const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
  assert.equal(manifest.seed, 42);
  assert.equal(manifest.counts.customers, 3000);
  for (const f of manifest.files) assert.equal(f.sha256, ha[f.name], f.name);
  assert.equal(manifest.files.length, 18);
  const customers = JSON.parse(readFileSync(join(a, 'customers.json'), 'utf8'));
  assert.equal(customers.length, 3000);
});

test('bad arguments: exit 2, the flag named, nothing written', () => {
  const cases: [string[], string][] = [
    [['--customers', '-5'], '--customers'],
    [['--customers', '12x'], '--customers'],
    [['--seed', '1.5'], '--seed'],
    [['--seed', 'abc'], '--seed'],
    [['--frobnicate', '1'], '--frobnicate'],
    [['--locales', 'en_US,xx_YY'], '--locales'],
    [['--format', 'json,xml'], '--format'],
    [['--travel-ratio', '1.5'], '--travel-ratio'],
    [['--as-of', '2026-02-30'], '--as-of'],
    [['--pattern', 'sometimes'], '--pattern'],
    [['--merchants'], '--merchants'],
  ];
  for (const [args, flag] of cases) {
    const out = join(tmp, `bad-${flag.slice(2)}`);
    const r = run([...args, '--out', out]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(flag), `${args.join(' ')}: stderr should name ${flag}: ${r.stderr}`);
    assert.ok(!existsSync(out), `${args.join(' ')}: wrote ${out}`);
  }
  const file = join(tmp, 'a-file');
  spawnSync('touch', [file]);
  const r = run(['--out', join(file, 'sub')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--out/);
});

test('--help exits 0 and lists the flags', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0);
  for (const f of ['--customers', '--merchants', '--transactions', '--seed', '--out', '--locales', '--format', '--travel-ratio']) assert.ok(r.stdout.includes(f), f);
});

test('SIGINT mid-run leaves no manifest, no final-named file and no temp file', async () => {
  const out = join(tmp, 'interrupted');
  const child = spawn(process.execPath, [...CLI, '--customers', '3000000', '--transactions', '0', '--out', out, '--quiet', '--as-of', '2026-01-01'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  // Wait until the customer file is being written, then interrupt.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const tmpFile = existsSync(out) ? readdirSync(out).find((f) => f.startsWith('customers.json.tmp-')) : undefined;
    if (tmpFile) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.deepEqual(readdirSync(out), [], 'interrupted run left files behind');
});
