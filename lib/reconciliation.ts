// Acknowledged versus stored, for the audit scenario: the state changes it counts and the stats field
// that counts each on the target, the "missing" arithmetic, and per currency the money acknowledged
// against the target's own sums. Pure, unit-tested in Node.
import type { EnvReader } from './config.ts';

/** The state changes the audit scenario acknowledges, and the stats field that counts each. */
export const AUDITED = {
  payments: { stat: 'payments', counter: 'missing_payments' },
  refunds: { stat: 'refunds', counter: 'missing_refunds' },
  users: { stat: 'users', counter: 'missing_users' },
} as const;

export type AuditedType = keyof typeof AUDITED;

/** after[field] - before[field], or null when either side lacks the field. */
export function statDelta(before: Record<string, unknown> | null, after: Record<string, unknown> | null, field: string): number | null {
  const b = before?.[field];
  const a = after?.[field];
  return typeof a === 'number' && typeof b === 'number' ? a - b : null;
}

/**
 * The audit scenario counts "missing" in one k6 Counter per type: +1 for every change the target
 * acknowledged during the load, then teardown adds this adjustment, -(stored delta). The final count is
 * acknowledged - stored: > 0 means acknowledged changes the target does not hold (lost); < 0 that it holds
 * more than this run acknowledged (other traffic). An unknown delta adds nothing, so every acknowledged
 * change stays counted as missing: fail closed.
 */
export function storedAdjustment(delta: number | null): number {
  return delta === null ? 0 : -delta;
}

// ---------------------------------------------------------------------------------------------
// Reconciliation: money acknowledged per currency versus the target's own sums

/** The money the audit load acknowledges, and the `by_currency` field of /api/v1/stats that sums it. */
export const RECONCILED = {
  payments: 'payment_amount',
  refunds: 'refunded_amount',
  captures: 'captured_amount',
  banking_refunds: 'banking_refunded_amount',
} as const;

export type ReconciledKind = keyof typeof RECONCILED;

export type ByCurrency = Record<string, Record<string, number>>;

/**
 * Per currency, after[field] - before[field] for every currency either side lists (absent counts as 0),
 * or null when either snapshot is missing (the caller then fails closed).
 */
export function currencyDeltas(before: ByCurrency | null | undefined, after: ByCurrency | null | undefined, field: string): Record<string, number> | null {
  if (!before || !after) return null;
  const out: Record<string, number> = {};
  for (const c of new Set([...Object.keys(before), ...Object.keys(after)])) {
    out[c] = (after[c]?.[field] ?? 0) - (before[c]?.[field] ?? 0);
  }
  return out;
}

/** RECON_CURRENCIES: comma-separated ISO 4217 codes; an invalid entry is a problem naming the variable. */
export function readCurrencies(r: EnvReader, name = 'RECON_CURRENCIES'): string[] | null {
  const v = r.raw(name);
  if (v === undefined) return null;
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = list.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0 || list.length === 0) r.problems.push(`${name} must list currency codes like EUR,USD; got '${v}'`);
  return [...new Set(list)];
}
