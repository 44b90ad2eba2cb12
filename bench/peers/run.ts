// Peers benchmark (issue 16): our scenario next to a minimal k6 script, Locust (FastHttpUser and
// HttpUser) and Artillery, each running the same task mix with the same status and body checks, no
// think time, N users, against a fresh sandbox per run. Rounds interleave the contenders (the order
// rotates every round) and the table shows medians. See docs/peers.md.
// One file over the usual size: the contender commands and the table both read the run loop's per-round
// state, and nothing else imports them. The CPU sampler is bench/measure.ts, shared with bench/sqlite.
//
//   npx tsx bench/peers/run.ts [--scenario payment|banking|both] [--rounds 3] [--duration 15s] [--users 20]
//                              [--only ours,minimal,minimal-bare,locust-fast,locust-http,artillery] [--no-build] [--json out.json]
//                              [--variant NAME=path/to/<scenario>.js ...] [--ours-bundle path/to/<scenario>.js] [--pin]
//
// --variant adds a contender run exactly like ours but from another bundle (e.g. ours built at an older
// commit, to measure one hot-path change); <scenario> in the path is replaced by the scenario's name.
// --ours-bundle runs ours from that bundle instead of dist/<scenario>.js and skips the build (e.g. ours built
// from a clean export of a commit while the working tree is being edited).
// --pin runs the load generator on CPU 0 and the sandbox on CPU 1 (taskset), so the system under test and the
// load generator do not share cores, and every contender has the one core a single Locust process uses
// (docs/peers.md, "Runs 11 and 12: one core each").
//
// On first use it installs the peers into bench/peers/: a Python venv with locust==2.47.* from PyPI and
// Artillery 2.0.21 from bench/peers/package-lock.json (npm ci). Nothing is added to the kit's own
// dependencies.
//
// What is measured, per run:
// - requests and the achieved mix are counted by the sandbox itself (bench/peers/count-requests.mjs,
//   loaded into it), by route and status, so every contender is counted the same way;
// - requests/s is that count over the span from the first to the last answered request;
// - CPU is the load generator's own process tree (the process and all its descendants, user+sys from
//   /proc/<pid>/stat, sampled every 100 ms); the sandbox is not in it. "steady" is the middle half of
//   the span in which the sandbox answered requests (start-up and the end-of-run summary left out);
//   "whole" is every request over all CPU the tree used from start to exit (measured by /usr/bin/time);
// - failures: answers with a status the task does not expect (counted at the sandbox: 402 is expected
//   only for the payment decline card), and the contender's own check failures.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureK6 } from '../../cli/k6.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { median, TICK_MS, treeTicks } from '../measure.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const OUT = join(ROOT, 'bench/.out/peers');
const VENV = join(HERE, '.venv');
const LOCUST = join(VENV, 'bin/locust');
const ARTILLERY = join(HERE, 'node_modules/artillery/bin/run');
const LOCUST_PIN = 'locust==2.47.*';
const NO_THINK = { THINK_TIME_SCALE: '0', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0' };

type Scenario = 'payment' | 'banking';
const CONTENDERS = ['ours', 'minimal', 'minimal-bare', 'locust-fast', 'locust-http', 'artillery'] as const;
/** One of CONTENDERS, or the name of a --variant. */
type Contender = string;

/** The routes of each mix in task order, with the statuses the task expects, as the sandbox names them. */
const ROUTES: Record<Scenario, Array<{ route: string; task: string; expected: number[] }>> = {
  payment: [
    { route: 'POST /api/v1/payments', task: 'pay', expected: [201, 402] },
    { route: 'POST /api/v1/payments/{id}/refunds', task: 'refund', expected: [201] },
    { route: 'GET /api/v1/payments/{id}', task: 'status', expected: [200] },
    { route: 'GET /api/v1/merchants/{id}/transactions', task: 'merchant tx', expected: [200] },
    { route: 'GET /health', task: 'health', expected: [200] },
  ],
  banking: [
    { route: 'POST /api/v1/authorizations', task: 'authorize', expected: [201] },
    { route: 'POST /api/v1/authorizations/{id}/capture', task: 'capture', expected: [200] },
    { route: 'POST /api/v1/refunds', task: 'refund', expected: [201] },
    { route: 'GET /api/v1/transactions/{id}', task: 'status', expected: [200] },
    { route: 'GET /api/v1/settlements', task: 'settlement', expected: [200] },
    { route: 'GET /health', task: 'health', expected: [200] },
    { route: 'POST /api/v1/batch', task: 'batch', expected: [200] },
  ],
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const scenarioArg = arg('scenario', 'both');
const scenarios: Scenario[] = scenarioArg === 'both' ? ['payment', 'banking'] : [scenarioArg as Scenario];
const rounds = Number(arg('rounds', '3'));
const duration = arg('duration', '15s');
const users = Number(arg('users', '20'));
const variants = new Map<string, string>();
process.argv.forEach((a, i) => {
  if (a !== '--variant') return;
  const [name, path] = (process.argv[i + 1] ?? '').split('=');
  if (!name || !path || (CONTENDERS as readonly string[]).includes(name)) throw new Error('--variant takes NAME=path/to/<scenario>.js, NAME not a contender');
  variants.set(name, resolve(path));
});
const oursBundle = arg('ours-bundle', '');
const only: Contender[] = [...arg('only', CONTENDERS.join(',')).split(','), ...variants.keys()];
for (const s of scenarios) if (s !== 'payment' && s !== 'banking') throw new Error(`--scenario must be payment, banking or both, not ${s}`);
for (const c of only) if (!(CONTENDERS as readonly string[]).includes(c) && !variants.has(c)) throw new Error(`unknown contender ${c}; one of ${CONTENDERS.join(', ')}`);
if (!/^\d+s$/.test(duration)) throw new Error('--duration must be in seconds, like 15s');
if (!(rounds >= 1) || !(users >= 1)) throw new Error('--rounds and --users must be positive');
const seconds = Number(duration.slice(0, -1));
const pin = flag('pin');
if (pin && cpus().length < 2) throw new Error('--pin needs two CPUs');

// ---------------------------------------------------------------------------------------------
// Installing the peers

function sh(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function ensurePeers(): void {
  if (only.some((c) => c.startsWith('locust')) && !existsSync(LOCUST)) {
    console.log(`peers: installing Locust (${LOCUST_PIN}, PyPI) into ${VENV} — first use only`);
    sh('python3', ['-m', 'venv', VENV], HERE);
    sh(join(VENV, 'bin/pip'), ['install', '--quiet', LOCUST_PIN], HERE);
  }
  if (only.includes('artillery') && !existsSync(ARTILLERY)) {
    // --ignore-scripts: the artillery package depends on a Playwright engine whose install script downloads
    // a browser; HTTP scenarios do not use it.
    console.log(`peers: installing Artillery 2.0.21 (npm, bench/peers/package-lock.json) into ${join(HERE, 'node_modules')} — first use only`);
    sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], HERE);
  }
}

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout + r.stderr).trim().split('\n')[0] ?? '?';
}


