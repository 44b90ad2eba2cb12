// Thresholds for scenarios/registration-race.ts: the exact outcome of K PANs each raced by M users.
// A race either ends with exactly one registration per PAN and a 409 for everyone else, or it is a bug.
import { raceExpectation, type RacePlan } from '../lib/races/registration.ts';
import type { Thresholds } from '../lib/budgets.ts';

export const raceBudget = {
  /**
   * How late (ms) the last racer may fire after the common release instant. Beyond this the VUs were
   * not released together and a pass would prove nothing. Override: RACE_MAX_LAG_MS.
   */
  maxReleaseLagMs: 500,
};

/** Up to this many PANs, each PAN gets its own count==1 threshold (the totals alone could hide 2 + 0). */
export const PER_PAN_THRESHOLDS_MAX = 20;

export function raceThresholds(plan: RacePlan, maxReleaseLagMs = raceBudget.maxReleaseLagMs): Thresholds {
  const want = raceExpectation(plan);
  const perPan: Thresholds = {};
  if (plan.pans > 1 && plan.pans <= PER_PAN_THRESHOLDS_MAX) {
    for (let g = 0; g < plan.pans; g++) perPan[`race_created{pan_group:${g}}`] = ['count==1'];
  }
  return {
    ...perPan,
    race_created: [`count==${want.created}`],
    race_conflict: [`count==${want.conflict}`],
    race_server_error: [`count==${want.server_error}`],
    race_other: [`count==${want.other}`],
    race_release_lag_ms: [`max<${maxReleaseLagMs}`],
    // 201 and 409 are the contract's answers (expected statuses), so any failed request is a 5xx, a 4xx
    // other than 409, or no answer at all.
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  };
}
