// Baselines kept next to the reports, and the comparison `npm start -- --baseline <path>` makes.
//   npm run baseline -- save <run dir | dir of runs>... [--name main]   reports/baselines/main.json
//   npm run baseline -- list
//   npm run baseline -- show <name | path>
// A path given to --baseline (npm start, npm run suite, npm run distributed, npm run verdict) may be a
// run's directory, its summary.json or baseline.json, a saved baseline (reports/baselines/<name>.json),
// a directory of run directories or a suite's directory (or a directory of those): the passing runs of
// the current run's kind in it become the baseline runs. Method and figures: docs/baseline.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import {
  aggregateOf, BASELINE_SCHEMA, bandOf, identityOf, judgeAgainstBaseline, LOAD_GENERATOR, mergeBaselines, refusal,
  type Baseline, type Comparison, type RunFacts, type RunIdentity,
} from '../lib/baseline.ts';
import { describeLoad, resolveProfile } from '../lib/profiles.ts';
import { renderReport } from '../lib/report/render.ts';
import type { Report } from '../lib/verdict/report-data.ts';
import { writeReportFile } from './report-files.ts';

export const BASELINE_FILE = 'baseline.json';
export const BASELINES_DIR = join('reports', 'baselines');
/** A saved baseline holding runs of several kinds (a suite's scenarios): one Baseline per kind. */
export const BASELINE_SET_SCHEMA = 'paykit.baseline-set/v1';

/** What a run records of itself: its k6 processes' CPU (when measured) and the machine's load average now. */
export function runFacts(k6: { cpuMs: number | null; processes: number } | null, requests: number): RunFacts {
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  if (!k6 || k6.cpuMs === null || requests <= 0) return { loadAverage };
  return { loadAverage, loadGenerator: { processes: k6.processes, cpuMs: Math.round(k6.cpuMs), msPerRequest: k6.cpuMs / requests } };
}

/** The comparison data of one finished run, written next to its reports. */
export function writeRunBaseline(reportDir: string, report: Pick<Report, 'scenario' | 'profile' | 'run' | 'finishedAt' | 'durationSeconds' | 'endpoints'>, k6Version: string | null, facts: RunFacts = {}): void {
  const b: Baseline = { schema: BASELINE_SCHEMA, ...identityOf(report, k6Version), runs: [aggregateOf(report, facts)] };
  writeFileSync(join(reportDir, BASELINE_FILE), JSON.stringify(b, null, 2) + '\n');
}

/** The load shape a run of this profile will have, as its summary records it (null when the env is bad: k6 names it). */
export function expectedLoad(profile: string, env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    return describeLoad(resolveProfile({ ...env, PROFILE: profile }));
  } catch {
    return null;
  }
}

/** `--baseline <path>` taken out of argv (it is ours, wherever it stands); undefined when absent. */
export function takeBaselineArg(argv: string[]): string | undefined {
  const at = argv.indexOf('--baseline');
  if (at < 0) return undefined;
  const path = argv[at + 1];
  if (!path || path.startsWith('--')) throw new Error('--baseline needs a path: a run directory, its summary.json, a directory of runs or a saved baseline name');
  argv.splice(at, 2);
  return path;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`baseline ${path}: not readable JSON (${(err as Error).message})`);
  }
}

/** Baselines from one JSON file: a saved baseline (or set of them), or a run's summary.json (which must have passed). */
function fromFile(path: string): Baseline[] {
  const data = readJson(path) as { schema?: string; verdict?: string; baselines?: Baseline[] };
  if (data.schema === BASELINE_SET_SCHEMA && Array.isArray(data.baselines)) return data.baselines;
  return [oneFromFile(path, data)];
}

function oneFromFile(path: string, data: { schema?: string; verdict?: string }): Baseline {
  if (data.schema === BASELINE_SCHEMA) return data as Baseline;
  if (data.schema === 'paykit.summary/v1') {
    const r = data as Report;
    if (r.verdict !== 'pass') throw new Error(`baseline ${path}: that run's verdict is ${r.verdict}; a baseline must be a passing run`);
    if (!r.endpoints?.length) throw new Error(`baseline ${path}: the run has no per-endpoint data to compare`);
    return { schema: BASELINE_SCHEMA, ...identityOf(r, null), runs: [aggregateOf(r)] };
  }
  throw new Error(`baseline ${path}: neither a saved baseline (${BASELINE_SCHEMA}) nor a run's summary.json`);
}

/** A run directory's baseline: its baseline.json (which knows the k6 version) when its summary passed. */
function fromRunDir(dir: string): Baseline {
  const summary = join(dir, 'summary.json');
  if (!existsSync(summary)) throw new Error(`baseline ${dir}: no summary.json in it`);
  const own = oneFromFile(summary, readJson(summary) as { schema?: string });
  const kept = join(dir, BASELINE_FILE);
  return existsSync(kept) ? (readJson(kept) as Baseline) : own;
}

