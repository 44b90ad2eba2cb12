// The coordinator's remote mode against k6 runners started as docker-compose.yml starts them: the
// commands and environments come from `docker-compose config` and run with sh on this host (only hosts,
// ports and paths differ): the setup runner, and RUNNERS replicas of the one k6-runner service that claim
// their slots in a shared directory. The coordinator finds them there (--remote-from), releases and judges
// them; `npm run verdict`'s code then judges the same test id alike.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { waitForClaims } from '../../cli/distributed/claims.ts';
import { usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { freePort } from '../../cli/processes.ts';
import { runRemote } from '../../cli/distributed/remote.ts';
import { ensureK6 } from '../../cli/k6.ts';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { verdict } from '../../cli/verdict.ts';
import type { DistributedReport } from '../../lib/verdict/report-data.ts';
import { FAST } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before, after } = needing('prometheus', 'docker-compose');

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

const envOf = (s: Service) => Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, String(v)]));
// Compose hands the shell `$` where the file (and `config`) say `$$`.
const shellOf = (s: Service) => s.command![s.command!.length - 1]!.replace(/\$\$/g, '$');

interface Started {
  services: Record<string, Service>;
  /** What compose's coordinator sees: the claims volume and the setup runner's address. */
  claims: string;
  setup: string;
  /** Every k6 process by the address its API listens on. */
  procs: Map<string, ChildProcess>;
  /** What each process printed (its shell and k6), for a failure's message. */
  logs: () => string;
}

