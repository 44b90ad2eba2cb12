// The coordinator's remote mode: k6 runners already started elsewhere (docker compose, pods), each
// `k6 run --paused --linger --address 0.0.0.0:6565 --execution-segment … --tag runner=<label>
// --tag testid=<id> -o experimental-prometheus-rw`, plus one never-released setup runner. The same loop
// as the local mode over their REST APIs: wait for all, setup() once, release together, watch, abort
// on abortOnFail, teardown() once, judge with lib/verdict/from-prometheus.ts. --linger keeps a finished runner's API up,
// so a runner that stops answering before its test ended is dead, not done (docs/distributed.md).
import { join } from 'node:path';
import { assembleReport, noLatency, reportedSkew, sumCounts } from '../../lib/verdict/assemble.ts';
import { judgeRun, SETUP_RUNNER } from '../../lib/verdict/from-prometheus.ts';
import { unjudged } from '../../lib/verdict/judge.ts';
import type { DistributedReport, Report } from '../../lib/verdict/report-data.ts';
import { inspectThresholds } from '../bundle.ts';
import { ensureK6 } from '../k6.ts';
import { checkRunNames } from '../run-scenario.ts';
import { abortOnBreach } from './abort-on-breach.ts';
import { usePrometheus } from './prometheus.ts';
import { api, ownChecks, ownRequests, release, setupOnce, stopAll, teardownOnce, type Endpoint } from './runners.ts';

export interface RemoteOptions {
  scenario: string;
  profile: string;
  /** `[label=]host:port` of each load runner; the label defaults to r<i>, as the runners' `runner` tag. */
  remote: readonly string[];
  /** The setup runner's host:port; without one each runner must run setup() itself. */
  setup: string | null;
  testId: string;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** `r1=k6-r1:6565` or `k6-r1:6565` (label r<i>). */
export function parseRemote(list: readonly string[]): Endpoint[] {
  const out = list.map((entry, i) => {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq) : `r${i}`;
    const address = eq > 0 ? entry.slice(eq + 1) : entry;
    if (!/^[A-Za-z0-9._-]+:\d+$/.test(address)) throw new Error(`--remote entry '${entry}' is not [label=]host:port`);
    return { id, segment: 'remote', address };
  });
  const ids = out.map((e) => e.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`--remote names runner '${dup}' twice: every runner needs its own label`);
  return out;
}

interface Status { status: number; paused: boolean; running: boolean }
const ENDED = 9;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(e: Endpoint): Promise<Status> {
  const r = (await api(e, 'GET', '/v1/status')) as { data: { attributes: Status } };
  return r.data.attributes;
}

async function waitPaused(e: Endpoint, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const s = await status(e);
      if (s.paused && !s.running) return;
      throw new Error(`runner ${e.id} at ${e.address} is not paused (status ${s.status}): start it with --paused`);
    } catch (err) {
      if ((err as Error).message.includes('is not paused')) throw err;
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`runner ${e.id} did not answer GET /v1/status on ${e.address} within ${timeoutMs} ms (${last})`);
}

/** Polls every runner until its test ended; one that stops answering first is dead and ends the run. */
async function watchRemote(runners: readonly Endpoint[], errors: string[], abort: { by: string | null }): Promise<void> {
  const pending = new Set(runners);
  const misses = new Map<Endpoint, number>();
  while (pending.size > 0) {
    await sleep(500);
    for (const r of [...pending]) {
      try {
        const s = await status(r);
        misses.set(r, 0);
        // 9 ended, 10 interrupted (stopped through the API: `running` stays true while it lingers).
        if (s.status >= ENDED) pending.delete(r);
      } catch (e) {
        // Three misses in a row (1.5 s): a runner restarting its network does not count as dead.
        const n = (misses.get(r) ?? 0) + 1;
        misses.set(r, n);
        if (n >= 3 && !abort.by) {
          errors.push(`runner ${r.id} at ${r.address} stopped answering before its test ended: ${(e as Error).message}`);
          await stopAll([...pending].filter((p) => p !== r));
          return;
        }
      }
    }
  }
}

async function keepsNoMetrics(e: Endpoint): Promise<boolean> {
  try {
    const r = (await api(e, 'GET', '/v1/metrics')) as { data: unknown[] };
    return r.data.length === 0;
  } catch {
    return false;
  }
}



