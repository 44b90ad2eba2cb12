// Where a k6 script's own JavaScript spends its time, by JavaScript function, line and source module:
// the view k6's Go CPU profile cannot give (there the whole script is one interpreter loop). Each script
// is bundled with `k6/http` stubbed (bench/hotpath/stub-bundle.ts), run in one VU on one CPU by a k6
// build whose engine samples the JS call stack (./main.go, built once into the k6 cache with Go), and
// its profile is read with `go tool pprof`.
//
//   npx tsx bench/jsprofile/run.ts [--scenario payment|banking] [--seconds 12] [--top 25] NAME=SOURCE ...
//
// SOURCE is a checkout of the kit (its scenarios/<scenario>.ts is profiled) or a plain k6 script such as
// bench/efficiency/payment-minimal.js (bundled next to itself, so its open() paths still resolve; pass
// its environment as usual, e.g. CHECKS=1). Shares are of the sampled execution time, which includes
// the stand-in's own answers (its rows say so); per-call figures divide by the calls made in the run.
// Timing comparisons between builds belong to bench/hotpath/run.ts, which interleaves them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cacheDir, goBuildEnv, K6_MODULE, pinnedVersion, throwawayGoMod } from '../../cli/k6.ts';
import { bundleWithHttpStub } from '../hotpath/stub-bundle.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const OUT = resolve(HERE, '../.out/jsprofile');
const STUB = resolve(HERE, '../hotpath/http-stub.js');
const STUB_LABEL = '(stand-in for k6/http)';
const CALLS_PER_ITERATION = 40;
const WARM_SECONDS = 3;

function usage(problem: string): never {
  console.error(`${problem}\nusage: npx tsx bench/jsprofile/run.ts [--scenario payment|banking] [--seconds 12] [--top 25] NAME=SOURCE ...`);
  process.exit(2);
}

const { values: opts, positionals: sources } = parseArgs({
  allowPositionals: true,
  options: { scenario: { type: 'string', default: 'payment' }, seconds: { type: 'string', default: '12' }, top: { type: 'string', default: '25' } },
});
const scenario = opts.scenario;
const seconds = Number(opts.seconds);
const top = Number(opts.top);
if (!Number.isInteger(seconds) || seconds < 1) usage(`--seconds must be a whole number >= 1, got ${opts.seconds}`);
if (!Number.isInteger(top) || top < 1) usage(`--top must be a whole number >= 1, got ${opts.top}`);
const bad = sources.find((s) => !/^[\w.-]+=./.test(s));
if (bad !== undefined || sources.length === 0) usage(`give NAME=SOURCE pairs (a kit checkout or a k6 script)${bad === undefined ? '' : `, not ${bad}`}`);

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: goBuildEnv() });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${(r.stderr || r.stdout).slice(-2000)}`);
}

/** The pinned k6 with main.go around it, built once per version and rebuilt when main.go changes. */
function profilingK6(): string {
  const pin = pinnedVersion();
  const dir = join(cacheDir(pin), 'jsprofile');
  const bin = join(dir, 'k6-jsprofile');
  const main = readFileSync(join(HERE, 'main.go'), 'utf8');
  if (existsSync(bin) && existsSync(join(dir, 'main.go')) && readFileSync(join(dir, 'main.go'), 'utf8') === main) return bin;
  process.stderr.write(`Building k6 ${pin} with its JS profiler into ${dir} (first time only)\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), throwawayGoMod('paykitjsprofile'));
  run('go', ['get', `${K6_MODULE}@${pin}`], dir);
  // The engine at the version k6 itself requires: main.go imports it, tidy records it.
  writeFileSync(join(dir, 'main.go'), main);
  run('go', ['mod', 'tidy'], dir);
  run('go', ['build', '-o', bin, '.'], dir);
  return bin;
}

interface Row {
  flat: number;
  cum: number;
  name: string;
  where: string;
}

const UNIT: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, min: 60_000 };

