// Audit and "nothing lost": a short load of payments, refunds and user registrations, counting every
// state change the target acknowledged; then teardown() verifies the audit hash chain
// (GET /api/v1/audit/verify) and compares what was acknowledged with what the target stores
// (GET /api/v1/stats deltas against the numbers setup() took before the load).
//   k6 run dist/audit.js                                   (sandbox on 127.0.0.1:8000 / :8001)
//   AUDIT_VUS=8 AUDIT_DURATION=30s AUDIT_QUIET=true k6 run dist/audit.js
//
// "missing_<type>" counters: +1 per acknowledged change during the load, then teardown adds -(stored delta),
// so each ends as acknowledged - stored. Metrics emitted in teardown() reach thresholds (checked on k6 v2.2.0).
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate } from 'k6/metrics';
import { BANKING_API } from '../lib/clients/banking.ts';
import { PAYMENT_API, type Payment } from '../lib/clients/payment.ts';
import { EnvReader } from '../lib/config.ts';
import { drawAmount } from '../lib/data/amounts.ts';
import { declineCard } from '../lib/data/cards.ts';
import { AUDITED, runPan, runPanSeries, statDelta, storedAdjustment, type AuditedType, type PanSeries } from '../lib/integrity.ts';
import { jsonBody } from '../lib/k6/http.ts';
import { AUTH_PROBE, TREND_STATS, guardTargets, integritySummary, newRunId, probeTarget } from '../lib/k6/integrity.ts';
import { acknowledged, cardsDeclined } from '../lib/k6/metrics.ts';
import { createRng, seededUuid, type Rng } from '../lib/random.ts';
import { parseDuration } from '../lib/profiles.ts';
import { cardInput, pickCard, pickFrom, pickMerchant, remember, userContext } from '../lib/users/context.ts';
import { auditThresholds } from '../thresholds/audit.ts';

const ctx = userContext();
const { config } = ctx;
const env = new EnvReader(__ENV);
const vus = env.number('AUDIT_VUS', 4, { min: 1, max: 1000, integer: true });
const duration = env.raw('AUDIT_DURATION') ?? '10s';
if (!(parseDuration(duration) >= 1)) env.problems.push(`AUDIT_DURATION must be a k6 duration of at least 1s like 10s or 2m; got '${duration}'`);
const quiet = env.bool('AUDIT_QUIET', false);
env.done();
guardTargets(config, [config.paymentUrl, config.bankingUrl]);

const missing: Record<AuditedType, Counter> = {
  payments: new Counter(AUDITED.payments.counter),
  refunds: new Counter(AUDITED.refunds.counter),
  users: new Counter(AUDITED.users.counter),
};
const ACK: Record<AuditedType, Counter> = { payments: acknowledged.payments, refunds: acknowledged.refunds, users: acknowledged.users };
const auditEntriesMissing = new Counter('audit_entries_missing');
const chainValid = new Rate('audit_chain_valid');
const chainEntries = new Gauge('audit_chain_entries');
const firstInvalidSeq = new Gauge('audit_first_invalid_seq');

export const options = {
  scenarios: {
    load: { executor: 'constant-vus', vus, duration, gracefulStop: '10s', exec: 'load' },
  },
  thresholds: auditThresholds({ quiet }),
  summaryTrendStats: TREND_STATS,
  setupTimeout: '30s',
  teardownTimeout: '90s',
};

interface AuditData {
  runId: string;
  pans: PanSeries;
  paymentStats: Record<string, number> | null;
  bankingStats: Record<string, number> | null;
}

function paymentStats(): Record<string, number> | null {
  const res = ctx.payment.raw().call(PAYMENT_API.stats, { tags: { phase: 'verify' } });
  return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
}

function bankingStats(): Record<string, number> | null {
  const res = ctx.banking.raw().call(BANKING_API.stats, { tags: { phase: 'verify' } });
  return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
}

export function setup(): AuditData {
  probeTarget(ctx.payment.raw(), 'PAYMENT_SERVICE_URL', config.paymentUrl, AUTH_PROBE.payment);
  probeTarget(ctx.banking.raw(), 'BANKING_API_URL', config.bankingUrl, AUTH_PROBE.banking);
  const before = { paymentStats: paymentStats(), bankingStats: bankingStats() };
  if (!before.paymentStats || !before.bankingStats) exec.test.abort('GET /api/v1/stats did not answer 200 with JSON before the load; the audit comparison needs it');
  // Company-holder PANs: disjoint from the registration race's person PANs.
  return { runId: newRunId(), pans: runPanSeries(Date.now(), Math.random(), 'C'), ...before };
}

