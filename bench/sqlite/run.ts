// SQLite driver benchmark (issue 24): the sandbox on node:sqlite (this working tree) next to the sandbox on
// better-sqlite3 (an older revision, exported and installed beside it), on the sandbox's own workload, in
// one run. Rounds interleave the two (the order alternates every round) and the table shows medians and
// the median of the per-round ratios. See docs/sqlite.md.
//
//   npm exec -- tsx bench/sqlite/run.ts [--baseline 7e88430] [--rounds 3] [--workloads smoke,load,saturate]
//                                       [--load-duration 60s] [--saturate-duration 15s] [--saturate-vus 20]
//                                       [--db memory|file] [--no-build] [--json out.json]
//
// Workloads, each the kit's payment scenario run the way `npm start` runs it (cli/run-scenario.ts) against a
// fresh sandbox per run:
//   smoke     PROFILE=smoke: 3 VUs with think time for 20 s, what `npm start` does
//   load      PROFILE=load DURATION=60s: open model, ramp to 100 iterations/s, hold, ramp down
//   saturate  PROFILE=smoke VUS=20 with no think time: as many requests as the sandbox answers (capacity)
// What is measured, per run:
//   - requests/s: requests the sandbox itself answered (bench/peers/count-requests.mjs, loaded into it) over
//     the span from the first to the last answer; iterations/s and p95 from k6's report (summary.json);
//   - sandbox CPU: user+sys of the sandbox process from its ready line to k6's exit, per answered request.
// --baseline names the revision whose sandbox is the other contender (default: main just before the port,
// better-sqlite3 13.2.0); it is exported with `git archive` into bench/.out/sqlite/ and installed there with
// `npm ci --ignore-scripts` once. Both sandboxes run on this Node (process.execPath) with their own tsx.
// --db file gives each sandbox a fresh file database (WAL) instead of the default in-memory one.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario } from '../../cli/run-scenario.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import type { Report } from '../../lib/verdict/report-data.ts';
import { median, TICK_MS, treeTicks } from '../measure.ts';
import { baselineTree, OUT, ROOT, sh, workingTree, type Contender } from './trees.ts';

