// The coordinator: starts N paused k6 runners and one setup/teardown process, releases the runners
// together, waits for them, runs teardown once, and judges the bundle's thresholds over everything the
// processes wrote to Prometheus. Any runner that fails to start, dies or whose data is missing makes
// the verdict `error`, never a pass, and every process it started is stopped (docs/distributed.md).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { secretsOf } from '../../lib/config.ts';
import type { RunSeries } from '../../lib/report/page/series.ts';
import { assembleReport, noLatency, reportedSkew, sumCounts } from '../../lib/verdict/assemble.ts';
import { judgeRun } from '../../lib/verdict/from-prometheus.ts';
import { unjudged, type Judged } from '../../lib/verdict/judge.ts';
import type { DistributedReport, Report, RunnerRow } from '../../lib/verdict/report-data.ts';
import { inspectThresholds } from '../bundle.ts';
import { ensureK6 } from '../k6.ts';
import { checkRunNames, timestamp } from '../run-scenario.ts';
import { abortOnBreach } from './abort-on-breach.ts';
import { prometheusSeries } from './series.ts';
import { endpointsFromPrometheus } from '../../lib/verdict/from-prometheus.ts';
import { usePrometheus } from './prometheus.ts';
import { reapedChildrenCpuMs } from '../cpu.ts';
import { ENDED, launch, ownChecks, ownRequests, release, segments, setupOnce, stop, stopAll, teardownOnce, testStatus, waitReady, type Endpoint, type K6Process } from './runners.ts';

export interface DistributedOptions {
  scenario: string;
  profile: string;
  runners: number;
  env: NodeJS.ProcessEnv;
  reportsRoot?: string;
  /** The report directory's name under reportsRoot; by default `<scenario>-<profile>-distributed-<time>`. */
  reportName?: string;
  /** A script other than dist/<scenario>.js (bench/soak-memory). */
  script?: string;
  k6Args?: (id: string) => string[];
  /** Called once every process is running (tests use it to kill a runner). */
  onLaunched?: (processes: readonly K6Process[]) => void;
  log?: (line: string) => void;
}

export interface DistributedResult {
  report: DistributedReport;
  reportDir: string;
  /** Every process started: k6 runners, the setup process, Prometheus if started here. */
  pids: number[];
  /** The report page's charts, read from Prometheus before it stopped. */
  series: RunSeries | null;
  /** Every k6 process's CPU time (user + system, ms) from launch to exit (cli/cpu.ts), for baseline.json. */
  k6Cpu: { cpuMs: number | null; processes: number };
}

