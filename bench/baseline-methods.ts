// How to set the baseline's noise band (issue 30), measured: the gate's run-to-run spread band and a
// robust band from the median absolute deviation, each with and without the floors, judged on the SAME
// recorded runs: false alarms over healthy repeats, detection of a 50 ms slowdown and of 2% errors.
//
//   npm exec -- tsx bench/baseline-methods.ts record --out /tmp/bm [--healthy 20] [--faulty 3]
//   npm exec -- tsx bench/baseline-methods.ts evaluate /tmp/bm [--baseline-runs 5] [--draws 300]
//
// `record` makes each run as `npm start -- payment` does (PROFILE=smoke VUS=4 DURATION=6s, no think
// time), each against a fresh sandbox, and keeps its baseline.json (aggregates, the load generator's CPU,
// the load average) under <out>/healthy, <out>/latency (SANDBOX_FAULTS latency=50ms on the payment
// endpoints) and <out>/errors (errors=2% on POST /api/v1/payments); fault runs are interleaved with the
// healthy ones so both see the same machine. `evaluate` compares every method on those files only: the
// first N healthy runs as the baseline (as a CI job would keep them), then random draws of N.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compare, type Baseline, type CompareOptions, type Comparison } from '../lib/baseline.ts';
// the same run as the baseline integration test makes
import { startOnFreshSandbox } from '../tests/helpers/k6.ts';

const SHORT = { PROFILE: 'smoke', VUS: '4', DURATION: '6s', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '20' };
const FAULTS = { healthy: '', latency: 'latency=50ms@/api/v1/payments*', errors: 'errors=2%@POST /api/v1/payments' } as const;
type Kind = keyof typeof FAULTS;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** One `npm start -- payment` against a fresh sandbox; its baseline.json copied to <out>/<kind>/<n>.json. */
async function recordRun(out: string, kind: Kind, n: number): Promise<void> {
  const { code, stdout, reportDir: dir } = await startOnFreshSandbox(['--quiet'], SHORT, FAULTS[kind]);
  if (!dir || !existsSync(join(dir, 'baseline.json'))) throw new Error(`${kind} run ${n}: exit ${code}, no baseline.json:\n${stdout.slice(-1500)}`);
  mkdirSync(join(out, kind), { recursive: true });
  copyFileSync(join(dir, 'baseline.json'), join(out, kind, `${String(n).padStart(2, '0')}.json`));
  rmSync(dir, { recursive: true, force: true });
  console.log(`${kind} ${n}: exit ${code}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

async function record(): Promise<void> {
  const out = arg('out', '');
  if (!out) throw new Error('record needs --out DIR');
  const healthy = Number(arg('healthy', '20'));
  const faulty = Number(arg('faulty', '3'));
  console.log(`recording ${healthy} healthy, ${faulty} latency and ${faulty} error runs into ${out}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  // The fault runs spread among the healthy ones, after the first five (the chronological baseline).
  const order: Array<[Kind, number]> = [];
  const step = Math.max(1, Math.floor((healthy - 5) / Math.max(1, faulty)));
  let f = 0;
  for (let h = 0; h < healthy; h++) {
    order.push(['healthy', h]);
    if (h + 1 > 5 && (h + 1 - 5) % step === 0 && f < faulty) order.push(['latency', f], ['errors', f++]);
  }
  while (f < faulty) order.push(['latency', f], ['errors', f++]);
  for (const [kind, n] of order) await recordRun(out, kind, n);
}

function load(dir: string): Baseline[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Baseline);
}

const merge = (parts: Baseline[]): Baseline => ({ ...parts[0]!, runs: parts.flatMap((p) => p.runs) });

