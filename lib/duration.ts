// Durations as k6 writes them ("200ms", "1.5s", "2m", "1h30m"), read the same way by the kit (profiles,
// scenario settings) and the sandbox (fault rules, rate-limit windows). Pure.

const DURATION = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds (rounded) in a duration like 200ms, 1.5s, 2m or 1h30m; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * MS_PER_UNIT[unit as keyof typeof MS_PER_UNIT];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The shortest exact form of a number of milliseconds: 2m, 30s, 250ms. */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
