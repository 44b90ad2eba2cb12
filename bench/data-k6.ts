// Benchmarks the k6 side of the test data design. Run: npx tsx bench/data-k6.ts [dataset|payload]
//  dataset: a 100,000-customer dataset (merchants + customers + cards, lib/dataset.ts defaults)
//     loaded from CSV (k6/experimental/csv) and from JSON (SharedArray + JSON.parse), the
//     built-in dataset, and an empty script (k6's own cost), each at 1 VU and at VUS (1000) VUs,
//     RUNS (3) rounds interleaved; prints medians. Start-up = k6 process start to setup()
//     (k6 calls setup() after every VU's init context has finished, just before the first
//     iteration). Memory: RSS of the k6 process from /proc/<pid>/status every 100 ms: peak,
//     and steady = median of the samples taken after setup(). MB/VU = (steady RSS at VUS VUs −
//     steady RSS at 1 VU) / (VUS − 1). Each run is repeated with GOGC=20, where RSS and the
//     live heap after the last GC (GODEBUG=gctrace=1) track what is really retained.
//     Also the real payment scenario (dist/payment.js; `npm run build` first) against an
//     unreachable target: all VUs initialise, setup() aborts; start-up = until that abort.
//     VARIANTS=csv,json,builtin,empty,payment-csv,payment-builtin picks variants.
//  payload: payloads built with faker inside k6 vs the faker-free helpers: bundle size,
//     iterations/s and RSS per VU at 100 VUs.
// Each k6 run is short (<= ~30 s). Results go to stdout; copy them to docs/test-data.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureK6 } from '../cli/k6.ts';

const K6 = (await ensureK6()).path;
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

interface RunResult { peakRssMb: number; steadyRssMb: number; liveHeapMb: number; startupS: number; iterationsPerS: number; iterations: number; setupLine: string }

