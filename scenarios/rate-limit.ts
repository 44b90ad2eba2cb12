// Rate limit: one client (its API key, plus a fixed X-Client-Id per run for targets keyed by a header) sends a burst above the target's documented
// limit. Every request up to the limit must succeed, every request over it must get 429 with an integer
// Retry-After >= 1, and after sleeping Retry-After seconds the client must be served again.
//   RATE_LIMIT=20/1s k6 run dist/rate-limit.js            (sandbox started with SANDBOX_RATE_LIMIT=20/1s)
// Assumes the limit is counted per client in a window that starts with the client's first request, or
// slides (docs/integrity.md). On targets that limit per API key (AUTH_TOKEN), as the sandbox does, setup()'s
// probe spends part of a window, so the burst waits until that window is over.
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { BANKING_API, BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_API, PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { serviceClient } from '../lib/k6/client.ts';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { parseRetryAfter } from '../lib/endpoints.ts';
import { defaultExcess, readRateLimit } from '../lib/rate-limit.ts';
import type { ApiClient, Endpoint, Res } from '../lib/k6/http.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { PROFILE_NAMES } from '../lib/profiles.ts';
import { rateLimitThresholds } from '../thresholds/rate-limit.ts';

const config = parseConfig(__ENV, PROFILE_NAMES);
const env = new EnvReader(__ENV);
const limit = readRateLimit(env, 'RATE_LIMIT');
const excess = env.number('RATE_LIMIT_EXCESS', defaultExcess(limit.limit), { min: 1, max: 10_000, integer: true });
const service = env.oneOf('RATE_LIMIT_TARGET', 'payment', ['payment', 'banking'] as const);
const clientHeader = env.raw('RATE_LIMIT_CLIENT_HEADER') ?? 'X-Client-Id';
if (!/^[A-Za-z0-9-]{1,64}$/.test(clientHeader)) env.problems.push(`RATE_LIMIT_CLIENT_HEADER must be an HTTP header name, got '${clientHeader}'`);
env.done();

const target = service === 'payment' ? PAYMENT_SERVICE : BANKING_SERVICE;
const api: ApiClient = serviceClient(target);
// A cheap, side-effect-free authenticated read: the stats endpoint both services expose.
const endpoint: Endpoint = service === 'payment' ? PAYMENT_API.stats : BANKING_API.stats;

const underLimitOk = new Rate('under_limit_ok');
const overLimit429 = new Rate('over_limit_429');
const retryAfterValid = new Rate('retry_after_valid');
const recovered = new Rate('recovered_after_wait');
const burstWithinWindow = new Rate('burst_within_window');
const retryAfterSeconds = new Trend('retry_after_s');
const burstMs = new Trend('burst_ms', true);

interface RunData {
  clientId: string;
  /** when setup()'s probe had finished (ms since the epoch): any window it opened began before this */
  probedAt: number;
}

/** Slack on top of one window after the probe, for timer granularity between k6 and the target. */
const WINDOW_MARGIN_MS = 25;

const test = defineTest<RunData>({
  name: 'rate-limit',
  variant: limit.text.replace(/[^\w.-]+/g, '-'),
  config,
  targets: [target],
  intrusive: true,
  options: () => ({
    scenarios: {
      // One client, one burst: the run lasts about one window to let setup's window pass, one burst, and Retry-After.
      rate_limit: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: `${Math.ceil((limit.windowMs * 4) / 1000) + 60}s` },
    },
    thresholds: rateLimitThresholds(),
  }),
  // Fresh per run, so an earlier run's window never counts against this one on targets keyed by this header.
  setup: (run) => ({ clientId: `paykit-rate-limit-${run.runId}`, probedAt: Date.now() }),
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

function send(clientId: string, phase: string, expected: number[]): Res {
  return api.call(endpoint, { headers: { [clientHeader]: clientId }, expected, tags: { phase } });
}

export default function rateLimit(data: SetupData<RunData>): void {
  // setup()'s probe may have opened this client's window (a target that limits per API key counts it):
  // start the burst once that window is over, so the burst has a window of its own. No request is sent
  // to find out, so the run's request count stays probe + limit + excess + recovery.
  const wait = data.probedAt + limit.windowMs + WINDOW_MARGIN_MS - Date.now();
  if (wait > 0) sleep(wait / 1000);
  const started = Date.now();
  for (let i = 0; i < limit.limit; i++) {
    const res = send(data.clientId, 'under_limit', [200]);
    underLimitOk.add(res.status === 200);
    check(res, { 'under the limit: served (200)': (r) => r.status === 200 });
  }
  let lastRetryAfter: number | null = null;
  for (let i = 0; i < excess; i++) {
    const res = send(data.clientId, 'over_limit', [429]);
    const retryAfter = parseRetryAfter(res.headers['Retry-After']);
    overLimit429.add(res.status === 429);
    retryAfterValid.add(res.status === 429 && retryAfter !== null);
    check(res, {
      'over the limit: 429': (r) => r.status === 429,
      'over the limit: Retry-After is whole seconds >= 1': (r) => r.status !== 429 || retryAfter !== null,
    });
    if (res.status === 429 && retryAfter !== null) {
      retryAfterSeconds.add(retryAfter);
      lastRetryAfter = retryAfter;
    }
  }
  const elapsed = Date.now() - started;
  burstMs.add(elapsed);
  burstWithinWindow.add(elapsed < limit.windowMs);
  if (elapsed >= limit.windowMs) {
    console.warn(`rate-limit: the burst of ${limit.limit + excess} requests took ${elapsed} ms, longer than the ${limit.text} window; its counts are not comparable with the limit`);
  }

  // Honour the last Retry-After (the freshest); without one, wait a whole window so the probe is still meaningful.
  sleep(lastRetryAfter ?? limit.windowMs / 1000);
  const res = send(data.clientId, 'after_wait', [200]);
  recovered.add(res.status === 200);
  check(res, { 'after waiting Retry-After: served again (200)': (r) => r.status === 200 });
}