/** An acknowledged state change: the business counter, its "missing" ledger and the audit ledger. */
function ack(type: AuditedType): void {
  ACK[type].add(1);
  missing[type].add(1);
  auditEntriesMissing.add(1);
}

interface VuState {
  rng: Rng;
  payments: Payment[];
  registered: number;
}

let state: VuState | null = null;

function pay(s: VuState, runId: string): Payment | null {
  const merchant = pickMerchant(ctx, s.rng);
  const card = pickCard(ctx, s.rng);
  const declined = s.rng() < config.cardDeclineRate;
  const { amount, currency } = drawAmount(s.rng, { currency: merchant.currency });
  const p = ctx.payment.create(
    {
      merchant_id: merchant.id,
      amount,
      currency,
      card: cardInput(declined ? declineCard(s.rng, 'generic_decline') : card),
      customer_id: card.customerId,
      description: 'audit run',
    },
    { idempotencyKey: `${runId}-${seededUuid(s.rng)}`, expectDecline: declined },
  );
  if (declined) cardsDeclined.add(1); // a decline is not a state change: nothing to acknowledge
  if (p) {
    ack('payments');
    remember(s.payments, p);
  }
  return p;
}

function refund(s: VuState, runId: string): void {
  const p = pickFrom(s.rng, s.payments.filter((x) => x.refunded_amount < x.amount)) ?? pay(s, runId);
  if (!p) return;
  const left = p.amount - p.refunded_amount;
  const amount = s.rng() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * s.rng()));
  if (ctx.payment.refund(p.id, amount)) {
    ack('refunds');
    p.refunded_amount += amount;
  }
}

function register(s: VuState, data: AuditData): void {
  // Interleaved over VUs: the run uses one contiguous block of serials, far from any other run's.
  const { pan, name } = runPan(data.pans, exec.vu.idInTest - 1 + vus * s.registered++);
  const res = ctx.banking.registerUser({ name, pan }, [201]);
  if (res.status === 201) ack('users');
}

export function load(data: AuditData): void {
  if (state === null) {
    // Every ledger exists in the summary even for a type this VU never touches.
    for (const c of [...Object.values(missing), auditEntriesMissing]) c.add(0);
    state = { rng: createRng(`${config.seed}:audit:${exec.vu.idInTest}`), payments: [], registered: 0 };
  }
  const s = state;
  const roll = s.rng();
  if (roll < 0.6) pay(s, data.runId);
  else if (roll < 0.8) refund(s, data.runId);
  else register(s, data);
  if (config.maxWaitMs > 0) sleep((config.minWaitMs + s.rng() * (config.maxWaitMs - config.minWaitMs)) / 1000);
}

export function teardown(data: AuditData): void {
  const verify = ctx.banking.auditVerify();
  chainValid.add(verify?.valid === true);
  if (verify) {
    chainEntries.add(verify.entries);
    if (verify.first_invalid_seq !== null) firstInvalidSeq.add(verify.first_invalid_seq);
    if (!verify.valid) console.error(`audit: the chain does not verify; first invalid entry seq=${verify.first_invalid_seq} of ${verify.entries}`);
  } else {
    console.error('audit: GET /api/v1/audit/verify did not answer 200 with a verification; counted as an invalid chain');
  }

  const afterPayment = paymentStats();
  const afterBanking = bankingStats();
  check(null, {
    'audit: stats after the load': () => afterPayment !== null && afterBanking !== null,
  });
  const deltas: Record<AuditedType, number | null> = {
    payments: statDelta(data.paymentStats, afterPayment, AUDITED.payments.stat),
    refunds: statDelta(data.paymentStats, afterPayment, AUDITED.refunds.stat),
    users: statDelta(data.bankingStats, afterBanking, AUDITED.users.stat),
  };
  for (const type of Object.keys(deltas) as AuditedType[]) missing[type].add(storedAdjustment(deltas[type]));
  auditEntriesMissing.add(storedAdjustment(statDelta(data.bankingStats, afterBanking, 'audit_entries')));
}

export const handleSummary = integritySummary('audit', quiet ? 'quiet' : 'shared', config.authToken);
