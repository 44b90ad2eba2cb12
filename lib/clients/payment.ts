// The payment service's client in k6: one method per endpoint of lib/services/payment.ts, with the
// checks each answer must pass.
import { PAYMENT_API, PAYMENT_SERVICE, PAYMENT_STATUS, type Payment, type PaymentRequest } from '../services/payment.ts';
import { serviceClient } from '../k6/service-client.ts';
import { ApiClient, checkSameId, jsonBody, responseCheck, type Res, type Sender } from '../k6/http.ts';

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


const DECLINED = [PAYMENT_STATUS.declined] as const;

// Each answer's checks, compiled once (lib/k6/http.ts responseCheck): they pass only with an expected
// status and the body's shape, so an answer that passed is one the caller may use.
const checkHealth = responseCheck(PAYMENT_API.health, PAYMENT_API.health.expected, isOk);
const checkCreated = responseCheck(PAYMENT_API.createPayment, PAYMENT_API.createPayment.expected, isPayment);
const checkDeclined = responseCheck(PAYMENT_API.createPayment, DECLINED, isDecline);
const checkRefunded = responseCheck(PAYMENT_API.refundPayment, PAYMENT_API.refundPayment.expected, hasId);
const checkFound = responseCheck(PAYMENT_API.getPayment, PAYMENT_API.getPayment.expected, isPayment);
const checkTransactions = responseCheck(PAYMENT_API.merchantTransactions, PAYMENT_API.merchantTransactions.expected, hasDataArray);

export class PaymentClient {
  private readonly api: ApiClient;
  // The calls the user classes make on every iteration, compiled once per client (ApiClient.sender).
  private readonly send: { [K in 'health' | 'create' | 'decline' | 'refund' | 'get' | 'transactions']: Sender };

  constructor(api: ApiClient = serviceClient(PAYMENT_SERVICE)) {
    this.api = api;
    this.send = {
      health: api.sender(PAYMENT_API.health),
      create: api.sender(PAYMENT_API.createPayment),
      decline: api.sender(PAYMENT_API.createPayment, DECLINED),
      refund: api.sender(PAYMENT_API.refundPayment),
      get: api.sender(PAYMENT_API.getPayment),
      transactions: api.sender(PAYMENT_API.merchantTransactions),
    };
  }

  health(): Res {
    const res = this.send.health();
    checkHealth(res);
    return res;
  }

  /** Creates a payment. A declined test card is expected (402) when `expectDecline` is set. */
  create(body: PaymentRequest, opts: { idempotencyKey?: string; expectDecline?: boolean } = {}): Payment | null {
    const key = opts.idempotencyKey || undefined;
    if (opts.expectDecline) {
      checkDeclined(this.send.decline(undefined, body, key));
      return null;
    }
    const res = this.send.create(undefined, body, key);
    return checkCreated(res) ? (jsonBody(res) as Payment) : null;
  }

  refund(paymentId: string, amount?: number): { id: string; amount: number } | null {
    const res = this.send.refund(paymentId, amount === undefined ? {} : { amount });
    return checkRefunded(res) ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  get(paymentId: string): Payment | null {
    const res = this.send.get(paymentId);
    if (!checkFound(res)) return null;
    const found = jsonBody(res) as Payment;
    checkSameId(PAYMENT_API.getPayment, found.id, paymentId);
    return found;
  }

  merchantTransactions(merchantId: string, limit = 20): Res {
    const res = this.send.transactions(merchantId, undefined, undefined, { limit });
    checkTransactions(res);
    return res;
  }

  /** Raw access for the failure user and integrity scenarios, which choose their own statuses. */
  raw(): ApiClient {
    return this.api;
  }
}
