/** The `npm run sandbox` entry point: ready line, health, clean exit on SIGTERM/SIGINT, config errors. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = /^sandbox ready: payment=(http:\/\/127\.0\.0\.1:(\d+)) banking=(http:\/\/127\.0\.0\.1:(\d+))$/;

// `npm run sandbox` runs `tsx sandbox/main.ts`; spawn that binary directly so the signal reaches tsx,
// which relays it to the sandbox and exits with its code. (Under `npx`, npm's `sh -c` wrapper does not
// forward signals, so the npx variant below signals the whole process group instead.)
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

function run(
  env: Record<string, string>,
  command: 'tsx' | 'npx' = 'tsx',
): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<[number | null, NodeJS.Signals | null]> } {
  const [cmd, args] = command === 'tsx' ? [TSX, ['sandbox/main.ts']] : ['npx', ['tsx', 'sandbox/main.ts']];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: command === 'npx',
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (err += String(d)));
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`tsx sandbox/main.ts prints one ready line with real ports and exits 0 on ${signal}`, { timeout: 30_000 }, async () => {
    const p = run({ PAYMENT_PORT: '0', BANKING_PORT: '0', SANDBOX_DB: ':memory:' });
    try {
      await waitFor(() => p.stdout().includes('\n'), 20_000);
      const lines = p.stdout().split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, p.stdout());
      const m = READY.exec(lines[0] ?? '');
      assert.ok(m, `ready line: ${lines[0]}`);
      assert.notEqual(m[2], '0');
      assert.notEqual(m[4], '0');
      const health = await fetch(`${m[1]}/health`);
      assert.deepEqual(await health.json(), { status: 'ok', service: 'payment' });
      const bank = await fetch(`${m[3]}/api/v1/stats`, { headers: { authorization: 'Bearer sandbox-token' } });
      assert.equal(bank.status, 200);
      // tsx relays the signal to the sandbox process
      p.child.kill(signal);
      const [code] = await p.exit;
      assert.equal(code, 0, p.stderr());
      assert.equal(p.stdout().split('\n').filter((l) => l !== '').length, 1);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
}

test('npx tsx sandbox/main.ts: ready line, then SIGTERM to the process group stops everything', { timeout: 30_000 }, async () => {
  const p = run({ PAYMENT_PORT: '0', BANKING_PORT: '0' }, 'npx');
  const pid = p.child.pid;
  assert.ok(pid !== undefined);
  try {
    await waitFor(() => p.stdout().includes('\n'), 25_000);
    const m = READY.exec(p.stdout().trim());
    assert.ok(m, p.stdout());
    assert.equal((await fetch(`${m[3]}/health`)).status, 200);
    process.kill(-pid, 'SIGTERM');
    await p.exit;
    // the sandbox closed its listeners and exited: the port no longer answers, the group is empty
    await waitFor(() => {
      try {
        process.kill(-pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 5000);
    await assert.rejects(fetch(`${m[1]}/health`));
  } finally {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

test('bad configuration: clear message on stderr, exit code 2, nothing on stdout', { timeout: 30_000 }, async () => {
  for (const [env, message] of [
    [{ PAYMENT_PORT: 'abc' }, "PAYMENT_PORT must be an integer 0..65535, got 'abc'"],
    [{ PAYMENT_PORT: '0', BANKING_PORT: '0', SANDBOX_FAULTS: 'errors=2' }, "SANDBOX_FAULTS is invalid: rule 'errors=2': '2' is not a fraction 0..1"],
  ] as const) {
    const p = run(env);
    const [code] = await p.exit;
    assert.equal(code, 2);
    assert.ok(p.stderr().includes(`sandbox: configuration error: ${message}`), p.stderr());
    assert.equal(p.stdout(), '');
  }
});