/** Every counter and counter sub-metric one process kept, by k6's key: exact where Prometheus may not be. */
async function ownCounts(e: Endpoint): Promise<Record<string, number> | undefined> {
  try {
    const r = (await api(e, 'GET', '/v1/metrics')) as { data: Array<{ id: string; attributes: { type?: string; sample?: { count?: number } } }> };
    const counts: Record<string, number> = {};
    for (const m of r.data) if (m.attributes.type === 'counter') counts[m.id] = m.attributes.sample?.count ?? 0;
    return counts;
  } catch {
    return undefined;
  }
}

export async function runRemote(o: RemoteOptions): Promise<{ report: DistributedReport }> {
  checkRunNames(o.scenario, o.profile);
  const log = o.log ?? (() => {});
  const runners = parseRemote(o.remote);
  if (runners.length === 0) throw new Error('--remote needs at least one runner address');
  const control: Endpoint | null = o.setup ? { id: SETUP_RUNNER, segment: 'setup/teardown', address: o.setup } : null;
  if (!o.env.PROMETHEUS_URL) throw new Error('remote mode needs PROMETHEUS_URL: the Prometheus the runners write to');
  const prom = await usePrometheus(o.env);
  const env: NodeJS.ProcessEnv = { ...o.env, PROFILE: o.profile };
  const thresholds = inspectThresholds((await ensureK6()).path, join('dist', `${o.scenario}.js`), env);
  const all = control ? [control, ...runners] : runners;
  const started = Date.now();
  const errors: string[] = [];
  const abort = { by: null as string | null, done: false };
  let skewMs: number | null = null;
  let released = 0;
  try {
    await Promise.all(all.map((e) => waitPaused(e, o.readyTimeoutMs ?? 120_000)));
    if (control) await setupOnce(control, runners);
    skewMs = await release(runners);
    released = Date.now();
    log(`released ${runners.length} remote runners; start skew ${skewMs.toFixed(1)} ms; test id ${o.testId}`);
    const live = { prom: prom.reader, testId: o.testId, stopRunners: () => stopAll(runners), thresholds, started, released, log };
    await Promise.all([watchRemote(runners, errors, abort).finally(() => (abort.done = true)), abortOnBreach(live, abort)]);
  } catch (e) {
    errors.push((e as Error).message || String(e));
    await stopAll(runners);
  }
  const ended = Date.now();
  if (released > 0 && control) await teardownOnce(control).catch((e: Error) => errors.push(`teardown: ${e.message}`));
  // Every runner pushes once a second: wait for the last push before reading.
  await sleep(2500);
  // A runner in flat memory (started with --summary-mode=disabled --no-thresholds) keeps no metrics to
  // answer with: its counts are what Prometheus holds after its last push (docs/flat-memory.md).
  const flat = new Set<string>();
  for (const e of all) if (await keepsNoMetrics(e)) flat.add(e.id);
  const own = new Map<string, number | undefined>();
  for (const e of all) if (!flat.has(e.id)) own.set(e.id, await ownRequests(e));
  // Exact check totals: Prometheus holds only each check series' rate, not how many checks it counts.
  const perProcess = await Promise.all(all.map((e) => ownChecks(e)));
  const checks = perProcess.every((c) => c !== undefined)
    ? { passes: perProcess.reduce((s, c) => s + c!.passes, 0), fails: perProcess.reduce((s, c) => s + c!.fails, 0) }
    : undefined;
  const counts = sumCounts(await Promise.all(all.map((e) => (flat.has(e.id) ? undefined : ownCounts(e)))));
  const time = Date.now() / 1000;
  let judged = unjudged(thresholds);
  let latencyMs: Report['latencyMs'] = noLatency();
  let summaries: Report[] = [];
  let stored = new Map<string, number>();
  let durationSeconds = (ended - (released || ended)) / 1000;
  if (released > 0) {
    const v = await judgeRun({ prom: prom.reader, testId: o.testId, time, rangeSeconds: (Date.now() - started) / 1000 + 60, thresholds, expectedRunners: runners.length, ownRequests: own, checks, counts, fromPrometheus: [...flat] });
    ({ judged, latencyMs, summaries, durationSeconds, stored } = v);
    errors.push(...v.errors);
  }
  const report = assembleReport({
    scenario: o.scenario,
    profile: o.profile,
    durationSeconds,
    judged,
    summaries,
    latencyMs,
    runners: all.map((e) => ({ runner: e.id, segment: e.segment, requests: own.get(e.id) ?? stored.get(e.id) ?? null, exit: null })),
    distributed: {
      testId: o.testId,
      runners: runners.length,
      startSkewMs: reportedSkew(skewMs),
      prometheus: prom.url,
      ...(abort.by ? { abortedBy: abort.by } : {}),
    },
    errors,
  });
  return { report };
}
