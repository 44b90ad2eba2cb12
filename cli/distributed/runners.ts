// The k6 processes of a distributed run: N runners, each one execution segment of one sequence, started
// paused with their REST API on, and one more process that only runs setup() and teardown() (never
// un-paused), so both run once per test (docs/distributed.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { k6Env } from '../k6.ts';
import { redactingStream } from '../report-files.ts';
import { freePort } from '../processes.ts';

/** A k6 process's REST API: all the coordinator needs of a runner that runs elsewhere. */
export interface Endpoint {
  id: string;
  segment: string;
  /** host:port of `k6 run --address`. */
  address: string;
}

export interface K6Process extends Endpoint {
  reportDir: string;
  child: ChildProcess;
  /** The exit code, or 128+n for a signal; resolves when the process is gone. */
  exited: Promise<number>;
  exitCode: () => number | null;
  stderrTail: () => string;
  /**
   * Flat memory: no thresholds, no summary, no web dashboard, so k6 keeps no per-sample store; it
   * lingers after its test so its exact check totals can be read before it is stopped (docs/flat-memory.md).
   */
  flat: boolean;
  /** The first line in which k6 said a push to Prometheus failed, or null. */
  pushFailure: () => string | null;
}

export interface LaunchOptions {
  k6Path: string;
  script: string;
  env: NodeJS.ProcessEnv;
  testId: string;
  prometheusWriteUrl: string;
  reportDir: string;
  secrets: readonly string[];
  /** Extra `k6 run` arguments (e.g. `--out json=...` in tests). */
  k6Args?: (id: string) => string[];
}

/**
 * What k6 v2.2's remote-write output logs when a push was refused or failed: the run's counts are then
 * incomplete. Its warning that a flush took longer than the push interval ("Some samples may be
 * dropped") is not one: its flusher runs one flush after the other and the samples wait in its buffer
 * (output/helpers.go), so a slow flush delays samples, it does not lose them.
 */
export const PUSH_FAILURE = /Failed to send the time series data|marking time series as stale failed/;

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** `0,1/3,2/3,1` and its segments `0:1/3`, `1/3:2/3`, `2/3:1`. */
export function segments(n: number): { sequence: string; segments: string[] } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--runners must be a whole number of at least 1, got ${n}`);
  const points = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`));
  return { sequence: points.join(','), segments: points.slice(0, -1).map((p, i) => `${p}:${points[i + 1]}`) };
}

export async function launch(id: string, segment: string | null, sequence: string, o: LaunchOptions): Promise<K6Process> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const reportDir = join(o.reportDir, 'runners', id);
  mkdirSync(reportDir, { recursive: true });
  const features = [o.env.K6_FEATURES, 'native-histograms'].filter(Boolean).join(',');
  const env = k6Env({
    ...o.env,
    REPORT_DIR: reportDir,
    K6_FEATURES: features,
    K6_PROMETHEUS_RW_SERVER_URL: o.prometheusWriteUrl,
    // One push a second bounds how long after the last exit the totals are complete.
    K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    K6_WEB_DASHBOARD: 'false',
  });
  const args = ['run', '--quiet', '--paused', '--address', address, '--no-thresholds', '--no-teardown'];
  // The setup process is never released: it runs setup() and teardown() through the REST API only, so
  // it keeps its summary (a handful of samples). Every load runner runs in flat memory.
  const flat = segment !== null;
  if (segment) args.push('--no-setup', '--execution-segment', segment, '--execution-segment-sequence', sequence);
  if (flat) args.push('--summary-mode=disabled', '--linger');
  args.push('--tag', `runner=${id}`, '--tag', `testid=${o.testId}`, '-o', 'experimental-prometheus-rw', ...(o.k6Args?.(id) ?? []), o.script);
  const child = spawn(o.k6Path, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  let pushFailure: string | null = null;
  child.stderr!.pipe(redactingStream(o.secrets)).on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-6000);
    if (pushFailure === null) pushFailure = tail.split('\n').find((l) => PUSH_FAILURE.test(l))?.trim() ?? null;
  });
  let code: number | null = null;
  const exited = new Promise<number>((resolve) =>
    child.on('close', (c, sig) => resolve((code = c ?? 128 + (SIGNALS[sig ?? ''] ?? 0)))),
  );
  return { id, segment: segment ?? 'setup/teardown', address, reportDir, child, exited, exitCode: () => code, stderrTail: () => tail, flat, pushFailure: () => pushFailure };
}

