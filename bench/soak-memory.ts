// k6's memory against requests served, today's mode (thresholds and end-of-test summary: every Trend
// sample kept) beside flat memory (one runner of the coordinator: no sinks, verdict from Prometheus), on
// a fast local target (bench/soak-memory/target.mjs) so the generator is what is measured. Each run
// samples the k6 process's RSS and the target's own count every 2 s; it reports the RSS at given
// request counts, the peak (VmHWM), the slope (least squares over the samples after the first million),
// requests per client CPU-second, and for flat memory the verdict's counts beside the target's count.
//
//   flock /work/notes/bench.lock npx tsx bench/soak-memory.ts [--today 3000000] [--flat 10000000] [--vus 20] [--out FILE]
//   (a mode given 0 is skipped; docs/flat-memory.md has the figures and dates)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDistributed } from '../cli/distributed/coordinator.ts';
import { ensureK6, k6Env } from '../cli/k6.ts';

const { values: args } = parseArgs({
  options: {
    today: { type: 'string', default: '3000000' },
    flat: { type: 'string', default: '10000000' },
    vus: { type: 'string', default: '20' },
    out: { type: 'string' },
  },
});
const SCRIPT = join(import.meta.dirname, 'soak-memory', 'script.js');
const MARKS = [1e6, 3e6, 1e7];
const TICKS = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ on Linux)

interface Sample { t: number; requests: number; rssMb: number; cpuSeconds: number }

function procStatus(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

function cpuSeconds(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS; // utime, stime
  } catch {
    return null;
  }
}

async function startTarget(): Promise<{ url: string; count: () => Promise<number>; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'soak-memory', 'target.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('exit', (c) => reject(new Error(`target exited with ${c}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, child, count: async () => Number(await (await fetch(`${url}/__count`)).text()) };
}

