// `npm run verdict` judges a distributed test from Prometheus alone, with the coordinator's code: after a
// local distributed run it gives the coordinator's verdict and observed values; no or too little runner
// data is an error verdict, never a pass. The same run feeds every query of the Grafana dashboard, and a
// distributed audit run every query of the audit dashboard (its thresholds are business counters).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDistributed } from '../../cli/distributed/coordinator.ts';
import { instantQuery, usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { verdict } from '../../cli/verdict.ts';
import type { DistributedReport } from '../../lib/verdict/report-data.ts';
import { expressions } from '../../lib/verdict/dashboard.ts';
import { dashboardPath, renderDashboard } from '../../deploy/grafana/generate.ts';
import { FAST } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before, after } = needing('prometheus');

let sandbox: SandboxProcess;
let prom: Prometheus;
let reportsRoot: string;
let coordinator: DistributedReport;
let audit: DistributedReport;
before(async () => {
  sandbox = await startSandboxProcess();
  // Kept alive after the run, so the verdict reads what the runners wrote.
  prom = await usePrometheus({});
  reportsRoot = mkdtempSync(join(tmpdir(), 'paykit-verdict-'));
  const env = { ...process.env, ...FAST, PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl, PROMETHEUS_URL: prom.url, VUS: '2', DURATION: '4s' };
  coordinator = (await runDistributed({ scenario: 'payment', profile: 'smoke', runners: 2, env, reportsRoot })).report;
  audit = (await runDistributed({ scenario: 'audit', profile: 'smoke', runners: 2, env: { ...env, AUDIT_VUS: '2', AUDIT_DURATION: '3s' }, reportsRoot })).report;
});
after(async () => {
  await prom?.stop();
  await sandbox?.stop();
  if (reportsRoot) rmSync(reportsRoot, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/verdict.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

test('npm run verdict gives the coordinator verdict, observed values, latency and requests, on stdout and in the reports', async () => {
  assert.equal(coordinator.verdict, 'pass', JSON.stringify({ error: coordinator.error, failed: coordinator.failedThresholds }));
  const testId = coordinator.distributed.testId;
  const { code, out } = await cli(['--scenario', 'payment', '--testid', testId, '--prometheus', prom.url, '--runners', '2', '--reports', reportsRoot]);
  assert.equal(code, 0, out.slice(-3000));
  assert.match(out, /payment \/ smoke: PASS/);
  const dir = /reports: (\S+)\/\{/.exec(out)?.[1];
  assert.ok(dir, out);
  const own = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DistributedReport;
  assert.equal(own.verdict, coordinator.verdict);
  assert.deepEqual(own.thresholds, coordinator.thresholds);
  assert.deepEqual(own.latencyMs, coordinator.latencyMs);
  assert.equal(own.requests.count, coordinator.requests.count);
  assert.equal(own.iterations.count, coordinator.iterations.count);
  assert.deepEqual(own.counters, coordinator.counters);
  assert.equal(own.distributed.runners, 2);
  assert.ok(Math.abs(own.durationSeconds - coordinator.durationSeconds) <= 2, `${own.durationSeconds}s vs ${coordinator.durationSeconds}s`);
  for (const f of ['summary.md', 'junit.xml', 'summary.txt']) assert.ok(readFileSync(join(dir, f), 'utf8').length > 0, f);
  // The page of a single run plus the runners and the error bound; charts from Prometheus over every runner.
  const page = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(page, /data-verdict="PASS"/);
  assert.equal((/<table id="budgets">[\s\S]*?<\/table>/.exec(page)![0].match(/<tr>/g) ?? []).length - 1, own.thresholds.length);
  assert.ok(own.endpoints!.length > 0 && own.endpoints!.every((e) => page.includes(`<code>${e.name}</code>`)), 'every endpoint a row');
  assert.equal((/<table id="runners">[\s\S]*?<\/table>/.exec(page)![0].match(/<tr>/g) ?? []).length - 1, own.runners.length);
  assert.match(page, /id="error-bound">Merged percentiles are within 9\.05%/);
  const charts = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(page)![1]!) as { charts: Array<{ id: string; lines: Array<{ values: Array<number | null> }> }> };
  assert.deepEqual(charts.charts.map((c) => c.id), ['throughput', 'latency', 'errors', 'load']);
  for (const c of charts.charts) assert.ok(c.lines.some((l) => l.values.some((v) => v !== null)), `chart ${c.id} has points`);
  // The table is the coordinator's: each threshold line as the single-run renderer prints it.
  for (const t of coordinator.thresholds) assert.ok(out.includes(t.expression), t.expression);
});

test('an unknown test id and fewer runners than expected are error verdicts (exit 1), never a pass', async () => {
  const { code, out } = await cli(['--scenario', 'payment', '--testid', 'no-such-test', '--prometheus', prom.url, '--reports', reportsRoot]);
  assert.equal(code, 1, out.slice(-2000));
  assert.match(out, /ERROR/);
  assert.match(out, /no runner wrote data for test id 'no-such-test'/);
  const env = { ...process.env };
  const short = await verdict({ scenario: 'payment', testId: coordinator.distributed.testId, prometheus: prom.url, runners: 3, profile: 'smoke', reportsRoot }, env);
  assert.equal(short.report.verdict, 'error');
  assert.match(short.report.error!, /Prometheus holds data of 2 runners \(r0, r1\) for test id '.+', expected 3/);
});

type Sample = { metric: Record<string, string>; value: [number, string] };

/**
 * A committed dashboard against a distributed run of its scenario: it is what the generator writes for
 * that run; every query returns data; every threshold is a line on a panel that reads its metric; a
 * counter's panel shows the value Prometheus gives the verdict (`npm run verdict`, Prometheus alone: the
 * coordinator's own counts can be higher by a series' last increment, docs/distributed.md). Returns each
 * query's result.
 */
async function checkBoard(scenario: string, run: DistributedReport): Promise<Map<string, Sample[]>> {
  const fromPrometheus = (await verdict({ scenario, testId: run.distributed.testId, prometheus: prom.url, runners: run.distributed.runners, profile: run.profile, reportsRoot }, process.env)).report;
  const prometheusValue = new Map(fromPrometheus.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.observed]));
  const committed = readFileSync(dashboardPath(scenario), 'utf8');
  assert.equal(committed, await renderDashboard(scenario), `deploy/grafana/dashboards/${scenario}.json is stale: run npm run dashboards`);
  const exprs = expressions(JSON.parse(committed) as Record<string, unknown>);
  const time = Date.now() / 1000;
  const values = new Map<string, Sample[]>();
  for (const { panel, expr } of exprs) {
    const promql = expr.replaceAll('$testid', run.distributed.testId).replaceAll('$__rate_interval', '1m');
    const result = (await instantQuery(prom.url, promql, time)) as Sample[];
    assert.ok(result.length > 0, `${scenario} panel '${panel}': no data for ${promql}`);
    values.set(expr, result);
  }
  for (const t of run.thresholds) {
    const base = t.metric.split('{')[0]!;
    const reads = base === 'http_req_failed' ? 'expected_response="false"' : `k6_${base}`;
    const panel = [...new Set(exprs.map((e) => e.panel))].find((p) => {
      const mine = exprs.filter((e) => e.panel === p);
      return mine.some((e) => e.legend.startsWith(`threshold ${t.expression}`)) && mine.some((e) => !e.expr.startsWith('vector(') && e.expr.includes(reads));
    });
    assert.ok(panel, `${scenario}: no panel reads ${t.metric} and draws its threshold ${t.expression}`);
    if (t.stat === 'count') {
      const series = exprs.find((e) => e.panel === panel && e.legend === t.metric);
      assert.ok(series, `${scenario}: panel '${panel}' has no series for ${t.metric}`);
      assert.equal(Number(values.get(series.expr)![0]!.value[1]), prometheusValue.get(`${t.metric} ${t.expression}`), `${t.metric}: dashboard vs verdict`);
    }
  }
  return values;
}

test('the Grafana dashboard: generated from the thresholds; every query returns data for the run; every threshold on its panel; its p95 of an endpoint is the verdict\'s', async () => {
  const values = await checkBoard('payment', coordinator);
  const p95 = [...values.entries()].find(([e]) => e.startsWith('histogram_quantile(0.95, sum by (name)'))![1];
  const payments = Number(p95.find((s) => s.metric.name === 'POST /api/v1/payments')!.value[1]);
  const judged = coordinator.thresholds.find((t) => t.metric === 'http_req_duration{name:POST /api/v1/payments}' && t.stat === 'p(95)')!;
  assert.ok(Math.abs(payments - judged.observed!) < 1e-9, `dashboard ${payments} ms vs verdict ${judged.observed} ms`);
  // One line per runner.
  const perRunner = [...values.entries()].find(([e]) => e.startsWith('sum by (runner) (rate('))![1];
  assert.deepEqual(perRunner.map((s) => s.metric.runner).filter((r) => r !== 'setup').sort(), ['r0', 'r1']);
});

test('the audit dashboard: its business counters (count<=0, count>0, recon_minor by kind and currency) and the chain\'s rate are lines on panels that read them; every query returns data; a counter reads the verdict\'s value', async () => {
  assert.equal(audit.verdict, 'pass', JSON.stringify({ error: audit.error, failed: audit.failedThresholds }));
  assert.ok(audit.thresholds.some((t) => t.metric.startsWith('recon_minor{')) && audit.thresholds.some((t) => t.expression === 'count<=0'));
  assert.ok(audit.thresholds.some((t) => t.metric === 'audit_chain_valid'));
  await checkBoard('audit', audit);
});