// ---------------------------------------------------------------------------------------------
// One run

interface Counts { first: number; last: number; routes: Record<string, number>; buckets: Record<string, number> }

interface Run {
  scenario: Scenario;
  contender: Contender;
  round: number;
  order: number;
  loadavgBefore: number[];
  requests: number;
  reqPerS: number;
  /** requests per CPU-second of the load generator's tree, middle half of the active span */
  reqPerCpuS: number;
  /** all requests over all CPU the tree used, start to exit */
  reqPerCpuSWhole: number;
  cpuSeconds: number;
  /** share of answers with a status their task does not expect (sandbox count) */
  failureRate: number;
  /** the contender's own failed checks / all its checks (NaN when it has none) */
  checkFailureRate: number;
  /** share of requests per route, in the mix's task order */
  mix: Record<string, number>;
  routes: Record<string, number>;
  tool: Record<string, unknown>;
}

interface Plan { cmd: string; args: string[]; env: Record<string, string>; cwd: string; report: string }

function plan(c: Contender, s: Scenario, url: string, id: string, k6: string): Plan {
  const report = join(OUT, `${id}`);
  const base = { cwd: ROOT, report };
  const variant = variants.get(c);
  if (variant) {
    return { ...base, cmd: k6, args: ['run', '-q', '--no-usage-report', `--summary-export=${report}.json`, variant.replace('<scenario>', s)], env: { VUS: String(users), DURATION: duration, REPORT_DIR: `${report}-reports`, ...NO_THINK } };
  }
  switch (c) {
    case 'ours':
      return { ...base, cmd: k6, args: ['run', '-q', '--no-usage-report', `--summary-export=${report}.json`, oursBundle ? resolve(oursBundle).replace('<scenario>', s) : `dist/${s}.js`], env: { VUS: String(users), DURATION: duration, REPORT_DIR: `${report}-reports`, ...NO_THINK } };
    // The minimal script with the same status and body checks as every other contender (CHECKS=1), and
    // without any (the floor of docs/efficiency.md), shown beside it.
    case 'minimal':
    case 'minimal-bare':
      return { ...base, cmd: k6, args: ['run', '-q', '--no-usage-report', `--summary-export=${report}.json`, '--vus', String(users), '--duration', duration, `bench/efficiency/${s}-minimal.js`], env: { CHECKS: c === 'minimal' ? '1' : '0' } };
    case 'locust-fast':
    case 'locust-http': {
      const cls = `${s === 'payment' ? 'Payment' : 'Banking'}${c === 'locust-fast' ? 'Fast' : 'Plain'}`;
      return {
        ...base,
        cwd: HERE,
        cmd: LOCUST,
        args: ['-f', `locust/${s}.py`, '--headless', '--users', String(users), '--spawn-rate', String(users), '--run-time', duration, '--host', url, '--only-summary', '--csv', report, '--loglevel', 'WARNING', cls],
        env: {},
      };
    }
    case 'artillery':
      return {
        ...base,
        cwd: HERE,
        cmd: process.execPath,
        args: [ARTILLERY, 'run', '--target', url, '--overrides', JSON.stringify({ config: { phases: [{ duration: 1, arrivalCount: users }] } }), '--output', `${report}.json`, `artillery/${s}.yml`],
        env: { PEERS_DURATION_S: String(seconds), ARTILLERY_DISABLE_TELEMETRY: 'true' },
      };
    default:
      throw new Error(`unknown contender ${c}`);
  }
}

