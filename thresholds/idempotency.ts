// Thresholds for scenarios/idempotency.ts: K keys per API, each raced by M requests with the same key and
// body. Every property the race must keep is its own threshold, so a breach names the property.
import type { IdempotencyPlan } from '../lib/races/idempotency.ts';
import type { Thresholds } from '../lib/budgets.ts';

export const idempotencyBudget = {
  /** How late (ms) the last racer may fire after the release instant (as the registration race). Override: RACE_MAX_LAG_MS. */
  maxReleaseLagMs: 500,
};

export function idempotencyThresholds(plan: IdempotencyPlan, maxReleaseLagMs = idempotencyBudget.maxReleaseLagMs): Thresholds {
  const keys = plan.groups;
  return {
    // The server's own count: payments listed for a key's merchant, or racers' own ids it still serves, beyond one per key.
    idem_duplicates: ['count==0'],
    // A key for which the server holds nothing, or whose replay did not answer 201.
    idem_missing: ['count==0'],
    // Every racer 201: one created, the others replayed the same answer.
    idem_status_201: ['rate==1'],
    idem_fresh: [`count==${keys}`],
    idem_replayed: [`count==${keys * (plan.racersPerKey - 1)}`],
    // Each racer's answer equals the key's stored answer (same id, same body).
    idem_same_response: ['rate==1'],
    // A replay after the race carries the replay header.
    idem_replay_header: ['rate==1'],
    // The same key with another body is 409 idempotency_key_reused.
    idem_reuse_rejected: ['rate==1'],
    idem_server_error: ['count==0'],
    idem_release_lag_ms: [`max<${maxReleaseLagMs}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  };
}