/** Samples a process every 2 s until `done` resolves; the last sample is the last one taken alive. */
async function sample(pidOf: () => number | null, count: () => Promise<number>, done: Promise<unknown>, log: (s: Sample) => void) {
  const samples: Sample[] = [];
  let hwmMb = 0;
  let finished = false;
  void done.then(() => (finished = true));
  const t0 = Date.now();
  let lastLog = 0;
  while (!finished) {
    const pid = pidOf();
    const st = pid ? procStatus(pid) : null;
    const cpu = pid ? cpuSeconds(pid) : null;
    if (st && cpu !== null) {
      hwmMb = Math.max(hwmMb, st.hwmMb);
      const s = { t: (Date.now() - t0) / 1000, requests: await count(), rssMb: st.rssMb, cpuSeconds: cpu };
      samples.push(s);
      if (s.t - lastLog >= 30) (lastLog = s.t), log(s);
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  }
  return { samples, hwmMb };
}

/** Least-squares slope of RSS (MB) per million requests over the samples after the first million. */
export function slopeMbPerMillion(samples: readonly Sample[]): number | null {
  const xs = samples.filter((s) => s.requests >= 1e6);
  if (xs.length < 3) return null;
  const mx = xs.reduce((a, s) => a + s.requests, 0) / xs.length;
  const my = xs.reduce((a, s) => a + s.rssMb, 0) / xs.length;
  const num = xs.reduce((a, s) => a + (s.requests - mx) * (s.rssMb - my), 0);
  const den = xs.reduce((a, s) => a + (s.requests - mx) ** 2, 0);
  return den > 0 ? (num / den) * 1e6 : null;
}

function atMarks(samples: readonly Sample[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of MARKS) out[`${m / 1e6}M`] = samples.find((s) => s.requests >= m)?.rssMb ?? null;
  return out;
}

const round = (n: number | null | undefined, d = 1) => (n === null || n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d);
const log = (mode: string) => (s: Sample) => console.log(`  ${mode}: ${s.t.toFixed(0)} s, ${s.requests} requests, RSS ${s.rssMb.toFixed(1)} MB, CPU ${s.cpuSeconds.toFixed(1)} s, load ${loadavg()[0]!.toFixed(2)}`);

async function today(requests: number, vus: string, target: Awaited<ReturnType<typeof startTarget>>) {
  const k6 = await ensureK6();
  const dir = mkdtempSync(join(tmpdir(), 'paykit-soak-today-'));
  const before = await target.count();
  const load0 = loadavg();
  const started = Date.now();
  // GNU time gives the process's whole CPU and peak RSS, the end-of-test summary's sort included.
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', join(dir, 'time'), k6.path, 'run', '--quiet', '--summary-export', join(dir, 'summary.json'), SCRIPT], {
    env: k6Env({ ...process.env, TARGET_URL: target.url, REQUESTS: String(requests), VUS: vus, K6_WEB_DASHBOARD: 'false' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  const k6Pid = () => {
    try {
      return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) || null;
    } catch {
      return null;
    }
  };
  const { samples } = await sample(k6Pid, async () => (await target.count()) - before, exited, log('today'));
  const code = await exited;
  const [user, sys, maxKb] = readFileSync(join(dir, 'time'), 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, Record<string, number>> };
  rmSync(dir, { recursive: true, force: true });
  const served = (await target.count()) - before;
  const cpu = user! + sys!;
  return {
    mode: 'today', exitCode: code, requests: served, seconds: (Date.now() - started) / 1000, load: [load0, loadavg()],
    peakRssMb: round(maxKb! / 1024), rssAt: atMarks(samples), slopeMbPerMillion: round(slopeMbPerMillion(samples), 2),
    cpuSeconds: round(cpu, 1), requestsPerCpuSecond: Math.round(served / cpu),
    k6: { requests: summary.metrics.http_reqs?.count, p95: round(summary.metrics.http_req_duration?.['p(95)'], 3), p99: round(summary.metrics.http_req_duration?.['p(99)'], 3) },
  };
}

async function flat(requests: number, vus: string, target: Awaited<ReturnType<typeof startTarget>>) {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-soak-flat-'));
  const before = await target.count();
  const load0 = loadavg();
  const started = Date.now();
  let pid: number | null = null;
  const run = runDistributed({
    scenario: 'soak-memory', profile: 'smoke', runners: 1, script: SCRIPT, reportsRoot: dir, reportName: 'flat',
    env: { ...process.env, TARGET_URL: target.url, REQUESTS: String(requests), VUS: vus },
    onLaunched: (ps) => (pid = ps.find((p) => p.id === 'r0')?.child.pid ?? null),
  });
  const { samples, hwmMb } = await sample(() => pid, async () => (await target.count()) - before, run, log('flat'));
  const { report } = await run;
  rmSync(dir, { recursive: true, force: true });
  const served = (await target.count()) - before;
  // The last sample was taken while the runner lingered after its test: its whole CPU but the last push.
  const cpu = samples.at(-1)?.cpuSeconds ?? NaN;
  return {
    mode: 'flat', verdict: report.verdict, error: report.error, requests: served, seconds: (Date.now() - started) / 1000, load: [load0, loadavg()],
    peakRssMb: round(hwmMb), rssAt: atMarks(samples), slopeMbPerMillion: round(slopeMbPerMillion(samples), 2),
    cpuSeconds: round(cpu, 1), requestsPerCpuSecond: Math.round(served / cpu),
    verdictCounts: { requests: report.requests.count, checksPassed: report.checks.passes, checksFailed: report.checks.fails, benchHits: report.counters.bench_hits, iterations: report.iterations.count },
    latencyMs: report.latencyMs,
    thresholds: report.thresholds.map((t) => `${t.metric} ${t.expression}: ${t.ok ? 'ok' : 'FAIL'} (${t.observed})`),
  };
}

async function main(): Promise<void> {
  const target = await startTarget();
  const results: unknown[] = [];
  try {
    const n = { today: Number(args.today), flat: Number(args.flat) };
    // Each mode's result is written as soon as it is known: a long run cut short keeps the earlier ones.
    const save = () => args.out && writeFileSync(args.out, JSON.stringify({ date: new Date().toISOString(), vus: Number(args.vus), results }, null, 2) + '\n');
    if (n.today > 0) results.push(await today(n.today, args.vus!, target)), save();
    if (n.flat > 0) results.push(await flat(n.flat, args.vus!, target)), save();
  } finally {
    target.child.kill();
  }
  const text = JSON.stringify({ date: new Date().toISOString(), vus: Number(args.vus), results }, null, 2);
  console.log(text);
  if (args.out) writeFileSync(args.out, text + '\n');
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