function readSummary(p: K6Process): Report | null {
  const path = join(p.reportDir, 'summary.json');
  if (!existsSync(path)) return null;
  const s = JSON.parse(readFileSync(path, 'utf8')) as Report & { exitCode?: number };
  return s.requests ? s : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDistributed(o: DistributedOptions): Promise<DistributedResult> {
  // A script of its own (a bench) still names its reports and test id by `scenario`: a plain name only.
  if (o.script === undefined) checkRunNames(o.scenario, o.profile);
  else if (!/^[a-z0-9][a-z0-9-]*$/.test(o.scenario)) throw new Error(`scenario name '${o.scenario}' must be lowercase letters, digits and '-'`);
  const log = o.log ?? (() => {});
  const { sequence, segments: segs } = segments(o.runners);
  // Before any load: without Prometheus there is no verdict to give.
  const prom = await usePrometheus(o.env);
  const pids: number[] = prom.child?.pid ? [prom.child.pid] : [];
  const processes: K6Process[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...o.env, PROFILE: o.profile };
    const secrets = secretsOf(env);
    const k6 = await ensureK6();
    const script = o.script ?? join('dist', `${o.scenario}.js`);
    const thresholds = inspectThresholds(k6.path, script, env);
    const testId = `${o.scenario}-${timestamp().slice(0, 19)}-${randomBytes(3).toString('hex')}`;
    const reportDir = join(o.reportsRoot ?? 'reports', o.reportName ?? `${o.scenario}-${o.profile}-distributed-${timestamp()}`);
    mkdirSync(reportDir, { recursive: true });
    log(`distributed: ${o.runners} runner${o.runners === 1 ? '' : 's'} of ${script}, test id ${testId}, prometheus ${prom.url}${prom.child ? ' (started here)' : ''}`);
    const launchOpts = { k6Path: k6.path, script, env, testId, prometheusWriteUrl: prom.writeUrl, reportDir, secrets, k6Args: o.k6Args };
    const started = Date.now();
    // The k6 processes are this process's only children that exit before the count is read below.
    const cpuBefore = reapedChildrenCpuMs();
    const control = await launch('setup', null, sequence, launchOpts);
    processes.push(control);
    for (const [i, seg] of segs.entries()) processes.push(await launch(`r${i}`, seg, sequence, launchOpts));
    for (const p of processes) if (p.child.pid) pids.push(p.child.pid);
    const runners = processes.slice(1);
    const errors: string[] = [];
    let skewMs: number | null = null;
    let released = 0;
    const abort = { by: null as string | null, done: false };
    const checks = new Map<string, { passes: number; fails: number } | undefined>();
    const endedAt = new Map<string, number>();
    try {
      await Promise.all(processes.map((p) => waitReady(p)));
      await setupOnce(control, runners);
      o.onLaunched?.(processes);
      skewMs = await release(runners);
      released = Date.now();
      log(`released ${runners.length} runner${runners.length === 1 ? '' : 's'}; start skew ${skewMs.toFixed(1)} ms (first release request to last acknowledgement)`);
      const live = { prom: prom.reader, testId, stopRunners: () => stopAll(runners), thresholds, started, released, log };
      await Promise.all([watch(runners, errors, abort, { checks, endedAt }).finally(() => (abort.done = true)), abortOnBreach(live, abort)]);
    } catch (e) {
      errors.push((e as Error).message || String(e));
    }
    const ended = Date.now();
    // teardown() once, unless the run never started (its data would not describe a run).
    if (released > 0) await teardownOnce(control).catch((e: Error) => errors.push(`teardown: ${e.message}`));
    // The setup process's own totals from its REST API, for a script whose handleSummary writes no
    // summary.json (a bench's plain script).
    const controlRequests = await ownRequests(control);
    checks.set(control.id, await settledChecks(control));
    await Promise.all(processes.map((p) => stop(p)));
    const cpuAfter = reapedChildrenCpuMs();
    const k6Cpu = { cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, processes: processes.length };
    // Each process pushes once a second; its last push lands after it exits. Read after that.
    await sleep(2500);
    const time = Date.now() / 1000;
    const rangeSeconds = (Date.now() - started) / 1000 + 60;

    for (const p of processes) {
      const failed = p.pushFailure();
      if (failed) errors.push(`runner ${p.id}: k6 could not push all its samples to Prometheus, so its counts are incomplete: ${failed}`);
    }
    const flat = processes.filter((p) => p.flat);
    const summaries = new Map(processes.filter((p) => !p.flat).map((p) => [p.id, readSummary(p)] as const));
    const all = [...summaries.values()].filter((s): s is Report => s !== null);
    let stored = new Map<string, number>();
    let merged: Report[] = all;
    let judged: Judged[] = unjudged(thresholds);
    let latencyMs: Report['latencyMs'] = noLatency();
    let durationSeconds = (ended - (released || ended)) / 1000;
    // A run that never started has no data to judge: its error is already named.
    if (released > 0) {
      // A flat runner's test ran from its release until its status said ended.
      // To the hundredth of a second, as k6's own summary and the report give it.
      const longest = Math.max(0, ...runners.map((p) => summaries.get(p.id)?.durationSeconds ?? Math.round((endedAt.get(p.id) ?? released) - released) / 1000));
      const rounded = Math.round(longest * 100) / 100;
      const v = await judgeRun({
        prom: prom.reader,
        testId,
        time,
        rangeSeconds,
        thresholds,
        expectedRunners: runners.length,
        ownRequests: new Map(processes.filter((p) => !p.flat).map((p) => [p.id, summaries.get(p.id)?.requests.count ?? (p === control ? controlRequests : undefined)] as const)),
        summaries: all,
        counts: flat.length > 0 ? undefined : sumCounts(processes.map((p) => summaries.get(p.id)?.counts)),
        fromPrometheus: flat.map((p) => p.id),
        runnerChecks: checks,
        durationSeconds: rounded || durationSeconds,
      });
      ({ stored } = v);
      merged = v.summaries;
      judged = v.judged;
      latencyMs = v.latencyMs;
      durationSeconds = v.durationSeconds;
      errors.push(...v.errors);
    }
    const rows: RunnerRow[] = processes.map((p) => ({
      runner: p.id,
      segment: p.segment,
      requests: summaries.get(p.id)?.requests.count ?? stored.get(p.id) ?? null,
      exit: p.exitCode(),
    }));
    const report = assembleReport({
      scenario: o.scenario,
      profile: o.profile,
      durationSeconds,
      judged,
      summaries: merged,
      latencyMs,
      runners: rows,
      distributed: {
        testId,
        runners: runners.length,
        startSkewMs: reportedSkew(skewMs),
        prometheus: prom.url,
        ...(abort.by ? { abortedBy: abort.by } : {}),
      },
      errors,
    });
    // Load runners are flat (no summary): the endpoints' counts and merged percentiles come from
    // Prometheus, read now, before the one started here stops.
    if (released > 0 && (report.endpoints ?? []).length === 0) {
      report.endpoints = await endpointsFromPrometheus(prom.reader, testId, time, rangeSeconds, report.thresholds).catch((e: Error) => {
        log(`endpoints: not read from Prometheus (${e.message})`);
        return [];
      });
    }
    // The page's charts are read now: the Prometheus started here stops below.
    const endpoints = [...new Set([...all.flatMap((r) => r.endpoints ?? []), ...(report.endpoints ?? [])].map((e) => e.name))];
    const breached = report.thresholds.filter((t) => !t.ok);
    const series = released > 0 ? await prometheusSeries(prom.url, testId, released / 1000, ended / 1000 + 2, endpoints, log, breached) : null;
    return { report, reportDir, pids, series, k6Cpu };
  } finally {
    await Promise.all(processes.map((p) => stop(p, 3000)));
    await prom.stop();
  }
}

