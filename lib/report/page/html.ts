// The shell every report page shares: one self-contained HTML file that makes no network request. Its
// Content-Security-Policy allows nothing from anywhere (`default-src 'none'`) but the page's own inline
// style and script, so a stray URL fails closed instead of fetching. Pure, tested in Node.

export interface PageAssets {
  /** uPlot's IIFE build and stylesheet, read from node_modules by the Node side and inlined. */
  uplotJs: string;
  uplotCss: string;
}

export const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Text safe inside an inline <script>: nothing in it can close the element. */
export function scriptText(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A value as JSON for an inline data script: every `<` escaped, so no text in it can be markup. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

export const pct = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined ? '–' : `${(n * 100).toFixed(digits)}%`);

export type Tone = 'pass' | 'fail' | 'error';

const STYLE = `
:root{--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;--muted:#57606a;--line:#d0d7de;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328}
body{margin:0 auto;max-width:1200px;padding:16px 24px 48px;background:#fff}
h1{font-size:20px;margin:0}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.banner{border-radius:8px;padding:16px 20px;color:#fff;display:flex;gap:20px;align-items:baseline;flex-wrap:wrap}
.banner.pass{background:var(--pass)}.banner.fail{background:var(--fail)}.banner.error{background:var(--error)}
.banner .word{font-size:34px;font-weight:700;letter-spacing:1px}.banner .why{font-size:16px;flex:1 1 400px}
.banner .code{font-family:ui-monospace,monospace;font-size:14px;opacity:.9}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.state{font-weight:600}.state.breached,.state.nodata{color:var(--fail)}.state.ok{color:var(--pass)}.state.optional{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:13px;margin:0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.muted{color:var(--muted);font-size:13px}.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.chart h3{font-size:14px;margin:4px 0}pre.body{white-space:pre-wrap;word-break:break-all;margin:0;max-height:8em;overflow:auto;background:#f6f8fa;padding:4px}
`;

/** A whole page: the CSP, the shared style, then `body`. Charts bring their library with `assets`. */
export function page(title: string, body: string, assets?: PageAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${assets ? assets.uplotCss : ''}</style>`,
    assets ? `<script>${scriptText(assets.uplotJs)}</script>` : '',
    '</head><body>',
    body,
    '</body></html>',
    '',
  ].join('\n');
}

export function banner(tone: Tone, word: string, why: string, code: string): string {
  return `<header class="banner ${tone}" id="verdict" data-verdict="${esc(word)}"><span class="word">${esc(word)}</span><span class="why">${esc(why)}</span><span class="code">${esc(code)}</span></header>`;
}

/** A table; cells are HTML already escaped by the caller. `numeric` marks right-aligned columns. */
export function table(id: string, head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}
