// The payment service's client in k6: one method per endpoint of lib/services/payment.ts, with the
// checks each answer must pass.
import { successStatus } from '../endpoints.ts';
import { PAYMENT_API, PAYMENT_SERVICE, PAYMENT_STATUS, type Payment, type PaymentRequest } from '../services/payment.ts';
import { serviceClient } from '../k6/service-client.ts';
import { ApiClient, checkResponse, checkSameId, jsonBody, type Res } from '../k6/http.ts';

export { PAYMENT_API, PAYMENT_SERVICE, PAYMENT_STATUS } from '../services/payment.ts';
export type { CardInput, Payment, PaymentRequest } from '../services/payment.ts';

function isPayment(b: unknown): b is Payment {
  const p = b as Payment | null;
  return !!p && typeof p.id === 'string' && typeof p.amount === 'number' && typeof p.currency === 'string';
}

// Body shapes, module level so their check sets are built once (lib/k6/http.ts checkResponse).
const isOk = (b: unknown) => (b as { status?: string } | null)?.status === 'ok';
const isDecline = (b: unknown) => (b as { error?: { code?: string } } | null)?.error?.code === 'card_declined';
const hasId = (b: unknown) => typeof (b as { id?: unknown } | null)?.id === 'string';
const hasDataArray = (b: unknown) => Array.isArray((b as { data?: unknown } | null)?.data);


// What success looks like for each call, read from the table once.
const CREATED = successStatus(PAYMENT_API.createPayment);
const REFUNDED = successStatus(PAYMENT_API.refundPayment);
const FOUND = successStatus(PAYMENT_API.getPayment);
const DECLINED = [PAYMENT_STATUS.declined] as const;

export class PaymentClient {
  private readonly api: ApiClient;

  constructor(api: ApiClient = serviceClient(PAYMENT_SERVICE)) {
    this.api = api;
  }

  health(): Res {
    const res = this.api.call(PAYMENT_API.health);
    checkResponse(res, PAYMENT_API.health, PAYMENT_API.health.expected, isOk);
    return res;
  }

  /** Creates a payment. A declined test card is expected (402) when `expectDecline` is set. */
  create(body: PaymentRequest, opts: { idempotencyKey?: string; expectDecline?: boolean } = {}): Payment | null {
    const want = opts.expectDecline ? DECLINED : PAYMENT_API.createPayment.expected;
    const res = this.api.call(PAYMENT_API.createPayment, {
      body,
      expected: want,
      idempotencyKey: opts.idempotencyKey || undefined,
    });
    checkResponse(res, PAYMENT_API.createPayment, want, opts.expectDecline ? isDecline : isPayment);
    const parsed = res.status === CREATED ? jsonBody(res) : null;
    return isPayment(parsed) ? parsed : null;
  }

  refund(paymentId: string, amount?: number): { id: string; amount: number } | null {
    const res = this.api.call(PAYMENT_API.refundPayment, {
      params: { id: paymentId },
      body: amount === undefined ? {} : { amount },
    });
    checkResponse(res, PAYMENT_API.refundPayment, PAYMENT_API.refundPayment.expected, hasId);
    return res.status === REFUNDED ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  get(paymentId: string): Payment | null {
    const res = this.api.call(PAYMENT_API.getPayment, { params: { id: paymentId } });
    checkResponse(res, PAYMENT_API.getPayment, PAYMENT_API.getPayment.expected, isPayment);
    const parsed = res.status === FOUND ? jsonBody(res) : null;
    checkSameId(res, PAYMENT_API.getPayment, (parsed as { id?: string } | null)?.id, paymentId);
    return isPayment(parsed) ? parsed : null;
  }

  merchantTransactions(merchantId: string, limit = 20): Res {
    const res = this.api.call(PAYMENT_API.merchantTransactions, { params: { merchantId }, query: { limit } });
    checkResponse(res, PAYMENT_API.merchantTransactions, PAYMENT_API.merchantTransactions.expected, hasDataArray);
    return res;
  }

  /** Raw access for the failure user and integrity scenarios, which choose their own statuses. */
  raw(): ApiClient {
    return this.api;
  }
}