/**
 * Every baseline run under `path`, one Baseline per run or saved file. A directory is searched two levels
 * deep (a dir of runs, a suite's dir, a dir of suite dirs); failed runs are skipped, and named when
 * nothing is left.
 */
export function loadBaselineParts(path: string): Baseline[] {
  if (!existsSync(path)) {
    const named = join(BASELINES_DIR, `${path}.json`);
    if (existsSync(named)) return fromFile(named);
    throw new Error(`baseline ${path}: no such file or directory (nor a saved baseline named so in ${BASELINES_DIR})`);
  }
  if (statSync(path).isFile()) return fromFile(path);
  if (existsSync(join(path, 'summary.json'))) return [fromRunDir(path)];
  const skipped: string[] = [];
  const parts = collect(path, 2, skipped);
  if (parts.length === 0) throw new Error(`baseline ${path}: no passing run in it${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  return parts;
}

function collect(dir: string, depth: number, skipped: string[]): Baseline[] {
  const parts: Baseline[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    try {
      if (statSync(p).isDirectory()) {
        if (existsSync(join(p, 'summary.json'))) parts.push(fromRunDir(p));
        else if (depth > 1) parts.push(...collect(p, depth - 1, skipped));
      } else if (entry.endsWith('.json') && [BASELINE_SCHEMA, BASELINE_SET_SCHEMA].includes((readJson(p) as { schema?: string }).schema ?? '')) {
        parts.push(...fromFile(p));
      }
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  return parts;
}

/** Every run under `path` as one baseline; runs of different kinds are an error (`save` of one kind). */
export function loadBaseline(path: string): Baseline {
  return mergeBaselines(loadBaselineParts(path));
}

/**
 * The baseline runs under `path` of the current run's kind, refused before any load, with the reason,
 * when there are none: a directory may hold a suite's several scenarios, and each takes its own.
 */
export function checkedBaseline(path: string, current: RunIdentity): Baseline {
  const parts = loadBaselineParts(path);
  const fits = parts.filter((p) => refusal(p, current) === null);
  if (fits.length > 0) return mergeBaselines(fits);
  // The nearest kind says most: the same scenario and profile if there is one.
  const near = parts.find((p) => p.scenario === current.scenario && p.profile === current.profile) ?? parts.find((p) => p.scenario === current.scenario) ?? parts[0]!;
  throw new Error(`--baseline ${path} refused: ${refusal(near, current)}`);
}

export interface LoadedBaseline {
  baseline: Baseline;
  /** The path as given to --baseline: every report names it. */
  source: string;
}

/** `--baseline` read and checked before any load, or null without one. Throws the refusal, naming the path. */
export function baselineFor(path: string | undefined, current: RunIdentity): LoadedBaseline | null {
  return path ? { baseline: checkedBaseline(path, current), source: path } : null;
}

type JudgedReport = Pick<Report, 'scenario' | 'profile' | 'run' | 'finishedAt' | 'durationSeconds' | 'endpoints'> & { verdict: string; error?: string };

/**
 * A finished report (a distributed run's, a flat-memory run's, or one judged later from Prometheus)
 * judged against the baseline, before its reports are written (cli/distributed.ts writeReports renders
 * the comparison). A run that turns out to be another kind than the baseline (remote runners started
 * with another load) is an error, not a comparison; an error stays an error.
 */
export function withBaseline<R extends JudgedReport>(report: R, loaded: LoadedBaseline | null, k6Version: string | null, facts: RunFacts = {}): R {
  if (!loaded || report.verdict === 'error') return report;
  // Asked to compare and nothing to compare with: an error, never a silent pass.
  if (!report.endpoints?.length) return { ...report, verdict: 'error', error: `--baseline ${loaded.source}: this run's report has no per-endpoint data to compare` };
  const why = refusal(loaded.baseline, identityOf(report, k6Version));
  if (why) return { ...report, verdict: 'error', error: `--baseline ${loaded.source} refused after the run: ${why}` };
  return judgeAgainstBaseline(report, loaded.baseline, loaded.source, facts).report;
}


export interface AppliedBaseline {
  comparison: Comparison;
  source: string;
  /** summary.json as rewritten: with `baseline`, and `verdict: fail` on a regression. */
  report: Report;
}

/**
 * A single run (npm start, each scenario of the suite) compared with the baseline once k6 has written its
 * reports: `baseline` and the verdict in summary.json, a test case per compared row in junit.xml, a
 * table in summary.md. The caller renders the page with the returned report. Null when the run has no
 * per-endpoint data.
 */
export function applyBaseline(reportDir: string, report: Report, loaded: LoadedBaseline, facts: RunFacts, secrets: readonly string[]): AppliedBaseline | null {
  if (!report.endpoints?.length) return null;
  // A regression fails the run as a breached budget does: the verdict every report and the page show.
  const { report: updated, comparison } = judgeAgainstBaseline(report, loaded.baseline, loaded.source, facts);
  // Rendered again by the one renderer: the verdict, the comparison's table and its test cases together.
  const files = renderReport(updated);
  writeReportFile(join(reportDir, 'summary.json'), files.json, secrets);
  if (existsSync(join(reportDir, 'junit.xml'))) writeReportFile(join(reportDir, 'junit.xml'), files.junit, secrets);
  if (existsSync(join(reportDir, 'summary.md'))) writeReportFile(join(reportDir, 'summary.md'), files.md, secrets);
  return { comparison, source: loaded.source, report: updated };
}

/** Runs grouped by kind (refusal-free among themselves), each kind merged: a suite's scenarios side by side. */
export function byKind(parts: readonly Baseline[]): Baseline[] {
  const groups: Baseline[][] = [];
  for (const part of parts) {
    const g = groups.find((x) => refusal(x[0]!, part) === null);
    if (g) g.push(part);
    else groups.push([part]);
  }
  return groups.map(mergeBaselines);
}

/** Keeps the runs under `paths` as `<dir>/<name>.json`: one baseline, or a set of them when the runs are of several kinds. */
export function saveBaseline(paths: readonly string[], name: string, dir = BASELINES_DIR): { out: string; kinds: Baseline[] } {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`--name must be letters, digits, '.', '_' or '-'; got '${name}'`);
  if (paths.length === 0) throw new Error('save needs at least one run directory (or a directory of runs)');
  const kinds = byKind(paths.flatMap(loadBaselineParts));
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.json`);
  const data = kinds.length === 1 ? kinds[0] : { schema: BASELINE_SET_SCHEMA, baselines: kinds };
  writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
  return { out, kinds };
}

function save(args: string[]): number {
  const at = args.indexOf('--name');
  const name = at >= 0 ? (args[at + 1] ?? '') : 'baseline';
  const paths = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
  const { out, kinds } = saveBaseline(paths, name);
  for (const m of kinds) console.log(`${out}: ${m.runs.length} run(s) of ${m.scenario}/${m.profile} (${m.load ?? 'own shape'}, k6 ${m.k6Version ?? 'unknown'})`);
  return 0;
}

function list(): number {
  if (!existsSync(BASELINES_DIR)) {
    console.log(`no saved baseline in ${BASELINES_DIR}`);
    return 0;
  }
  for (const f of readdirSync(BASELINES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    for (const b of fromFile(join(BASELINES_DIR, f))) console.log(`${basename(f, '.json').padEnd(20)} ${b.runs.length} run(s)  ${b.scenario}/${b.profile}  ${b.load ?? 'own shape'}  k6 ${b.k6Version ?? 'unknown'}`);
  }
  return 0;
}

function show(path: string | undefined): number {
  if (!path) throw new Error('show needs a saved baseline name or a path');
  for (const kind of byKind(loadBaselineParts(path))) showOne(kind);
  return 0;
}

function showOne(b: Baseline): void {
  console.log(`${b.scenario}/${b.profile}, ${b.load ?? 'own shape'}, k6 ${b.k6Version ?? 'unknown'}: ${b.runs.length} run(s)`);
  const names = [...new Set(b.runs.flatMap((r) => r.endpoints.map((e) => e.name)))].sort();
  for (const name of names) {
    const es = b.runs.map((r) => r.endpoints.find((e) => e.name === name)).filter((e) => e !== undefined);
    const cells = (['p50Ms', 'p95Ms', 'p99Ms'] as const).map((k) => {
      const vs = es.map((e) => e[k]).filter((v): v is number => v !== null);
      if (vs.length === 0) return `${k.slice(0, 3)} -`;
      const { center, band, source } = bandOf(vs, `${k.slice(0, 3) as 'p50'} ms`);
      return `${k.slice(0, 3)} ${center.toFixed(2)} ms ±${(band * 100).toFixed(0)}% ${source}`;
    });
    const reqs = es.map((e) => e.requests);
    console.log(`  ${name}: requests ${Math.min(...reqs)}..${Math.max(...reqs)} per run; ${cells.join('; ')}`);
  }
  const cpu = b.runs.map((r) => r.loadGenerator?.msPerRequest).filter((v): v is number => typeof v === 'number');
  if (cpu.length > 0) {
    const { center, band, source } = bandOf(cpu, 'cpu ms/request');
    console.log(`  ${LOAD_GENERATOR}: ${center.toFixed(3)} ms CPU per request ±${(band * 100).toFixed(0)}% ${source} (${cpu.length} of ${b.runs.length} runs measured)`);
  }
  const loads = b.runs.map((r) => r.loadAverage).filter((v): v is number => typeof v === 'number');
  if (loads.length > 0) console.log(`  load average as the runs ended: ${loads.map((v) => v.toFixed(2)).join(', ')}`);
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === 'save') return save(rest);
  if (cmd === 'list') return list();
  if (cmd === 'show') return show(rest[0]);
  console.error('usage: npm run baseline -- save <run dir>... [--name <name>] | list | show <name | path>');
  return 2;
}

if (process.argv[1] && /cli[\\/]baseline\.ts$/.test(process.argv[1])) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
