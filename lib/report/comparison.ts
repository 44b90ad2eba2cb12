// The comparison with a baseline as people read it: the terminal's table, summary.md's, the cells the
// report page shows, and the sentence about a busier machine. Part of the one renderer (render.ts puts
// it in the text and Markdown of any report that carries a comparison). Pure; the decision is lib/baseline.ts.
import type { Comparison, ComparisonRow, Metric } from '../verdict/report-data.ts';

/** The sentence shown next to a regression when the machine was busier than for the baseline, else null. */
export function busierNote(c: Pick<Comparison, 'loadAverage'>): string | null {
  const l = c.loadAverage;
  if (!l?.busier) return null;
  return `this run ran on a busier machine than its baseline (1-minute load average ${l.current!.toFixed(2)} against ${l.baseline!.toFixed(2)})`;
}

/** The load averages in words, for a report's heading ('' when neither side recorded one). */
export function loadAverageText(c: Pick<Comparison, 'loadAverage'>): string {
  const l = c.loadAverage;
  if (!l) return '';
  const f = (v: number | null) => (v === null ? 'unknown' : v.toFixed(2));
  return `load average ${f(l.current)} (baseline ${f(l.baseline)})`;
}

function num(v: number | null, metric: Metric): string {
  if (v === null) return '-';
  if (metric === 'error rate') return `${(v * 100).toFixed(2)}%`;
  return v.toFixed(metric === 'cpu ms/request' ? 3 : 2);
}

const signed = (v: number | null) => (v === null ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`);

function bandText(r: ComparisonRow): string {
  if (r.band === null) return '-';
  if (r.metric === 'error rate') return `≤ ${(r.band * 100).toFixed(2)}% (binomial)`;
  return `±${(r.band * 100).toFixed(0)}% (${r.bandSource})`;
}

/** One row as the text cells every rendering shows: endpoint, metric, baseline, current, change, band, outcome. */
export function comparisonCells(r: ComparisonRow): string[] {
  const outcome = r.outcome === 'not compared' && r.note ? `not compared (${r.note})` : r.outcome;
  return [r.endpoint, r.metric, num(r.baseline, r.metric), num(r.current, r.metric), signed(r.change), bandText(r), outcome];
}

/** The comparison for a terminal and summary.txt: every row, then on a regression the gate's line. */
export function renderComparisonText(c: Comparison, source: string): string {
  const lines = ['', `  baseline: ${c.runs} run${c.runs === 1 ? '' : 's'} from ${source}: ${c.regressions.length === 0 ? 'no regression beyond noise' : `REGRESSION in ${c.regressions.join(', ')}`}`];
  const busy = c.regressions.length > 0 ? busierNote(c) : null;
  if (busy) lines.push(`  note: ${busy}`);
  if (c.loadAverage) lines.push(`  ${loadAverageText(c)}`);
  const w = Math.max(...c.rows.map((r) => r.endpoint.length), 8);
  lines.push(`    ${'endpoint'.padEnd(w)}  ${'metric'.padEnd(13)}  ${'baseline'.padStart(9)}  ${'current'.padStart(9)}  ${'change'.padStart(7)}  ${'band'.padEnd(22)}  outcome`);
  for (const r of c.rows) {
    lines.push(
      `    ${r.endpoint.padEnd(w)}  ${r.metric.padEnd(13)}  ${num(r.baseline, r.metric).padStart(9)}  ${num(r.current, r.metric).padStart(9)}  ${signed(r.change).padStart(7)}  ${bandText(r).padEnd(22)}  ${r.outcome === 'regression' ? 'REGRESSION' : r.outcome}${r.outcome === 'not compared' && r.note ? ` (${r.note})` : ''}`,
    );
  }
  lines.push('');
  if (c.regressions.length > 0) lines.push(`REGRESSION against the baseline: ${c.regressions.join('; ')}`, '');
  return lines.join('\n');
}

export function renderComparisonMarkdown(c: Comparison, source: string): string {
  const head = c.regressions.length === 0 ? '✅ no regression beyond noise' : `❌ regression: ${c.regressions.map((r) => `\`${r}\``).join(', ')}`;
  const lines = [
    '',
    `#### Baseline (${c.runs} run${c.runs === 1 ? '' : 's'}, ${source.replace(/\|/g, '\\|')}): ${head}`,
    '',
    ...(c.regressions.length > 0 && busierNote(c) ? [`⚠️ ${busierNote(c)}`, ''] : []),
    ...(c.loadAverage ? [`${loadAverageText(c)}`, ''] : []),
    '| endpoint | metric | baseline | current | change | band | outcome |',
    '|---|---|---:|---:|---:|---|---|',
    ...c.rows.map((r) => `| \`${r.endpoint.replace(/\|/g, '\\|')}\` | ${r.metric} | ${num(r.baseline, r.metric)} | ${num(r.current, r.metric)} | ${signed(r.change)} | ${bandText(r)} | ${r.outcome === 'regression' ? '❌ regression' : r.outcome}${r.note && r.outcome === 'not compared' ? ` (${r.note})` : ''} |`),
  ];
  return lines.join('\n') + '\n';
}
