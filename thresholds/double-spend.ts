// Thresholds for scenarios/double-spend.ts: per race, exactly the documented number of winners and
// refusals over R rounds, no 5xx or other answer, and the server's balances and refund totals exact.
import { doubleSpendExpectation, type DoubleSpendPlan } from '../lib/races/double-spend.ts';
import type { Thresholds } from '../lib/budgets.ts';

export const doubleSpendBudget = {
  /** How late (ms) the last racer of a round may fire (as the registration race). Override: RACE_MAX_LAG_MS. */
  maxReleaseLagMs: 500,
};

/**
 * quiet: nothing else writes to the target in the race currency during the run, so the server's refund
 * totals from /api/v1/stats (by_currency) must grow by exactly what the races may refund.
 */
export function doubleSpendThresholds(plan: DoubleSpendPlan, opts: { quiet: boolean; maxReleaseLagMs?: number }): Thresholds {
  const t: Thresholds = {};
  for (const race of plan.races) {
    const want = doubleSpendExpectation(race, plan.racers);
    t[`ds_${race}_won`] = [`count==${want.won * plan.rounds}`];
    t[`ds_${race}_refused`] = [`count==${want.refused * plan.rounds}`];
  }
  return {
    ...t,
    ds_server_error: ['count==0'],
    ds_other: ['count==0'],
    // Payments and authorizations whose balance after the race is not the one the contract allows.
    ds_balance_mismatch: ['count==0'],
    // Refund rows the server holds beyond the raced amounts, in minor units (quiet targets only).
    ...(opts.quiet ? { ds_server_refund_excess_minor: ['count==0'] } : {}),
    ds_release_lag_ms: [`max<${opts.maxReleaseLagMs ?? doubleSpendBudget.maxReleaseLagMs}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  };
}