const mb = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '—');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** `marker`: output that marks setup() (default the SETUP_AT line of our bench scripts). */
async function runK6(script: string, env: Record<string, string>, durationS: number, marker = /SETUP_AT=(\d+)([^"\n]*)/, expectCode = 0): Promise<RunResult> {
  const summary = join(OUT, `summary-${process.pid}.json`);
  const t0 = Date.now();
  const child = spawn(K6, ['run', '-q', '--no-usage-report', `--summary-export=${summary}`, script], {
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', GODEBUG: 'gctrace=1', DURATION: `${durationS}s`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  let setupAt = 0;
  let setupLine = '';
  const after: number[] = [];
  let log = '';
  const onData = (d: Buffer) => {
    log += d.toString();
    const m = marker.exec(log);
    if (m && !setupAt) {
      setupAt = m[1] ? Number(m[1]) : Date.now();
      setupLine = (m[2] ?? m[0]).trim().slice(0, 120);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setInterval(() => {
    const kb = rssKb(child.pid as number);
    peak = Math.max(peak, kb);
    if (setupAt && kb > 0) after.push(kb);
  }, 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  clearTimeout(killer);
  if (code !== expectCode) throw new Error(`k6 exited ${code}:\n${log.slice(-2000)}`);
  const s = existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }) : { metrics: {} };
  rmSync(summary, { force: true });
  const it = s.metrics.iterations ?? {};
  // gctrace: "gc N @Ts P%: … A->B->C MB, …": C = heap still reachable after that collection.
  const gcs = [...log.matchAll(/^gc \d+ .*?->\d+->(\d+) MB/gm)];
  return {
    peakRssMb: peak / 1024,
    liveHeapMb: gcs.length ? Number(gcs[gcs.length - 1]![1]) : NaN,
    steadyRssMb: after.length ? median(after) / 1024 : NaN,
    startupS: setupAt ? (setupAt - t0) / 1000 : NaN,
    iterationsPerS: it.rate ?? 0,
    iterations: it.count ?? 0,
    setupLine,
  };
}

async function datasetBench(): Promise<void> {
  if (!existsSync(join(DATA, 'manifest.json')) || !existsSync(join(DATA, 'customers.csv'))) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/data.ts', '--customers', '100000', '--merchants', '200', '--transactions', '0', '--seed', '42', '--as-of', '2026-01-01', '--format', 'json,csv', '--out', DATA, '--quiet', '--no-validate'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('data generation failed');
  }
  const size = (f: string) => `${f} ${(statSync(join(DATA, f)).size / 1e6).toFixed(1)} MB`;
  console.log(`dataset ${DATA}: ${['merchants', 'customers', 'cards'].flatMap((e) => [size(`${e}.csv`), size(`${e}.json`)]).join(', ')}`);
  const shared = bundle('shared');
  const empty = bundle('empty');
  const vus = Number(process.env.VUS ?? 1000);
  const runs = Number(process.env.RUNS ?? 3);
  const only = process.env.VARIANTS?.split(',');
  // The real payment scenario (dist/payment.js, `npm run build` first) against an unreachable
  // target: k6 initialises every VU, then setup() aborts (exit 108), so these runs measure
  // start-up and RSS of the real bundle; "steady" is then the RSS after setup() until exit.
  const payment = resolve('dist/payment.js');
  const unreachable = { PAYMENT_SERVICE_URL: 'http://127.0.0.1:9', BANKING_API_URL: 'http://127.0.0.1:9', REPORT_DIR: join(OUT, 'reports') };
  type Variant = readonly [key: string, label: string, script: string, env: Record<string, string>, scenario?: boolean];
  const variants = ([
    ['csv', '100k customers, CSV (k6/experimental/csv; default)', shared, { DATA_DIR: DATA }],
    ['json', '100k customers, JSON (SharedArray)', shared, { DATA_DIR: DATA, DATA_FORMAT: 'json' }],
    ['builtin', 'built-in dataset (no DATA_DIR)', shared, {}],
    ['empty', 'empty script (k6 alone)', empty, {}],
    ['payment-csv', 'payment scenario, 100k customers CSV', payment, { ...unreachable, DATA_DIR: DATA }, true],
    ['payment-builtin', 'payment scenario, built-in dataset', payment, unreachable, true],
  ] as Variant[]).filter(([key]) => (only ? only.includes(key) : !key.startsWith('payment') || existsSync(payment)));
  const results = new Map<string, { one: RunResult[]; many: RunResult[]; tightOne: RunResult[]; tightMany: RunResult[] }>();
  for (let round = 1; round <= runs; round++) {
    for (const [key, label, script, env, scenario] of variants) {
      const r = results.get(key) ?? { one: [], many: [], tightOne: [], tightMany: [] };
      results.set(key, r);
      const run = (n: number, d: number) =>
        scenario ? runK6(script, { ...env, VUS: String(n), DURATION: '30s' }, d, /target unreachable/, 108) : runK6(script, { ...env, VUS: String(n) }, d);
      const one = await run(1, 3);
      const many = await run(vus, 4);
      r.one.push(one);
      r.many.push(many);
      // Retained memory: with GOGC=20 the heap is collected whenever it grows 20%, so RSS and the
      // live heap after the last collection stay close to what is actually reachable (with the
      // default GOGC=100 a big dataset also buys up to its own size again in uncollected garbage).
      const tight = { ...env, GOGC: '20' };
      const tightRun = (n: number, d: number) =>
        scenario ? runK6(script, { ...tight, VUS: String(n), DURATION: '30s' }, d, /target unreachable/, 108) : runK6(script, { ...tight, VUS: String(n) }, d);
      r.tightOne.push(await tightRun(1, 3));
      r.tightMany.push(await tightRun(vus, 4));
      const f = (x: RunResult) => `start-up ${x.startupS.toFixed(2)} s, peak ${x.peakRssMb.toFixed(0)} MB, steady ${x.steadyRssMb.toFixed(0)} MB`;
      const g = (x: RunResult) => `RSS ${mb(x.steadyRssMb)} MB (peak ${mb(x.peakRssMb)}), live heap ${mb(x.liveHeapMb)} MB`;
      console.log(`round ${round} ${label}: 1 VU ${f(one)}; ${vus} VUs ${f(many)} [${many.setupLine}]`);
      console.log(`round ${round} ${label}, GOGC=20: 1 VU ${g(r.tightOne.at(-1)!)}; ${vus} VUs ${g(r.tightMany.at(-1)!)}`);
    }
  }
  console.log(`\nmedians of ${runs} runs (${new Date().toISOString()}):`);
  console.log(`| | start-up, 1 VU | start-up, ${vus} VUs | RSS 1 VU (peak / steady) | RSS ${vus} VUs (peak / steady) | MB/VU (steady) | MB/VU (peak) | GOGC=20: RSS 1 / ${vus} VUs | GOGC=20: MB/VU (RSS) | GOGC=20: live heap 1 / ${vus} VUs | GOGC=20: live MB/VU |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [key, label] of variants) {
    const { one, many, tightOne, tightMany } = results.get(key)!;
    const m = (xs: RunResult[], k: keyof RunResult) => median(xs.map((x) => x[k] as number).filter(Number.isFinite));
    const perVu = (a: RunResult[], b: RunResult[], k: 'steadyRssMb' | 'peakRssMb' | 'liveHeapMb') => {
      const v = (m(b, k) - m(a, k)) / (vus - 1);
      return Number.isFinite(v) ? v.toFixed(2) : '—';
    };
    const rss = (xs: RunResult[]) => (Number.isFinite(m(xs, 'steadyRssMb')) ? m(xs, 'steadyRssMb') : m(xs, 'peakRssMb'));
    const tightPerVu = ((rss(tightMany) - rss(tightOne)) / (vus - 1)).toFixed(2);
    console.log(
      `| ${label} | ${m(one, 'startupS').toFixed(2)} s | ${m(many, 'startupS').toFixed(2)} s | ${mb(m(one, 'peakRssMb'))} / ${mb(m(one, 'steadyRssMb'))} MB | ` +
        `${mb(m(many, 'peakRssMb'))} / ${mb(m(many, 'steadyRssMb'))} MB | ${perVu(one, many, 'steadyRssMb')} | ${perVu(one, many, 'peakRssMb')} | ` +
        `${mb(rss(tightOne))} / ${mb(rss(tightMany))} MB | ${tightPerVu} | ${mb(m(tightOne, 'liveHeapMb'))} / ${mb(m(tightMany, 'liveHeapMb'))} MB | ${perVu(tightOne, tightMany, 'liveHeapMb')} |`,
    );
  }
}

const kib = (f: string) => (statSync(f).size / 1024).toFixed(1);

async function payloadBench(): Promise<void> {
  const helpers = bundle('payload-helpers');
  const faker = bundle('payload-faker');
  console.log(`bundles: helpers ${kib(helpers)} KiB, faker ${kib(faker)} KiB`);
  const pv = Number(process.env.PAYLOAD_VUS ?? 100);
  for (const [label, script] of [['faker in k6', faker], ['faker-free helpers', helpers]] as const) {
    const one = await runK6(script, { VUS: '1' }, 3);
    const many = await runK6(script, { VUS: String(pv) }, 10);
    console.log(`${label}: ${pv} VUs ${many.iterationsPerS.toFixed(0)} iterations/s (${(1000 / Math.max(many.iterationsPerS, 1)).toFixed(3)} ms/iteration on 2 shared cores), 1 VU ${one.iterationsPerS.toFixed(0)} it/s; RSS 1 VU ${one.peakRssMb.toFixed(0)} MB, ${pv} VUs ${many.peakRssMb.toFixed(0)} MB → ${((many.peakRssMb - one.peakRssMb) / (pv - 1)).toFixed(2)} MB/VU; start-up ${many.startupS.toFixed(2)} s`);
  }
}

const what = process.argv[2];
if (what === undefined || what === 'dataset') await datasetBench();
if (what === undefined || what === 'payload') await payloadBench();
