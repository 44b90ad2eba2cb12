// Thresholds for scenarios/audit.ts: the audit chain verifies, and nothing the target acknowledged is missing.
import { AUDITED } from '../lib/integrity.ts';
import type { Thresholds } from '../lib/thresholds.ts';

/**
 * quiet: the target saw no other traffic during the run, so stored deltas must EQUAL what this run
 * acknowledged (count==0). Otherwise other clients' writes may add to the deltas and only
 * "acknowledged but not stored" is an error (count<=0).
 */
export function auditThresholds(opts: { quiet: boolean }): Thresholds {
  const missing = opts.quiet ? 'count==0' : 'count<=0';
  const t: Thresholds = {
    audit_chain_valid: ['rate==1'],
    // Acknowledged state changes minus audit entries added during the run.
    audit_entries_missing: [missing],
    // The load exercised every audited type (a run that changed nothing would pass vacuously).
    payments_created: ['count>0'],
    refunds_created: ['count>0'],
    users_registered: ['count>0'],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  };
  for (const a of Object.values(AUDITED)) t[a.counter] = [missing];
  return t;
}