function ms(text: string): number {
  const m = /^([\d.]+)(ns|us|µs|ms|s|min)?$/.exec(text);
  if (!m) throw new Error(`unreadable pprof figure ${text}`);
  return Number(m[1]) * (UNIT[m[2] ?? 'ms'] as number);
}

/** `go tool pprof -top` rows: flat and cum in ms, the node's name and (with -lines) file:line. */
function pprofTop(profile: string, lines: boolean): { total: number; rows: Row[] } {
  const r = spawnSync('go', ['tool', 'pprof', '-top', '-nodecount=100000', '-nodefraction=0', '-edgefraction=0', ...(lines ? ['-lines'] : []), profile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go tool pprof failed: ${r.stderr.slice(-1000)}`);
  const total = /of ([\d.]+\w+) total/.exec(r.stdout);
  if (!total) throw new Error(`go tool pprof printed no total:\n${r.stdout.slice(0, 500)}`);
  const rows: Row[] = [];
  for (const line of r.stdout.split('\n')) {
    // A function's name may hold spaces (a check's callback is named by its key); -lines ends in file:line.
    const m = /^\s*([\d.]+\w*)\s+[\d.]+%\s+[\d.]+%\s+([\d.]+\w*)\s+[\d.]+%\s+(.+?)(?:\s+(\S+:\d+))?\s*$/.exec(line);
    if (m) rows.push({ flat: ms(m[1] as string), cum: ms(m[2] as string), name: m[3] as string, where: m[4] ?? '' });
  }
  return { total: ms(total[1] as string), rows };
}

/**
 * esbuild marks where each module's code starts with a `// path` comment line, relative to the folder it
 * bundled from: line -> module, shown relative to `shownFrom`, the stand-in by its label.
 */
function moduleOf(bundle: string[], bundledFrom: string, shownFrom: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  bundle.forEach((text, i) => {
    const m = /^\/\/ ((?:[\w.@-]+\/)*[\w.@-]+\.(?:ts|js|mjs|json))$/.exec(text);
    if (!m) return;
    const file = resolve(bundledFrom, m[1] as string);
    starts.push([i + 1, file === STUB ? STUB_LABEL : relative(shownFrom, file)]);
  });
  return (line) => {
    let found = '(bundle glue)';
    for (const [start, name] of starts) if (start <= line) found = name;
    return found;
  };
}

function pct(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)}%`.padStart(7);
}

/** A share of the sampled time as microseconds of one call, from the run's wall time per call. */
function us(part: number, whole: number, perCall: number): string {
  return `${((part / whole) * perCall).toFixed(1)} µs`.padStart(9);
}

async function profileOne(k6: string, name: string, source: string): Promise<void> {
  const path = resolve(source);
  const isScript = statSync(path).isFile();
  // A plain script is bundled next to itself: k6 resolves its open() paths from the bundle's folder.
  const bundle = isScript ? join(dirname(path), `.jsprofile-${basename(path)}`) : join(OUT, name, `${scenario}.js`);
  mkdirSync(join(OUT, name), { recursive: true });
  try {
    if (isScript) await bundleWithHttpStub(dirname(path), basename(path), bundle);
    else await bundleWithHttpStub(path, `scenarios/${scenario}.ts`, bundle);
    const driver = join(OUT, name, 'driver.js');
    writeFileSync(
      driver,
      [
        `import run from ${JSON.stringify(relative(dirname(driver), bundle).replace(/^(?!\.)/, './'))};`,
        `export const options = { scenarios: { profile: { executor: 'constant-vus', vus: 1, duration: '${WARM_SECONDS + seconds + 3}s' } }, thresholds: {} };`,
        `const data = { runId: 'jsprofile', startedAt: '' };`,
        `export default function () { for (let i = 0; i < ${CALLS_PER_ITERATION}; i++) run(data); }`,
        `export function handleSummary(d) { return { stdout: 'JSPROFILE ' + d.metrics.iterations.values.count + ' ' + d.state.testRunDurationMs + '\\n' }; }`,
        '',
      ].join('\n'),
    );
    const profile = join(OUT, name, 'js.pb');
    rmSync(profile, { force: true });
    // One CPU, as the peers bench's --pin gives the load generator: the collector and the metric
    // pipeline then take their share from the script's core, as they do under load.
    const r = spawnSync('taskset', ['-c', '0', k6, 'run', '-q', '--no-usage-report', driver], {
      encoding: 'utf8',
      env: { ...process.env, JSPROF: profile, JSPROF_FROM: String(WARM_SECONDS), JSPROF_FOR: String(seconds), K6_NO_USAGE_REPORT: 'true', THINK_TIME_SCALE: '0', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0', REPORT_DIR: join(OUT, name, 'reports') },
    });
    const done = /JSPROFILE (\d+) ([\d.]+)/.exec(r.stdout);
    if (r.status !== 0 || !done || !existsSync(profile) || statSync(profile).size === 0) {
      throw new Error(`${name}: the profiled run failed (exit ${r.status}):\n${`${r.stdout}${r.stderr}`.slice(-3000)}`);
    }
    const calls = Number(done[1]) * CALLS_PER_ITERATION;
    const perCall = (Number(done[2]) * 1000) / calls;

    const text = readFileSync(bundle, 'utf8').split('\n');
    const module = isScript ? moduleOf(text, dirname(path), ROOT) : moduleOf(text, path, path);
    const byFunction = pprofTop(profile, false);
    const byLine = pprofTop(profile, true);
    const total = byLine.total;
    // Each line's row placed once: its bundle line, module and code (the driver's own rows stay as pprof names them).
    const lines = byLine.rows.map((row) => {
      const line = Number(/:(\d+)$/.exec(row.where)?.[1] ?? 0);
      const inBundle = row.where.includes(basename(bundle));
      return { flat: row.flat, line, module: inBundle ? module(line) : '(driver)', code: inBundle ? (text[line - 1] ?? '').trim().slice(0, 110) : row.where };
    });
    const modules = new Map<string, number>();
    for (const l of lines) modules.set(l.module, (modules.get(l.module) ?? 0) + l.flat);
    const stub = modules.get(STUB_LABEL) ?? 0;

    console.log(`\n== ${name}: ${isScript ? relative(ROOT, path) : `${relative(ROOT, path) || '.'}/scenarios/${scenario}.ts`}, one VU on CPU 0, k6/http stubbed`);
    console.log(`${calls} calls in ${(Number(done[2]) / 1000).toFixed(1)} s: ${perCall.toFixed(1)} µs per call (wall time), ${us(total - stub, total, perCall).trim()} of it outside the stand-in; ${(total / 1000).toFixed(1)} s sampled from ${WARM_SECONDS} s in`);
    console.log('Shares are of the sampled time; µs are per call.');
    console.log('\nby source module (flat)');
    for (const [mod, t] of [...modules].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t, total)}${us(t, total, perCall)}  ${mod}`);
    console.log('\nby function (flat, cum)');
    for (const row of byFunction.rows.slice(0, top)) console.log(`${pct(row.flat, total)}${us(row.flat, total, perCall)} ${pct(row.cum, total)}${us(row.cum, total, perCall)}  ${row.name}`);
    console.log('\nby line (flat): module, bundle line, code');
    for (const l of lines.slice(0, top)) {
      console.log(`${pct(l.flat, total)}${us(l.flat, total, perCall)}  ${l.module.padEnd(28)} ${String(l.line).padStart(5)}  ${l.code}`);
    }
  } finally {
    if (isScript) rmSync(bundle, { force: true });
  }
}

async function main() {
  const k6 = profilingK6();
  for (const s of sources) {
    const [name, source] = s.split('=') as [string, string];
    await profileOne(k6, name, source);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
