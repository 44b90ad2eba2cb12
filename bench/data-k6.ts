// Benchmarks the k6 side of the test data design. Run: npx tsx bench/data-k6.ts
//  1. A 100,000-customer dataset loaded with SharedArray: RSS per VU at 1000 VUs vs 1 VU, and
//     start-up time (process start to setup(), i.e. all VUs initialised).
//  2. Payloads built with faker inside k6 vs the faker-free helpers: bundle size,
//     iterations/s and RSS per VU at 100 VUs.
// Each k6 run is short (<= ~15 s). Results go to stdout; copy them to docs/test-data.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const K6 = process.env.K6_BIN ?? '/root/.cache/paykit-k6/v2.2.0/k6';
const OUT = resolve('bench/.out/data-k6');
const DATA = join(OUT, 'data-100k');
mkdirSync(OUT, { recursive: true });

function bundle(name: string): string {
  const out = join(OUT, `${name}.js`);
  const r = spawnSync('npx', ['esbuild', `bench/data-k6/${name}.ts`, '--bundle', '--format=esm', '--platform=neutral', '--main-fields=module,main', '--external:k6', '--external:k6/*', `--outfile=${out}`, '--log-level=warning'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`esbuild failed for ${name}`);
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface RunResult { peakRssMb: number; startupS: number; iterationsPerS: number; iterations: number }

async function runK6(script: string, env: Record<string, string>, durationS: number): Promise<RunResult> {
  const summary = join(OUT, `summary-${Date.now()}.json`);
  const t0 = Date.now();
  const child = spawn(K6, ['run', '-q', '--no-usage-report', `--summary-export=${summary}`, script], {
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', DURATION: `${durationS}s`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  let setupAt = 0;
  let log = '';
  const onData = (d: Buffer) => {
    log += d.toString();
    const m = /SETUP_AT=(\d+)/.exec(log);
    if (m && !setupAt) setupAt = Number(m[1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(child.pid as number))), 100);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`k6 exited ${code}:\n${log.slice(-2000)}`);
  const s = JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> };
  const it = s.metrics.iterations ?? {};
  return { peakRssMb: peak / 1024, startupS: setupAt ? (setupAt - t0) / 1000 : NaN, iterationsPerS: it.rate ?? 0, iterations: it.count ?? 0 };
}

const kib = (f: string) => (statSync(f).size / 1024).toFixed(1);

async function main() {
  if (!existsSync(join(DATA, 'manifest.json'))) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/data.ts', '--customers', '100000', '--merchants', '200', '--transactions', '0', '--seed', '42', '--out', DATA, '--quiet', '--no-validate'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('data generation failed');
  }
  const files = ['customers', 'accounts', 'cards', 'banks', 'merchants'].map((f) => `${f} ${(statSync(join(DATA, `${f}.json`)).size / 1e6).toFixed(1)} MB`);
  console.log(`dataset: ${files.join(', ')}`);

  const shared = bundle('shared');
  const helpers = bundle('payload-helpers');
  const faker = bundle('payload-faker');
  console.log(`bundles: shared-dataset ${kib(shared)} KiB, helpers ${kib(helpers)} KiB, faker ${kib(faker)} KiB`);

  const vus = Number(process.env.VUS ?? 1000);
  for (const [label, env] of [['SharedArray 100k customers', { DATA_DIR: DATA }], ['built-in dataset (no DATA_DIR)', {}]] as const) {
    const one = await runK6(shared, { ...env, VUS: '1' }, 3);
    const many = await runK6(shared, { ...env, VUS: String(vus) }, 8);
    console.log(`${label}: 1 VU ${one.peakRssMb.toFixed(0)} MB (start-up ${one.startupS.toFixed(2)} s); ${vus} VUs ${many.peakRssMb.toFixed(0)} MB (start-up ${many.startupS.toFixed(2)} s) → ${((many.peakRssMb - one.peakRssMb) / (vus - 1)).toFixed(3)} MB/VU`);
  }

  const pv = Number(process.env.PAYLOAD_VUS ?? 100);
  for (const [label, script] of [['faker in k6', faker], ['faker-free helpers', helpers]] as const) {
    const one = await runK6(script, { VUS: '1' }, 3);
    const many = await runK6(script, { VUS: String(pv) }, 10);
    console.log(`${label}: ${pv} VUs ${many.iterationsPerS.toFixed(0)} iterations/s (${(1000 / Math.max(many.iterationsPerS, 1)).toFixed(3)} ms/iteration on 2 shared cores), 1 VU ${one.iterationsPerS.toFixed(0)} it/s; RSS 1 VU ${one.peakRssMb.toFixed(0)} MB, ${pv} VUs ${many.peakRssMb.toFixed(0)} MB → ${((many.peakRssMb - one.peakRssMb) / (pv - 1)).toFixed(2)} MB/VU; start-up ${many.startupS.toFixed(2)} s`);
  }
}

await main();
