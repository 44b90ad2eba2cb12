// What the report page costs the load generator (issue 27): requests per client CPU-second of a run
// as it was before the page (base: the given commit's bundle, k6's dashboard export as report.html)
// next to one with it (ours: the working tree's bundle, the dashboard split per endpoint and failure
// tag, its event record, and report.html rendered in Node), in one run, against one sandbox, the two
// sides running at the same time in each round. Client CPU is the k6 process's user+sys from start to exit (bash's `times`), plus,
// for ours, the Node CPU spent rendering the page.
//
//   npx tsx bench/report-page.ts [--base 7e88430] [--rounds 3] [--vus 20] [--duration 20s] [--sides base,ours,ours-unsplit] [--rate N]
//
// The base bundle is built from `git archive <base>` into bench/.out/report-page/base (tree untouched).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureK6, k6Env } from '../cli/k6.ts';
import { DASHBOARD_FILE, EVENTS_FILE, writeRunPage } from '../cli/report-page.ts';
import { startSandboxProcess } from '../cli/sandbox-process.ts';
import { dashboardPeriod } from '../cli/run-scenario.ts';
import { durationSeconds } from '../lib/profiles.ts';
import { FAILURE_TAG } from '../lib/report/page/failures.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const base = arg('base', '7e88430');
const rounds = Number(arg('rounds', '3'));
const vus = arg('vus', '20');
// An open-model profile at a fixed rate gives both sides the same requests to send, so their CPU per
// request compares directly; the closed smoke profile without think time sends as many as it can.
const rate = arg('rate', '');
const duration = arg('duration', '20s');
const OUT = resolve('bench/.out/report-page');
const sideNames = arg('sides', 'base,ours').split(',');

function buildBase(): string {
  const dir = join(OUT, 'base');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('bash', ['-c', `git archive ${base} | tar -x -C ${dir}`], { stdio: 'inherit' });
  if (archive.status !== 0) throw new Error(`git archive ${base} failed`);
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('building the base bundle failed');
  return join(dir, 'dist', 'payment.js');
}

interface Side {
  name: string;
  script: string;
  env: (dir: string) => Record<string, string>;
}

interface Result {
  side: string;
  requests: number;
  k6CpuSeconds: number;
  renderCpuSeconds: number;
  pageBytes: number;
}

async function runOnce(k6: string, side: Side, urls: Record<string, string>, round: number): Promise<Result> {
  const dir = join(OUT, `${side.name}-${round}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = k6Env({
    ...process.env,
    ...urls,
    ...(rate ? { PROFILE: 'volume', RATE: rate } : { PROFILE: 'smoke' }),
    VUS: vus,
    DURATION: duration,
    THINK_TIME_SCALE: '0',
    MIN_WAIT_TIME: '0',
    MAX_WAIT_TIME: '0',
    REPORT_DIR: dir,
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    // the period `npm start` would choose for this duration
    K6_WEB_DASHBOARD_PERIOD: dashboardPeriod(durationSeconds(duration)),
    ...side.env(dir),
  });
  // bash's `times` prints the CPU of its finished children: the k6 process, start to exit.
  const child = spawn('bash', ['-c', '"$0" run --quiet "$1" >/dev/null 2>&1; times', k6, side.script], { env });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  await new Promise((done) => child.on('close', done));
  const last = stdout.trim().split('\n').pop() ?? '';
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(last);
  if (!m) throw new Error(`no CPU times from bash: ${stdout}`);
  const k6CpuSeconds = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  let renderCpuSeconds = 0;
  if (side.name !== 'base') {
    const before = process.cpuUsage();
    writeRunPage({ dir, report: summary, exitCode: 0, meaning: '', env: {}, k6Version: null, secrets: [] });
    const used = process.cpuUsage(before);
    renderCpuSeconds = (used.user + used.system) / 1e6;
  }
  return { side: side.name, requests: summary.requests.count, k6CpuSeconds, renderCpuSeconds, pageBytes: statSync(join(dir, 'report.html')).size };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main() {
  const k6 = (await ensureK6()).path;
  const baseScript = buildBase();
  const ours = resolve('dist', 'payment.js');
  if (!existsSync(ours)) throw new Error('run `npm run build` first');
  const sides: Side[] = [
    { name: 'base', script: baseScript, env: (dir: string) => ({ K6_WEB_DASHBOARD_EXPORT: join(dir, 'report.html') }) },
    {
      name: 'ours',
      script: ours,
      env: (dir: string) => ({ K6_WEB_DASHBOARD_TAGS: `group,name,${FAILURE_TAG}`, K6_WEB_DASHBOARD_EXPORT: join(dir, DASHBOARD_FILE), K6_WEB_DASHBOARD_RECORD: join(dir, EVENTS_FILE) }),
    },
    // ours without the per-endpoint split: how much of the cost is the split
    {
      name: 'ours-unsplit',
      script: ours,
      env: (dir: string) => ({ K6_WEB_DASHBOARD_TAGS: `group,${FAILURE_TAG}`, K6_WEB_DASHBOARD_EXPORT: join(dir, DASHBOARD_FILE), K6_WEB_DASHBOARD_RECORD: join(dir, EVENTS_FILE) }),
    },
  ].filter((s) => sideNames.includes(s.name));
  const sandbox = await startSandboxProcess();
  const results: Result[] = [];
  try {
    const urls = { PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl };
    for (let round = 0; round < rounds; round++) {
      // Every side at once, against the one sandbox: on a shared machine whose load changes by the
      // minute, the sides of one round meet the same load; the ratio is taken within each round.
      const round_ = await Promise.all(sides.map((side) => runOnce(k6, side, urls, round)));
      for (const r of round_) {
        results.push(r);
        const cpu = r.k6CpuSeconds + r.renderCpuSeconds;
        console.log(`round ${round + 1} ${r.side.padEnd(12)} ${r.requests} requests, k6 ${r.k6CpuSeconds.toFixed(2)} CPU-s + render ${r.renderCpuSeconds.toFixed(3)} CPU-s: ${(r.requests / cpu).toFixed(0)} req per client CPU-s; report.html ${r.pageBytes} bytes`);
      }
    }
  } finally {
    await sandbox.stop();
  }
  const per = (side: string) => results.filter((r) => r.side === side).map((r) => r.requests / (r.k6CpuSeconds + r.renderCpuSeconds));
  const b = per('base');
  console.log('');
  for (const s of sides.filter((x) => x.name !== 'base')) {
    const o = per(s.name);
    const ratios = o.map((v, i) => v / b[i]!);
    const r = median(ratios);
    console.log(`median requests per client CPU-second: base ${median(b).toFixed(0)}, ${s.name} ${median(o).toFixed(0)}; median of the rounds' ${s.name} / base ${r.toFixed(3)} (cost ${((1 - r) * 100).toFixed(1)}%; rounds ${ratios.map((x) => x.toFixed(3)).join(' ')})`);
  }
  console.log(`median render CPU ${median(results.filter((r) => r.side !== 'base').map((r) => r.renderCpuSeconds)).toFixed(3)} s; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
