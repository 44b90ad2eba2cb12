// Thresholds for scenarios/audit.ts: the audit chain verifies, nothing the target acknowledged is missing,
// and the money acknowledged per currency and kind reconciles with the target's own sums to the minor unit.
import { AUDITED, RECONCILED } from '../lib/reconciliation.ts';
import type { Thresholds } from '../lib/budgets.ts';

/** The sub-metric that holds acknowledged - stored minor units for one kind of money in one currency. */
export function reconMetric(kind: string, currency: string): string {
  return `recon_minor{kind:${kind},currency:${currency}}`;
}

/**
 * quiet: the target saw no other traffic during the run, so stored deltas must EQUAL what this run
 * acknowledged (count==0). Otherwise other clients' writes may add to the deltas and only
 * "acknowledged but not stored" is an error (count<=0).
 * currencies: those the load pays in, one reconciliation threshold each per kind; money in any other
 * currency (either side) lands in recon_other_currencies_minor.
 */
export function auditThresholds(opts: { quiet: boolean; currencies?: readonly string[] }): Thresholds {
  const missing = opts.quiet ? 'count==0' : 'count<=0';
  const t: Thresholds = {
    audit_chain_valid: ['rate==1'],
    // Acknowledged state changes minus audit entries added during the run.
    audit_entries_missing: [missing],
    // The load exercised every audited type (a run that changed nothing would pass vacuously).
    payments_created: ['count>0'],
    refunds_created: ['count>0'],
    users_registered: ['count>0'],
    captures_created: ['count>0'],
    banking_refunds_created: ['count>0'],
    recon_other_currencies_minor: [missing],
    // The same id acknowledged twice for one kind of change (within a VU).
    recon_duplicate_ids: ['count==0'],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  };
  for (const a of Object.values(AUDITED)) t[a.counter] = [missing];
  for (const c of opts.currencies ?? []) for (const kind of Object.keys(RECONCILED)) t[reconMetric(kind, c)] = [missing];
  return t;
}
