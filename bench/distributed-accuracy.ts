// Accuracy of the merged percentiles (issue 13): 3 coordinated runners write their raw samples with
// `--out json`; the exact p50/p95/p99 over every sample are set beside the coordinator's values from the
// merged native histograms, run-wide and per endpoint.
//
//   npx tsx bench/distributed-accuracy.ts [--vus 6] [--duration 15s]
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDistributed } from '../cli/distributed/coordinator.ts';
import { startSandboxProcess } from '../cli/sandbox-process.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** k6's percentile: linear interpolation between the sorted neighbours. */
function percentile(sorted: readonly number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (i - lo);
}

/** The sample at rank ceil(q*n): the one whose bucket histogram_quantile interpolates in. */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess();
  const raw = mkdtempSync(join(tmpdir(), 'paykit-accuracy-'));
  try {
    const env = { ...process.env, PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl, MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '20', VUS: arg('vus', '6'), DURATION: arg('duration', '15s') };
    // Impossible budgets on every percentile read back each merged value as an observed threshold value.
    const { report } = await runDistributed({
      scenario: 'payment', profile: 'smoke', runners: 3, env, reportsRoot: raw,
      k6Args: (id) => ['--out', `json=${join(raw, `${id}.json`)}`],
    });
    if (report.verdict === 'error') throw new Error(report.error);
    const byName = new Map<string, number[]>([['(all)', []]]);
    for (const f of readdirSync(raw).filter((f) => f.endsWith('.json'))) {
      for (const line of readFileSync(join(raw, f), 'utf8').split('\n')) {
        if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) continue;
        const s = JSON.parse(line) as { data: { value: number; tags: { name?: string } } };
        byName.get('(all)')!.push(s.data.value);
        const n = s.data.tags.name ?? '';
        if (!byName.has(n)) byName.set(n, []);
        byName.get(n)!.push(s.data.value);
      }
    }
    console.log(`3 runners, ${report.requests.count} requests, skew ${report.distributed.startSkewMs} ms\n`);
    console.log('| requests | stat | exact (k6) ms | nearest rank ms | merged ms | error vs k6 | error vs nearest rank |');
    console.log('|---|---|---:|---:|---:|---:|---:|');
    for (const [name, values] of byName) {
      values.sort((a, b) => a - b);
      for (const p of [95, 99]) {
        const merged = name === '(all)'
          ? (p === 95 ? report.latencyMs.p95 : report.latencyMs.p99)
          : report.thresholds.find((t) => t.metric === `http_req_duration{name:${name}}` && t.stat === `p(${p})`)?.observed;
        if (merged === undefined || merged === null) continue;
        const exact = percentile(values, p);
        const rank = nearestRank(values, p);
        const pct = (ref: number) => `${(((merged - ref) / ref) * 100).toFixed(2)}%`;
        console.log(`| ${name} (${values.length}) | p(${p}) | ${exact.toFixed(3)} | ${rank.toFixed(3)} | ${merged.toFixed(3)} | ${pct(exact)} | ${pct(rank)} |`);
      }
    }
  } finally {
    rmSync(raw, { recursive: true, force: true });
    await sandbox.stop();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