/** Starts k6-setup and RUNNERS replicas of k6-runner from the resolved compose file, all at once. */
async function startAsCompose(testId: string, runners: number, extra: Record<string, string>): Promise<Started> {
  const services = (parse(execFileSync('docker-compose', ['config'], { encoding: 'utf8', env: { ...process.env, TEST_ID: testId, RUNNERS: String(runners) } })) as { services: Record<string, Service> }).services;
  const k6Dir = dirname((await ensureK6()).path);
  const claims = join(tmp, testId, 'claims');
  const procs = new Map<string, ChildProcess>();
  const printed = new Map<string, string>();
  let setup = '';
  for (const name of ['k6-setup', ...Array<string>(runners).fill('k6-runner')]) {
    const s = services[name]!;
    const address = `127.0.0.1:${await freePort()}`;
    const env = {
      ...envOf(s),
      PATH: `${k6Dir}:${process.env.PATH}`,
      PAYMENT_SERVICE_URL: sandbox.paymentUrl,
      BANKING_API_URL: sandbox.bankingUrl,
      K6_PROMETHEUS_RW_SERVER_URL: prom.writeUrl,
      RUNNER_ADDRESS: address,
      REPORT_DIR: join(tmp, testId, 'reports'),
      ...(name === 'k6-runner' ? { RUNNER_CLAIMS: claims } : {}),
      ...FAST,
      ...extra,
    };
    const child = spawn('sh', ['-c', shellOf(s).replace('/scripts/', `${resolve('dist')}/`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => printed.set(address, ((printed.get(address) ?? '') + b.toString()).slice(-2000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    children.push(child);
    procs.set(address, child);
    if (name === 'k6-setup') setup = address;
  }
  const logs = () => [...printed].map(([address, text]) => `--- ${address}${address === setup ? ' (setup)' : ''}:\n${text}`).join('\n');
  return { services, claims: join(claims, testId), setup, procs, logs };
}

const coordinatorEnv = () => ({ ...process.env, PROMETHEUS_URL: prom.url });

/** compose's coordinator command itself (after its `npm ci`), with the claims directory and setup address of this host. */
function runComposeCoordinator(st: Started): Promise<{ code: number | null; out: string }> {
  const c = st.services.coordinator!;
  const script = shellOf(c).slice(shellOf(c).indexOf('exec npx tsx cli/distributed.ts')).replace('k6-setup:6565', st.setup);
  const env = { ...process.env, ...envOf(c), RUNNER_CLAIMS: dirname(st.claims), PROMETHEUS_URL: prom.url };
  delete (env as Record<string, string | undefined>).K6_BIN;
  const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

test('compose\'s coordinator finds the replicas by their claims, releases them together, judges them over Prometheus, and npm run verdict agrees', async () => {
  const testId = `remote-${Date.now()}`;
  const st = await startAsCompose(testId, 3, { VUS: '3', DURATION: '4s' });
  const { code, out } = await runComposeCoordinator(st);
  for (const c of st.procs.values()) c.kill('SIGINT');
  // The report's error line first (a long threshold table can push it out of a truncated log), then
  // the end of the coordinator's output and each runner's own, which say why a runner did not do its part.
  const errorLines = out.split('\n').filter((l) => /ERROR|error/.test(l)).join('\n');
  assert.equal(code, 0, `${errorLines}\n---\n${out.slice(-1500)}\n${st.logs()}`);
  assert.match(out, /runners claimed in \S+: r0=127\.0\.0\.1:\d+ r1=127\.0\.0\.1:\d+ r2=127\.0\.0\.1:\d+/);
  assert.match(out, /released 3 remote runners; start skew \d+(\.\d+)? ms/);
  const dir = /reports: (\S+)\/\{/.exec(out)?.[1];
  assert.ok(dir, out);
  const report = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DistributedReport;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(report.verdict, 'pass', JSON.stringify({ error: report.error, failed: report.failedThresholds, runners: report.runners }));
  const load = report.runners.filter((r) => r.runner !== 'setup');
  assert.deepEqual(load.map((r) => r.runner), ['r0', 'r1', 'r2']);
  for (const r of load) assert.ok(r.requests! > 0, `runner ${r.runner} sent no request`);
  // Prometheus's totals equal each runner's own (the Prometheus verdict checks it, lib/verdict/from-prometheus.ts); the setup runner's setup() requests included.
  assert.equal(report.requests.count, report.runners.reduce((s, r) => s + (r.requests ?? 0), 0));

  const again = await verdict({ scenario: 'payment', testId, prometheus: prom.url, runners: 3, profile: 'smoke', reportsRoot: join(tmp, 'reports') }, process.env);
  assert.equal(again.report.verdict, report.verdict);
  assert.deepEqual(again.report.thresholds, report.thresholds);
  assert.deepEqual(again.report.latencyMs, report.latencyMs);
  assert.equal(again.report.requests.count, report.requests.count);
});

test('a remote runner that dies mid-run gives an error verdict naming it', async () => {
  const testId = `remote-dead-${Date.now()}`;
  const { claims, setup, procs } = await startAsCompose(testId, 3, { VUS: '3', DURATION: '20s' });
  const started = Date.now();
  const runners = await waitForClaims(claims, 3);
  const r1 = runners.find((r) => r.startsWith('r1='))!.slice(3);
  // The k6 process is the shell's exec'd image: killing it is the runner dying.
  setTimeout(() => procs.get(r1)!.kill('SIGKILL'), 4000);
  const { report } = await runRemote({ scenario: 'payment', profile: 'smoke', remote: runners, setup, testId, env: coordinatorEnv() });
  for (const c of procs.values()) c.kill('SIGINT');
  assert.equal(report.verdict, 'error');
  assert.match(report.error!, new RegExp(`runner r1 at ${r1.replaceAll('.', '\\.')} stopped answering before its test ended`));
  assert.ok((Date.now() - started) / 1000 < 18, 'the other runners were stopped, not left to finish');
});

test('an abortOnFail threshold breached over the remote runners stops them all early and fails the run', async () => {
  // 90% of payments fail: over the scenario's catastrophic 50% of all requests (abortOnFail, 5 s delay).
  const faulty = await startSandboxProcess({ SANDBOX_FAULTS: 'errors=0.9@POST /api/v1/payments' });
  try {
    const testId = `remote-abort-${Date.now()}`;
    const { claims, setup, procs } = await startAsCompose(testId, 3, { VUS: '3', DURATION: '40s', PAYMENT_SERVICE_URL: faulty.paymentUrl, BANKING_API_URL: faulty.bankingUrl });
    const started = Date.now();
    const runners = await waitForClaims(claims, 3);
    const { report } = await runRemote({ scenario: 'payment', profile: 'smoke', remote: runners, setup, testId, env: coordinatorEnv() });
    for (const c of procs.values()) c.kill('SIGINT');
    assert.equal(report.verdict, 'fail', JSON.stringify({ error: report.error, runners: report.runners }));
    assert.equal(report.distributed.abortedBy, 'http_req_failed: rate<0.5');
    assert.ok((Date.now() - started) / 1000 < 25, 'stopped early, not after 40 s');
  } finally {
    await faulty.stop();
  }
});
