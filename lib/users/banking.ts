// Banking-API users (the Locust suite's BankingAPIUser): authorize, then capture, refund and look up
// their own authorizations in a realistic order; settlement reports, health, batches.
import { successStatus } from '../endpoints.ts';
import { BANKING_API, type Authorization, type BatchOperation } from '../services/banking.ts';
import { drawMinorAmount } from '../data/amounts.ts';
import { acknowledged } from '../k6/metrics.ts';
import type { Rng } from '../random.ts';
import { pickRefundable, refundAmount } from '../refunds.ts';
import { defineTasks } from '../tasks.ts';
import { type UserClass, type UserContext } from './context.ts';
import { cardInput, pickCard, pickFrom, pickMerchant, remember } from '../vu-pools.ts';

/** A batch item's authorization counts when it gets what a single authorization gets. */
const AUTHORIZED = successStatus(BANKING_API.authorize);

export interface BankingState {
  rng: Rng;
  /** Authorized, not yet captured: what a capture acts on. */
  open: Authorization[];
  /** Captured with something left to refund. */
  captured: Authorization[];
  /** Every transaction id this VU made (authorizations and refunds), for status lookups. */
  known: string[];
}

function authorizationRequest(ctx: UserContext, rng: Rng) {
  const merchant = pickMerchant(ctx, rng);
  const card = pickCard(ctx, rng);
  const currency = merchant.currency;
  return { merchant_id: merchant.id, amount: drawMinorAmount(rng, currency), currency, card: cardInput(card) };
}

export function authorize(ctx: UserContext, s: BankingState): Authorization | null {
  const a = ctx.banking.authorize(authorizationRequest(ctx, s.rng));
  if (a) {
    acknowledged.authorizations.add(1);
    remember(s.open, a);
    remember(s.known, a.id, 100);
  }
  return a;
}

export function capture(ctx: UserContext, s: BankingState): Authorization | null {
  // Oldest hold first; with none open, authorize one now (a capture always follows an authorization).
  let a = s.open.shift();
  if (!a) {
    a = authorize(ctx, s) ?? undefined;
    if (!a) return null;
    s.open.pop();
  }
  // Most captures are full; one in five captures part of the hold (a partial shipment).
  const amount = s.rng() < 0.8 || a.amount < 2 ? undefined : Math.max(1, Math.floor(a.amount * (0.5 + s.rng() / 2)));
  const captured = ctx.banking.capture(a.id, amount);
  if (captured) {
    acknowledged.captures.add(1);
    remember(s.captured, captured);
  }
  return captured;
}

export function refund(ctx: UserContext, s: BankingState): void {
  const c = pickRefundable(s.rng, s.captured, 'captured_amount', 'refunded_amount') ?? capture(ctx, s);
  if (!c) return;
  const amount = refundAmount(s.rng, c.captured_amount - c.refunded_amount);
  const r = ctx.banking.refund(c.id, amount);
  if (r) {
    acknowledged.bankingRefunds.add(1);
    c.refunded_amount += amount;
    remember(s.known, r.id, 100);
  }
}

export function transactionStatus(ctx: UserContext, s: BankingState): void {
  const id = pickFrom(s.rng, s.known) ?? authorize(ctx, s)?.id;
  if (id) ctx.banking.transaction(id);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function settlementReport(ctx: UserContext): void {
  ctx.banking.settlements(today());
}

/** Five authorizations in one request; per-item 201s are counted like single ones. */
export function batch(ctx: UserContext, s: BankingState): void {
  const ops: BatchOperation[] = Array.from({ length: 5 }, () => ({ type: 'authorize' as const, body: authorizationRequest(ctx, s.rng) }));
  const results = ctx.banking.batch(ops);
  for (const r of results ?? []) {
    if (r.status === AUTHORIZED) {
      acknowledged.authorizations.add(1);
      const a = r.body as Authorization;
      remember(s.open, a);
      remember(s.known, a.id, 100);
    }
  }
}

export function bankingUser(ctx: UserContext): UserClass<BankingState> {
  return {
    name: 'banking',
    newState: (rng) => ({ rng, open: [], captured: [], known: [] }),
    // Weights from the Locust suite's BankingAPIUser.
    tasks: defineTasks<BankingState>([
      { name: 'authorize', weight: 40, run: (s) => void authorize(ctx, s) },
      { name: 'capture', weight: 25, run: (s) => void capture(ctx, s) },
      { name: 'refund', weight: 15, run: (s) => refund(ctx, s) },
      { name: 'transaction_status', weight: 10, run: (s) => transactionStatus(ctx, s) },
      { name: 'settlement_report', weight: 5, run: () => settlementReport(ctx) },
      { name: 'health_check', weight: 3, run: () => void ctx.banking.health() },
      { name: 'batch', weight: 2, run: (s) => batch(ctx, s) },
    ]),
  };
}