/** The contender's own check failures and its raw figures, from its report. */
function toolReport(c: Contender, p: Plan): { checkFailureRate: number; tool: Record<string, unknown> } {
  try {
    if (c === 'ours' || c === 'minimal' || c === 'minimal-bare' || variants.has(c)) {
      const m = (JSON.parse(readFileSync(`${p.report}.json`, 'utf8')) as { metrics: Record<string, Record<string, number>> }).metrics;
      const checks = m.checks;
      const tasks: Record<string, number> = {};
      for (const [k, v] of Object.entries(m)) if (k.startsWith('task_')) tasks[k] = v.count ?? NaN;
      return {
        checkFailureRate: checks ? (checks.fails ?? 0) / ((checks.passes ?? 0) + (checks.fails ?? 0)) : NaN,
        tool: { http_reqs: m.http_reqs?.count, http_req_failed: m.http_req_failed?.value, checks, tasks },
      };
    }
    if (c === 'artillery') {
      const a = (JSON.parse(readFileSync(`${p.report}.json`, 'utf8')) as { aggregate: { counters: Record<string, number> } }).aggregate.counters;
      const errors = Object.entries(a).filter(([k]) => k.startsWith('errors.')).reduce((n, [, v]) => n + v, 0);
      const ok = a['plugins.expect.ok'] ?? 0;
      const failed = a['plugins.expect.failed'] ?? 0;
      return { checkFailureRate: (failed + errors) / (ok + failed + errors), tool: { requests: a['http.requests'], expectOk: ok, expectFailed: failed, errors, vusersFailed: a['vusers.failed'] } };
    }
    const rows = readFileSync(`${p.report}_stats.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
    const agg = rows.find((r) => r[1] === 'Aggregated');
    const reqs = Number(agg?.[2]);
    const fails = Number(agg?.[3]);
    return { checkFailureRate: fails / reqs, tool: { requests: reqs, failures: fails } };
  } catch (e) {
    return { checkFailureRate: NaN, tool: { error: String(e) } };
  }
}

let runCounter = 0;

async function runOne(c: Contender, s: Scenario, round: number, order: number, k6: string): Promise<Run> {
  const id = `${s}-${c}-r${round + 1}-${process.pid}-${++runCounter}`;
  const countFile = join(OUT, `${id}-sandbox.json`);
  const loadavgBefore = loadavg().map((x) => Number(x.toFixed(2)));
  const sb = await startSandboxProcess({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(HERE, 'count-requests.mjs')}`.trim(), PEERS_COUNT_FILE: countFile });
  if (pin && spawnSync('taskset', ['-a', '-p', '-c', '1', String(sb.child.pid)]).status !== 0) throw new Error('taskset could not pin the sandbox to CPU 1');
  const url = s === 'payment' ? sb.paymentUrl : sb.bankingUrl;
  const p = plan(c, s, url, id, k6);
  const timeFile = join(OUT, `${id}-time.txt`);
  const samples: Array<{ t: number; ticks: number }> = [];
  let log = '';
  let code: number | null;
  try {
    const command = pin ? ['taskset', '-c', '0', p.cmd, ...p.args] : [p.cmd, ...p.args];
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...command], {
      cwd: p.cwd,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-6000)));
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-6000)));
    const root = child.pid as number;
    const timer = setInterval(() => {
      const ticks = treeTicks(root);
      if (Number.isFinite(ticks)) samples.push({ t: Date.now(), ticks });
    }, 100);
    code = await new Promise<number | null>((r) => child.on('exit', r));
    clearInterval(timer);
  } finally {
    await sb.stop();
  }
  // k6 exits 99 when a threshold is crossed, Locust 1 and Artillery 21 when a check failed: the run still counts.
  if (code !== 0 && code !== 99 && code !== 1 && code !== 21) throw new Error(`${c} ${s} exited ${code}:\n${log}`);
  if (!existsSync(countFile)) throw new Error(`the sandbox wrote no request counts for ${c} ${s}:\n${sb.output().slice(-2000)}`);
  const counts = JSON.parse(readFileSync(countFile, 'utf8')) as Counts;
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number];

  let requests = 0;
  let unexpected = 0;
  const byRoute: Record<string, number> = {};
  const known = ROUTES[s];
  for (const [key, n] of Object.entries(counts.routes)) {
    const i = key.lastIndexOf(' ');
    const route = key.slice(0, i);
    const status = Number(key.slice(i + 1));
    requests += n;
    byRoute[route] = (byRoute[route] ?? 0) + n;
    const r = known.find((x) => x.route === route);
    // Our scenario's setup looks up a payment id made to not exist and expects the 404.
    if (route.includes('_setup_probe_')) continue;
    if (!r || !r.expected.includes(status)) unexpected += n;
  }
  const mix: Record<string, number> = {};
  for (const r of known) mix[r.task] = (byRoute[r.route] ?? 0) / requests;

  // Steady state: the middle half of the span in which the sandbox answered requests.
  // Both ends on 100 ms bucket boundaries, so the requests counted and the CPU measured cover the same time.
  const a = Math.ceil((counts.first + (counts.last - counts.first) * 0.25) / 100) * 100;
  const b = Math.floor((counts.first + (counts.last - counts.first) * 0.75) / 100) * 100;
  let windowReqs = 0;
  for (const [bucket, n] of Object.entries(counts.buckets)) {
    const t = Number(bucket) * 100;
    if (t >= a && t < b) windowReqs += n;
  }
  const cpuAt = (t: number) => {
    const j = samples.findIndex((x) => x.t >= t);
    if (j <= 0) return NaN;
    const p0 = samples[j - 1]!;
    const p1 = samples[j]!;
    return p0.ticks + ((p1.ticks - p0.ticks) * (t - p0.t)) / (p1.t - p0.t);
  };
  const windowCpuS = ((cpuAt(b) - cpuAt(a)) * TICK_MS) / 1000;
  const { checkFailureRate, tool } = toolReport(c, p);
  rmSync(`${p.report}-reports`, { recursive: true, force: true });
  return {
    scenario: s,
    contender: c,
    round,
    order,
    loadavgBefore,
    requests,
    reqPerS: requests / ((counts.last - counts.first) / 1000),
    reqPerCpuS: windowReqs / windowCpuS,
    reqPerCpuSWhole: requests / (user + sys),
    cpuSeconds: user + sys,
    failureRate: unexpected / requests,
    checkFailureRate,
    mix,
    routes: counts.routes,
    tool,
  };
}

