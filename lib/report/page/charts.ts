// The page's charts over time: which lines each chart draws and where a breach started are decided
// here, in Node (pure, tested); the browser only hands them to uPlot, inlined into the page.
import type { Line, RunSeries } from './series.ts';
import { esc, jsonText, scriptText } from './html.ts';
import { parseKey } from '../../verdict/thresholds.ts';

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  lines: Array<{ label: string; values: Line }>;
  /** Vertical marks: where a breached budget started (unix seconds). */
  marks: Array<{ time: number; label: string }>;
}

const has = (l: Line) => l.some((v) => v !== null);

/** Which chart a breach belongs on, by its metric. */
function chartOf(metric: string): string {
  if (metric.startsWith('http_req_duration')) return 'latency';
  if (metric.startsWith('http_req_failed') || metric.startsWith('checks')) return 'errors';
  if (metric.startsWith('vus') || metric.startsWith('dropped_iterations')) return 'load';
  return 'throughput';
}

/** `http_req_duration{name:GET /x}` → `GET /x`: on its metric's own chart the endpoint is enough. */
function breachLabel(metric: string): string {
  return parseKey(metric).tags.name ?? metric;
}

export function chartSpecs(s: RunSeries): ChartSpec[] {
  const marks = (id: string) =>
    s.breachStarts.filter((b) => chartOf(b.metric) === id).map((b) => ({ time: b.time, label: `${breachLabel(b.metric)} ${b.expression}` }));
  const specs: ChartSpec[] = [
    { id: 'throughput', title: 'Throughput', unit: 'requests/s', lines: [{ label: 'requests/s', values: s.requestsPerSecond }], marks: marks('throughput') },
    { id: 'latency', title: 'p95 latency per endpoint', unit: 'ms', lines: Object.entries(s.p95Ms).map(([label, values]) => ({ label, values })), marks: marks('latency') },
    {
      id: 'errors',
      title: 'Failed requests',
      unit: '% of requests',
      lines: [{ label: 'failed %', values: s.failedRate.map((v) => (v === null ? null : Math.round(v * 1e5) / 1e3)) }],
      marks: marks('errors'),
    },
    {
      id: 'load',
      title: has(s.droppedIterations) ? 'VUs and dropped iterations' : 'VUs',
      unit: 'count',
      lines: [{ label: 'VUs', values: s.vus }, ...(has(s.droppedIterations) ? [{ label: 'dropped iterations', values: s.droppedIterations }] : [])],
      marks: marks('load'),
    },
  ];
  return specs.map((c) => ({ ...c, lines: c.lines.filter((l) => has(l.values)) })).filter((c) => c.lines.length > 0);
}

/** Line colours, in order; none is the breach mark's red, so a test can tell lines from marks. */
export const PALETTE = ['#0969da', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#bf3989', '#6e7781', '#9a6700', '#0550ae', '#4d2d00'];

// Runs in the browser: draws each spec with uPlot and a red line where a breach started.
const CLIENT = `
(function(){
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = data.palette;
  data.charts.forEach(function(c){
    var el = document.getElementById('chart-' + c.id);
    var width = Math.max(320, el.clientWidth || 560);
    var series = [{}].concat(c.lines.map(function(l, i){
      return { label: l.label, stroke: palette[i % palette.length], width: 1.5, points: { show: data.time.length < 40 } };
    }));
    var opts = {
      width: width, height: 220, series: series, legend: { show: true },
      axes: [{}, { label: c.unit, size: 60 }],
      // Headroom below and above: a line at 0 (no failed request) stays visible instead of hiding in the axis.
      scales: { y: { range: function(u, min, max){
        var hi = max > 0 ? max * 1.1 : 1;
        return [min >= 0 ? -hi * 0.04 : min - (hi - min) * 0.05, hi];
      } } },
      hooks: { draw: [function(u){
        var ctx = u.ctx;
        c.marks.forEach(function(m, i){
          var x = u.valToPos(m.time, 'x', true);
          ctx.save(); ctx.strokeStyle = '#cf222e'; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([6, 4]);
          ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
          ctx.fillStyle = '#cf222e'; ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
          ctx.fillText(m.label, x + 4, u.bbox.top + (12 + 13 * i) * devicePixelRatio);
          ctx.restore();
        });
        // Where the plotting area is on the page, once drawn: tests crop a screenshot there to see it is not empty.
        var r = u.over.getBoundingClientRect();
        el.setAttribute('data-plot', [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(','));
        document.body.setAttribute('data-height', String(document.documentElement.scrollHeight));
      }]}
    };
    new uPlot(opts, [data.time].concat(c.lines.map(function(l){ return l.values; })), el);
  });
})();
`;

/** The charts section: a container per chart, their data as JSON, and the script that draws them. */
export function chartsSection(s: RunSeries | null, note: string): string {
  const specs = s ? chartSpecs(s) : [];
  if (!s || specs.length === 0 || s.time.length < 2) return `<h2>Charts over time</h2><p class="muted" id="no-charts">${esc(note)}</p>`;
  const boxes = specs
    .map((c) => {
      const marks = c.marks.map((m) => `<li>breach started at ${esc(new Date(m.time * 1000).toISOString())}: <code>${esc(m.label)}</code></li>`).join('');
      return `<div class="chart"><h3>${esc(c.title)}</h3><div id="chart-${esc(c.id)}" class="plot"></div>${marks ? `<ul class="muted marks">${marks}</ul>` : ''}</div>`;
    })
    .join('\n');
  const json = jsonText({ time: s.time, charts: specs, palette: PALETTE });
  return [
    `<h2>Charts over time</h2><p class="muted">${esc(note)}</p>`,
    `<div class="charts">${boxes}</div>`,
    `<script type="application/json" id="chart-data">${json}</script>`,
    `<script>${scriptText(CLIENT)}</script>`,
  ].join('\n');
}