const COUNT_REQUESTS = join(ROOT, 'bench/peers/count-requests.mjs');
const NO_THINK = { THINK_TIME_SCALE: '0', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0' };

const USAGE = 'usage: tsx bench/sqlite/run.ts [--baseline REV] [--rounds N] [--workloads smoke,load,saturate] [--load-duration 60s] [--saturate-duration 15s] [--saturate-vus 20] [--db memory|file] [--no-build] [--json FILE]';
function parse() {
  try {
    return parseArgs({
      options: {
        baseline: { type: 'string', default: '7e88430' },
        rounds: { type: 'string', default: '3' },
        workloads: { type: 'string', default: 'smoke,load,saturate' },
        'load-duration': { type: 'string', default: '60s' },
        'saturate-duration': { type: 'string', default: '15s' },
        'saturate-vus': { type: 'string', default: '20' },
        db: { type: 'string', default: 'memory' },
        'no-build': { type: 'boolean', default: false },
        json: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = parse();
const rounds = Number(values.rounds);
const seconds = (flag: string, v: string) => {
  if (!/^\d+s$/.test(v)) throw new Error(`--${flag} must be in seconds, like 60s, not '${v}'`);
  return v;
};

interface Workload { name: string; profile: string; env: Record<string, string>; what: string }
const WORKLOADS: Record<string, () => Workload> = {
  smoke: () => ({ name: 'smoke', profile: 'smoke', env: {}, what: 'npm start: payment, PROFILE=smoke (3 VUs, think time, 20 s)' }),
  load: () => {
    const d = seconds('load-duration', values['load-duration']);
    return { name: 'load', profile: 'load', env: { DURATION: d }, what: `payment, PROFILE=load DURATION=${d} (open model, 100 it/s held for 80% of it)` };
  },
  saturate: () => {
    const d = seconds('saturate-duration', values['saturate-duration']);
    const vus = values['saturate-vus'];
    return { name: 'saturate', profile: 'smoke', env: { VUS: vus, DURATION: d, ...NO_THINK }, what: `payment, PROFILE=smoke VUS=${vus} DURATION=${d}, no think time` };
  },
};

interface Run {
  workload: string;
  contender: string;
  round: number;
  loadavgBefore: number[];
  exitCode: number;
  verdict: string;
  /** the budgets a failed verdict breached (a saturated sandbox on a busy machine can breach latency budgets) */
  failedThresholds: string[];
  droppedIterations: number;
  requests: number;
  reqPerS: number;
  iterations: number;
  itPerS: number;
  p95Ms: number;
  p99Ms: number;
  failedRate: number;
  sandboxCpuS: number;
  cpuMsPerRequest: number;
  /** the sandbox's CPU over the span it answered requests, as a share of one core */
  coreShare: number;
}

let counter = 0;

async function runOne(c: Contender, w: Workload, round: number): Promise<Run> {
  const id = `${w.name}-${c.label.replace(/ /g, '-')}-r${round + 1}-${process.pid}-${++counter}`;
  const countFile = join(OUT, `${id}-count.json`);
  const dbFile = join(OUT, `${id}.db`);
  const loadavgBefore = loadavg().map((x) => Number(x.toFixed(2)));
  const sb = await startSandboxProcess(
    {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${COUNT_REQUESTS}`.trim(),
      PEERS_COUNT_FILE: countFile,
      SANDBOX_DB: values.db === 'file' ? dbFile : ':memory:',
    },
    30_000,
    { root: c.root },
  );
  const pid = sb.child.pid as number;
  let result;
  let ticks0 = NaN;
  let ticks1 = NaN;
  try {
    ticks0 = treeTicks(pid);
    result = await runScenario({
      scenario: 'payment',
      profile: w.profile,
      env: { ...process.env, PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl, ...w.env },
      reportsRoot: join(OUT, 'reports'),
      quiet: true,
    });
    ticks1 = treeTicks(pid);
  } finally {
    await sb.stop();
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  }
  const report = result.summary as Partial<Report> & { error?: string; k6StderrTail?: string };
  // 99 is a breached budget: the run still measured what it measured; anything else is a broken run.
  if (result.exitCode !== 0 && result.exitCode !== 99) {
    throw new Error(`${c.driver} ${w.name} round ${round + 1}: k6 exit ${result.exitCode} (${result.meaning})\n${report.k6StderrTail ?? ''}\n${sb.output().slice(-2000)}`);
  }
  if (!existsSync(countFile)) throw new Error(`the sandbox wrote no request counts (${countFile}):\n${sb.output().slice(-2000)}`);
  const counts = JSON.parse(readFileSync(countFile, 'utf8')) as { first: number; last: number; routes: Record<string, number> };
  const requests = Object.values(counts.routes).reduce((n, x) => n + x, 0);
  const spanS = (counts.last - counts.first) / 1000;
  const cpuS = ((ticks1 - ticks0) * TICK_MS) / 1000;
  rmSync(result.reportDir, { recursive: true, force: true });
  rmSync(countFile, { force: true });
  return {
    workload: w.name,
    contender: c.driver,
    round,
    loadavgBefore,
    exitCode: result.exitCode,
    verdict: result.verdict,
    failedThresholds: report.failedThresholds ?? [],
    droppedIterations: report.iterations?.dropped ?? NaN,
    requests,
    reqPerS: requests / spanS,
    iterations: report.iterations?.count ?? NaN,
    itPerS: report.iterations?.ratePerSecond ?? NaN,
    p95Ms: report.latencyMs?.p95 ?? NaN,
    p99Ms: report.latencyMs?.p99 ?? NaN,
    failedRate: report.requests?.failedRate ?? NaN,
    sandboxCpuS: cpuS,
    cpuMsPerRequest: (cpuS * 1000) / requests,
    coreShare: cpuS / spanS,
  };
}

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const range = (xs: number[], digits = 0) => `${f(Math.min(...xs), digits)}–${f(Math.max(...xs), digits)}`;

async function main(): Promise<void> {
  if (!(rounds >= 1)) throw new Error(`--rounds must be a positive integer, not '${values.rounds}'`);
  if (values.db !== 'memory' && values.db !== 'file') throw new Error(`--db must be memory or file, not '${values.db}'`);
  const workloads = values.workloads.split(',').map((name) => {
    const make = WORKLOADS[name];
    if (!make) throw new Error(`--workloads: unknown workload '${name}' (known: ${Object.keys(WORKLOADS).join(', ')})`);
    return make();
  });
  mkdirSync(OUT, { recursive: true });
  const contenders = [workingTree(), baselineTree(values.baseline)];
  if (contenders[0]!.driver === contenders[1]!.driver) throw new Error(`both contenders use ${contenders[0]!.driver}: pick a --baseline on the other driver`);
  if (!values['no-build']) sh('npm', ['run', '--silent', 'build'], ROOT);

  const started = new Date();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version, sqlite: process.versions.sqlite };
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`sqlite: ${started.toISOString()}, ${machine.cpus} CPUs (${machine.model}), Node ${machine.node}, load average ${loadBefore}`);
  for (const c of contenders) console.log(`sqlite: ${c.driver} — ${c.label} ${c.revision}`);
  console.log(`sqlite: ${workloads.map((w) => w.name).join(', ')}; ${rounds} rounds, order alternating; a fresh ${values.db === 'file' ? 'file' : 'in-memory'} sandbox per run`);

  const runs: Run[] = [];
  for (const w of workloads) {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) {
        const r = await runOne(c, w, round);
        runs.push(r);
        console.log(
          `  ${w.name.padEnd(8)} round ${round + 1} ${c.driver.padEnd(20)} ${f(r.reqPerS, 1).padStart(7)} req/s  ${f(r.itPerS, 1).padStart(6)} it/s  p95 ${f(r.p95Ms, 2).padStart(6)} ms  ` +
            `sandbox ${f(r.cpuMsPerRequest, 3)} CPU-ms/req (${f(100 * r.coreShare)}% of a core)  ${r.verdict}${r.failedThresholds.length ? ` (${r.failedThresholds.join('; ')})` : ''}  load ${r.loadavgBefore[0]}`,
        );
      }
    }
  }

  const [cand, base] = contenders as [Contender, Contender];
  const lines = [
    '| workload | driver | requests/s served | iterations/s (dropped) | p95 ms (min–max) | sandbox CPU ms per request (min–max) | sandbox CPU, % of a core | failed requests | verdicts |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  const ratios: string[] = [];
  for (const w of workloads) {
    for (const c of [base, cand]) {
      const rs = runs.filter((r) => r.workload === w.name && r.contender === c.driver);
      const p95 = rs.map((r) => r.p95Ms);
      const cpu = rs.map((r) => r.cpuMsPerRequest);
      lines.push(
        `| ${w.name} | ${c.driver} | ${f(median(rs.map((r) => r.reqPerS)), 1)} | ${f(median(rs.map((r) => r.itPerS)), 1)} (${f(median(rs.map((r) => r.droppedIterations)))}) | ${f(median(p95), 2)} (${range(p95, 2)}) | ` +
          `${f(median(cpu), 3)} (${range(cpu, 3)}) | ${f(100 * median(rs.map((r) => r.coreShare)))}% | ${f(100 * median(rs.map((r) => r.failedRate)), 2)}% | ${rs.map((r) => r.verdict).join(' ')} |`,
      );
    }
    // Ratios of the two runs of one round (side by side in time), then their median.
    const paired = (k: 'reqPerS' | 'p95Ms' | 'cpuMsPerRequest') =>
      median(
        Array.from({ length: rounds }, (_, round) => {
          const a = runs.find((r) => r.workload === w.name && r.round === round && r.contender === cand.driver);
          const b = runs.find((r) => r.workload === w.name && r.round === round && r.contender === base.driver);
          return a && b ? a[k] / b[k] : NaN;
        }),
      );
    ratios.push(
      `${w.name}: ${cand.driver} / ${base.driver}, median of per-round ratios: requests/s ${f(paired('reqPerS'), 3)}, p95 ${f(paired('p95Ms'), 3)}, sandbox CPU per request ${f(paired('cpuMsPerRequest'), 3)}`,
    );
  }
  const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`\n${lines.join('\n')}\n\n${ratios.join('\n')}`);
  console.log(`\nsqlite: load average before ${loadBefore}, after ${loadAfter}; ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min`);

  const file = values.json ?? join(OUT, `sqlite-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const command = `npm exec -- tsx bench/sqlite/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(
    file,
    JSON.stringify({ command, started: started.toISOString(), machine, loadBefore, loadAfter, contenders, workloads, rounds, db: values.db, table: lines, ratios, runs }, null, 2) + '\n',
  );
  console.log(`sqlite: results ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
