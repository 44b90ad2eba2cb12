// The CI gate: exit codes, reports and abort behaviour with the real k6 against a sandbox that is
// healthy, slow, failing or gone; the suite runner's table, decision and page; k6's dashboard export in Chromium.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { runScenario } from '../../cli/run-scenario.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { inkStats, screenshot } from '../helpers/browser.ts';
import { missingPackages } from '../helpers/system.ts';
import { FAST, runK6 } from '../helpers/k6.ts';

async function withSandbox<T>(env: Record<string, string>, fn: (urls: { PAYMENT_SERVICE_URL: string; BANKING_API_URL: string }) => Promise<T>): Promise<T> {
  const sb = await startSandboxProcess(env);
  try {
    return await fn({ PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl });
  } finally {
    await sb.stop();
  }
}

const SLOW_PAYMENTS = 'latency=600ms@POST /api/v1/payments';
const P95_PAYMENTS = 'http_req_duration{name:POST /api/v1/payments}';

test('injected latency: exit 99, and the latency threshold is named in stdout, summary.json, junit.xml and summary.md', async () => {
  const run = await withSandbox({ SANDBOX_FAULTS: SLOW_PAYMENTS }, (urls) => runK6('payment', { ...FAST, ...urls, VUS: '4', DURATION: '5s' }));
  assert.equal(run.code, 99, run.stderr.slice(-1500));
  // a lower bound only: the injected 600 ms is a floor, and a busy machine adds to it
  const observed = /FAIL\s+http_req_duration\{name:POST \/api\/v1\/payments\}\s+p\(95\)<500\s+observed (\d+)/.exec(run.stdout);
  assert.ok(observed && Number(observed[1]) >= 600, run.stdout.slice(-2000));
  assert.ok(run.report!.failedThresholds.includes(`${P95_PAYMENTS}: p(95)<500`), JSON.stringify(run.report!.failedThresholds));
  assert.equal(run.report!.verdict, 'fail');
  const junit = readFileSync(join(run.reportDir, 'junit.xml'), 'utf8');
  assert.match(junit, /<testcase classname="k6\.payment\.smoke" name="http_req_duration\{name:POST \/api\/v1\/payments\} p\(95\)&lt;500" time="0">\s*<failure/);
  const md = readFileSync(join(run.reportDir, 'summary.md'), 'utf8');
  assert.match(md, /❌ \| `http_req_duration\{name:POST \/api\/v1\/payments\}` \| `p\(95\)<500`/);
  assert.match(md, /FAIL/);
});

// 5% is under the run-wide budget (5% of one endpoint's share of the traffic is far less overall), so only
// the endpoint's own error budget can catch it.
for (const endpoint of ['POST /api/v1/payments', 'POST /api/v1/payments/{id}/refunds']) {
  test(`errors=5% on ${endpoint} alone: exit 99, naming that endpoint's error budget`, async () => {
    const run = await withSandbox({ SANDBOX_FAULTS: `errors=5%@${endpoint}` }, (urls) => runK6('payment', { ...FAST, ...urls, VUS: '4', DURATION: '8s' }));
    assert.equal(run.code, 99, run.stderr.slice(-1500));
    const budget = `http_req_failed{name:${endpoint}}`;
    assert.ok(run.report!.failedThresholds.includes(`${budget}: rate<=0`), JSON.stringify(run.report!.failedThresholds));
    assert.ok(run.report!.requests.failedRate! < 0.05, `run-wide failed rate ${run.report!.requests.failedRate} would have tripped anyway`);
    assert.ok(run.stdout.includes(`FAIL  ${budget}`), run.stdout.slice(-2000));
  });
}

test('a catastrophic error rate aborts the run early through abortOnFail, and the reports are still written', async () => {
  const run = await withSandbox({ SANDBOX_FAULTS: 'errors=0.9' }, (urls) => runK6('payment', { ...FAST, ...urls, VUS: '4', DURATION: '60s' }));
  assert.equal(run.code, 99);
  assert.ok(run.seconds < 30, `ran ${run.seconds.toFixed(1)}s of a 60s profile: abortOnFail did not stop it`);
  assert.ok(run.report, 'summary.json written on abort');
  assert.ok(run.report.durationSeconds < 30);
  assert.ok(run.report.failedThresholds.some((t) => t.startsWith('http_req_failed: rate<0.5')), JSON.stringify(run.report.failedThresholds));
  assert.match(run.stderr, /abortOnFail|stopping test prematurely/i);
});

test('target down: a clear error that is neither 0 nor 99, with a summary.json that says why', async () => {
  const result = await runScenario({
    scenario: 'payment',
    profile: 'smoke',
    env: { ...process.env, PAYMENT_SERVICE_URL: 'http://127.0.0.1:9' },
    reportsRoot: resolve('reports', 'test-gate'),
    quiet: true,
  });
  assert.notEqual(result.exitCode, 0);
  assert.notEqual(result.exitCode, 99);
  assert.equal(result.verdict, 'error');
  const summary = JSON.parse(readFileSync(join(result.reportDir, 'summary.json'), 'utf8'));
  assert.equal(summary.verdict, 'error');
  assert.match(summary.k6StderrTail, /target unreachable/);
});