// ---------------------------------------------------------------------------------------------

const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—');

async function main() {
  mkdirSync(OUT, { recursive: true });
  ensurePeers();
  const k6 = (await ensureK6()).path;
  if (only.includes('ours') && oursBundle) {
    for (const s of scenarios) if (!existsSync(resolve(oursBundle).replace('<scenario>', s))) throw new Error(`--ours-bundle: ${oursBundle.replace('<scenario>', s)} is missing`);
  } else if (only.includes('ours')) {
    if (!flag('no-build')) {
      console.log('peers: npm run build (dist/<scenario>.js)');
      sh('npm', ['run', '--silent', 'build'], ROOT);
    }
    for (const s of scenarios) if (!existsSync(join(ROOT, `dist/${s}.js`))) throw new Error(`dist/${s}.js is missing: run npm run build`);
  }
  const started = new Date();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version };
  const versions = {
    k6: version(k6, ['version']),
    locust: only.some((x) => x.startsWith('locust')) ? version(LOCUST, ['--version']) : '',
    artillery: only.includes('artillery') ? (JSON.parse(readFileSync(join(HERE, 'node_modules/artillery/package.json'), 'utf8')) as { version: string }).version : '',
  };
  console.log(`peers: ${started.toISOString()}, ${machine.cpus} CPUs (${machine.model}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`peers: ${scenarios.join(', ')}; ${only.join(', ')}; ${users} users, ${duration} per run, ${rounds} rounds, fresh sandbox per run, no think time${pin ? ', load generator pinned to CPU 0 and sandbox to CPU 1' : ''}`);
  console.log(`peers: ${versions.k6}; ${versions.locust}; artillery ${versions.artillery}`);

  const runs: Run[] = [];
  let order = 0;
  for (const s of scenarios) {
    for (let round = 0; round < rounds; round++) {
      const seq = only.map((_, i) => only[(i + round) % only.length] as Contender);
      for (const c of seq) {
        const r = await runOne(c, s, round, order++, k6);
        runs.push(r);
        console.log(
          `  ${s} round ${round + 1} ${c.padEnd(12)} ${fmt(r.reqPerS).padStart(6)} req/s  ${fmt(r.reqPerCpuS).padStart(6)} req/CPU-s (whole run ${fmt(r.reqPerCpuSWhole)})  failures ${pct(r.failureRate)}  check failures ${pct(r.checkFailureRate)}  load ${r.loadavgBefore[0]}`,
        );
      }
    }
  }

  const lines: string[] = [];
  lines.push('| scenario | contender | req/s | req per client CPU-s, steady (min–max) | req per client CPU-s, whole run | failures (status) | check failures | achieved mix |');
  lines.push('|---|---|---|---|---|---|---|---|');
  const summary: Record<string, Record<string, { reqPerS: number; reqPerCpuS: number; min: number; max: number; whole: number; failureRate: number; checkFailureRate: number; mix: Record<string, number> }>> = {};
  for (const s of scenarios) {
    summary[s] = {};
    for (const c of only) {
      const rs = runs.filter((r) => r.scenario === s && r.contender === c);
      const steady = rs.map((r) => r.reqPerCpuS);
      const mix: Record<string, number> = {};
      for (const r of ROUTES[s]) mix[r.task] = median(rs.map((x) => x.mix[r.task] ?? NaN));
      const row = {
        reqPerS: median(rs.map((r) => r.reqPerS)),
        reqPerCpuS: median(steady),
        min: Math.min(...steady),
        max: Math.max(...steady),
        whole: median(rs.map((r) => r.reqPerCpuSWhole)),
        failureRate: median(rs.map((r) => r.failureRate)),
        checkFailureRate: median(rs.map((r) => r.checkFailureRate)),
        mix,
      };
      summary[s][c] = row;
      const mixText = ROUTES[s].map((r) => `${(100 * (mix[r.task] ?? NaN)).toFixed(1)}`).join(' / ');
      lines.push(`| ${s} | ${c} | ${fmt(row.reqPerS)} | ${fmt(row.reqPerCpuS)} (${fmt(row.min)}–${fmt(row.max)}) | ${fmt(row.whole)} | ${pct(row.failureRate)} | ${pct(row.checkFailureRate)} | ${mixText} |`);
    }
  }
  lines.push('');
  lines.push(`achieved mix: % of requests per route, in task order (payment: ${ROUTES.payment.map((r) => r.task).join(' / ')}; banking: ${ROUTES.banking.map((r) => r.task).join(' / ')})`);
  for (const s of scenarios) {
    const o = summary[s]?.ours;
    if (!o) continue;
    for (const name of variants.keys()) {
      const v = summary[s]?.[name];
      if (v) lines.push(`${s}: ours / ${name} = ${(o.reqPerCpuS / v.reqPerCpuS).toFixed(2)} per client CPU-second, steady; whole run ${(o.whole / v.whole).toFixed(2)}`);
    }
    for (const [c, goal] of [['locust-fast', 1.0], ['minimal', 0.9]] as const) {
      const x = summary[s]?.[c];
      if (!x) continue;
      const ratio = o.reqPerCpuS / x.reqPerCpuS;
      const whole = o.whole / x.whole;
      lines.push(`${s}: ours / ${c} = ${ratio.toFixed(2)} per client CPU-second, steady (goal ≥ ${goal.toFixed(1)}: ${ratio >= goal ? 'met' : 'missed'}); whole run ${whole.toFixed(2)}`);
    }
    const bare = summary[s]?.['minimal-bare'];
    if (bare) lines.push(`${s}: ours / minimal-bare (no checks) = ${(o.reqPerCpuS / bare.reqPerCpuS).toFixed(2)} per client CPU-second, steady; whole run ${(o.whole / bare.whole).toFixed(2)}`);
  }
  console.log(`\n${lines.join('\n')}`);
  console.log(`\npeers: load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const file = arg('json', join(OUT, `peers-${started.toISOString().replace(/[:.]/g, '-')}.json`));
  const command = `npx tsx bench/peers/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(file, JSON.stringify({ command, started: started.toISOString(), machine, versions, users, duration, rounds, pinned: pin, scenarios, contenders: only, summary, table: lines, runs }, null, 2) + '\n');
  console.log(`peers: results ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
