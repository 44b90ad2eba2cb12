// The suite's page (report.html next to suite.json): READY / NOT READY and why, then one row per
// scenario linking that run's own page. Pure, tested in Node.
import { banner, esc, fmt, page, pct, table } from './html.ts';

/** suite.json as the page reads it (cli/suite.ts SuiteReport). */
export interface SuitePageData {
  decision: 'READY' | 'NOT READY';
  reasons: string[];
  profile: string;
  startedAt: string;
  finishedAt: string;
  scenarios: Array<{
    scenario: string;
    verdict: string;
    exitCode: number | null;
    meaning: string;
    failedThresholds: string[];
    requests: number | null;
    requestsPerSecond: number | null;
    p95Ms: number | null;
    errorRate: number | null;
  }>;
}

/** Per scenario, the relative link to its run's report.html (null when it did not run). */
export interface SuitePageRow {
  scenario: string;
  href: string | null;
}

export function renderSuitePage(s: SuitePageData, links: ReadonlyArray<SuitePageRow>, exitCode = s.decision === 'READY' ? 0 : 1): string {
  const ready = s.decision === 'READY';
  const why = ready ? `every scenario passed (${s.scenarios.length})` : s.reasons[0] + (s.reasons.length > 1 ? `; and ${s.reasons.length - 1} more` : '');
  const rows = s.scenarios.map((o) => {
    const href = links.find((l) => l.scenario === o.scenario)?.href ?? null;
    const name = href ? `<a href="${esc(href)}">${esc(o.scenario)}</a>` : esc(o.scenario);
    return [
      name,
      `<span class="state ${o.verdict === 'pass' ? 'ok' : 'breached'}">${esc(o.verdict.toUpperCase())}</span>`,
      o.exitCode === null ? '–' : String(o.exitCode),
      o.requests === null ? '–' : String(o.requests),
      fmt(o.requestsPerSecond, 1),
      fmt(o.p95Ms),
      pct(o.errorRate, 2),
      esc(o.failedThresholds.length > 0 ? o.failedThresholds.join('; ') : o.verdict === 'pass' ? '' : o.meaning),
    ];
  });
  const reasons = s.reasons.length > 0 ? `<h2>Reasons</h2><ul id="reasons">${s.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const body = [
    `<h1>Readiness suite (${esc(s.profile)})</h1>`,
    banner(ready ? 'pass' : 'fail', s.decision, why, `exit code ${exitCode}`),
    `<p class="muted">Started ${esc(s.startedAt)}, finished ${esc(s.finishedAt)}.</p>`,
    '<h2>Scenarios</h2>',
    table('scenarios', ['scenario', 'verdict', 'exit', 'requests', 'req/s', 'p95 ms', 'failed', 'failed thresholds / error'], rows, new Set([2, 3, 4, 5, 6])),
    reasons,
  ];
  return page(`${s.decision}: suite ${s.profile}`, body.filter(Boolean).join('\n'));
}
