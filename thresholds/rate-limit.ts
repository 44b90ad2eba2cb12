// Thresholds for scenarios/rate-limit.ts: a documented limit holds exactly, and is honest about when to come back.
import type { Thresholds } from '../lib/budgets.ts';

export function rateLimitThresholds(): Thresholds {
  return {
    // Every request up to the limit is served.
    under_limit_ok: ['rate==1'],
    // Every request over the limit is answered 429 ...
    over_limit_429: ['rate==1'],
    // ... with Retry-After as whole seconds >= 1 ...
    retry_after_valid: ['rate==1'],
    // ... and after waiting that long the same client is served again.
    recovered_after_wait: ['rate==1'],
    // The burst fitted inside one window; otherwise the counts above are not comparable with the limit.
    burst_within_window: ['rate==1'],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  };
}
