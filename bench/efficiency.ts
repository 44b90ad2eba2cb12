// Efficiency benchmark (issue 5): each scenario's requests/s at 50 VUs next to a minimal k6 script
// that sends the same requests in the same proportions with no helpers (bench/efficiency/<scenario>-minimal.js),
// measured in the same run against the same sandbox, with the two sides alternating.
//
//   npx tsx bench/efficiency.ts [--duration 10s] [--vus 50] [--rounds 3] [--scenarios payment,banking]
//                               [--sandbox pair|run] [--drift] [--variants] [--json out.json]
//
//   --sandbox pair   one sandbox per scenario, shared by all its runs (default); order alternates
//                    minimal/ours, ours/minimal, ... so drift from growing sandbox state cancels out
//   --sandbox run    a fresh sandbox for every single k6 run
//   --drift          only measure drift: the minimal script run --rounds times on one sandbox
//   --variants       also run throwaway builds of ours with one helper removed at a time (profiling;
//                    the variants are bundled in memory into bench/.out/efficiency/, the tree is untouched)
//
// Both sides run with THINK_TIME_SCALE=0, MIN_WAIT_TIME=0, MAX_WAIT_TIME=0 so neither sleeps. Ours is
// dist/<scenario>.js (run `npm run build` first) with VUS/DURATION (smoke profile: constant-vus); the
// minimal script gets --vus/--duration. requests/s is http_reqs.rate from --summary-export.
// k6 and the sandbox share this machine's cores, so the CPU each used per request is reported too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { K6_BUNDLE } from '../k6-bundle.mjs';
import { ensureK6 } from '../cli/k6.ts';
import { startSandboxProcess, type SandboxProcess } from '../cli/sandbox-process.ts';

