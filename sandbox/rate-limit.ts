/**
 * Fixed-window rate limiter keyed by client: the authenticated API key, or the remote address for
 * unauthenticated requests (sandbox/server.ts decides the key; a client-chosen header never does).
 * One Map lookup per request, no timers: expired windows are swept lazily when the map grows.
 */
import type { RateLimitConfig } from './config.ts';

interface Window {
  start: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** whole seconds until the window resets (>= 1) */
  retryAfterSec: number;
}

const SWEEP_THRESHOLD = 10_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private nextSweepSize = SWEEP_THRESHOLD;

  constructor(readonly config: RateLimitConfig) {}

  hit(client: string, now: number = Date.now()): RateDecision {
    const { limit, windowMs } = this.config;
    let w = this.windows.get(client);
    if (w === undefined || now - w.start >= windowMs) {
      if (w === undefined && this.windows.size >= this.nextSweepSize) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(client, w);
    }
    w.count++;
    const allowed = w.count <= limit;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - w.count),
      retryAfterSec: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)),
    };
  }

  reset(): void {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.config.windowMs) this.windows.delete(k);
    this.nextSweepSize = Math.max(SWEEP_THRESHOLD, this.windows.size * 2);
  }
}
