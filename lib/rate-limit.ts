// The rate-limit grammar, "<requests>/<window>" ("20/1s", "100/s", "6000/1m", "5/500ms"): the sandbox's
// SANDBOX_RATE_LIMIT and the rate-limit scenario's RATE_LIMIT say the same thing, so both read it here.
// The window is a duration as lib/duration.ts reads it. Also how the rate-limit scenario reads its
// RATE_LIMIT and how far past the limit it bursts. Pure.
import type { EnvReader } from './config.ts';
import { parseDuration } from './duration.ts';

export interface RateLimitSpec {
  limit: number;
  windowMs: number;
  /** The text as given, trimmed. */
  text: string;
}

/** The limit and its window, or null when `text` is not "<requests>/<window>" with at least 1 request per 1 ms or more. */
export function parseRateLimit(text: string): RateLimitSpec | null {
  const m = /^\s*(\d+)\s*\/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!m) return null;
  const limit = Number(m[1]);
  // "100/s" is "100/1s".
  const windowMs = parseDuration(`${m[2] === '' ? '1' : m[2]}${m[3]}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || windowMs === undefined || windowMs < 1) return null;
  return { limit, windowMs, text: text.trim() };
}

export const RATE_LIMIT_MAX_BURST = 10_000;
export const RATE_LIMIT_MAX_WINDOW_MS = 10 * 60_000;

/** RATE_LIMIT is required: the scenario checks a documented limit, it does not guess one. */
export function readRateLimit(r: EnvReader, name = 'RATE_LIMIT'): RateLimitSpec {
  const fallback: RateLimitSpec = { limit: 1, windowMs: 1000, text: '1/1s' };
  const v = r.raw(name);
  if (v === undefined) {
    r.problems.push(`${name} is not set; give the target's documented limit as '<requests>/<window>', e.g. ${name}=20/1s (the sandbox's SANDBOX_RATE_LIMIT)`);
    return fallback;
  }
  const spec = parseRateLimit(v);
  if (!spec) {
    r.problems.push(`${name} must look like '<requests>/<window>' such as '20/1s', '100/s' or '6000/1m'; got '${v}'`);
    return fallback;
  }
  if (spec.limit > RATE_LIMIT_MAX_BURST) r.problems.push(`${name} allows ${spec.limit} requests per window; this scenario bursts at most ${RATE_LIMIT_MAX_BURST}`);
  if (spec.windowMs > RATE_LIMIT_MAX_WINDOW_MS) r.problems.push(`${name} has a window over 10m ('${v}'); the run would wait that long to see recovery`);
  return spec;
}

/** Default excess over the limit: half the limit, at least 5, at most 500. */
export function defaultExcess(limit: number): number {
  return Math.min(500, Math.max(5, Math.ceil(limit / 2)));
}
