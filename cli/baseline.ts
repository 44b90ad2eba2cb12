// Baselines kept next to the reports, and the comparison `npm start -- --baseline <path>` makes.
//   npm run baseline -- save <run dir | dir of runs>... [--name main]   reports/baselines/main.json
//   npm run baseline -- list
//   npm run baseline -- show <name | path>
// A path given to --baseline may be a run's directory, its summary.json or baseline.json, a saved
// baseline (reports/baselines/<name>.json) or a directory of run directories: each passing run in it
// becomes one baseline run. Method and figures: docs/baseline.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  aggregateOf, BASELINE_SCHEMA, bandOf, compare, identityOf, mergeBaselines, refusal, renderComparisonMarkdown, renderComparisonText,
  type Baseline, type Comparison, type RunIdentity,
} from '../lib/baseline.ts';
import { renderJunit } from '../lib/report/render.ts';
import type { Report } from '../lib/verdict/report-data.ts';

export const BASELINE_FILE = 'baseline.json';
export const BASELINES_DIR = join('reports', 'baselines');

/** The comparison data of one finished run, written next to its reports. */
export function writeRunBaseline(reportDir: string, report: Report, k6Version: string | null): void {
  const b: Baseline = { schema: BASELINE_SCHEMA, ...identityOf(report, k6Version), runs: [aggregateOf(report)] };
  writeFileSync(join(reportDir, BASELINE_FILE), JSON.stringify(b, null, 2) + '\n');
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`baseline ${path}: not readable JSON (${(err as Error).message})`);
  }
}

/** A baseline from one JSON file: a saved baseline, or a run's summary.json (which must have passed). */
function fromFile(path: string): Baseline {
  const data = readJson(path) as { schema?: string; verdict?: string };
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
  const own = fromFile(summary);
  const kept = join(dir, BASELINE_FILE);
  return existsSync(kept) ? (readJson(kept) as Baseline) : own;
}

export function loadBaseline(path: string): Baseline {
  if (!existsSync(path)) {
    const named = join(BASELINES_DIR, `${path}.json`);
    if (existsSync(named)) return fromFile(named);
    throw new Error(`baseline ${path}: no such file or directory (nor a saved baseline named so in ${BASELINES_DIR})`);
  }
  if (statSync(path).isFile()) return fromFile(path);
  if (existsSync(join(path, 'summary.json'))) return fromRunDir(path);
  const parts: Baseline[] = [];
  const skipped: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    const p = join(path, entry);
    try {
      if (statSync(p).isDirectory() && existsSync(join(p, 'summary.json'))) parts.push(fromRunDir(p));
      else if (entry.endsWith('.json') && (readJson(p) as { schema?: string }).schema === BASELINE_SCHEMA) parts.push(fromFile(p));
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  if (parts.length === 0) throw new Error(`baseline ${path}: no passing run in it${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  return mergeBaselines(parts);
}

/** Loads the baseline and refuses it, before any load, when it is another kind of run. */
export function checkedBaseline(path: string, current: RunIdentity): Baseline {
  const b = loadBaseline(path);
  const why = refusal(b, current);
  if (why) throw new Error(`--baseline ${path} refused: ${why}`);
  return b;
}

export interface AppliedBaseline {
  comparison: Comparison;
  source: string;
  /** summary.json as rewritten: with `baseline`, and `verdict: fail` on a regression. */
  report: Report;
}

/**
 * Compares a finished run with the baseline and records the result in its reports: `baseline` in
 * summary.json, a table in summary.md, the terminal text. Returns the comparison for the exit code.
 */
export function applyBaseline(reportDir: string, baseline: Baseline, source: string): AppliedBaseline | null {
  const summaryPath = join(reportDir, 'summary.json');
  if (!existsSync(summaryPath)) return null;
  const report = readJson(summaryPath) as Report & { baseline?: unknown };
  if (!report.endpoints?.length) return null;
  const comparison = compare(baseline, aggregateOf(report));
  // A regression fails the run as a breached budget does: the verdict every report and the page show.
  const verdict = comparison.regressions.length > 0 && report.verdict === 'pass' ? 'fail' : report.verdict;
  const updated: Report = { ...report, verdict, baseline: { source, ...comparison } };
  writeFileSync(summaryPath, JSON.stringify(updated, null, 2) + '\n');
  if (existsSync(join(reportDir, 'junit.xml'))) writeFileSync(join(reportDir, 'junit.xml'), renderJunit(updated));
  const md = join(reportDir, 'summary.md');
  if (existsSync(md)) writeFileSync(md, readFileSync(md, 'utf8') + renderComparisonMarkdown(comparison, source));
  process.stdout.write(renderComparisonText(comparison, source));
  return { comparison, source, report: updated };
}

function save(args: string[]): number {
  const at = args.indexOf('--name');
  const name = at >= 0 ? args[at + 1] : 'baseline';
  const paths = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
  if (!name || !/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`--name must be letters, digits, '.', '_' or '-'; got '${name ?? ''}'`);
  if (paths.length === 0) throw new Error('save needs at least one run directory (or a directory of runs)');
  const merged = mergeBaselines(paths.map(loadBaseline));
  mkdirSync(BASELINES_DIR, { recursive: true });
  const out = join(BASELINES_DIR, `${name}.json`);
  writeFileSync(out, JSON.stringify(merged, null, 2) + '\n');
  console.log(`${out}: ${merged.runs.length} run(s) of ${merged.scenario}/${merged.profile} (${merged.load ?? 'own shape'}, k6 ${merged.k6Version ?? 'unknown'})`);
  return 0;
}

function list(): number {
  if (!existsSync(BASELINES_DIR)) {
    console.log(`no saved baseline in ${BASELINES_DIR}`);
    return 0;
  }
  for (const f of readdirSync(BASELINES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const b = fromFile(join(BASELINES_DIR, f));
    console.log(`${basename(f, '.json').padEnd(20)} ${b.runs.length} run(s)  ${b.scenario}/${b.profile}  ${b.load ?? 'own shape'}  k6 ${b.k6Version ?? 'unknown'}`);
  }
  return 0;
}

function show(path: string | undefined): number {
  if (!path) throw new Error('show needs a saved baseline name or a path');
  const b = loadBaseline(path);
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
  return 0;
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
