// The synchronized release of racing VUs, shared by the integrity scenarios that fire together.
import { sleep } from 'k6';

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
