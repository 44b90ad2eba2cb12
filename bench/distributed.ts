// Distributed-run benchmark (issue 13): the same total VUs as one plain `k6 run` and as 1, 2 and 3
// coordinated runners on this host, against one sandbox, alternating over rounds.
//
//   npx tsx bench/distributed.ts [--vus 12] [--duration 15s] [--rounds 2] [--runners 1,2,3]
//
// Reports total requests/s, k6 CPU per 1000 requests (every k6 process's user+system time, read from
// /proc while it runs), the CPU Prometheus spent ingesting, and the start skew. No think time
// (MIN_WAIT_TIME=MAX_WAIT_TIME=0), so the host's two cores, shared by k6, the sandbox and Prometheus,
// are the limit: N processes compete for them, which is what the table shows.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDistributed } from '../cli/distributed/coordinator.ts';
import { usePrometheus } from '../cli/distributed/prometheus.ts';
import { ensureK6, k6Env } from '../cli/k6.ts';
import { startSandboxProcess } from '../cli/sandbox-process.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const VUS = arg('vus', '12');
const DURATION = arg('duration', '15s');
const ROUNDS = Number(arg('rounds', '2'));
const RUNNERS = arg('runners', '1,2,3').split(',').map(Number);
const TICK = 100; // clock ticks per second on Linux (getconf CLK_TCK)

/** user+system CPU seconds of a process so far, or null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return null;
  }
}

/** Samples the CPU of some processes until stopped; keeps each one's last reading. */
function cpuMeter() {
  const last = new Map<number, number>();
  const watched = new Set<number>();
  const timer = setInterval(() => {
    for (const pid of watched) {
      const s = cpuSeconds(pid);
      if (s !== null) last.set(pid, s);
    }
  }, 100);
  return {
    watch: (pid: number) => watched.add(pid),
    total: (pids?: number[]) => [...last.entries()].filter(([p]) => !pids || pids.includes(p)).reduce((s, [, v]) => s + v, 0),
    stop: () => clearInterval(timer),
  };
}

interface Row { mode: string; rps: number; k6CpuPer1000: number; promCpu: number | null; skewMs: number | null; requests: number }

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess();
  const prom = await usePrometheus({});
  const k6 = await ensureK6();
  const env = { ...process.env, PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl, MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0', VUS, DURATION };
  const rows: Row[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Plain single process: no REST API, no remote write, k6 judging its own thresholds.
      {
        const dir = mkdtempSync(join(tmpdir(), 'paykit-bench-'));
        const meter = cpuMeter();
        const child = spawn(k6.path, ['run', '--quiet', '--summary-export', join(dir, 's.json'), 'dist/payment.js'], { env: k6Env({ ...env, REPORT_DIR: dir }), stdio: 'ignore' });
        meter.watch(child.pid!);
        await new Promise((r) => child.on('close', r));
        meter.stop();
        const s = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as { metrics: { http_reqs: { count: number; rate: number } } };
        rows.push({ mode: 'k6 run (1 process)', rps: s.metrics.http_reqs.rate, k6CpuPer1000: (meter.total() / s.metrics.http_reqs.count) * 1000, promCpu: null, skewMs: null, requests: s.metrics.http_reqs.count });
        rmSync(dir, { recursive: true, force: true });
      }
      for (const n of RUNNERS) {
        const dir = mkdtempSync(join(tmpdir(), 'paykit-bench-'));
        const meter = cpuMeter();
        meter.watch(prom.child!.pid!);
        const promBefore = cpuSeconds(prom.child!.pid!) ?? 0;
        const k6Pids: number[] = [];
        const { report } = await runDistributed({
          scenario: 'payment', profile: 'smoke', runners: n, env: { ...env, PROMETHEUS_URL: prom.url }, reportsRoot: dir,
          onLaunched: (ps) => ps.forEach((p) => { k6Pids.push(p.child.pid!); meter.watch(p.child.pid!); }),
        });
        meter.stop();
        if (report.verdict === 'error') throw new Error(`${n} runners: ${report.error}`);
        rows.push({
          mode: `distributed, ${n} runner${n > 1 ? 's' : ''}`,
          rps: report.requests.ratePerSecond,
          k6CpuPer1000: (meter.total(k6Pids) / report.requests.count) * 1000,
          promCpu: (cpuSeconds(prom.child!.pid!) ?? 0) - promBefore,
          skewMs: report.distributed.startSkewMs,
          requests: report.requests.count,
        });
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await prom.stop();
    await sandbox.stop();
  }
  console.log(`payment, ${VUS} VUs in total, ${DURATION}, no think time, ${ROUNDS} round(s)\n`);
  console.log('| mode | requests/s | k6 CPU s per 1000 requests | Prometheus CPU s | start skew ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const mode of [...new Set(rows.map((r) => r.mode))]) {
    const rs = rows.filter((r) => r.mode === mode);
    const mean = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
    const prom = rs[0]!.promCpu === null ? '-' : mean((r) => r.promCpu!).toFixed(2);
    const skew = rs[0]!.skewMs === null ? '-' : rs.map((r) => r.skewMs).join(', ');
    console.log(`| ${mode} | ${mean((r) => r.rps).toFixed(0)} | ${mean((r) => r.k6CpuPer1000).toFixed(3)} | ${prom} | ${skew} |`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
