// The payment service's API as the suite sees it: endpoints, request bodies and the statuses each
// answers. Pointing the suite at your own payment service means changing this file (docs/adapting.md).
import { ApiClient, checkResponse, checkSameId, jsonBody, type Endpoint, type Res } from '../k6/http.ts';

export const PAYMENT_API = {
  health: { method: 'GET', path: '/health', expected: [200] },
  createPayment: { method: 'POST', path: '/api/v1/payments', expected: [201] },
  refundPayment: { method: 'POST', path: '/api/v1/payments/{id}/refunds', expected: [201] },
  getPayment: { method: 'GET', path: '/api/v1/payments/{id}', expected: [200] },
  merchantTransactions: { method: 'GET', path: '/api/v1/merchants/{merchantId}/transactions', expected: [200] },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200] },
  generateData: { method: 'POST', path: '/api/v1/data/generate', expected: [200] },
} as const satisfies Record<string, Endpoint>;

/** The statuses the sandbox documents for card problems (sandbox/openapi.yaml). */
export const PAYMENT_STATUS = {
  declined: 402,
  invalid: 422,
  unauthorized: 401,
  notFound: 404,
  malformed: 400,
  refundTooLarge: 422,
} as const;

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvv: string;
}

export interface PaymentRequest {
  merchant_id: string;
  amount: number;
  currency: string;
  card: CardInput;
  customer_id?: string;
  description?: string;
}

export interface Payment {
  id: string;
  status: string;
  merchant_id: string;
  amount: number;
  currency: string;
  refunded_amount: number;
}

function isPayment(b: unknown): b is Payment {
  const p = b as Payment | null;
  return !!p && typeof p.id === 'string' && typeof p.amount === 'number' && typeof p.currency === 'string';
}

// Body shapes, module level so their check sets are built once (lib/k6/http.ts checkResponse).
const isOk = (b: unknown) => (b as { status?: string } | null)?.status === 'ok';
const isDecline = (b: unknown) => (b as { error?: { code?: string } } | null)?.error?.code === 'card_declined';
const hasId = (b: unknown) => typeof (b as { id?: unknown } | null)?.id === 'string';
const hasDataArray = (b: unknown) => Array.isArray((b as { data?: unknown } | null)?.data);


export class PaymentClient {
  private readonly api: ApiClient;

  constructor(baseUrl: string, token: string) {
    this.api = new ApiClient(baseUrl, token);
  }

  health(): Res {
    const res = this.api.call(PAYMENT_API.health);
    checkResponse(res, PAYMENT_API.health, [200], isOk);
    return res;
  }

  /** Creates a payment. A declined test card is expected (402) when `expectDecline` is set. */
  create(body: PaymentRequest, opts: { idempotencyKey?: string; expectDecline?: boolean } = {}): Payment | null {
    const want = opts.expectDecline ? [PAYMENT_STATUS.declined] : [201];
    const res = this.api.call(PAYMENT_API.createPayment, {
      body,
      expected: want,
      headers: opts.idempotencyKey ? { 'Idempotency-Key': opts.idempotencyKey } : undefined,
    });
    checkResponse(res, PAYMENT_API.createPayment, want, opts.expectDecline ? isDecline : isPayment);
    const parsed = res.status === 201 ? jsonBody(res) : null;
    return isPayment(parsed) ? parsed : null;
  }

  refund(paymentId: string, amount?: number): { id: string; amount: number } | null {
    const res = this.api.call(PAYMENT_API.refundPayment, {
      params: { id: paymentId },
      body: amount === undefined ? {} : { amount },
    });
    checkResponse(res, PAYMENT_API.refundPayment, [201], hasId);
    return res.status === 201 ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  get(paymentId: string): Payment | null {
    const res = this.api.call(PAYMENT_API.getPayment, { params: { id: paymentId } });
    checkResponse(res, PAYMENT_API.getPayment, [200], isPayment);
    const parsed = res.status === 200 ? jsonBody(res) : null;
    checkSameId(res, 'GET /api/v1/payments/{id}', (parsed as { id?: string } | null)?.id, paymentId);
    return isPayment(parsed) ? parsed : null;
  }

  merchantTransactions(merchantId: string, limit = 20): Res {
    const res = this.api.call(PAYMENT_API.merchantTransactions, { params: { merchantId }, query: { limit } });
    checkResponse(res, PAYMENT_API.merchantTransactions, [200], hasDataArray);
    return res;
  }

  /** Raw access for the failure user and integrity scenarios, which choose their own statuses. */
  raw(): ApiClient {
    return this.api;
  }
}
