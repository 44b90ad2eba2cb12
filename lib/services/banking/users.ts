// Banking-API users (the Locust suite's BankingAPIUser): authorize, then capture, refund and look up
// their own authorizations in a realistic order; settlement reports, health, batches.
import { endpointName, successStatus } from '../../endpoints.ts';
import { BANKING_API, BANKING_SERVICE, type Authorization, type BatchOperation } from './service.ts';
import { drawMinorAmount } from '../../data/amounts.ts';
import type { Rng } from '../../random.ts';
import { pickRefundable, refundAmount } from '../../refunds.ts';
import { defineTasks } from '../../tasks.ts';
import { defineUserClass, type ScriptContext, type UserContext } from '../user-class.ts';
import { cardInput, pickCard, pickFrom, pickMerchant, remember } from '../../vu-pools.ts';

/** A context with the banking API's client: what the banking tasks run with. */
export type BankingContext = UserContext<typeof BANKING_SERVICE.endpoints>;

/** A batch item's authorization counts when it gets what a single authorization gets. */
const AUTHORIZED = successStatus(BANKING_API.authorize);
const ANSWERS_EVERY_OPERATION = `${endpointName(BANKING_API.batch)} answers every operation`;

// What a VU keeps of its authorizations. In k6 the client's result is a view of the parsed JSON held in
// Go, where every field read is a map lookup plus a conversion, and a refund reads the amounts of every
// remembered capture (about 5% of k6's CPU in the banking scenario, profiled); so a capture is kept as a
// plain copy, read from Go once per field when it is remembered.
/** An authorization not yet captured: what a capture reads of it. */
export type OpenAuthorization = Pick<Authorization, 'id' | 'amount'>;
/** A captured authorization, with what of it has been refunded. */
export type CapturedAuthorization = Pick<Authorization, 'id' | 'currency' | 'captured_amount' | 'refunded_amount'>;

export interface BankingState {
  rng: Rng;
  /** Authorized, not yet captured: what a capture acts on. */
  open: OpenAuthorization[];
  /** Captured with something left to refund. */
  captured: CapturedAuthorization[];
  /** Every transaction id this VU made (authorizations and refunds), for status lookups. */
  known: string[];
}

function authorizationRequest(ctx: ScriptContext, rng: Rng) {
  const merchant = pickMerchant(ctx, rng);
  const card = pickCard(ctx, rng);
  const currency = merchant.currency;
  return { merchant_id: merchant.id, amount: drawMinorAmount(rng, currency), currency, card: cardInput(card) };
}

/** Remembers an acknowledged authorization as open and its id as known. */
function rememberAuthorized(s: BankingState, a: Authorization): void {
  // Kept as the client gave it: a capture reads its two fields once, so a copy would cost more than it saves.
  remember(s.open, a);
  remember(s.known, a.id, 100);
}

/** Authorizes and remembers the authorization; returns the client's result. */
export function authorize(ctx: BankingContext, s: BankingState): Authorization | null {
  const a = ctx.client.call('authorize', { body: authorizationRequest(ctx, s.rng) });
  if (a) {
    ctx.counters.acknowledged.authorizations.add(1);
    ctx.onAcknowledged?.('authorizations', a.id, a.currency, a.amount);
    rememberAuthorized(s, a);
  }
  return a;
}

/** Captures this VU's oldest open authorization; returns the remembered capture, the record refunds update. */
export function capture(ctx: BankingContext, s: BankingState): CapturedAuthorization | null {
  // Oldest hold first; with none open, authorize one now (a capture always follows an authorization).
  let a = s.open.shift();
  if (!a) {
    if (!authorize(ctx, s)) return null;
    a = s.open.pop() as OpenAuthorization;
  }
  const held = a.amount;
  // Most captures are full; one in five captures part of the hold (a partial shipment).
  const amount = s.rng() < 0.8 || held < 2 ? undefined : Math.max(1, Math.floor(held * (0.5 + s.rng() / 2)));
  const c = ctx.client.call('capture', { params: { id: a.id }, body: amount === undefined ? {} : { amount } });
  if (!c) return null;
  ctx.counters.acknowledged.captures.add(1);
  const record: CapturedAuthorization = { id: c.id, currency: c.currency, captured_amount: c.captured_amount, refunded_amount: c.refunded_amount };
  ctx.onAcknowledged?.('captures', record.id, record.currency, record.captured_amount);
  remember(s.captured, record);
  return record;
}

export function refund(ctx: BankingContext, s: BankingState): void {
  const c = pickRefundable(s.rng, s.captured, 'captured_amount', 'refunded_amount') ?? capture(ctx, s);
  if (!c) return;
  const amount = refundAmount(s.rng, c.captured_amount - c.refunded_amount);
  const r = ctx.client.call('refund', { body: { transaction_id: c.id, amount } });
  if (r) {
    ctx.counters.acknowledged.bankingRefunds.add(1);
    ctx.onAcknowledged?.('bankingRefunds', r.id, c.currency, amount);
    c.refunded_amount += amount;
    remember(s.known, r.id, 100);
  }
}

export function transactionStatus(ctx: BankingContext, s: BankingState): void {
  const id = pickFrom(s.rng, s.known) ?? authorize(ctx, s)?.id;
  if (id) ctx.client.call('transaction', { params: { id } });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function settlementReport(ctx: BankingContext): void {
  ctx.client.call('settlements', { query: { date: today() } });
}

/** Five authorizations in one request; per-item 201s are counted like single ones. */
export function batch(ctx: BankingContext, s: BankingState): void {
  const ops: BatchOperation[] = Array.from({ length: 5 }, () => ({ type: 'authorize' as const, body: authorizationRequest(ctx, s.rng) }));
  const results = ctx.client.call('batch', { body: { operations: ops } })?.results;
  if (results === undefined) return;
  if (results.length !== ops.length) ctx.fail(ANSWERS_EVERY_OPERATION);
  for (const r of results) {
    if (r.status === AUTHORIZED) {
      const a = r.body as Authorization;
      ctx.counters.acknowledged.authorizations.add(1);
      ctx.onAcknowledged?.('authorizations', a.id, a.currency, a.amount);
      rememberAuthorized(s, a);
    }
  }
}

export const bankingUser = defineUserClass(BANKING_SERVICE, (ctx) => ({
  name: 'banking',
  newState: (rng) => ({ rng, open: [], captured: [], known: [] }),
  // Weights from the Locust suite's BankingAPIUser.
  tasks: defineTasks<BankingState>([
    { name: 'authorize', weight: 40, run: (s) => void authorize(ctx, s) },
    { name: 'capture', weight: 25, run: (s) => void capture(ctx, s) },
    { name: 'refund', weight: 15, run: (s) => refund(ctx, s) },
    { name: 'transaction_status', weight: 10, run: (s) => transactionStatus(ctx, s) },
    { name: 'settlement_report', weight: 5, run: () => settlementReport(ctx) },
    { name: 'health_check', weight: 3, run: () => void ctx.client.call('health') },
    { name: 'batch', weight: 2, run: (s) => batch(ctx, s) },
  ]),
}));