export async function api(p: Endpoint, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://${p.address}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as { errors?: Array<{ title?: string; detail?: string }> } | null;
  if (res.status >= 300 || json?.errors) {
    const e = json?.errors?.[0];
    throw new Error(`${p.id}: ${method} ${path} answered ${res.status}: ${e ? `${e.title ?? ''}: ${e.detail ?? ''}` : ''}`);
  }
  return json;
}

/** Waits until the process's REST API answers; fails naming it when it exits first or never answers. */
export async function waitReady(p: K6Process, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.exitCode() !== null) throw new Error(`runner ${p.id} exited with code ${p.exitCode()} before it was ready:\n${p.stderrTail()}`);
    try {
      await api(p, 'GET', '/v1/status');
      return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`runner ${p.id} did not answer GET /v1/status on ${p.address} within ${timeoutMs} ms`);
}

/** k6's status code once its test has run (9 ended, 10 interrupted), as `--linger` keeps answering. */
export const ENDED = 9;

/** The test's status through the REST API; null when it does not answer. */
export async function testStatus(e: Endpoint): Promise<number | null> {
  try {
    const r = (await api(e, 'GET', '/v1/status')) as { data: { attributes: { status: number } } };
    return r.data.attributes.status;
  } catch {
    return null;
  }
}

/** A process's own request total from its REST API (not kept in flat memory); undefined when it does not answer. */
export async function ownRequests(e: Endpoint): Promise<number | undefined> {
  try {
    const r = (await api(e, 'GET', '/v1/metrics/http_reqs')) as { data: { attributes: { sample: { count?: number } } } };
    return r.data.attributes.sample.count ?? 0;
  } catch (err) {
    // A process that never sent a request has no http_reqs metric yet.
    return /404/.test((err as Error).message) ? 0 : undefined;
  }
}

/**
 * Every check's passes and fails on one process: k6 counts them per group in an output of its own that
 * keeps two integers per check whatever else is disabled (lib.GroupSummary), so they are exact also in
 * flat memory. Undefined when the REST API does not answer.
 */
export async function ownChecks(e: Endpoint): Promise<{ passes: number; fails: number } | undefined> {
  try {
    const r = (await api(e, 'GET', '/v1/groups')) as { data: Array<{ attributes: { checks?: Array<{ passes: number; fails: number }> } }> };
    const all = r.data.flatMap((g) => g.attributes.checks ?? []);
    return { passes: all.reduce((s, c) => s + c.passes, 0), fails: all.reduce((s, c) => s + c.fails, 0) };
  } catch {
    return undefined;
  }
}

/** Runs setup() in the setup process and hands its data to every runner (PUT takes the raw data). */
export async function setupOnce(control: Endpoint, runners: readonly Endpoint[]): Promise<void> {
  const res = (await api(control, 'POST', '/v1/setup')) as { data?: { attributes?: { data?: unknown } } };
  const data = res.data?.attributes?.data;
  if (data === undefined || data === null) return;
  await Promise.all(runners.map((r) => api(r, 'PUT', '/v1/setup', data)));
}

export async function teardownOnce(control: Endpoint): Promise<void> {
  await api(control, 'POST', '/v1/teardown');
}

/**
 * Releases every runner at once. The skew is the time from the first release request to the last
 * runner's acknowledgement: an upper bound on how far apart the runners started.
 */
export async function release(runners: readonly Endpoint[]): Promise<number> {
  const body = { data: { type: 'status', id: 'default', attributes: { paused: false } } };
  const t0 = performance.now();
  const acks = await Promise.all(runners.map((r) => api(r, 'PATCH', '/v1/status', body).then(() => performance.now())));
  return Math.max(...acks) - t0;
}

/** Ends every runner's test through the REST API (k6 exits 103 after writing its summary). */
export async function stopAll(runners: readonly Endpoint[]): Promise<void> {
  const body = { data: { type: 'status', id: 'default', attributes: { stopped: true } } };
  await Promise.all(runners.map((r) => api(r, 'PATCH', '/v1/status', body).catch(() => undefined)));
}

/** Stops a process: SIGINT lets k6 flush its outputs and write its summary; SIGKILL after graceMs. */
export async function stop(p: K6Process, graceMs = 10_000): Promise<number> {
  if (p.exitCode() === null) p.child.kill('SIGINT');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}
