// The coordinator's remote mode against k6 runners started as docker-compose.yml starts them: the
// runner command and environment come from `docker-compose config`, run with sh on this host (only the
// hosts, ports and paths differ). Then `npm run verdict`'s code judges the same test id alike.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { freePort, usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { runRemote } from '../../cli/distributed/remote.ts';
import { ensureK6 } from '../../cli/k6.ts';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { verdict } from '../../cli/verdict.ts';
import { FAST } from '../helpers/k6.ts';

interface Service { command?: string[]; environment?: Record<string, string | number> }

let sandbox: SandboxProcess;
let prom: Prometheus;
let tmp: string;
const children: ChildProcess[] = [];
before(async () => {
  sandbox = await startSandboxProcess();
  prom = await usePrometheus({});
  tmp = mkdtempSync(join(tmpdir(), 'paykit-remote-'));
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await prom?.stop();
  await sandbox?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Starts k6-setup and k6-r0..r2 from the resolved compose file; returns their addresses. */
async function startAsCompose(testId: string, extra: Record<string, string>): Promise<{ setup: string; runners: string[]; procs: Map<string, ChildProcess> }> {
  const config = parse(execFileSync('docker-compose', ['config'], { encoding: 'utf8', env: { ...process.env, TEST_ID: testId } })) as { services: Record<string, Service> };
  const k6Dir = dirname((await ensureK6()).path);
  const procs = new Map<string, ChildProcess>();
  const addresses = new Map<string, string>();
  for (const name of ['k6-setup', 'k6-r0', 'k6-r1', 'k6-r2']) {
    const s = config.services[name]!;
    // Compose hands the shell `$` where the file (and `config`) say `$$`.
    const script = s.command![0]!.replace(/\$\$/g, '$').replace('/scripts/', `${resolve('dist')}/`);
    const address = `127.0.0.1:${await freePort()}`;
    const env = {
      ...Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, String(v)])),
      PATH: `${k6Dir}:${process.env.PATH}`,
      PAYMENT_SERVICE_URL: sandbox.paymentUrl,
      BANKING_API_URL: sandbox.bankingUrl,
      K6_PROMETHEUS_RW_SERVER_URL: prom.writeUrl,
      RUNNER_ADDRESS: address,
      REPORT_DIR: join(tmp, testId, name),
      ...FAST,
      ...extra,
    };
    const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(child);
    procs.set(name, child);
    addresses.set(name, address);
  }
  return { setup: addresses.get('k6-setup')!, runners: ['r0', 'r1', 'r2'].map((r) => `${r}=${addresses.get(`k6-${r}`)}`), procs };
}

const coordinatorEnv = () => ({ ...process.env, PROMETHEUS_URL: prom.url });

test('remote mode releases compose-started runners together, judges them over Prometheus, and gives the same verdict as npm run verdict', async () => {
  const testId = `remote-${Date.now()}`;
  const { setup, runners, procs } = await startAsCompose(testId, { VUS: '3', DURATION: '4s' });
  const lines: string[] = [];
  const { report } = await runRemote({ scenario: 'payment', profile: 'smoke', remote: runners, setup, testId, env: coordinatorEnv(), log: (l) => lines.push(l) });
  for (const c of procs.values()) c.kill('SIGINT');
  assert.equal(report.verdict, 'pass', JSON.stringify({ error: report.error, failed: report.failedThresholds, runners: report.runners }));
  assert.match(lines.join('\n'), /released 3 remote runners; start skew \d+(\.\d+)? ms/);
  const load = report.runners.filter((r) => r.runner !== 'setup');
  assert.deepEqual(load.map((r) => r.runner), ['r0', 'r1', 'r2']);
  for (const r of load) assert.ok(r.requests! > 0, `runner ${r.runner} sent no request`);
  // Prometheus's totals equal each runner's own (judge-run checks it); the setup runner's setup() requests included.
  assert.equal(report.requests.count, report.runners.reduce((s, r) => s + (r.requests ?? 0), 0));

  const again = await verdict({ scenario: 'payment', testId, prometheus: prom.url, runners: 3, profile: 'smoke', reportsRoot: join(tmp, 'reports') }, process.env);
  assert.equal(again.report.verdict, report.verdict);
  assert.deepEqual(again.report.thresholds, report.thresholds);
  assert.deepEqual(again.report.latencyMs, report.latencyMs);
  assert.equal(again.report.requests.count, report.requests.count);
});

test('a remote runner that dies mid-run gives an error verdict naming it', async () => {
  const testId = `remote-dead-${Date.now()}`;
  const { setup, runners, procs } = await startAsCompose(testId, { VUS: '3', DURATION: '20s' });
  const started = Date.now();
  // The k6 process is the shell's exec'd image: killing it is the runner dying.
  setTimeout(() => procs.get('k6-r1')!.kill('SIGKILL'), 4000);
  const { report } = await runRemote({ scenario: 'payment', profile: 'smoke', remote: runners, setup, testId, env: coordinatorEnv() });
  for (const c of procs.values()) c.kill('SIGINT');
  assert.equal(report.verdict, 'error');
  assert.match(report.error!, /runner r1 at 127\.0\.0\.1:\d+ stopped answering before its test ended/);
  assert.ok((Date.now() - started) / 1000 < 18, 'the other runners were stopped, not left to finish');
});

test('an abortOnFail threshold breached over the remote runners stops them all early and fails the run', async () => {
  // 90% of payments fail: over the scenario's catastrophic 50% of all requests (abortOnFail, 5 s delay).
  const faulty = await startSandboxProcess({ SANDBOX_FAULTS: 'errors=0.9@POST /api/v1/payments' });
  try {
    const testId = `remote-abort-${Date.now()}`;
    const { setup, runners, procs } = await startAsCompose(testId, { VUS: '3', DURATION: '40s', PAYMENT_SERVICE_URL: faulty.paymentUrl, BANKING_API_URL: faulty.bankingUrl });
    const started = Date.now();
    const { report } = await runRemote({ scenario: 'payment', profile: 'smoke', remote: runners, setup, testId, env: coordinatorEnv() });
    for (const c of procs.values()) c.kill('SIGINT');
    assert.equal(report.verdict, 'fail', JSON.stringify({ error: report.error, runners: report.runners }));
    assert.equal(report.distributed.abortedBy, 'http_req_failed: rate<0.5');
    assert.ok((Date.now() - started) / 1000 < 25, 'stopped early, not after 40 s');
  } finally {
    await faulty.stop();
  }
});