/**
 * Until a flat runner's test has ended (it lingers, so its REST API still answers): then its exact
 * check totals are read and it is stopped, which makes it push its last samples and exit.
 */
async function finish(p: K6Process, seen: Seen): Promise<void> {
  if (!p.flat) {
    await p.exited;
    return;
  }
  while (p.exitCode() === null) {
    // The test ended at most one poll before this request was sent: its send time is the end.
    const asked = Date.now();
    const status = await testStatus(p);
    if (status !== null && status >= ENDED) {
      seen.endedAt.set(p.id, asked);
      seen.checks.set(p.id, await settledChecks(p));
      await stop(p);
      return;
    }
    await Promise.race([p.exited, sleep(100)]);
  }
}

/**
 * A process's check totals once they stop changing. k6 reports the test ended before its last samples
 * have reached the output that counts checks (samples go to outputs in 50 ms batches): read right at
 * the end, a 3,000-check run showed 2,923. After the test no check can be added, so totals equal over
 * half a second, a second after the end, are final.
 */
export async function settledChecks(p: Endpoint): Promise<{ passes: number; fails: number } | undefined> {
  await sleep(1000);
  let last = await ownChecks(p);
  for (let i = 0; i < 20 && last; i++) {
    await sleep(500);
    const now = await ownChecks(p);
    if (now && now.passes === last.passes && now.fails === last.fails) return now;
    last = now;
  }
  return undefined;
}

interface Seen {
  checks: Map<string, { passes: number; fails: number } | undefined>;
  endedAt: Map<string, number>;
}

/**
 * Waits for every runner to end. A runner that exits non-zero (killed, crashed, k6 error) ends the run
 * for all: the others are stopped and the runner is named.
 */
async function watch(runners: readonly K6Process[], errors: string[], abort: { by: string | null }, seen: Seen): Promise<void> {
  const pending = new Set(runners);
  const done = new Map(runners.map((r) => [r, finish(r, seen).then(() => r)] as const));
  while (pending.size > 0) {
    const p = await Promise.race([...pending].map((r) => done.get(r)!));
    pending.delete(p);
    const code = p.exitCode()!;
    // 103: the test was stopped through the REST API, as abortOnBreach does.
    if (code !== 0 && !(abort.by && code === 103)) {
      errors.push(`runner ${p.id} (segment ${p.segment}) exited with code ${code}${code > 128 ? ' (killed by a signal)' : ''}: ${p.stderrTail().split('\n').slice(-3).join(' ').trim()}`);
      await Promise.all([...pending].map((r) => stop(r)));
      return;
    }
  }
}
