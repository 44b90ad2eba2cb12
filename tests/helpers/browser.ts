// Headless Debian Chromium for report checks. The flags keep it off the (closed) network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { packageBinary } from './system.ts';

/** Only called by tests that asked for chromium with tests/helpers/system.ts (skipped without it). */
export function chromiumPath(): string {
  const p = packageBinary('chromium');
  if (p === null) throw new Error('chromium is not installed; tests that render pages must skip with missingPackages([\'chromium\'])');
  return p;
}

function headless(dir: string, width: number, height: number, action: string[], htmlPath: string) {
  const r = spawnSync(
    chromiumPath(),
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars', `--window-size=${width},${height}`,
      '--virtual-time-budget=10000', ...action, `file://${htmlPath}`,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`chromium failed (${r.status}): ${r.stderr.slice(-1000)}`);
  return r;
}

/** Screenshots a local HTML file after letting its scripts run, and returns the decoded image. */
export function screenshot(htmlPath: string, width = 1280, height = 1000): PNG {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-shot-'));
  const out = join(dir, 'shot.png');
  try {
    headless(dir, width, height, [`--screenshot=${out}`], htmlPath);
    return PNG.sync.read(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The DOM of a local HTML file after its scripts ran, and every network request the page made: read
 * from Chromium's own network log (requests whose isolation key is the file:// page; Chromium's own
 * background requests have another key).
 */
export function renderPage(htmlPath: string, width = 1280, height = 1000): { dom: string; pageRequests: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-dom-'));
  const netLog = join(dir, 'net.json');
  try {
    const r = headless(dir, width, height, [`--log-net-log=${netLog}`, '--dump-dom'], htmlPath);
    const log = parseNetLog(readFileSync(netLog, 'utf8')) as { constants: { logEventTypes: Record<string, number> }; events: Array<{ type: number; params?: Record<string, unknown> }> };
    const start = log.constants.logEventTypes.URL_REQUEST_START_JOB;
    const pageRequests = log.events
      .filter((e) => e.type === start && String(e.params?.network_isolation_key ?? '').startsWith('file://'))
      .map((e) => String(e.params?.url))
      .filter((u) => !u.startsWith('file:'));
    return { dom: r.stdout, pageRequests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Chromium leaves its net log unterminated when it exits with a request in flight: close it. */
function parseNetLog(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(/[,\s]*$/, '') + ']}');
  }
}

/** Share of a rectangle's pixels within `tolerance` of a colour (per channel, 0..255). */
export function colourShare(png: PNG, rect: { x: number; y: number; w: number; h: number }, rgb: [number, number, number], tolerance = 40): number {
  let hits = 0;
  let total = 0;
  for (let y = Math.max(0, rect.y); y < Math.min(png.height, rect.y + rect.h); y++) {
    for (let x = Math.max(0, rect.x); x < Math.min(png.width, rect.x + rect.w); x++) {
      const i = (y * png.width + x) * 4;
      total++;
      if (Math.abs(png.data[i]! - rgb[0]) <= tolerance && Math.abs(png.data[i + 1]! - rgb[1]) <= tolerance && Math.abs(png.data[i + 2]! - rgb[2]) <= tolerance) hits++;
    }
  }
  return total === 0 ? 0 : hits / total;
}

/** Share of pixels that differ from the most common colour, and how many distinct colours there are. */
export function inkStats(png: PNG): { inked: number; colours: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < png.data.length; i += 4) {
    // 4 bits per channel: anti-aliasing noise does not count as content.
    const key = ((png.data[i]! >> 4) << 8) | ((png.data[i + 1]! >> 4) << 4) | (png.data[i + 2]! >> 4);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = png.width * png.height;
  const background = Math.max(...counts.values());
  return { inked: (total - background) / total, colours: counts.size };
}
