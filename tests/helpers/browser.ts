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

/** Screenshots a local HTML file after letting its scripts run, and returns the decoded image. */
export function screenshot(htmlPath: string, width = 1280, height = 1000): PNG {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-shot-'));
  const out = join(dir, 'shot.png');
  try {
    const r = spawnSync(
      chromiumPath(),
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars', `--window-size=${width},${height}`,
        '--virtual-time-budget=10000', `--screenshot=${out}`, `file://${htmlPath}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) throw new Error(`chromium failed (${r.status}): ${r.stderr.slice(-1000)}`);
    return PNG.sync.read(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
