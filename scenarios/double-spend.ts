// Double-spend races: M racers released at the same instant on one object, repeated for R rounds on fresh
// objects. Four races, all fired together each round:
//   full_refund     M full refunds of one payment: one 201, the rest 422 refund_exceeds_captured
//   partial_refund  M partial refunds that together ask for more than the payment: only what fits is 201
//   capture         M captures of one authorization: one 200, the rest 409 already_captured
//   bank_refund     M partial banking refunds of one capture: only what fits is 201
// After the rounds, teardown() reads back every payment and authorization (its balance must be exactly the
// amount) and, on a quiet target, the server's own refund totals for the race currency (by_currency in
// /api/v1/stats, summed from its refund rows): never more than was paid.
//   k6 run dist/double-spend.js                                  (sandbox on 127.0.0.1:8000 / :8001)
//   DS_RACERS=20 DS_ROUNDS=10 DS_QUIET=true k6 run dist/double-spend.js
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { serviceClient } from '../lib/k6/client.ts';
import { jsonBody, type ApiClient, type Res } from '../lib/k6/http.ts';
import { releaseInstant, waitForRelease } from '../lib/k6/release.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { type DoubleSpendRace, moneyOutcome, partialPlan, RACE_CONTRACT, readDoubleSpendPlan } from '../lib/races/double-spend.ts';
import { raceSlot } from '../lib/races/slots.ts';
import { PROFILE_NAMES } from '../lib/profiles.ts';
import { BANKING_API, BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_API, PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { doubleSpendBudget, doubleSpendThresholds } from '../thresholds/double-spend.ts';

const config = parseConfig(__ENV, PROFILE_NAMES);
const env = new EnvReader(__ENV);
const plan = readDoubleSpendPlan(env);
const releaseMarginMs = env.number('RACE_RELEASE_MS', 1500, { min: 100, max: 4000, integer: true, what: 'milliseconds' });
const maxLagMs = env.number('RACE_MAX_LAG_MS', doubleSpendBudget.maxReleaseLagMs, { min: 1, max: 60_000, what: 'milliseconds' });
const quiet = env.bool('DS_QUIET', false);
const currency = env.raw('DS_CURRENCY') ?? 'CHF';
const cardNumber = env.raw('RACE_CARD') ?? '4242424242424242';
env.done();

const { amount, part } = partialPlan(plan.racers);
const pay = serviceClient(PAYMENT_SERVICE);
const bank = serviceClient(BANKING_SERVICE);

const won = {} as Record<DoubleSpendRace, Counter>;
const refused = {} as Record<DoubleSpendRace, Counter>;
for (const race of plan.races) {
  won[race] = new Counter(`ds_${race}_won`);
  refused[race] = new Counter(`ds_${race}_refused`);
}
const serverError = new Counter('ds_server_error');
const other = new Counter('ds_other');
const balanceMismatch = new Counter('ds_balance_mismatch');
const refundExcess = new Counter('ds_server_refund_excess_minor');
const releaseLag = new Trend('ds_release_lag_ms', true);
/** Informational: refunds (both services) the server holds in the race currency beyond what the races allow. */
const excessGauge = new Gauge('ds_refund_excess_minor_observed');

/** One object per race per round: a payment id (refund races) or an authorization id. */
type Targets = Record<DoubleSpendRace, string[]>;

interface DsData {
  targets: Targets;
  releaseAt: number;
  totalsBefore: CurrencyTotals | null;
}

interface CurrencyTotals {
  refunded_amount: number;
  banking_refunded_amount: number;
}

function currencyTotals(): CurrencyTotals | null {
  const res = pay.call(PAYMENT_API.stats, { tags: { phase: 'verify' } });
  const all = res.status === 200 ? jsonBody<{ by_currency?: Record<string, CurrencyTotals> }>(res)?.by_currency : undefined;
  if (!all) return null;
  return all[currency] ?? { refunded_amount: 0, banking_refunded_amount: 0 };
}

function created(res: Res, what: string): string {
  const id = res.status === 200 || res.status === 201 ? jsonBody<{ id?: string }>(res)?.id : undefined;
  if (typeof id !== 'string') exec.test.abort(`double-spend: could not ${what} before the race (HTTP ${res.status}); the race needs it`);
  return id as string;
}

const test = defineTest<DsData>({
  name: 'double-spend',
  variant: `${plan.racers}x${plan.rounds}`,
  config,
  targets: [PAYMENT_SERVICE, BANKING_SERVICE],
  intrusive: true,
  zeroCounters: [...Object.values(won), ...Object.values(refused), serverError, other, balanceMismatch, refundExcess],
  options: () => ({
    scenarios: {
      race: {
        executor: 'per-vu-iterations',
        vus: plan.vus,
        iterations: plan.rounds,
        maxDuration: `${Math.ceil((releaseMarginMs + plan.rounds * plan.roundMs) / 1000) + 60}s`,
        gracefulStop: '10s',
      },
    },
    thresholds: doubleSpendThresholds(plan, { quiet, maxReleaseLagMs: maxLagMs }),
    setupTimeout: `${30 + plan.rounds}s`,
    teardownTimeout: `${30 + plan.rounds}s`,
  }),
  setup: (run) => {
    const card = { number: cardNumber, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvv: '123' };
    const body = { merchant_id: `ds-${run.runId}`, amount, currency, card };
    const targets = {} as Targets;
    for (const race of plan.races) {
      targets[race] = [];
      for (let r = 0; r < plan.rounds; r++) {
        let id: string;
        if (race === 'full_refund' || race === 'partial_refund') {
          id = created(pay.call(PAYMENT_API.createPayment, { body, tags: { phase: 'setup' } }), 'create a payment');
        } else {
          id = created(bank.call(BANKING_API.authorize, { body, tags: { phase: 'setup' } }), 'authorize');
          if (race === 'bank_refund') created(bank.call(BANKING_API.capture, { params: { id }, body: {}, tags: { phase: 'setup' } }), 'capture');
        }
        targets[race].push(id);
      }
    }
    // Taken after the objects exist, so only the races' refunds count.
    return { targets, totalsBefore: currencyTotals(), releaseAt: releaseInstant(releaseMarginMs) };
  },
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

function fire(race: DoubleSpendRace, id: string, client: { pay: ApiClient; bank: ApiClient }): Res {
  const contract = RACE_CONTRACT[race];
  const opts = { expected: [contract.won, contract.refused], tags: { phase: 'race', race } };
  if (race === 'full_refund') return client.pay.call(PAYMENT_API.refundPayment, { ...opts, params: { id }, body: {} });
  if (race === 'partial_refund') return client.pay.call(PAYMENT_API.refundPayment, { ...opts, params: { id }, body: { amount: part } });
  if (race === 'capture') return client.bank.call(BANKING_API.capture, { ...opts, params: { id }, body: {} });
  return client.bank.call(BANKING_API.refund, { ...opts, body: { transaction_id: id, amount: part } });
}

export default function race(data: SetupData<DsData>): void {
  const { group, racer } = raceSlot(exec.vu.idInTest, plan.races.length);
  const race = plan.races[group] as DoubleSpendRace;
  const round = exec.vu.iterationInScenario;
  const id = data.targets[race][round];
  if (id === undefined) throw new Error(`no ${race} target for round ${round}`);
  // The keep-alive connection is opened before the first round, so no racer pays for a handshake at the start line.
  if (round === 0) {
    if (race === 'full_refund' || race === 'partial_refund') pay.call(PAYMENT_API.health, { timeout: '5s', tags: { phase: 'warmup' } });
    else bank.call(BANKING_API.health, { timeout: '5s', tags: { phase: 'warmup' } });
  }

  releaseLag.add(waitForRelease(data.releaseAt + round * plan.roundMs));
  const res = fire(race, id, { pay, bank });
  const contract = RACE_CONTRACT[race];
  const outcome = moneyOutcome(res.status, contract);
  if (outcome === 'won') won[race].add(1);
  else if (outcome === 'refused') refused[race].add(1);
  else if (outcome === 'server_error') serverError.add(1, { race });
  else other.add(1, { race });
  if (outcome === 'server_error' || outcome === 'other') {
    console.warn(`double-spend: ${race} round ${round} racer ${racer} got HTTP ${res.status}${res.error ? ` (${res.error})` : ''}`);
  }
  check(res, {
    [`double-spend: a refused ${race} says ${contract.code}`]: (r) =>
      r.status !== contract.refused || jsonBody<{ error?: { code?: string } }>(r)?.error?.code === contract.code,
  });
}

/** What the server says a race object holds afterwards, and what it must hold. */
function balanceOf(race: DoubleSpendRace, id: string): { got: number | null; want: number } {
  if (race === 'full_refund' || race === 'partial_refund') {
    const res = pay.call(PAYMENT_API.getPayment, { params: { id }, tags: { phase: 'verify' } });
    return { got: res.status === 200 ? (jsonBody<{ refunded_amount?: number }>(res)?.refunded_amount ?? null) : null, want: amount };
  }
  const res = bank.call(BANKING_API.transaction, { params: { id }, tags: { phase: 'verify' } });
  const a = res.status === 200 ? jsonBody<{ captured_amount?: number; refunded_amount?: number }>(res) : null;
  return { got: (race === 'capture' ? a?.captured_amount : a?.refunded_amount) ?? null, want: amount };
}

export function teardown(data: SetupData<DsData>): void {
  for (const race of plan.races) {
    data.targets[race].forEach((id, round) => {
      const { got, want } = balanceOf(race, id);
      if (got !== want) {
        balanceMismatch.add(1, { race });
        console.error(`double-spend: ${race} round ${round} (${id}): the server holds ${got ?? 'nothing'}, the race allows exactly ${want}`);
      }
    });
  }
  const after = currencyTotals();
  const refundRaces = plan.races.filter((r) => r !== 'capture').length;
  const allowed = refundRaces * plan.rounds * amount;
  if (data.totalsBefore && after) {
    const refunded =
      after.refunded_amount - data.totalsBefore.refunded_amount + (after.banking_refunded_amount - data.totalsBefore.banking_refunded_amount);
    excessGauge.add(refunded - allowed);
    refundExcess.add(refunded - allowed);
    if (refunded > allowed) console.error(`double-spend: the server refunded ${refunded} ${currency} (minor units); the races allow ${allowed}`);
  } else {
    // Fail closed: without the server's totals nothing shows the refunds stayed within the amounts.
    refundExcess.add(1);
    console.error('double-spend: GET /api/v1/stats gave no by_currency totals; ds_server_refund_excess_minor counts that as a breach');
  }
}
