// Payment-service users (the Locust suite's PaymentServiceUser): pay, refund and look up their own
// payments, list merchant transactions, check health.
import { declineRate } from '../define.ts';
import { isDecline, PAYMENT_SERVICE, PAYMENT_STATUS, type Payment } from './service.ts';
import { drawMinorAmount } from '../../data/amounts.ts';
import type { Rng } from '../../random.ts';
import { pickRefundable, refundAmount } from '../../refunds.ts';
import { defineTasks } from '../../tasks.ts';
import { defineUserClass, type ScriptContext, type UserContext } from '../user-class.ts';
import { cardInput, pickCard, pickFrom, pickMerchant, pooledDeclineCard, pooledInvalidCard, remember } from '../../vu-pools.ts';

/** A context with the payment service's client: what the payment tasks run with. */
export type PaymentContext = UserContext<typeof PAYMENT_SERVICE.endpoints>;

/**
 * What a VU keeps of a payment it made: a plain copy of the fields its refunds, lookups and the audit's
 * reconciliation read. In k6 the client's result is a view of the parsed JSON held in Go, where every
 * field read is a map lookup plus a conversion, and a refund reads the amounts of
 * every remembered payment; a plain copy is read from Go once per field, when the payment is made.
 */
export type PaymentRecord = Pick<Payment, 'id' | 'amount' | 'currency' | 'refunded_amount'>;

export interface PaymentState {
  rng: Rng;
  runId: string;
  /** Payments this VU created: refunds and lookups act on real ids, never random ones. */
  payments: PaymentRecord[];
}

// The decline rate, worked out once per context (in k6, once per VU) instead of on every payment.
let rateFor: ScriptContext | null = null;
let rate = 0;

const DECLINED = [PAYMENT_STATUS.declined] as const;
/** A merchant's transactions, one page as a dashboard asks for it. */
const MERCHANT_PAGE = { limit: 20 };

/** Creates a payment; CARD_DECLINE_RATE of them use a documented decline card and expect 402, if the service declares declines. */
function createPayment(ctx: PaymentContext, s: PaymentState): Payment | null {
  const rng = s.rng;
  const merchant = pickMerchant(ctx, rng);
  const card = pickCard(ctx, rng);
  if (rateFor !== ctx) {
    rate = declineRate(PAYMENT_SERVICE, ctx.config.cardDeclineRate);
    rateFor = ctx;
  }
  const declined = rng() < rate;
  const currency = merchant.currency;
  const body = {
    merchant_id: merchant.id,
    amount: drawMinorAmount(rng, currency),
    currency,
    card: cardInput(declined ? pooledDeclineCard(rng, 'generic_decline') : card),
    customer_id: card.customerId,
    description: `${merchant.category} purchase`,
  };
  const idempotencyKey = ctx.idempotencyKey(s.runId);
  if (declined) {
    ctx.client.call('createPayment', { body, idempotencyKey, expected: DECLINED, shape: isDecline });
    ctx.counters.cardsDeclined.add(1);
    return null;
  }
  const payment = ctx.client.call('createPayment', { body, idempotencyKey });
  if (payment) ctx.counters.acknowledged.payments.add(1);
  return payment;
}

/** Creates a payment and remembers a plain copy of it; returns that copy, the record later refunds update. */
export function processPayment(ctx: PaymentContext, s: PaymentState): PaymentRecord | null {
  const p = createPayment(ctx, s);
  if (!p) return null;
  const record: PaymentRecord = { id: p.id, amount: p.amount, currency: p.currency, refunded_amount: p.refunded_amount };
  ctx.onAcknowledged?.('payments', record.id, record.currency, record.amount);
  remember(s.payments, record);
  return record;
}

/** One of this VU's payments; makes one first when it has none yet (a refund follows a payment). */
function ownPayment(ctx: PaymentContext, s: PaymentState, refundable: boolean): PaymentRecord | null {
  if (!refundable) return pickFrom(s.rng, s.payments) ?? processPayment(ctx, s);
  return pickRefundable(s.rng, s.payments, 'amount', 'refunded_amount') ?? processPayment(ctx, s);
}

export function refundPayment(ctx: PaymentContext, s: PaymentState): void {
  const p = ownPayment(ctx, s, true);
  if (p) refundOwnPayment(ctx, s, p);
}

/** Refunds part or all of what is left of `p`, one of this VU's payments; returns whether the target acknowledged it. */
export function refundOwnPayment(ctx: PaymentContext, s: PaymentState, p: PaymentRecord): boolean {
  const amount = refundAmount(s.rng, p.amount - p.refunded_amount);
  const r = ctx.client.call('refundPayment', { params: { id: p.id }, body: { amount } });
  if (!r) return false;
  ctx.counters.acknowledged.refunds.add(1);
  // An optional call evaluates its arguments only when there is a listener: the id stays unread otherwise.
  ctx.onAcknowledged?.('refunds', r.id, p.currency, amount);
  p.refunded_amount += amount;
  return true;
}

export function paymentStatus(ctx: PaymentContext, s: PaymentState): void {
  const p = ownPayment(ctx, s, false);
  if (p) ctx.client.call('getPayment', { params: { id: p.id } });
}

function sendInvalidCard(ctx: PaymentContext, s: PaymentState): void {
  const merchant = pickMerchant(ctx, s.rng);
  const card = pooledInvalidCard(s.rng);
  const body = { merchant_id: merchant.id, amount: 1000, currency: merchant.currency, card: cardInput(card) };
  ctx.client.refused('createPayment', { body }, PAYMENT_STATUS.invalid, card.kind === 'expired' ? 'card_expired' : 'invalid_card_number', `invalid_card_${card.kind}`);
}

export const paymentUser = defineUserClass(PAYMENT_SERVICE, (ctx) => ({
  name: 'payment',
  newState: (rng, run) => ({ rng, runId: run.runId, payments: [] }),
  // Weights from the Locust suite's observed mix; the refund weight scales with REFUND_PROBABILITY (0.1 = 10).
  tasks: defineTasks<PaymentState>([
    { name: 'process_payment', weight: 70, run: (s) => void processPayment(ctx, s) },
    { name: 'refund_payment', weight: 100 * ctx.config.refundProbability, run: (s) => refundPayment(ctx, s) },
    { name: 'transaction_status', weight: 15, run: (s) => paymentStatus(ctx, s) },
    { name: 'merchant_transactions', weight: 3, run: (s) => void ctx.client.call('merchantTransactions', { params: { merchantId: pickMerchant(ctx, s.rng).id }, query: MERCHANT_PAGE }) },
    { name: 'health_check', weight: 2, run: () => void ctx.client.call('health') },
    // SIMULATE_FAILURES=true mixes in a bad card now and then, as real clients send: it must get a 422.
    ...(ctx.config.simulateFailures ? [{ name: 'invalid_card', weight: 5, run: (s: PaymentState) => sendInvalidCard(ctx, s) }] : []),
  ]),
}));