const METHODS: Array<{ name: string; o: CompareOptions }> = [
  { name: 'spread ×3 + floors (the gate)', o: { method: 'spread', floors: true } },
  { name: 'MAD ×3 + floors', o: { method: 'mad', floors: true } },
  // The floors before this bench (docs/baseline.md, measurements 1-4); the gate's now (10/75/200 ms, CPU
  // 50%) were chosen on recording 1 and checked on recording 2.
  { name: 'spread ×3 + earlier floors 10/25/40 ms, CPU 25%', o: { method: 'spread', minChangeMs: { p50: 10, p95: 25, p99: 40 }, minBand: { 'cpu ms/request': 0.25 } } },
  { name: 'MAD ×3 + earlier floors 10/25/40 ms, CPU 25%', o: { method: 'mad', minChangeMs: { p50: 10, p95: 25, p99: 40 }, minBand: { 'cpu ms/request': 0.25 } } },
  { name: 'spread ×3, no floors', o: { method: 'spread', floors: false } },
  { name: 'MAD ×3, no floors', o: { method: 'mad', floors: false } },
];

const LATENCY_ENDPOINTS = ['POST /api/v1/payments', 'GET /api/v1/payments/{id}', 'POST /api/v1/payments/{id}/refunds'];
const endpointsOf = (c: Comparison) => new Set(c.regressions.map((r) => r.replace(/ (p\d\d ms|error rate|throughput \/s|cpu ms\/request)$/, '')));
/** The 50 ms fault is caught when each slowed endpoint is named and GET /health is not. */
const caughtLatency = (c: Comparison) => LATENCY_ENDPOINTS.every((e) => endpointsOf(c).has(e)) && !endpointsOf(c).has('GET /health');
const caughtErrors = (c: Comparison) => c.regressions.includes('POST /api/v1/payments error rate');

