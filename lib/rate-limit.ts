// The rate-limit grammar, "<requests>/<window>" ("20/1s", "100/s", "6000/1m", "5/500ms"): the sandbox's
// SANDBOX_RATE_LIMIT and the rate-limit scenario's RATE_LIMIT say the same thing, so both read it here.
// The window is a duration as lib/duration.ts reads it. Pure.
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
