// k6-side helpers shared by the integrity scenarios: the synchronized
// release of racing VUs, the production guard for scenarios that assemble their own options, and
// handleSummary. Init-context code only where noted.
import { sleep } from 'k6';
import { isLoopbackHost, urlHost, type Config } from '../config.ts';
import { summaryHandler } from './summary.ts';

export { AUTH_PROBE, newRunId, probeTarget } from './setup.ts';

export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

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

/** handleSummary for an integrity scenario: reports in REPORT_DIR, token scrubbed. `variant` fills the profile slot. */
export function integritySummary(scenario: string, variant: string, secret: string) {
  return summaryHandler({ scenario, profile: variant, classes: [], secret });
}
