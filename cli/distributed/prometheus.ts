// The Prometheus a distributed run writes to: the user's (PROMETHEUS_URL) or a local one started from
// Debian's package with the remote-write receiver and native histograms on (docs/distributed.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PromReader, PromSample } from '../../lib/verdict/from-prometheus.ts';
import { selector } from '../../lib/verdict/promql.ts';
import { freePort, stopChild } from '../processes.ts';

export interface Prometheus {
  url: string;
  /** What the verdict queries it through. */
  reader: PromReader;
  /** Where k6's remote-write output sends samples. */
  writeUrl: string;
  /** Set only for a Prometheus we started. */
  child: ChildProcess | null;
  stop: () => Promise<void>;
}

export const INSTALL_HINT =
  'a distributed run needs Prometheus (2.42 or later): set PROMETHEUS_URL to a server started with ' +
  '--web.enable-remote-write-receiver --enable-feature=native-histograms, or install one (Debian: apt-get install prometheus)';


export function prometheusBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const bin = env.PROMETHEUS_BIN || 'prometheus';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? bin : null;
}

async function ready(url: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`prometheus exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus at ${url} was not ready within ${timeoutMs} ms`);
}

/** PROMETHEUS_URL when set, otherwise a local Prometheus on a free port with its own storage. */
export async function usePrometheus(env: NodeJS.ProcessEnv = process.env): Promise<Prometheus> {
  const given = env.PROMETHEUS_URL?.trim();
  if (given) {
    const url = given.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(url)) throw new Error(`PROMETHEUS_URL is not a URL: '${given}' (e.g. http://127.0.0.1:9090)`);
    await ready(url, null, 10_000).catch(() => {
      throw new Error(`PROMETHEUS_URL=${url} does not answer /-/ready; ${INSTALL_HINT}`);
    });
    return { url, reader: prometheusReader(url), writeUrl: `${url}/api/v1/write`, child: null, stop: async () => {} };
  }
  const bin = prometheusBinary(env);
  if (!bin) throw new Error(`no PROMETHEUS_URL and no 'prometheus' on PATH; ${INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'paykit-prometheus-'));
  // Nothing is scraped: the runners push. A long lookback lets an instant query at the end of a long run
  // still see series whose tags appeared only early on (series get samples only while their tags are seen).
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {scrape_interval: 1h}\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=native-histograms',
      '--web.enable-remote-write-receiver',
      '--query.lookback-delta=24h',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-3000)));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(url, child, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { url, reader: prometheusReader(url), writeUrl: `${url}/api/v1/write`, child, stop };
}

/**
 * The verdict's reader (lib/verdict/promql.ts PromReader) over Prometheus's HTTP API. A query the server
 * rejects throws, naming it: a verdict is never judged over an answer it did not get.
 */
export function prometheusReader(url: string): PromReader {
  return {
    url,
    async query(promql, time) {
      const body = new URLSearchParams({ query: promql, time: time.toFixed(3) });
      const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
      const json = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
      if (json.status !== 'success' || !json.data) throw new Error(`prometheus rejected '${promql}': ${json.error ?? res.status}`);
      return json.data.resultType === 'vector' ? json.data.result : [];
    },
    async labelValues(label, testId, time) {
      const params = new URLSearchParams({ 'match[]': selector(testId), start: String(time - 86_400), end: time.toFixed(3) });
      const res = await fetch(`${url}/api/v1/label/${label}/values?${params}`);
      const json = (await res.json()) as { status: string; data?: string[]; error?: string };
      if (json.status !== 'success') throw new Error(`prometheus at ${url} rejected the ${label} label query: ${json.error ?? res.status}`);
      return json.data ?? [];
    },
  };
}

/** An instant query at `time` (seconds) against the server at `url`. */
export function instantQuery(url: string, promql: string, time: number): Promise<PromSample[]> {
  return prometheusReader(url).query(promql, time);
}
