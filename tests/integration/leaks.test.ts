// The token never leaves the run: every scenario through the suite, a run to the terminal, a rejected
// token and a breached gate, all with K6_HTTP_DEBUG=full (k6 then prints every request's headers).
// Afterwards every file under the report directories and every byte of stdout and stderr is searched.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { availableScenarios } from '../../cli/run-scenario.ts';
import { FAST } from '../helpers/k6.ts';

const TOKEN = 'tok-LEAKCANARY-7f3a9c';
const WRONG = 'tok-WRONGCANARY-51be0d';
const ROOT = resolve('reports', 'test-leaks', String(Date.now()));

interface Proc {
  code: number | null;
  output: string;
}

function run(args: string[], env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...FAST, PAYMENT_SERVICE_URL: '', BANKING_API_URL: '', AUTH_TOKEN: '', K6_HTTP_DEBUG: 'full', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, output })));
}

/** Report directories a `npm start` run printed under "reports:". */
function printedReportDirs(output: string): string[] {
  const dirs = new Set<string>();
  for (const m of output.matchAll(/^ {2}(reports\/\S+)\/[^/\s]+$/gm)) dirs.add(resolve(m[1] as string));
  return [...dirs];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function assertClean(where: string, text: string): void {
  for (const secret of [TOKEN, WRONG]) {
    const at = text.indexOf(secret);
    assert.equal(at, -1, `${where} contains the token: …${text.slice(Math.max(0, at - 80), at + 40)}…`);
  }
}

test('no token in any report file, stdout or stderr: all scenarios, a terminal run, a rejected token, a breach', async () => {
  const inSuite = availableScenarios().filter((s) => s !== 'rate-limit');
  const suiteOut = join(ROOT, 'suite');
  const scenarioEnv = { DURATION: '3s', AUDIT_DURATION: '3s', AUDIT_VUS: '2', GEN_RECORDS: '2000', GEN_REQUESTS: '1', RACE_USERS: '10', VUS: '2' };
  const suite = await run(['cli/suite.ts', '--scenarios', inSuite.join(','), '--profile', 'smoke', '--out', suiteOut], {
    ...scenarioEnv,
    SANDBOX_TOKEN: TOKEN,
  });
  // The rate limiter needs a sandbox of its own with the limit on; it runs to the terminal (not quiet).
  const limited = await run(['cli/run.ts', 'rate-limit'], { SANDBOX_TOKEN: TOKEN, SANDBOX_RATE_LIMIT: '20/1s', RATE_LIMIT: '20/1s' });
  const rejected = await run(['cli/run.ts', 'payment'], { SANDBOX_TOKEN: TOKEN, AUTH_TOKEN: WRONG, DURATION: '3s' });
  // The first report of this leak: a suite with a rejected token kept k6's stderr in summary.json.
  const rejectedSuiteOut = join(ROOT, 'suite-rejected');
  const rejectedSuite = await run(['cli/suite.ts', '--scenarios', 'payment,banking', '--fail-fast', '--out', rejectedSuiteOut], {
    SANDBOX_TOKEN: TOKEN,
    AUTH_TOKEN: WRONG,
  });
  const breached = await run(['cli/run.ts', 'payment'], { SANDBOX_TOKEN: TOKEN, DURATION: '3s', P95_MS: '1', SANDBOX_FAULTS: 'latency=5ms' });

  // Each run did what it is here to show, so the search below covers real material.
  const report = JSON.parse(readFileSync(join(suiteOut, 'suite.json'), 'utf8')) as { scenarios: { scenario: string; reportDir: string }[] };
  assert.deepEqual(report.scenarios.map((s) => s.scenario), inSuite);
  for (const s of report.scenarios) assert.ok(existsSync(join(s.reportDir, 'summary.json')), `${s.scenario} left a summary.json`);
  assert.equal(limited.code, 0, limited.output.slice(-2000));
  assert.notEqual(rejected.code, 0);
  assert.notEqual(rejected.code, 99);
  assert.equal(breached.code, 99, breached.output.slice(-2000));
  // k6 printed the Authorization header and it arrived scrubbed.
  assert.match(limited.output, /Authorization: Bearer \[REDACTED\]/);
  const rejectedDir = printedReportDirs(rejected.output);
  assert.equal(rejectedDir.length, 1, rejected.output.slice(-1500));
  const tail = (JSON.parse(readFileSync(join(rejectedDir[0]!, 'summary.json'), 'utf8')) as { k6StderrTail?: string }).k6StderrTail ?? '';
  assert.match(tail, /\[REDACTED\]/, 'the failed run kept k6 stderr, scrubbed');
  assert.equal(rejectedSuite.code, 1);
  const suiteTail = readFileSync(join(rejectedSuiteOut, readdirSync(rejectedSuiteOut).find((d) => d.startsWith('payment-'))!, 'summary.json'), 'utf8');
  assert.match(suiteTail, /"k6StderrTail": ".*\[REDACTED\]/, 'the suite kept k6 stderr, scrubbed');

  const dirs = [suiteOut, rejectedSuiteOut, ...printedReportDirs(limited.output), ...rejectedDir, ...printedReportDirs(breached.output)];
  assert.equal(dirs.length, 5);
  let files = 0;
  for (const dir of dirs) {
    for (const f of filesUnder(dir)) {
      files++;
      assertClean(f, readFileSync(f, 'latin1'));
    }
  }
  assert.ok(files >= 4 * inSuite.length, `searched only ${files} files`);
  for (const [name, p] of Object.entries({ suite, limited, rejected, rejectedSuite, breached })) assertClean(`${name} stdout/stderr`, p.output);
});
