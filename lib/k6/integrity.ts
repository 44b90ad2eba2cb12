// k6-side helpers shared by the integrity scenarios: the fail-fast target probe, the synchronized
// release of racing VUs, the production guard for scenarios that assemble their own options, and
// handleSummary. Init-context code only where noted.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { isLoopbackHost, urlHost, type Config } from '../config.ts';
import type { ApiClient } from './http.ts';
import { summaryHandler } from './summary.ts';

export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/** Paths that cannot exist on the target: a 404 proves the token was accepted, 401/403 that it was not. */
export const AUTH_PROBE = {
  payment: '/api/v1/payments/pay_setup_probe_does_not_exist',
  banking: '/api/v1/transactions/txn_setup_probe_does_not_exist',
} as const;

/**
 * In setup(): aborts the test (exit 108) with a clear message when the target is down, unhealthy or
 * rejects the token, before any load is sent. Never prints the token.
 */
export function probeTarget(api: ApiClient, label: string, url: string, authPath: string): void {
  const health = api.call({ method: 'GET', path: '/health', expected: [200] }, { timeout: '5s', tags: { phase: 'setup' } });
  if (health.status === 0) {
    exec.test.abort(
      `target unreachable: ${label}=${url} (${health.error}). Start the sandbox with \`npm run sandbox\`, or point ${label} at a running service.`,
    );
  }
  if (health.status !== 200) exec.test.abort(`target unhealthy: GET ${url}/health answered ${health.status}`);
  const auth = api.call({ method: 'GET', path: authPath, expected: [404] }, { timeout: '5s', tags: { phase: 'setup' } });
  if (auth.status === 401 || auth.status === 403) exec.test.abort(`AUTH_TOKEN was rejected by ${url} (HTTP ${auth.status}); check the token`);
}

/**
 * Integrity scenarios are small by default but a race fires hundreds of simultaneous writes: like the
 * heavier profiles they may only target loopback or ALLOWED_HOSTS unless ALLOW_REMOTE_LOAD=true.
 * Throws in the init context (k6 exits before any request).
 */
export function guardTargets(config: Config, urls: string[]): void {
  if (config.allowRemoteLoad) return;
  const outside = urls
    .map((u) => urlHost(u) ?? '')
    .filter((h) => !isLoopbackHost(h) && !config.allowedHosts.includes(h));
  if (outside.length > 0) {
    throw new Error(
      `integrity scenarios write to the target; ${outside.join(', ')} is not in ALLOWED_HOSTS (${config.allowedHosts.join(', ')}). ` +
        'Set ALLOW_REMOTE_LOAD=true if you mean to test that host.',
    );
  }
}

/** A release instant `marginMs` from now, computed once in setup() and handed to every VU. */
export function releaseInstant(marginMs: number): number {
  return Date.now() + marginMs;
}

/** Sleeps until the common release instant; returns how late (ms) this VU woke (>= 0 unless the clock jumped). */
export function waitForRelease(releaseAt: number): number {
  const wait = releaseAt - Date.now();
  if (wait > 0) sleep(wait / 1000);
  return Date.now() - releaseAt;
}

/** A short id unique to this run (client ids, idempotency keys). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** handleSummary for an integrity scenario: reports in REPORT_DIR, token scrubbed. `variant` fills the profile slot. */
export function integritySummary(scenario: string, variant: string, secret: string) {
  return summaryHandler({ scenario, profile: variant, classes: [], secret });
}