/** A deterministic random generator, so a draw can be repeated (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${n}/${d} (${((100 * n) / d).toFixed(1)}%)`;
}

function evaluate(): void {
  const dir = process.argv[3];
  if (!dir) throw new Error('evaluate needs the directory record wrote');
  const k = Number(arg('baseline-runs', '5'));
  const draws = Number(arg('draws', '300'));
  const healthy = load(join(dir, 'healthy'));
  const latency = load(join(dir, 'latency'));
  const errors = load(join(dir, 'errors'));
  if (healthy.length <= k) throw new Error(`${healthy.length} healthy runs: need more than --baseline-runs ${k}`);
  const loads = [...healthy, ...latency, ...errors].map((b) => b.runs[0]!.loadAverage).filter((v): v is number => typeof v === 'number');
  console.log(`${healthy.length} healthy, ${latency.length} latency-fault, ${errors.length} error-fault runs in ${dir}; load average as they ended ${Math.min(...loads).toFixed(2)}..${Math.max(...loads).toFixed(2)}`);

  // The chronological split: the first k healthy runs are the baseline, as in the integration test.
  const chrono = merge(healthy.slice(0, k));
  const rest = healthy.slice(k);
  console.log(`\nchronological: baseline = healthy runs 1..${k}; ${rest.length} later healthy runs, ${latency.length} + ${errors.length} fault runs`);
  console.log('| method | false alarms | 50 ms caught | 2% errors caught | false-alarm reasons |');
  console.log('|---|---|---|---|---|');
  for (const m of METHODS) {
    const alarms = rest.map((r) => compare(chrono, r.runs[0]!, m.o)).filter((c) => c.regressions.length > 0);
    const reasons = [...new Set(alarms.flatMap((c) => c.regressions))].slice(0, 4).join(', ');
    console.log(`| ${m.name} | ${pct(alarms.length, rest.length)} | ${pct(latency.filter((r) => caughtLatency(compare(chrono, r.runs[0]!, m.o))).length, latency.length)} | ${pct(errors.filter((r) => caughtErrors(compare(chrono, r.runs[0]!, m.o))).length, errors.length)} | ${reasons || '-'} |`);
  }

  // Random draws: any k healthy runs as the baseline, every other healthy run judged against it.
  const rand = rng(30);
  const picks: number[][] = [];
  for (let d = 0; d < draws; d++) {
    const idx = healthy.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    picks.push(idx.slice(0, k));
  }
  console.log(`\nrandom draws: ${draws} baselines of ${k} healthy runs; each judged against the ${healthy.length - k} healthy runs not in it and every fault run`);
  const reasons: string[] = [];
  console.log('| method | false alarms per healthy run | draws with ≥1 false alarm in 10 repeats (expected) | 50 ms caught | 2% errors caught |');
  console.log('|---|---|---|---|---|');
  for (const m of METHODS) {
    let alarms = 0;
    let judged = 0;
    let lat = 0;
    let err = 0;
    let anyIn10 = 0;
    const why = new Map<string, number>();
    for (const pick of picks) {
      const base = merge(pick.map((i) => healthy[i]!));
      const others = healthy.filter((_, i) => !pick.includes(i));
      const judgedOthers = others.map((r) => compare(base, r.runs[0]!, m.o));
      const a = judgedOthers.filter((c) => c.regressions.length > 0).length;
      for (const c of judgedOthers) for (const r of c.regressions) why.set(r, (why.get(r) ?? 0) + 1);
      alarms += a;
      judged += others.length;
      // P(at least one false alarm among 10 repeats) at this baseline's own rate.
      anyIn10 += 1 - (1 - a / others.length) ** 10;
      lat += latency.filter((r) => caughtLatency(compare(base, r.runs[0]!, m.o))).length;
      err += errors.filter((r) => caughtErrors(compare(base, r.runs[0]!, m.o))).length;
    }
    console.log(`| ${m.name} | ${pct(alarms, judged)} | ${((100 * anyIn10) / draws).toFixed(1)}% | ${pct(lat, latency.length * draws)} | ${pct(err, errors.length * draws)} |`);
    reasons.push(`${m.name}: ${[...why.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([r, n]) => `${r} ×${n}`).join(', ') || 'none'}`);
  }
  console.log(`\nfalse-alarm rows in the random draws (most frequent first):\n${reasons.map((r) => `- ${r}`).join('\n')}`);

  // The load generator's CPU per request and the load average, healthy runs: the spread the CPU band needs.
  const cpu = healthy.map((b) => b.runs[0]!.loadGenerator?.msPerRequest).filter((v): v is number => typeof v === 'number');
  if (cpu.length > 1) {
    const sorted = [...cpu].sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1]!;
    console.log(`\nk6 CPU per request, healthy runs: median ${med.toFixed(3)} ms, range ${sorted[0]!.toFixed(3)}..${sorted[sorted.length - 1]!.toFixed(3)} (${(((sorted[0]! - med) / med) * 100).toFixed(0)}%..+${(((sorted[sorted.length - 1]! - med) / med) * 100).toFixed(0)}%)`);
    const fcpu = [...latency, ...errors].map((b) => `${b.runs[0]!.loadGenerator?.msPerRequest.toFixed(3) ?? '-'}`);
    console.log(`k6 CPU per request, fault runs (latency, then errors): ${fcpu.join(', ')}`);
  }
  const widest = (metric: string) =>
    healthy.slice(k).map((r) => compare(chrono, r.runs[0]!).rows.filter((x) => x.metric === metric && x.change !== null).map((x) => `${x.endpoint}: ${((x.change ?? 0) * 100).toFixed(0)}%`));
  console.log(`healthy CPU/request changes against the chronological baseline: ${widest('cpu ms/request').flat().map((s) => s.replace(/^.*: /, '')).join(', ')}`);
}

const cmd = process.argv[2];
if (cmd === 'record') await record();
else if (cmd === 'evaluate') evaluate();
else {
  console.error('usage: npm exec -- tsx bench/baseline-methods.ts record --out DIR [--healthy 20] [--faulty 3] | evaluate DIR [--baseline-runs 5] [--draws 300]');
  process.exit(2);
}
