// The journey of a user with their own API: `npm run new-service` from the Acme Pay fixture spec, build,
// run with the real k6 against the stand-in that serves that spec; then an impossible budget, a broken
// request mapping and a missing credential, each seen in the exit code and the report. And the same
// generator on the sandbox's own spec gives a scenario that passes against the sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleTargets, startSandboxProcess, targetsOrSandbox, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { ensureK6 } from '../../cli/k6.ts';
import { endpointName } from '../../lib/endpoints.ts';
import { maxMixDeviation } from '../../lib/tasks.ts';
import { FAST, runK6, type K6Run } from '../helpers/k6.ts';
import { startStandin, type Standin } from '../helpers/standin-api.ts';

const OUT = join('.tmp', `own-api-${process.pid}`);
const SPEC = 'tests/fixtures/openapi/acme-pay.yaml';
const SHORT = { ...FAST, VUS: '4', DURATION: '5s' };

let standin: Standin;
before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  standin = await startStandin();
});
after(async () => {
  await standin?.close();
  rmSync(OUT, { recursive: true, force: true });
});

function node(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function generate(dir: string, args: string[]): string {
  return node(['cli/new-service.ts', ...args, '--out', dir]);
}

function build(dir: string, name: string): void {
  execFileSync(process.execPath, ['build.mjs', '--entry', join(dir, 'scenarios', `${name}.ts`), '--outdir', join(dir, 'dist')], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(dir: string, name: string, env: Record<string, string>): Promise<K6Run> {
  return runK6(name, env, [], join(dir, 'dist'));
}

function edit(file: string, from: string | RegExp, to: string): () => void {
  const original = readFileSync(file, 'utf8');
  const changed = original.replace(from, to);
  assert.notEqual(changed, original, `${file}: nothing matched ${from}`);
  writeFileSync(file, changed);
  return () => writeFileSync(file, original);
}

const acme = join(OUT, 'acme');
const acmeEnv = () => ({ ...SHORT, ACME_URL: standin.url, ACME_USER: standin.key });

test('generated from the fixture spec, it typechecks, builds and passes against the stand-in, in the weighted mix', async () => {
  const printed = generate(acme, ['--name', 'acme', '--openapi', SPEC]);
  assert.match(printed, /acme: 6 endpoint\(s\), 6 task\(s\), auth basic/);
  writeFileSync(join(acme, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['**/*.ts'] }));
  node([join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(acme, 'tsconfig.json')]);
  build(acme, 'acme');

  const { ACME_API } = (await import(join(process.cwd(), acme, 'lib/services/acme/service.ts'))) as { ACME_API: Record<string, { method: 'GET'; path: string; expected: [number] }> };
  const before = standin.counts();
  const r = await run(acme, 'acme', acmeEnv());
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
  const report = r.report;
  assert.ok(report, 'summary.json was written');
  assert.equal(report.verdict, 'pass');
  assert.match(r.stdout, /acme \/ smoke: PASS/);
  for (const f of ['summary.json', 'summary.md', 'junit.xml']) assert.ok(existsSync(join(r.reportDir, f)), f);
  assert.equal(report.checks.fails, 0);

  const endpoints = new Map((report.endpoints ?? []).map((e) => [e.name, e]));
  const after = standin.counts();
  for (const [key, e] of Object.entries(ACME_API)) {
    const seen = endpoints.get(endpointName(e));
    assert.ok(seen && seen.requests > 0, `${endpointName(e)} got no requests`);
    // The stand-in counts its 2xx answers per operationId (the table's keys are those ids); setup()'s health
    // probe is one more list call that is not the load's.
    const probe = key === 'listPaymentIntents' ? 1 : 0;
    assert.equal((after[key] ?? 0) - (before[key] ?? 0), seen.requests - seen.failed + probe, `${key}: stand-in and report disagree`);
  }
  assert.equal(report.taskMix.length, 6);
  for (const t of report.taskMix) assert.ok(t.runs > 0, `task ${t.task} never ran`);
  const z = maxMixDeviation(report.taskMix);
  assert.ok(z < 4, `achieved mix is ${z.toFixed(2)} standard errors from the weights`);
});

test('an impossible budget for one endpoint fails the run with 99, naming that endpoint', async () => {
  const restore = edit(join(acme, 'thresholds/acme.ts'), /\n  retrieveBalance: LIST,/, '\n  retrieveBalance: { p95: 0.001, p99: 0.001, errorRate: 0 },');
  try {
    build(acme, 'acme');
    const r = await run(acme, 'acme', { ...acmeEnv(), DURATION: '3s' });
    assert.equal(r.code, 99, r.stderr.slice(-2000));
    assert.equal(r.report?.verdict, 'fail');
    const failed = r.report?.failedThresholds ?? [];
    assert.ok(failed.some((t) => t.startsWith('http_req_duration{name:GET /v1/balance}')), failed.join('\n'));
    assert.ok(failed.every((t) => t.includes('GET /v1/balance')), `only that endpoint fails: ${failed.join(', ')}`);
    assert.match(r.stdout, /FAIL\s+http_req_duration\{name:GET \/v1\/balance\}/);
  } finally {
    restore();
  }
});

test('a broken request mapping (the refund names its intent wrongly) fails with 99, naming POST /v1/refunds', async () => {
  const restore = edit(join(acme, 'lib/services/acme/users.ts'), 'payment_intent: paymentIntentId', 'paymentintent: paymentIntentId');
  try {
    build(acme, 'acme');
    const r = await run(acme, 'acme', { ...acmeEnv(), DURATION: '3s' });
    assert.equal(r.code, 99, r.stderr.slice(-2000));
    const failed = r.report?.failedThresholds ?? [];
    assert.ok(failed.includes('http_req_failed{name:POST /v1/refunds}: rate<=0'), failed.join('\n'));
    const check = r.report?.checkResults?.find((c) => c.name === 'POST /v1/refunds status 200');
    assert.ok(check && check.fails > 0 && check.passes === 0, JSON.stringify(check));
    assert.match(r.stdout, /POST \/v1\/refunds status 200/);
  } finally {
    restore();
    build(acme, 'acme');
  }
});

test('without ACME_USER, k6 stops before any load and names the variable', async () => {
  const before = standin.counts();
  const { ACME_USER: _, ...env } = acmeEnv();
  const r = await run(acme, 'acme', { ...env, DURATION: '30s' });
  assert.notEqual(r.code, 0);
  assert.notEqual(r.code, 99);
  assert.match(r.stderr, /ACME_USER/);
  assert.doesNotMatch(r.stderr, /target unhealthy/, 'the missing variable is named, not a 401 from the target');
  assert.ok(r.seconds < 20, `took ${r.seconds}s: the load must not have run`);
  assert.deepEqual(standin.counts(), before, 'no request reached the stand-in');
});

test('npm start needs no sandbox for your own API: the bundle says it targets acme only; a sandbox scenario says it needs the sandbox', async () => {
  const k6Path = (await ensureK6()).path;
  const bundle = join(acme, 'dist', 'acme.js');
  assert.deepEqual(bundleTargets(k6Path, bundle, acmeEnv()), { targets: [{ name: 'acme', urlVar: 'ACME_URL', sandbox: false }], loads: true });
  assert.deepEqual(bundleTargets(k6Path, join('dist', 'audit.js'), {}).targets?.map((t) => t.sandbox), [true, true]);
  // Without its credential the bundle stops in its init context, as `k6 run` then will, naming the variable.
  const { ACME_USER: _, ...noUser } = acmeEnv();
  assert.equal(bundleTargets(k6Path, bundle, noUser).loads, false);
  const { PAYMENT_SERVICE_URL: _p, BANKING_API_URL: _b, ...withoutSandboxUrls } = process.env;
  const saved = process.env;
  try {
    for (const [label, env] of [['with', acmeEnv()], ['without', noUser]] as const) {
      process.env = { ...withoutSandboxUrls, ...env };
      const { sandbox } = await targetsOrSandbox({ k6Path, path: bundle });
      await sandbox?.stop();
      assert.equal(sandbox, null, `a sandbox started for a scenario that does not target it (${label} ACME_USER)`);
    }
    process.env = withoutSandboxUrls;
    const { sandbox } = await targetsOrSandbox({ k6Path, path: join('dist', 'payment.js') });
    await sandbox?.stop();
    assert.ok(sandbox, 'the payment scenario gets its sandbox');
  } finally {
    process.env = saved;
  }
});

test('generated from the sandbox spec by tag, unedited, the scenario passes against the sandbox: a documented 409 with Retry-After is retried, not failed', async () => {
  const dir = join(OUT, 'sbx');
  // generateData included: the sandbox runs one generation at a time and answers the others 409 with
  // Retry-After, which the generated table declares as a retry (retry: [409, 429]).
  generate(dir, ['--name', 'sbx', '--openapi', 'sandbox/openapi.yaml', '--tag', 'payment']);
  assert.match(readFileSync(join(dir, 'lib/services/sbx/service.ts'), 'utf8'), /generateData: \{[^}]*retry: \[409, 429\] \}/);
  build(dir, 'sbx');
  let sandbox: SandboxProcess | undefined;
  try {
    sandbox = await startSandboxProcess();
    const r = await run(dir, 'sbx', { ...SHORT, SBX_URL: sandbox.paymentUrl, SBX_TOKEN: 'sandbox-token' });
    assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
    assert.equal(r.report?.verdict, 'pass');
    assert.equal(r.report?.checks.fails, 0);
    for (const e of r.report?.endpoints ?? []) assert.ok(e.requests > 0 && e.failed === 0, `${e.name}: ${e.requests} requests, ${e.failed} failed`);
    assert.equal(r.report?.endpoints?.length, 5);
    // The retries are counted, and shown in the summary (0 when no generation overlapped).
    assert.equal(typeof r.report?.requests.retries, 'number');
    assert.equal(r.report?.requests.retries, r.report?.counters.http_req_retries ?? 0);
    assert.match(readFileSync(join(r.reportDir, 'summary.md'), 'utf8'), new RegExp(`retried ${r.report?.requests.retries}`));
  } finally {
    await sandbox?.stop();
  }
});
