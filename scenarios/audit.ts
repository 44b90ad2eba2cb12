// Audit and "nothing lost": a short load of payments, refunds, user registrations, banking authorizations,
// captures and banking refunds, counting every state change the target acknowledged; then teardown()
// verifies the audit hash chain (GET /api/v1/audit/verify) and compares what was acknowledged with what the
// target stores (GET /api/v1/stats deltas against the numbers setup() took before the load): the counts, and
// per currency the money of each kind to the minor unit (by_currency).
//   k6 run dist/audit.js                                   (sandbox on 127.0.0.1:8000 / :8001)
//   AUDIT_VUS=8 AUDIT_DURATION=30s AUDIT_QUIET=true k6 run dist/audit.js
//
// "recon_minor{kind,currency}": + the minor units of every acknowledged payment, refund, capture and banking
// refund, then teardown adds -(the server's by_currency delta); each ends as acknowledged - stored.
// "missing_<type>" counters: +1 per acknowledged change during the load, then teardown adds -(stored delta),
// so each ends as acknowledged - stored. Metrics emitted in teardown() reach thresholds (checked on k6 v2.2.0).
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate } from 'k6/metrics';
import { BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { EnvReader } from '../lib/config.ts';
import { type PanSeries, runPan, runPanSeries } from '../lib/data/run-pans.ts';
import { AUDITED, type AuditedType, type ByCurrency, currencyDeltas, readCurrencies, RECONCILED, type ReconciledKind, statDelta, storedAdjustment } from '../lib/reconciliation.ts';
import { jsonBody } from '../lib/k6/http.ts';
import { acknowledged } from '../lib/k6/metrics.ts';
import { createRunner } from '../lib/k6/runner.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { durationSeconds } from '../lib/profiles.ts';
import { defineTasks } from '../lib/tasks.ts';
import { userContext } from '../lib/k6/context.ts';
import type { AcknowledgedKind } from '../lib/services/user-class.ts';
import { capture, refund as refundCapture, type BankingState } from '../lib/services/banking/users.ts';
import { processPayment, refundPayment, type PaymentState } from '../lib/services/payment/users.ts';
import { auditThresholds } from '../thresholds/audit.ts';

const ctx = userContext();
const { config } = ctx;
const pay = ctx.as(PAYMENT_SERVICE);
const bank = ctx.as(BANKING_SERVICE);
const env = new EnvReader(__ENV);
const vus = env.number('AUDIT_VUS', 4, { min: 1, max: 1000, integer: true });
const duration = env.raw('AUDIT_DURATION') ?? '10s';
if (!(durationSeconds(duration) >= 1)) env.problems.push(`AUDIT_DURATION must be a k6 duration of at least 1s like 10s or 2m; got '${duration}'`);
const quiet = env.bool('AUDIT_QUIET', false);
const currencyOverride = readCurrencies(env);
env.done();

let currencyList: string[] | null = null;
/**
 * The currencies reconciled one by one: RECON_CURRENCIES, or those of the merchants the load pays (readable
 * in the init context for the built-in and JSON datasets). A CSV dataset is readable only after init, when
 * the thresholds are already built: then every currency is reconciled together in recon_other_currencies_minor.
 */
function currencies(): string[] {
  if (currencyList) return currencyList;
  const list = new Set<string>(currencyOverride ?? []);
  if (!currencyOverride && ctx.data.formats.merchants !== 'csv') {
    const n = Math.min(config.merchantCount, ctx.data.merchants.length);
    for (let i = 0; i < n; i++) {
      const c = ctx.data.merchants[i]?.currency;
      if (typeof c === 'string') list.add(c);
    }
  }
  return (currencyList = [...list].sort());
}

const missing: Record<AuditedType, Counter> = {
  payments: new Counter(AUDITED.payments.counter),
  refunds: new Counter(AUDITED.refunds.counter),
  users: new Counter(AUDITED.users.counter),
};
const auditEntriesMissing = new Counter('audit_entries_missing');
const chainValid = new Rate('audit_chain_valid');
const chainEntries = new Gauge('audit_chain_entries');
const firstInvalidSeq = new Gauge('audit_first_invalid_seq');
const recon = new Counter('recon_minor');
const reconOther = new Counter('recon_other_currencies_minor');
const duplicateIds = new Counter('recon_duplicate_ids');

interface AuditData {
  pans: PanSeries;
  paymentStats: Record<string, number> | null;
  bankingStats: Record<string, number> | null;
  byCurrency: ByCurrency | null;
}

interface AuditState extends PaymentState, BankingState {
  pans: PanSeries;
  registered: number;
}

function paymentStats(): Record<string, number> | null {
  const res = pay.client.send('stats', { tags: { phase: 'verify' } });
  return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
}

function byCurrencyOf(stats: Record<string, unknown> | null): ByCurrency | null {
  const b = stats?.by_currency;
  return b && typeof b === 'object' ? (b as ByCurrency) : null;
}

function bankingStats(): Record<string, number> | null {
  const res = bank.client.send('stats', { tags: { phase: 'verify' } });
  return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
}

/** The reconciled kind of each acknowledged change that moves money (an authorization only holds it). */
const RECONCILED_AS: Partial<Record<AcknowledgedKind, ReconciledKind>> = {
  payments: 'payments',
  refunds: 'refunds',
  captures: 'captures',
  bankingRefunds: 'banking_refunds',
};

// Ids this VU saw acknowledged, per kind (each VU runs its own copy of this module): one acknowledged
// twice is counted in recon_duplicate_ids.
const seen = new Set<string>();

// The load is the kit's own payment and banking users; every change they count as acknowledged also goes
// into the ledgers here: one audit entry each, the "missing" ledger of its type, and its money.
ctx.onAcknowledged = (kind, id, currency, minor) => {
  auditEntriesMissing.add(1);
  if (kind === 'payments' || kind === 'refunds') missing[kind].add(1);
  const reconciled = RECONCILED_AS[kind];
  if (!reconciled) return;
  const key = `${reconciled}:${id}`;
  if (seen.has(key)) duplicateIds.add(1);
  seen.add(key);
  if (currencies().includes(currency)) recon.add(minor, { kind: reconciled, currency });
  else reconOther.add(minor);
};

function register(s: AuditState): void {
  // Interleaved over VUs: the run uses one contiguous block of serials, far from any other run's.
  const { pan, name } = runPan(s.pans, exec.vu.idInTest - 1 + vus * s.registered++);
  const res = bank.client.request('registerUser', { body: { name, pan }, expected: [201] });
  if (res.status === 201) {
    acknowledged.users.add(1);
    missing.users.add(1);
    auditEntriesMissing.add(1);
  }
}

// The state changes the audit follows, in the proportions of a payment-heavy day with a card-present side.
const tasks = defineTasks<AuditState>([
  { name: 'pay', weight: 45, run: (s) => void processPayment(pay, s) },
  { name: 'refund', weight: 15, run: (s) => refundPayment(pay, s) },
  { name: 'register_user', weight: 15, run: register },
  { name: 'capture', weight: 15, run: (s) => void capture(bank, s) },
  { name: 'bank_refund', weight: 10, run: (s) => refundCapture(bank, s) },
]);

export const load = createRunner<AuditState, SetupData<AuditData>>('audit', tasks, {
  seed: config.seed,
  newState: (rng, run) => ({ rng, runId: run.runId, payments: [], pans: run.pans, registered: 0, open: [], captured: [], known: [] }),
  // Pacing comes from MIN_WAIT_TIME/MAX_WAIT_TIME: the audit has no load profile.
  thinkTime: { minMs: config.minWaitMs, maxMs: config.maxWaitMs },
});

const test = defineTest<AuditData>({
  name: 'audit',
  variant: quiet ? 'quiet' : 'shared',
  config,
  targets: [PAYMENT_SERVICE, BANKING_SERVICE],
  intrusive: true,
  options: () => ({
    scenarios: {
      load: { executor: 'constant-vus', vus, duration, gracefulStop: '10s', exec: 'load' },
    },
    thresholds: auditThresholds({ quiet, currencies: currencies() }),
    teardownTimeout: '90s',
  }),
  // Every ledger exists in the summary even for a type the load never touches.
  zeroCounters: [...Object.values(missing), auditEntriesMissing, reconOther, duplicateIds],
  setup: () => {
    // Every reconciliation sub-metric gets a sample, so its threshold is evaluated even for money never moved.
    for (const currency of currencies()) for (const kind of Object.keys(RECONCILED)) recon.add(0, { kind, currency });
    const before = { paymentStats: paymentStats(), bankingStats: bankingStats() };
    if (!before.paymentStats || !before.bankingStats) exec.test.abort('GET /api/v1/stats did not answer 200 with JSON before the load; the audit comparison needs it');
    // Company-holder PANs: disjoint from the registration race's person PANs.
    return { pans: runPanSeries(Date.now(), Math.random(), 'C'), byCurrency: byCurrencyOf(before.paymentStats), ...before };
  },
  classes: [{ name: 'audit', tasks }],
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

export function teardown(data: SetupData<AuditData>): void {
  const verify = bank.client.call('auditVerify', { timeout: '60s' });
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

  const listed = currencies();
  for (const kind of Object.keys(RECONCILED) as ReconciledKind[]) {
    const deltas = currencyDeltas(data.byCurrency, byCurrencyOf(afterPayment), RECONCILED[kind]);
    // Without the server's sums nothing is subtracted: everything acknowledged stays unreconciled (fail closed).
    if (!deltas) continue;
    for (const [currency, stored] of Object.entries(deltas)) {
      if (stored === 0) continue;
      if (listed.includes(currency)) recon.add(-stored, { kind, currency });
      else reconOther.add(-stored);
    }
  }
}
