/** Banking API routes (port BANKING_PORT): authorizations, captures, refunds, settlements, batch, users, audit. */
import type { FastifyInstance } from 'fastify';
import type { ValidateFunction } from 'ajv';
import { appendAudit, verifyAudit } from '../audit.ts';
import { checkCard, type CardInput } from '../cards.ts';
import type { SandboxState } from '../state.ts';
import { isUniqueViolation, type AuthorizationRow } from '../db.ts';
import { ApiError, notFound, validationToApiError } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import { readIdempotencyKey, runIdempotent, sendOutcome, type Prepare, type Result } from '../idempotency.ts';
import { RACE_WINDOW_MS } from '../fault-spec.ts';
import { amountSchema, cardSchema, currencySchema, idParam, idSchema, merchantIdSchema, PAN_PATTERN } from '../json-schemas.ts';
import { bodyAjv } from '../validation.ts';

interface AuthorizeBody {
  merchant_id: string;
  amount: number;
  currency: string;
  card: CardInput;
}
interface CaptureBody {
  amount?: number;
}
interface RefundBody {
  transaction_id: string;
  amount: number;
}
interface UserBody {
  name: string;
  pan: string;
  email?: string | null;
}
interface BatchBody {
  operations: { type: 'authorize' | 'capture' | 'refund'; body?: Record<string, unknown>; id?: string }[];
}

