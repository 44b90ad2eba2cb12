// handleSummary for every scenario: writes summary.json, summary.md and junit.xml into the run's report
// directory and prints the human summary, with the auth token scrubbed from all of it.
// k6 calls handleSummary on a threshold abort too, so an aborted run still leaves its reports.
import { redact } from '../config.ts';
import { buildReport, renderJunit, renderMarkdown, renderText, type K6SummaryData } from '../summary.ts';

export interface SummaryOptions {
  scenario: string;
  profile: string;
  tasks: ReadonlyArray<{ name: string; weight: number }>;
  secret: string;
}

/** Where reports go: REPORT_DIR (set by `npm start` / `npm run suite`) or reports/<scenario>-<profile>-<timestamp>. */
export function reportDir(scenario: string, profile: string): string {
  const explicit = __ENV.REPORT_DIR;
  if (explicit) return explicit.replace(/\/+$/, '');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  return `reports/${scenario}-${profile}-${stamp}`;
}

export function summaryHandler(opts: SummaryOptions) {
  return (data: K6SummaryData): Record<string, string> => {
    const report = buildReport(data, opts);
    const dir = reportDir(opts.scenario, opts.profile);
    const out: Record<string, string> = {
      stdout: renderText(report) + `  reports: ${dir}/\n`,
      [`${dir}/summary.json`]: JSON.stringify(report, null, 2) + '\n',
      [`${dir}/summary.md`]: renderMarkdown(report),
      [`${dir}/junit.xml`]: renderJunit(report),
    };
    for (const k of Object.keys(out)) out[k] = redact(out[k] as string, opts.secret);
    return out;
  };
}