const ALL = ['payment', 'banking', 'failures', 'realistic', 'mixed'] as const;
type Scenario = (typeof ALL)[number];
/** Shares of VUs per class, as in scenarios/<name>.ts: ours rounds each share of VUS, so the minimal script gets the same sum. */
const SHARES: Record<Scenario, number[]> = {
  payment: [1],
  banking: [1],
  failures: [1],
  realistic: [0.6, 0.25, 0.15],
  mixed: [0.4, 0.3, 0.1, 0.1, 0.05, 0.05],
};
const OUT = resolve('bench/.out/efficiency');
const NO_THINK = { THINK_TIME_SCALE: '0', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0' };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const duration = arg('duration', '10s');
const vus = Number(arg('vus', '50'));
const rounds = Number(arg('rounds', '3'));
const scenarios = arg('scenarios', ALL.join(',')).split(',') as Scenario[];
const sandboxMode = arg('sandbox', 'pair') as 'pair' | 'run';
for (const s of scenarios) if (!ALL.includes(s)) throw new Error(`unknown scenario ${s}`);
if (!/^\d+s$/.test(duration) || Number(duration.slice(0, -1)) > 20) throw new Error('--duration must be <= 20s, like 10s');

const totalVus = (s: Scenario) => SHARES[s].reduce((n, share) => n + Math.max(1, Math.round(vus * share)), 0);

// ---------------------------------------------------------------------------------------------
// Throwaway variants of ours, each with one helper removed, for "where the rest goes". Each patch
// is applied in memory while bundling; a patch whose text is not found fails loudly.

interface Patch { file: string; from: string | RegExp; to: string }
const NO_CHECK = 'const check = (..._a: unknown[]) => true;';
const VARIANTS: Record<string, Patch[]> = {
  'no checks (k6 check() is a no-op)': [
    { file: 'lib/k6/http.ts', from: "import { check, sleep } from 'k6';", to: `import { sleep } from 'k6';\n${NO_CHECK}` },
    { file: 'lib/k6/context.ts', from: "import { check, sleep } from 'k6';", to: `import { sleep } from 'k6';\n${NO_CHECK}` },
    { file: 'lib/k6/refusals.ts', from: "import { check } from 'k6';", to: NO_CHECK },
  ],
  'no body-shape checks (status checks kept)': [{ file: 'lib/k6/http.ts', from: 'if (shape) set[', to: 'if (false as boolean) set[' }],
  // k6's default callback then judges every answer (a 4xx counts as failed), as a script without one does
  'no responseCallback (expected statuses)': [
    { file: 'lib/k6/http.ts', from: '  private callback(statuses: readonly number[]) {\n', to: '  private callback(statuses: readonly number[]) {\n    if (statuses) return undefined as unknown as ReturnType<typeof http.expectedStatuses>;\n' },
  ],
  'no name tag': [{ file: 'lib/k6/http.ts', from: 'tags: opts.tags ? mergeTags(p, opts.tags) : p.tags,', to: 'tags: opts.tags,' }],
  'no task/user_class VU tags': [
    { file: 'lib/k6/runner.ts', from: 'vuTags.user_class = userClass;', to: '' },
    { file: 'lib/k6/runner.ts', from: 'vuTags.task = task.name;', to: '' },
  ],
  'no task_* / business counters': [
    { file: 'lib/k6/runner.ts', from: 'task.counter.add(1);', to: '' },
    { file: 'lib/k6/metrics.ts', from: /new Counter\('[a-z_]+'\)/g, to: "({ add: (..._a: unknown[]) => undefined } as unknown as Counter)" },
  ],
  'no per-endpoint thresholds': [{ file: 'lib/k6/scenario.ts', from: 'thresholds: mergeThresholds(', to: 'thresholds: {} ?? mergeThresholds(' }],
  'Math.random instead of the seeded generator': [
    { file: 'lib/random.ts', from: 'let state = hashSeed(seed) | 0;', to: 'if (seed !== -1) return Math.random;\n  let state = hashSeed(seed) | 0;' },
    { file: 'lib/random.ts', from: 'let s = (hashSeed(seed) % 2147483646) + 1;', to: 'if (seed !== -1) return Math.random;\n  let s = (hashSeed(seed) % 2147483646) + 1;' },
  ],
};

async function bundleVariant(scenario: Scenario, name: string, patches: Patch[]): Promise<string> {
  const out = join(OUT, 'variants', `${scenario}-${name.replace(/[^a-z0-9]+/gi, '-')}.js`);
  const byFile = new Map<string, Patch[]>();
  for (const p of patches) byFile.set(resolve(p.file), [...(byFile.get(resolve(p.file)) ?? []), p]);
  await esbuild.build({
    entryPoints: [`scenarios/${scenario}.ts`],
    outfile: out,
    ...K6_BUNDLE,
    logLevel: 'warning',
    plugins: [
      {
        name: 'patch',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, (a) => {
            const list = byFile.get(a.path);
            if (!list) return undefined;
            let text = readFileSync(a.path, 'utf8');
            for (const p of list) {
              const before = text;
              text = typeof p.from === 'string' ? text.split(p.from).join(p.to) : text.replace(p.from, p.to);
              if (text === before) throw new Error(`variant '${name}': text not found in ${p.file}: ${String(p.from)}`);
            }
            return { contents: text, loader: 'ts' };
          });
        },
      },
    ],
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

function cpuTicks(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
  } catch {
    return NaN;
  }
}

interface Run {
  scenario: Scenario;
  side: string;
  order: number;
  reqPerS: number;
  reqs: number;
  iterations: number;
  failedRate: number;
  /** CPU milliseconds per 1000 requests, steady state (middle of the run). */
  k6CpuMs: number;
  sandboxCpuMs: number;
}

let K6 = '';
let runCounter = 0;

async function runK6(script: string, args: string[], env: Record<string, string>, sandbox: SandboxProcess): Promise<Omit<Run, 'scenario' | 'side' | 'order'>> {
  const id = ++runCounter;
  const summary = join(OUT, `summary-${process.pid}-${id}.json`);
  const reportDir = join(OUT, `report-${process.pid}-${id}`);
  mkdirSync(reportDir, { recursive: true });
  const child: ChildProcess = spawn(K6, ['run', '-q', '--no-usage-report', `--summary-export=${summary}`, ...args, script], {
    env: {
      ...process.env,
      K6_NO_USAGE_REPORT: 'true',
      PAYMENT_SERVICE_URL: sandbox.paymentUrl,
      BANKING_API_URL: sandbox.bankingUrl,
      REPORT_DIR: reportDir,
      ...NO_THINK,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  // CPU of k6 and of the sandbox, sampled every 100 ms. The per-request figures use the middle half of
  // the window in which the sandbox was busy, so k6's VU initialisation and end-of-test summary are left out.
  const samples: Array<{ t: number; k6: number; sb: number }> = [];
  const timer = setInterval(() => samples.push({ t: Date.now(), k6: cpuTicks(child.pid), sb: cpuTicks(sandbox.child.pid) }), 100);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  // 99: thresholds crossed (latency budgets can fail at 50 VUs on a small machine); the run still counts.
  if ((code !== 0 && code !== 99) || !existsSync(summary)) throw new Error(`k6 ${script} exited ${code}:\n${log}`);
  const busy = samples.map((x, i) => i > 0 && x.sb - (samples[i - 1] as typeof x).sb >= 3);
  const first = busy.indexOf(true);
  const last = busy.lastIndexOf(true);
  const a = samples[Math.round(first + (last - first) * 0.25)];
  const b = samples[Math.round(first + (last - first) * 0.75)];
  const m = (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }).metrics;
  const reqs = m.http_reqs?.count ?? 0;
  const reqPerS = m.http_reqs?.rate ?? 0;
  const windowReqs = a && b && b.t > a.t ? (reqPerS * (b.t - a.t)) / 1000 : NaN;
  return {
    reqPerS,
    reqs,
    iterations: m.iterations?.count ?? 0,
    failedRate: m.http_req_failed?.value ?? m.http_req_failed?.rate ?? NaN,
    k6CpuMs: a && b ? ((b.k6 - a.k6) * 10) / (windowReqs / 1000) : NaN,
    sandboxCpuMs: a && b ? ((b.sb - a.sb) * 10) / (windowReqs / 1000) : NaN,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

function sides(scenario: Scenario, extra: Record<string, string>): Record<string, { script: string; args: string[]; env: Record<string, string> }> {
  const n = totalVus(scenario);
  const out: Record<string, { script: string; args: string[]; env: Record<string, string> }> = {
    minimal: { script: `bench/efficiency/${scenario}-minimal.js`, args: ['--vus', String(n), '--duration', duration], env: { BASE_VUS: String(vus) } },
    ours: { script: `dist/${scenario}.js`, args: [], env: { VUS: String(vus), DURATION: duration } },
  };
  for (const [name, script] of Object.entries(extra)) out[name] = { script, args: [], env: { VUS: String(vus), DURATION: duration } };
  return out;
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  K6 = (await ensureK6()).path;
  for (const s of scenarios) if (!existsSync(`dist/${s}.js`)) throw new Error(`dist/${s}.js is missing: run npm run build`);
  const started = new Date();
  console.log(`efficiency: ${started.toISOString()} k6 ${K6}, ${vus} VUs, ${duration} per run, ${rounds} rounds, sandbox per ${sandboxMode}`);
  const runs: Run[] = [];

  if (flag('drift')) {
    for (const s of scenarios) {
      const sb = await startSandboxProcess();
      const rates: string[] = [];
      try {
        const side = sides(s, {}).minimal!;
        for (let i = 0; i < rounds; i++) {
          const r = await runK6(side.script, side.args, side.env, sb);
          runs.push({ scenario: s, side: 'minimal', order: i, ...r });
          rates.push(r.reqPerS.toFixed(0));
        }
      } finally {
        await sb.stop();
      }
      console.log(`drift ${s}: minimal req/s on one sandbox, run after run: ${rates.join(', ')}`);
    }
  } else {
    for (const s of scenarios) {
      const variants: Record<string, string> = {};
      if (flag('variants')) for (const [name, patches] of Object.entries(VARIANTS)) variants[name] = await bundleVariant(s, name, patches);
      const plan = sides(s, variants);
      const names = Object.keys(plan);
      let sb: SandboxProcess | null = sandboxMode === 'pair' ? await startSandboxProcess() : null;
      let order = 0;
      try {
        for (let round = 0; round < rounds; round++) {
          // Rotate the order each round (A B, B A, A B, ...) so neither side always runs on the fresher sandbox.
          const seq = names.map((_, i) => names[(i + round) % names.length] as string);
          for (const name of seq) {
            const side = plan[name]!;
            const own = sandboxMode === 'run' ? await startSandboxProcess() : null;
            try {
              const r = await runK6(side.script, side.args, side.env, (own ?? sb)!);
              runs.push({ scenario: s, side: name, order: order++, ...r });
              console.log(`  ${s} round ${round + 1} ${name.padEnd(44)} ${r.reqPerS.toFixed(0).padStart(6)} req/s  (k6 ${r.k6CpuMs.toFixed(0)} ms, sandbox ${r.sandboxCpuMs.toFixed(0)} ms CPU per 1000 req)`);
            } finally {
              await own?.stop();
            }
          }
        }
      } finally {
        await sb?.stop();
        sb = null;
      }
    }
    console.log('\n| scenario | VUs | minimal req/s | ours req/s | ours / minimal | k6 CPU ms/1000 req (minimal / ours) | sandbox CPU ms/1000 req (minimal / ours) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const s of scenarios) {
      const of = (side: string) => runs.filter((r) => r.scenario === s && r.side === side);
      const min = of('minimal');
      const ours = of('ours');
      const mr = median(min.map((r) => r.reqPerS));
      const or = median(ours.map((r) => r.reqPerS));
      console.log(
        `| ${s} | ${totalVus(s)} | ${mr.toFixed(0)} | ${or.toFixed(0)} | ${(or / mr).toFixed(2)} | ${median(min.map((r) => r.k6CpuMs)).toFixed(0)} / ${median(ours.map((r) => r.k6CpuMs)).toFixed(0)} | ${median(min.map((r) => r.sandboxCpuMs)).toFixed(0)} / ${median(ours.map((r) => r.sandboxCpuMs)).toFixed(0)} |`,
      );
      if (flag('variants')) {
        for (const name of Object.keys(VARIANTS)) {
          const v = median(of(name).map((r) => r.reqPerS));
          console.log(`|   ours, ${name} | | | ${v.toFixed(0)} | ${(v / mr).toFixed(2)} | ${median(of(name).map((r) => r.k6CpuMs)).toFixed(0)} | ${median(of(name).map((r) => r.sandboxCpuMs)).toFixed(0)} |`);
        }
      }
    }
  }
  const file = arg('json', join(OUT, `efficiency-${started.toISOString().replace(/[:.]/g, '-')}.json`));
  writeFileSync(file, JSON.stringify({ started: started.toISOString(), duration, vus, rounds, sandbox: sandboxMode, runs }, null, 2) + '\n');
  console.log(`\nruns: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