const authorizeSchema = {
  type: 'object',
  required: ['merchant_id', 'amount', 'currency', 'card'],
  additionalProperties: false,
  properties: { merchant_id: merchantIdSchema, amount: amountSchema, currency: currencySchema, card: cardSchema },
} as const;
const captureSchema = { type: 'object', additionalProperties: false, properties: { amount: amountSchema } } as const;
const refundSchema = {
  type: 'object',
  required: ['transaction_id', 'amount'],
  additionalProperties: false,
  properties: { transaction_id: idSchema, amount: amountSchema },
} as const;
const userSchema = {
  type: 'object',
  required: ['name', 'pan'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    pan: { type: 'string', minLength: 10, maxLength: 10, pattern: PAN_PATTERN },
    // whitespace spelled out: '\\s' means different characters in different regex engines (JavaScript's
    // includes U+FEFF, Python's U+001C), and the document's pattern is read by both.
    email: { type: ['string', 'null'], maxLength: 254, pattern: '^[^@ \\t\\n\\r\\f\\v]+@[^@ \\t\\n\\r\\f\\v]+\\.[^@ \\t\\n\\r\\f\\v]+$' },
  },
} as const;
const batchSchema = {
  type: 'object',
  required: ['operations'],
  additionalProperties: false,
  properties: {
    operations: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['authorize', 'capture', 'refund'] },
          // each operation's body is checked by its own schema, per item (a 422 in the results, not for the batch)
          body: { type: 'object' },
          id: idSchema,
        },
      },
    },
  },
} as const;
const settlementQuery = {
  type: 'object',
  required: ['date'],
  properties: { date: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
} as const;

export function authorizationView(r: AuthorizationRow) {
  return {
    id: r.id,
    status: r.status,
    merchant_id: r.merchant_id,
    amount: r.amount,
    currency: r.currency,
    captured_amount: r.captured_amount,
    refunded_amount: r.refunded_amount,
    card_brand: r.card_brand,
    card_last4: r.card_last4,
    created_at: r.created_at,
  };
}

export function registerBankingRoutes(app: FastifyInstance, state: SandboxState): void {
  const { sdb } = state;
  const s = sdb.stmts;

  // Each change is prepare (read, validate) then apply (write); runIdempotent runs them in one transaction,
  // or with a gap between them under the racy switches (sandbox/fault-spec.ts).
  const prepareAuthorize = (body: AuthorizeBody): Prepare => () => {
    const card = checkCard(body.card);
    return () => {
      const id = newId('auth');
      const at = nowIso();
      s.insertAuthorization.run(id, body.merchant_id, body.amount, body.currency, card.brand, card.last4, at);
      const view = {
        id,
        status: 'authorized',
        merchant_id: body.merchant_id,
        amount: body.amount,
        currency: body.currency,
        captured_amount: 0,
        refunded_amount: 0,
        card_brand: card.brand,
        card_last4: card.last4,
        created_at: at,
      };
      appendAudit(sdb, 'authorization.created', id, view, at);
      return { status: 201, body: view };
    };
  };

  const prepareCapture = (id: string, body: CaptureBody): Prepare => () => {
    const a = s.getAuthorization.get(id);
    if (!a) throw notFound('authorization', 'id');
    if (a.status !== 'authorized') throw new ApiError(409, 'already_captured', `authorization ${id} was already captured`);
    const amount = body.amount ?? a.amount;
    if (amount > a.amount) {
      throw new ApiError(422, 'capture_exceeds_authorized', `capture of ${amount} exceeds the authorized ${a.amount}`, {
        field: 'amount',
      });
    }
    return () => {
      const at = nowIso();
      s.captureAuthorization.run(amount, at, id);
      appendAudit(sdb, 'authorization.captured', id, { id, captured_amount: amount, currency: a.currency, captured_at: at }, at);
      return { status: 200, body: { ...authorizationView(a), status: 'captured', captured_amount: amount } };
    };
  };

  const prepareRefund = (body: RefundBody): Prepare => () => {
    const a = s.getAuthorization.get(body.transaction_id);
    if (!a) throw notFound('transaction', 'transaction_id');
    if (a.captured_at === null) {
      throw new ApiError(409, 'not_captured', `transaction ${a.id} is authorized but not captured`, { field: 'transaction_id' });
    }
    const remaining = a.captured_amount - a.refunded_amount;
    if (body.amount > remaining) {
      throw new ApiError(422, 'refund_exceeds_captured', `refund of ${body.amount} exceeds the remaining captured ${remaining}`, {
        field: 'amount',
      });
    }
    // Computed from what was read: exact inside one transaction, a lost update across racy_refunds' gap.
    const refunded = a.refunded_amount + body.amount;
    const status = refunded === a.captured_amount ? 'refunded' : 'partially_refunded';
    return () => {
      const id = newId('ref');
      const at = nowIso();
      s.insertBankingRefund.run(id, a.id, body.amount, a.currency, at);
      s.updateAuthorizationRefunded.run(refunded, status, a.id);
      const view = { id, transaction_id: a.id, amount: body.amount, created_at: at };
      appendAudit(sdb, 'refund.created', id, { ...view, currency: a.currency, transaction_status: status }, at);
      return { status: 201, body: view };
    };
  };

  // Inside the batch's transaction: prepare and apply back to back.
  const authorize = (body: AuthorizeBody): Result => prepareAuthorize(body)()();
  const capture = (id: string, body: CaptureBody): Result => prepareCapture(id, body)()();
  const refund = (body: RefundBody): Result => prepareRefund(body)()();

  const registerUser = (body: UserBody): Result => {
    const id = newId('usr');
    const at = nowIso();
    const email = body.email ?? null;
    try {
      if (state.faults.current.noUniquePan) s.insertUserNoUnique.run(id, body.name, body.pan, email, at);
      else s.insertUser.run(id, body.name, body.pan, email, at);
    } catch (err) {
      if (isUniqueViolation(err, 'users.pan')) {
        throw new ApiError(409, 'pan_already_registered', 'a user with this PAN is already registered', { field: 'pan' });
      }
      throw err;
    }
    const view = { id, name: body.name, pan: body.pan, email, created_at: at };
    appendAudit(sdb, 'user.registered', id, view, at);
    return { status: 201, body: view };
  };

  app.post<{ Body: AuthorizeBody }>('/api/v1/authorizations', { schema: { body: authorizeSchema } }, async (req, reply) => {
    const key = readIdempotencyKey(req);
    const body = req.body;
    const gap = state.faults.current.noIdempotencyLock && key !== undefined ? RACE_WINDOW_MS : 0;
    const request = { path: '/api/v1/authorizations', body };
    return sendOutcome(reply, await runIdempotent(sdb, 'POST /api/v1/authorizations', key, request, prepareAuthorize(body), gap));
  });

  app.post<{ Params: { id: string }; Body: CaptureBody }>(
    '/api/v1/authorizations/:id/capture',
    { schema: { params: idParam('id'), body: captureSchema } },
    async (req, reply) => {
      const gap = state.faults.current.racyCaptures ? RACE_WINDOW_MS : 0;
      const request = { path: req.url, body: req.body };
      return sendOutcome(reply, await runIdempotent(sdb, 'capture', undefined, request, prepareCapture(req.params.id, req.body), gap));
    },
  );

  app.post<{ Body: RefundBody }>('/api/v1/refunds', { schema: { body: refundSchema } }, async (req, reply) => {
    const gap = state.faults.current.racyRefunds ? RACE_WINDOW_MS : 0;
    const request = { path: '/api/v1/refunds', body: req.body };
    return sendOutcome(reply, await runIdempotent(sdb, 'refund', undefined, request, prepareRefund(req.body), gap));
  });

  app.get<{ Params: { id: string } }>('/api/v1/transactions/:id', { schema: { params: idParam('id') } }, (req) => {
    const a = s.getAuthorization.get(req.params.id);
    if (a) return authorizationView(a);
    const r = s.getBankingRefund.get(req.params.id);
    if (r) return { id: r.id, transaction_id: r.transaction_id, amount: r.amount, created_at: r.created_at };
    throw notFound('transaction', 'id');
  });

  app.get<{ Querystring: { date: string } }>('/api/v1/settlements', { schema: { querystring: settlementQuery } }, (req) => {
    const date = req.query.date;
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number]; // the schema's pattern holds
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999
    const start = new Date(0);
    start.setUTCFullYear(y, mo - 1, d);
    if (start.toISOString().slice(0, 10) !== date) {
      throw new ApiError(422, 'validation_failed', `date must be a calendar date YYYY-MM-DD, got '${date.slice(0, 32)}'`, {
        field: 'date',
      });
    }
    const from = start.toISOString();
    const to = new Date(start.getTime() + 86_400_000).toISOString();
    const rows = s.settlement.all(from, to, from, to);
    let transactionCount = 0;
    const totals = rows.map((r) => {
      const count = r.captures + r.refunds;
      transactionCount += count;
      return {
        currency: r.currency,
        captured_amount: r.captured_amount,
        refunded_amount: r.refunded_amount,
        net_amount: r.captured_amount - r.refunded_amount,
        count,
      };
    });
    return { date, currency_totals: totals, transaction_count: transactionCount };
  });

  const validators: Record<'authorize' | 'capture' | 'refund', ValidateFunction> = {
    authorize: bodyAjv.compile(authorizeSchema),
    capture: bodyAjv.compile(captureSchema),
    refund: bodyAjv.compile(refundSchema),
  };

  const runBatch = (ops: BatchBody['operations']) =>
    ops.map((op, index) => {
      try {
        const body = op.body ?? {};
        const validate = validators[op.type];
        if (!validate(body)) throw validationToApiError(validate.errors ?? [], 'body');
        let r: Result;
        if (op.type === 'authorize') r = authorize(body as unknown as AuthorizeBody);
        else if (op.type === 'refund') r = refund(body as unknown as RefundBody);
        else {
          if (op.id === undefined) throw new ApiError(422, 'validation_failed', 'id is required for a capture operation', { field: 'id' });
          r = capture(op.id, body as CaptureBody);
        }
        return { index, status: r.status, body: r.body };
      } catch (err) {
        if (err instanceof ApiError) return { index, status: err.status, body: err.toBody() };
        throw err;
      }
    });

  app.post<{ Body: BatchBody }>('/api/v1/batch', { schema: { body: batchSchema } }, (req) => {
    return { results: sdb.transaction(() => runBatch(req.body.operations)) };
  });

  app.post<{ Body: UserBody }>('/api/v1/users', { schema: { body: userSchema } }, (req, reply) => {
    const r = sdb.transaction(() => registerUser(req.body));
    return reply.code(r.status).send(r.body);
  });

  app.get('/api/v1/audit/verify', () => verifyAudit(sdb));
}
