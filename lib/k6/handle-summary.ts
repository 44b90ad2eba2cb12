// handleSummary for every scenario: the run judged from k6's summary (lib/verdict/from-summary.ts) and
// rendered by the one renderer (lib/report/render.ts) into summary.json, summary.md and junit.xml in the
// run's report directory, plus the human summary, with the auth token scrubbed from all of it.
// k6 calls handleSummary on a threshold abort too, so an aborted run still leaves its reports.
import { redact } from '../config.ts';
import type { ClassWeights } from '../tasks.ts';
import type { K6SummaryData, ReportMeta } from '../verdict/from-summary.ts';

export interface SummaryOptions {
  scenario: string;
  profile: string;
  classes: ReadonlyArray<ClassWeights>;
  /** Credentials of the targets: scrubbed from every report. */
  secrets: string[];
  /** Hosts, load and seed for the report page's run facts. */
  run?: ReportMeta['run'];
}

/**
 * File names for the reports. `npm start` and `npm run suite` create reports/<scenario>-<profile>-<timestamp>/
 * and pass it as REPORT_DIR. k6 itself cannot create directories, so a bare `k6 run` without
 * REPORT_DIR writes <scenario>-<profile>.summary.json (and .md, .junit.xml) in the working directory.
 */
export function reportPaths(scenario: string, profile: string): { dir: string; json: string; md: string; junit: string } {
  const explicit = __ENV.REPORT_DIR;
  if (explicit) {
    const dir = explicit.replace(/\/+$/, '');
    return { dir: `${dir}/`, json: `${dir}/summary.json`, md: `${dir}/summary.md`, junit: `${dir}/junit.xml` };
  }
  const base = `${scenario}-${profile}`;
  return { dir: './', json: `${base}.summary.json`, md: `${base}.summary.md`, junit: `${base}.junit.xml` };
}

export function summaryHandler(opts: SummaryOptions) {
  return (data: K6SummaryData): Record<string, string> => {
    // Loaded here, not at the top: esbuild makes a require()d module lazy, so only the one VU that runs
    // handleSummary evaluates the report code; the other VUs skip it in their init (docs/test-data.md).
    const { buildReport } = require('../verdict/from-summary.ts') as typeof import('../verdict/from-summary.ts');
    const { renderReport } = require('../report/render.ts') as typeof import('../report/render.ts');
    const files = renderReport(buildReport(data, { ...opts, setupRequired: true }));
    const paths = reportPaths(opts.scenario, opts.profile);
    const out: Record<string, string> = {
      stdout: files.text + `  reports: ${paths.json}, ${paths.md}, ${paths.junit}\n`,
      [paths.json]: files.json,
      [paths.md]: files.md,
      [paths.junit]: files.junit,
    };
    for (const k of Object.keys(out)) out[k] = redact(out[k] as string, opts.secrets);
    return out;
  };
}