test('setup names what to fix: AUTH_TOKEN for a service that refuses the default token, no sandbox advice for another host', async () => {
  const rejected = await withSandbox({ SANDBOX_TOKEN: 'tok-not-the-default-1' }, (urls) => runK6('payment', { ...urls, AUTH_TOKEN: '' }));
  assert.equal(rejected.code, 108, rejected.stderr.slice(-1500));
  assert.match(rejected.stderr, /rejected the sandbox's default token \(HTTP 401\): AUTH_TOKEN is not set/);
  assert.equal(rejected.report?.verdict, 'error');
  const down = await runK6('payment', { PAYMENT_SERVICE_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 108);
  assert.match(down.stderr, /target unreachable: PAYMENT_SERVICE_URL=http:\/\/127\.0\.0\.1:9 .*Is PAYMENT_SERVICE_URL right, and is the service up\?/);
  assert.doesNotMatch(down.stderr, /npm run sandbox/);
});

test('a PROFILE that would leave reports/ is refused before anything runs, naming the variable', async () => {
  const escape = resolve(mkdtempSync(join(tmpdir(), 'paykit-escape-')), 'evil');
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/run.ts', 'payment'], {
    env: { ...process.env, PROFILE: `/../../../../../../../..${escape}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 2, out);
  assert.match(out, /PROFILE must be one of smoke, load/);
  assert.deepEqual(readdirSync(dirname(escape)), [], 'nothing was written outside reports/');
});

test('the production guard refuses a heavy profile against a non-allow-listed host before any load', async () => {
  const run = await runK6('payment', { PROFILE: 'load', PAYMENT_SERVICE_URL: 'https://payments.example.com', AUTH_TOKEN: 'tok-guard-1234' });
  assert.equal(run.code, 107);
  assert.match(run.stderr, /profile 'load' is heavier than smoke and would target payments\.example\.com.*ALLOW_REMOTE_LOAD=true/);
  assert.doesNotMatch(run.stdout + run.stderr, /tok-guard-1234/);
});

test("k6's own dashboard export is kept as dashboard.html and renders in headless Chromium (screenshot is not blank)", { skip: missingPackages(['chromium']) }, async () => {
  const result = await withSandbox({}, (urls) =>
    runScenario({ scenario: 'payment', profile: 'smoke', env: { ...process.env, ...FAST, ...urls, DURATION: '6s' }, reportsRoot: resolve('reports', 'test-gate'), quiet: true }),
  );
  assert.equal(result.exitCode, 0);
  // report.html is our page (tests/integration/report-page.test.ts); it links k6's export.
  const html = resolve(result.reportDir, 'dashboard.html');
  assert.ok(existsSync(html), 'dashboard.html exported by the k6 web dashboard');
  assert.match(readFileSync(resolve(result.reportDir, 'report.html'), 'utf8'), /<a href="dashboard.html">/);
  assert.doesNotMatch(readFileSync(html, 'utf8'), /sandbox-token/, 'the token never reaches the report');
  const { inked, colours } = inkStats(screenshot(html));
  assert.ok(inked > 0.02, `only ${(inked * 100).toFixed(2)}% of the page differs from its background`);
  assert.ok(colours > 20, `only ${colours} colours: nothing rendered`);
});

test('npm run suite prints one table, writes suite.json NOT READY with reasons, and exits non-zero', async () => {
  const out = resolve('reports', 'test-gate', `suite-${Date.now()}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/suite.ts', '--scenarios', 'payment,banking', '--profile', 'smoke', '--fail-fast', '--out', out], {
    env: { ...process.env, ...FAST, DURATION: '4s', SANDBOX_FAULTS: SLOW_PAYMENTS, PAYMENT_SERVICE_URL: '', BANKING_API_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 1, stdout);
  assert.match(stdout, /scenario\s+verdict\s+exit\s+requests/);
  assert.match(stdout, /payment\s+FAIL\s+99/);
  assert.match(stdout, /banking\s+SKIPPED/);
  assert.match(stdout, /decision: NOT READY/);
  const suite = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8'));
  assert.equal(suite.decision, 'NOT READY');
  assert.equal(suite.reasons.length, 2);
  // a 4 s run at these latencies may also leave the 2-3%-weight endpoints without data: listed too
  assert.match(suite.reasons[0], /payment: thresholds breached: .*http_req_duration\{name:POST \/api\/v1\/payments\}: p\(95\)<500/);
  // The suite's page: NOT READY and why, a row per scenario, the run that ran linked to its own page.
  const page = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(page, /data-verdict="NOT READY"/);
  assert.match(page, /payment: thresholds breached: /);
  const link = /<a href="([^"]+)">payment<\/a>/.exec(page)?.[1];
  assert.ok(link && existsSync(join(out, link)), `payment's run page linked: ${link}`);
  assert.match(readFileSync(join(out, link), 'utf8'), /data-verdict="FAIL"/);
  assert.match(page, /<td>banking<\/td><td><span class="state breached">SKIPPED<\/span>/);
});
