// Writes a run's report files from its report data, through the scrubbing writer like every report file:
// report.html, the page a reviewer opens (from the report data, the web dashboard's event record or
// Prometheus's series for the charts, and what only Node knows: exit code, k6 version, git commit), and
// for a run judged here from Prometheus also summary.json, summary.md, junit.xml and summary.txt (k6's
// handleSummary writes those of a single run itself, with the same renderer: lib/report/render.ts).
// uPlot is read from node_modules here and inlined, so the page needs nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { urlHost } from '../lib/config.ts';
import type { PageAssets } from '../lib/report/page/html.ts';
import type { FailureExample } from '../lib/report/page/failures.ts';
import { renderRunPage, type PageReport, type RunFacts, type RunPage } from '../lib/report/page/run.ts';
import { parseRecord, seriesFromRecord, type RunSeries } from '../lib/report/page/series.ts';
import { renderSuitePage, type SuitePageRow } from '../lib/report/page/suite.ts';
import { renderReport } from '../lib/report/render.ts';
import { errorBoundText } from '../lib/verdict/from-prometheus.ts';
import { exitCodeOf, type DistributedReport } from '../lib/verdict/report-data.ts';
import { redactReportDir, writeReportFile } from './report-files.ts';
import type { RunFacts as BaselineFacts } from '../lib/baseline.ts';
import { writeRunBaseline } from './baseline.ts';

/** k6's own dashboard export and its event record, next to our report.html. */
export const DASHBOARD_FILE = 'dashboard.html';
export const EVENTS_FILE = 'dashboard-events.ndjson.gz';

let assets: PageAssets | null = null;

export function pageAssets(): PageAssets {
  if (!assets) {
    const require = createRequire(import.meta.url);
    assets = {
      uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return assets;
}

/** The checkout's commit, or null outside a git checkout. */
export function gitCommit(cwd = process.cwd()): string | null {
  const r = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' });
  return r.stdout.trim() + (dirty.status === 0 && dirty.stdout.trim() !== '' ? ' (with uncommitted changes)' : '');
}

/** The series in a report directory's dashboard record, or null when k6 left none. */
export function readSeries(dir: string, report: PageReport): RunSeries | null {
  const path = join(dir, EVENTS_FILE);
  if (!existsSync(path)) return null;
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch {
    // k6 killed mid-write leaves a truncated gzip stream: the page says there are no charts.
    return null;
  }
  const breached = (report.thresholds ?? []).filter((t) => !t.ok && !t.noData);
  return seriesFromRecord(parseRecord(text), breached);
}

/** Target hosts from the run's *_URL variables: for a run whose summary k6 never wrote. */
export function hostsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const hosts = Object.entries(env)
    .filter(([k, v]) => /_URL$/.test(k) && !/^(PROMETHEUS|K6_)/.test(k) && typeof v === 'string' && v !== '')
    .map(([, v]) => urlHost(v as string))
    .filter((h): h is string => h !== null);
  return [...new Set(hosts)].sort();
}

export interface RunPageInput {
  dir: string;
  report: PageReport;
  exitCode: number;
  meaning: string;
  env: NodeJS.ProcessEnv;
  k6Version: string | null;
  secrets: readonly string[];
  /** Fallback load description when the report has none (k6 never reached handleSummary). */
  load?: string | null;
  failuresByStatus?: RunPage['failuresByStatus'];
  examples?: FailureExample[];
  runners?: PageReport['runners'];
  errorBound?: string;
  /** Series from elsewhere (a distributed run's Prometheus); otherwise the directory's dashboard record. */
  series?: RunSeries | null;
}

export function writeRunPage(i: RunPageInput): string {
  const run = i.report.run;
  const series = i.series !== undefined ? i.series : readSeries(i.dir, i.report);
  const facts: RunFacts = {
    targets: run?.targets ?? hostsFromEnv(i.env),
    load: run?.load ?? i.load ?? null,
    durationSeconds: i.report.durationSeconds ?? null,
    k6Version: i.k6Version,
    seed: run?.seed ?? null,
    gitCommit: gitCommit(),
    startedAt: run?.startedAt ?? (series && series.time.length > 0 ? new Date((series.time[0]! - series.periodSeconds) * 1000).toISOString() : null),
    finishedAt: i.report.finishedAt ?? null,
  };
  const html = renderRunPage(
    {
      report: i.report,
      exitCode: i.exitCode,
      meaning: i.meaning,
      facts,
      series,
      dashboardHref: existsSync(join(i.dir, DASHBOARD_FILE)) ? DASHBOARD_FILE : null,
      failuresByStatus: i.failuresByStatus ?? series?.failuresByStatus,
      examples: i.examples,
      errorBound: i.errorBound,
    },
    pageAssets(),
  );
  const path = join(i.dir, 'report.html');
  writeReportFile(path, html, i.secrets);
  return path;
}

export function writeSuitePage(dir: string, suite: Parameters<typeof renderSuitePage>[0], rows: SuitePageRow[], secrets: readonly string[]): string {
  const path = join(dir, 'report.html');
  writeReportFile(path, renderSuitePage(suite, rows), secrets);
  return path;
}

/**
 * Writes summary.json, summary.md, junit.xml, summary.txt and report.html of a run judged from Prometheus
 * and, for a run that was judged, baseline.json (with `facts`, so it can be a baseline); returns the
 * stdout text. A comparison with a baseline (cli/baseline.ts withBaseline) is rendered where the report
 * carries one.
 */
export function writeReports(dir: string, r: DistributedReport, secrets: readonly string[], series: RunSeries | null = null, k6Version: string | null = null, facts: BaselineFacts = {}): string {
  const files = renderReport(r);
  writeReportFile(join(dir, 'summary.json'), files.json, secrets);
  writeReportFile(join(dir, 'summary.md'), files.md, secrets);
  if (r.verdict !== 'error' && (r.endpoints ?? []).length > 0) writeRunBaseline(dir, r, k6Version, facts);
  writeReportFile(join(dir, 'junit.xml'), files.junit, secrets);
  writeReportFile(join(dir, 'summary.txt'), files.text, secrets);
  writeRunPage({
    dir,
    report: r,
    exitCode: exitCodeOf(r.verdict),
    meaning: r.verdict === 'pass' ? 'every threshold held over all runners' : r.verdict === 'fail' ? (r.failedThresholds.length > 0 ? 'a threshold was breached over all runners' : "a regression beyond the baseline's noise") : 'error',
    env: process.env,
    k6Version,
    secrets,
    series,
    errorBound: errorBoundText(),
  });
  redactReportDir(dir, secrets);
  return files.text;
}
