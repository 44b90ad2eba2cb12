// The one renderer of the report data (lib/verdict/report-data.ts), whoever judged the run: text for the
// terminal, Markdown for a CI job summary, JUnit XML for CI dashboards, the JSON itself; a run judged
// from Prometheus adds its runners. report.html is page/run.ts beside it, fed by the same data. Pure, tested
// in Node; k6's handleSummary and the Node tools (cli/report-page.ts) write what this returns.
import type { DistributedReport, Report, ThresholdResult } from '../verdict/report-data.ts';
import { renderComparisonMarkdown, renderComparisonText } from './comparison.ts';

function fmt(n: number | null, digits = 2): string {
  if (n === null) return '-';
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function observed(t: ThresholdResult): string {
  if (t.noData) return t.ok ? 'no data (optional)' : 'no data';
  return `observed ${fmt(t.observed)}`;
}

export function renderText(r: Report): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(`  ${r.scenario} / ${r.profile}: ${r.verdict.toUpperCase()} (${r.durationSeconds}s)`);
  if (r.error) lines.push(`  ${r.error}`);
  lines.push('');
  lines.push('  thresholds');
  const width = Math.max(...r.thresholds.map((t) => t.metric.length), 10);
  for (const t of r.thresholds) {
    lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'}  ${t.metric.padEnd(width)}  ${t.expression.padEnd(16)} ${observed(t)}`);
  }
  lines.push('');
  lines.push(
    `  requests ${r.requests.count} (${fmt(r.requests.ratePerSecond, 1)}/s), failed ${r.requests.failedRate === null ? '-' : pct(r.requests.failedRate)}, retried ${r.requests.retries ?? 0}, ` +
      `latency avg ${fmt(r.latencyMs.avg)} ms p95 ${fmt(r.latencyMs.p95)} ms p99 ${fmt(r.latencyMs.p99)} ms`,
  );
  lines.push(
    `  checks ${r.checks.passes} passed, ${r.checks.fails} failed; iterations ${r.iterations.count} (${fmt(r.iterations.ratePerSecond, 1)}/s), dropped ${r.iterations.dropped}`,
  );
  if (r.taskMix.length > 0) {
    lines.push('');
    const w = Math.max(...r.taskMix.map((t) => t.userClass.length + t.task.length + 1), 8);
    lines.push(`  ${'task mix'.padEnd(w + 2)}  weight  expected  achieved     runs`);
    for (const t of r.taskMix) {
      const label = `${t.userClass}.${t.task}`;
      lines.push(`    ${label.padEnd(w)}  ${fmt(t.weight).padStart(6)}  ${pct(t.expectedShare).padStart(8)}  ${pct(t.share).padStart(8)}  ${String(t.runs).padStart(7)}`);
    }
  }
  const endpoints = r.endpoints ?? [];
  if (endpoints.length > 0) {
    lines.push('');
    const w = Math.max(...endpoints.map((e) => e.name.length), 8);
    lines.push(`  ${'endpoint'.padEnd(w + 2)}  requests    failed   p95 ms`);
    for (const e of endpoints) {
      lines.push(`    ${e.name.padEnd(w)}  ${String(e.requests).padStart(8)}  ${String(e.failed).padStart(8)}  ${fmt(e.p95Ms).padStart(7)}`);
    }
  }
  const failedChecks = (r.checkResults ?? []).filter((c) => c.fails > 0);
  if (failedChecks.length > 0) {
    lines.push('');
    lines.push('  failed checks');
    for (const c of failedChecks) lines.push(`    ${c.fails} of ${c.passes + c.fails}  ${c.name}`);
  }
  const counters = Object.entries(r.counters);
  if (counters.length > 0) {
    lines.push('');
    lines.push(`  counters  ${counters.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  }
  if (r.failedThresholds.length > 0) {
    lines.push('');
    lines.push(`  failed thresholds: ${r.failedThresholds.join('; ')}`);
  }
  lines.push('');
  return lines.join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(r: Report): string {
  const lines = [
    `### ${r.verdict === 'pass' ? '✅' : '❌'} k6 ${r.scenario} / ${r.profile}: ${r.verdict.toUpperCase()}`,
    '',
    ...(r.error ? [r.error, ''] : []),
    `${r.requests.count} requests at ${fmt(r.requests.ratePerSecond, 1)}/s over ${r.durationSeconds}s; ` +
      `p95 ${fmt(r.latencyMs.p95)} ms, p99 ${fmt(r.latencyMs.p99)} ms; failed ${r.requests.failedRate === null ? '-' : pct(r.requests.failedRate)}; retried ${r.requests.retries ?? 0}; ` +
      `checks ${r.checks.passes}/${r.checks.passes + r.checks.fails}; dropped iterations ${r.iterations.dropped}.`,
    '',
    '| | metric | threshold | observed |',
    '|---|---|---|---|',
    ...r.thresholds.map((t) => `| ${t.ok ? '✅' : '❌'} | \`${mdCell(t.metric)}\` | \`${mdCell(t.expression)}\` | ${t.noData ? observed(t) : fmt(t.observed)} |`),
  ];
  if ((r.endpoints ?? []).length > 0) {
    lines.push('', '| endpoint | requests | failed | p95 ms |', '|---|---:|---:|---:|');
    for (const e of r.endpoints ?? []) lines.push(`| \`${mdCell(e.name)}\` | ${e.requests} | ${e.failed} | ${fmt(e.p95Ms)} |`);
  }
  const failedChecks = (r.checkResults ?? []).filter((c) => c.fails > 0);
  if (failedChecks.length > 0) {
    lines.push('', '| failed check | fails | of |', '|---|---:|---:|');
    for (const c of failedChecks) lines.push(`| ${mdCell(c.name)} | ${c.fails} | ${c.passes + c.fails} |`);
  }
  if (r.taskMix.length > 0) {
    lines.push('', '| user class | task | weight | expected | achieved | runs |', '|---|---|---:|---:|---:|---:|');
    for (const t of r.taskMix) lines.push(`| ${t.userClass} | ${t.task} | ${fmt(t.weight)} | ${pct(t.expectedShare)} | ${pct(t.share)} | ${t.runs} |`);
  }
  return lines.join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One test case per threshold, so CI dashboards show exactly which budget broke. */
export function renderJunit(r: Report): string {
  const failures = r.thresholds.filter((t) => !t.ok).length;
  const setup = r.error
    ? [`    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}" name="setup" time="0">\n      <error message="${xml(r.error)}" type="setup">${xml(r.error)}</error>\n    </testcase>`]
    : [];
  const cases = r.thresholds.map((t) => {
    const name = xml(`${t.metric} ${t.expression}`);
    const open = `    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}" name="${name}" time="0">`;
    if (t.ok) return `${open}</testcase>`;
    const msg = xml(t.noData ? `${t.metric} ${t.expression}: no data, nothing was judged` : `${t.metric} ${t.expression} breached: observed ${t.stat} = ${fmt(t.observed)}`);
    return `${open}\n      <failure message="${msg}" type="threshold">${msg}</failure>\n    </testcase>`;
  });
  // Each compared baseline row is a test case too: a regression is a failure as a breached budget is.
  const compared = (r.baseline?.rows ?? []).filter((b) => b.outcome !== 'not compared');
  const baselineCases = compared.map((b) => {
    const open = `    <testcase classname="k6.${xml(r.scenario)}.${xml(r.profile)}.baseline" name="${xml(`${b.endpoint} ${b.metric}`)}" time="0">`;
    if (b.outcome !== 'regression') return `${open}</testcase>`;
    const msg = xml(`${b.endpoint} ${b.metric} regressed beyond the baseline's noise: baseline ${fmt(b.baseline)}, current ${fmt(b.current)}, band ${fmt(b.band)}`);
    return `${open}\n      <failure message="${msg}" type="baseline">${msg}</failure>\n    </testcase>`;
  });
  const tests = r.thresholds.length + setup.length + baselineCases.length;
  const failed = failures + compared.filter((b) => b.outcome === 'regression').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k6" tests="${tests}" failures="${failed}" errors="${setup.length}" time="${r.durationSeconds}">`,
    `  <testsuite name="${xml(r.scenario)}-${xml(r.profile)}" tests="${tests}" failures="${failed}" errors="${setup.length}" time="${r.durationSeconds}" timestamp="${r.finishedAt}">`,
    ...setup,
    ...cases,
    ...baselineCases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The runner table and, for an error, why: appended to the text of a run judged from Prometheus. */
export function renderRunners(r: DistributedReport): string {
  const lines = ['  runners  (segment, requests, exit)'];
  for (const row of r.runners) lines.push(`    ${row.runner.padEnd(6)} ${row.segment.padEnd(16)} ${String(row.requests ?? '-').padStart(8)}  exit ${row.exit ?? '-'}`);
  lines.push(`  start skew ${r.distributed.startSkewMs ?? '-'} ms; test id ${r.distributed.testId}`);
  if (r.error) lines.push('', `  ERROR: ${r.error}`);
  return lines.join('\n') + '\n';
}

function isDistributed(r: Report): r is DistributedReport {
  return 'runners' in r && 'distributed' in r;
}

/** The report files' contents by name (summary.json, summary.md, junit.xml) and the text for stdout. */
export function renderReport(r: Report): { json: string; md: string; junit: string; text: string } {
  const runners = isDistributed(r) ? renderRunners(r) : null;
  const c = r.baseline;
  return {
    json: JSON.stringify(r, null, 2) + '\n',
    md: renderMarkdown(r) + (runners ? '\n```\n' + runners + '```\n' : '') + (c ? renderComparisonMarkdown(c, c.source) : ''),
    junit: renderJunit(r),
    text: renderText(r) + (runners ?? '') + (c ? renderComparisonText(c, c.source) : ''),
  };
}
