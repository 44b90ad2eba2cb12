/** Payment service routes (port PAYMENT_PORT). */
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../audit.ts';
import { checkCard, type CardInput } from '../cards.ts';
import type { SandboxState } from '../state.ts';
import type { PaymentRow } from '../db.ts';
import { ApiError, notFound } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import { readIdempotencyKey, runIdempotent, sendOutcome, type Prepare } from '../idempotency.ts';
import { RACE_WINDOW_MS } from '../fault-spec.ts';
import { amountSchema, cardSchema, currencySchema, idParam, merchantIdSchema } from '../json-schemas.ts';
import { registerGenerate } from './generate.ts';

export interface PaymentView {
  id: string;
  status: string;
  merchant_id: string;
  customer_id: string | null;
  amount: number;
  currency: string;
  refunded_amount: number;
  card_brand: string;
  card_last4: string;
  description: string | null;
  created_at: string;
}

export function paymentView(r: PaymentRow): PaymentView {
  return {
    id: r.id,
    status: r.status,
    merchant_id: r.merchant_id,
    customer_id: r.customer_id,
    amount: r.amount,
    currency: r.currency,
    refunded_amount: r.refunded_amount,
    card_brand: r.card_brand,
    card_last4: r.card_last4,
    description: r.description,
    created_at: r.created_at,
  };
}

interface CreatePaymentBody {
  merchant_id: string;
  amount: number;
  currency: string;
  card: CardInput;
  customer_id?: string | null;
  description?: string | null;
}

interface RefundBody {
  amount?: number;
  reason?: string | null;
}

const createPaymentSchema = {
  type: 'object',
  required: ['merchant_id', 'amount', 'currency', 'card'],
  additionalProperties: false,
  properties: {
    merchant_id: merchantIdSchema,
    amount: amountSchema,
    currency: currencySchema,
    card: cardSchema,
    customer_id: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    description: { type: ['string', 'null'], maxLength: 255 },
  },
} as const;

const refundSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    amount: amountSchema,
    reason: { type: ['string', 'null'], maxLength: 255 },
  },
} as const;

/**
 * A cursor is 'c' and the last row's seq in base 36: every string of that form is a position (the page
 * after it, maybe empty), so the pattern says exactly which cursors are accepted. Ten digits stay below
 * 2^53.
 */
const CURSOR_PATTERN = '^c[0-9a-z]{1,10}$';
const encodeCursor = (seq: number): string => `c${seq.toString(36)}`;
const decodeCursor = (cursor: string): number => parseInt(cursor.slice(1), 36);

const listQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', pattern: CURSOR_PATTERN },
  },
} as const;

export function registerPaymentRoutes(app: FastifyInstance, state: SandboxState): void {
  const { sdb } = state;
  const s = sdb.stmts;

  // Each change is prepare (read, validate) then apply (write); runIdempotent decides whether a gap opens
  // between them (only under the racy switches).
  const preparePayment = (body: CreatePaymentBody): Prepare => () => {
    const card = checkCard(body.card);
    return () => {
      const id = newId('pay');
      const at = nowIso();
      const customer = body.customer_id ?? null;
      const description = body.description ?? null;
      // float_amounts: what a service that keeps money as a float in major units stores (at least 1, the CHECK's floor).
      const stored = state.faults.current.floatAmounts ? Math.max(1, Math.round(Number((body.amount / 100).toFixed(1)) * 100)) : body.amount;
      s.insertPayment.run(id, body.merchant_id, customer, stored, body.currency, card.brand, card.last4, description, at);
      // The answer is read back from the row just written: a 201 says exactly what was stored, and the
      // view is built in one place.
      const row = paymentView(s.getPayment.get(id) as PaymentRow);
      // ...except under float_amounts, whose answer echoes the request while the row holds the rounded float.
      const view = stored === body.amount ? row : { ...row, amount: body.amount };
      appendAudit(sdb, 'payment.created', id, view, at);
      return { status: 201, body: view };
    };
  };

  const prepareRefund = (paymentId: string, body: RefundBody): Prepare => () => {
    const p = s.getPayment.get(paymentId);
    if (!p) throw notFound('payment', 'id');
    const remaining = p.amount - p.refunded_amount;
    const amount = body.amount ?? remaining;
    if (remaining <= 0) {
      throw new ApiError(422, 'refund_exceeds_captured', 'payment is already fully refunded', { field: 'amount' });
    }
    if (amount > remaining) {
      throw new ApiError(422, 'refund_exceeds_captured', `refund of ${amount} exceeds the remaining refundable ${remaining}`, {
        field: 'amount',
      });
    }
    // Computed from what was read: exact inside one transaction, a lost update across racy_refunds' gap.
    const refunded = p.refunded_amount + amount;
    const status = refunded === p.amount ? 'refunded' : 'partially_refunded';
    return () => {
      const id = newId('ref');
      const at = nowIso();
      const reason = body.reason ?? null;
      s.insertPaymentRefund.run(id, paymentId, amount, reason, at);
      s.updatePaymentRefunded.run(refunded, status, paymentId);
      const view = { id, payment_id: paymentId, amount, reason, created_at: at };
      appendAudit(sdb, 'payment.refunded', id, { ...view, payment_status: status, payment_refunded_amount: refunded }, at);
      return { status: 201, body: view };
    };
  };

  app.post<{ Body: CreatePaymentBody }>('/api/v1/payments', { schema: { body: createPaymentSchema } }, async (req, reply) => {
    const key = readIdempotencyKey(req);
    const body = req.body;
    const gap = state.faults.current.noIdempotencyLock && key !== undefined ? RACE_WINDOW_MS : 0;
    const outcome = await runIdempotent(sdb, 'POST /api/v1/payments', key, { path: '/api/v1/payments', body }, preparePayment(body), gap);
    return sendOutcome(reply, outcome);
  });

  app.get<{ Params: { id: string } }>('/api/v1/payments/:id', { schema: { params: idParam('id') } }, (req) => {
    const row = s.getPayment.get(req.params.id);
    if (!row) throw notFound('payment', 'id');
    return paymentView(row);
  });

  app.post<{ Params: { id: string }; Body: RefundBody }>(
    '/api/v1/payments/:id/refunds',
    { schema: { params: idParam('id'), body: refundSchema } },
    async (req, reply) => {
      const key = readIdempotencyKey(req);
      const paymentId = req.params.id;
      const body = req.body;
      const path = `/api/v1/payments/${paymentId}/refunds`;
      const f = state.faults.current;
      const gap = f.racyRefunds || (f.noIdempotencyLock && key !== undefined) ? RACE_WINDOW_MS : 0;
      const outcome = await runIdempotent(sdb, 'POST /api/v1/payments/:id/refunds', key, { path, body }, prepareRefund(paymentId, body), gap);
      return sendOutcome(reply, outcome);
    },
  );

  app.get<{ Params: { merchantId: string }; Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/merchants/:merchantId/transactions',
    { schema: { params: idParam('merchantId', merchantIdSchema), querystring: listQuerySchema } },
    (req) => {
      const { merchantId } = req.params;
      const limit = req.query.limit;
      const rows =
        req.query.cursor === undefined
          ? s.listMerchantPayments.all(merchantId, limit + 1)
          : s.listMerchantPaymentsAfter.all(merchantId, decodeCursor(req.query.cursor), limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        merchant_id: merchantId,
        data: page.map(paymentView),
        next_cursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
      };
    },
  );

  registerGenerate(app, state);
}
