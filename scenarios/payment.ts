// Payment-service users: create payments, refund and look up their own payments, list merchant
// transactions, check health. Weights from the Locust suite's PaymentServiceUser.
//   k6 run dist/payment.js                      (sandbox on 127.0.0.1:8000)
//   PAYMENT_SERVICE_URL=https://pay.example AUTH_TOKEN=... k6 run dist/payment.js
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { PaymentClient, type Payment } from '../lib/clients/payment.ts';
import { parseConfig, urlHost } from '../lib/config.ts';
import { drawAmount } from '../lib/data/amounts.ts';
import { declineCard, generateCard, type CardDetails } from '../lib/data/cards.ts';
import { SANDBOX_CURRENCIES } from '../lib/data/currencies.ts';
import { createRunner } from '../lib/k6/runner.ts';
import { summaryHandler } from '../lib/k6/summary.ts';
import { k6Scenario, PROFILE_NAMES, productionGuard, resolveProfile } from '../lib/profiles.ts';
import { pickOne, seededUuid, type Rng } from '../lib/random.ts';
import { defineTasks } from '../lib/tasks.ts';
import { buildThresholds } from '../lib/thresholds.ts';
import { paymentBudget } from '../thresholds/payment.ts';

// ---- configuration: validated here, in the init context, so bad input stops k6 before any load
const config = parseConfig(__ENV, PROFILE_NAMES);
const profile = resolveProfile(__ENV);
const guard = productionGuard(profile, [urlHost(config.paymentUrl) ?? ''], config.allowedHosts, config.allowRemoteLoad);
if (guard) throw new Error(guard);

export const options = {
  scenarios: { payment: k6Scenario(profile, 'paymentUser') },
  thresholds: buildThresholds(paymentBudget, profile, __ENV),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  setupTimeout: '30s',
};

// ---- business metrics: what the target acknowledged, for checking against its own counts
const paymentsCreated = new Counter('payments_created');
const refundsCreated = new Counter('refunds_created');
const cardsDeclined = new Counter('cards_declined');

// ---- per-VU state: the payments this VU created, so refunds and lookups act on real ids
interface VuState {
  rng: Rng;
  payments: Payment[];
  merchants: string[];
}
const MAX_REMEMBERED = 50;

function merchantIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `merch_${String(i + 1).padStart(4, '0')}`);
}

/** CARD_DECLINE_RATE of payments use a documented decline test card and expect 402. */
function cardFor(rng: Rng): { card: CardDetails; declined: boolean } {
  return rng() < config.cardDeclineRate
    ? { card: declineCard(rng, 'generic_decline'), declined: true }
    : { card: generateCard(rng), declined: false };
}

function processPayment(s: VuState): Payment | null {
  const { card, declined } = cardFor(s.rng);
  const { amount, currency } = drawAmount(s.rng, { currency: pickOne(s.rng, SANDBOX_CURRENCIES) });
  const payment = paymentClient.create(
    {
      merchant_id: pickOne(s.rng, s.merchants),
      amount,
      currency,
      card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear, cvv: card.cvv },
      customer_id: `cus_${String(1 + Math.floor(s.rng() * config.customerCount)).padStart(7, '0')}`,
      description: 'k6 payment',
    },
    { idempotencyKey: seededUuid(s.rng), expectDecline: declined },
  );
  if (declined) cardsDeclined.add(1);
  if (payment) {
    paymentsCreated.add(1);
    s.payments.push(payment);
    if (s.payments.length > MAX_REMEMBERED) s.payments.shift();
  }
  return payment;
}

/** A payment of this VU's to act on; makes one first when the VU has none yet (a realistic order). */
function ownPayment(s: VuState, refundable: boolean): Payment | null {
  const candidates = refundable ? s.payments.filter((p) => p.refunded_amount < p.amount) : s.payments;
  return candidates.length > 0 ? pickOne(s.rng, candidates) : processPayment(s);
}

// ---- the task table: name, weight, what it does (weights from the Locust suite; refund scaled by REFUND_PROBABILITY)
const tasks = defineTasks<VuState>([
  { name: 'process_payment', weight: 70, run: (s) => void processPayment(s) },
  {
    name: 'refund_payment',
    weight: 10 * (config.refundProbability / 0.1),
    run: (s) => {
      const p = ownPayment(s, true);
      if (!p) return;
      // Half full, half partial refunds, never more than what is left.
      const left = p.amount - p.refunded_amount;
      const amount = s.rng() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * s.rng()));
      if (paymentClient.refund(p.id, amount)) {
        refundsCreated.add(1);
        p.refunded_amount += amount;
      }
    },
  },
  {
    name: 'transaction_status',
    weight: 15,
    run: (s) => {
      const p = ownPayment(s, false);
      if (p) paymentClient.get(p.id);
    },
  },
  { name: 'merchant_transactions', weight: 3, run: (s) => void paymentClient.merchantTransactions(pickOne(s.rng, s.merchants)) },
  { name: 'health_check', weight: 2, run: () => void paymentClient.health() },
]);

const paymentClient = new PaymentClient(config.paymentUrl, config.authToken);
const run = createRunner(tasks, {
  seed: config.seed,
  newState: (rng) => ({ rng, payments: [], merchants: merchantIds(config.merchantCount) }),
  thinkTime: profile.model === 'closed' ? { minMs: config.minWaitMs, maxMs: config.maxWaitMs } : null,
});

// ---- setup: fail fast, with a reason a person can act on, when the target is down or rejects the token
export function setup() {
  const probe = new PaymentClient(config.paymentUrl, config.authToken).raw();
  const health = probe.call({ method: 'GET', path: '/health', expected: [200] }, { timeout: '5s' });
  if (health.status === 0) {
    exec.test.abort(
      `target unreachable: PAYMENT_SERVICE_URL=${config.paymentUrl} (${health.error}). ` +
        'Start the sandbox with `npm run sandbox`, or point PAYMENT_SERVICE_URL at a running service.',
    );
  }
  if (health.status !== 200) exec.test.abort(`target unhealthy: GET ${config.paymentUrl}/health answered ${health.status}`);
  const auth = probe.call({ method: 'GET', path: '/api/v1/payments/{id}', expected: [404] }, { params: { id: 'pay_probe_does_not_exist' }, timeout: '5s' });
  if (auth.status === 401 || auth.status === 403) {
    exec.test.abort(`AUTH_TOKEN was rejected by ${config.paymentUrl} (HTTP ${auth.status}); check the token`);
  }
  return { startedAt: new Date().toISOString() };
}

export function paymentUser() {
  run();
}

export default paymentUser;

export const handleSummary = summaryHandler({ scenario: 'payment', profile: profile.name, tasks, secret: config.authToken });
