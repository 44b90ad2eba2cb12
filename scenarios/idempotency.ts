// Idempotency race: K keys per API, each raced by M requests that carry the same Idempotency-Key and the
// same body and are released at the same instant (the registration race's barrier). Per key the server
// must create exactly one payment (POST /api/v1/payments) or authorization (POST /api/v1/authorizations),
// every racer must get 201 with that one answer, a later replay must carry the replay header, and the
// same key with another body must be 409 idempotency_key_reused. No 5xx.
//   k6 run dist/idempotency.js                                   (sandbox on 127.0.0.1:8000 / :8001)
//   IDEM_KEYS=10 IDEM_RACERS_PER_KEY=20 IDEM_APIS=payment k6 run dist/idempotency.js
//
// The server's own count, not the client's belief: each payment key has a merchant of its own, and
// teardown() counts that merchant's payments; a banking racer whose answer is not the key's stored one
// asks the server for its own id, and every id the server still serves is a duplicate.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { statDelta } from '../lib/reconciliation.ts';
import { serviceClient } from '../lib/k6/client.ts';
import { jsonBody, type ApiClient } from '../lib/k6/http.ts';
import { releaseInstant, waitForRelease } from '../lib/k6/release.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { type IdempotencyApi, isReplayHeader, readIdempotencyPlan, sameJson } from '../lib/races/idempotency.ts';
import { raceSlot } from '../lib/races/slots.ts';
import { PROFILE_NAMES } from '../lib/profiles.ts';
import { BANKING_API, BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_API, PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { idempotencyBudget, idempotencyThresholds } from '../thresholds/idempotency.ts';

const config = parseConfig(__ENV, PROFILE_NAMES);
const env = new EnvReader(__ENV);
const plan = readIdempotencyPlan(env);
const releaseMarginMs = env.number('RACE_RELEASE_MS', 1500, { min: 100, max: 4000, integer: true, what: 'milliseconds' });
const maxLagMs = env.number('RACE_MAX_LAG_MS', idempotencyBudget.maxReleaseLagMs, { min: 1, max: 60_000, what: 'milliseconds' });
// After the release, every racer waits this long before its replay, so all racers of a key have their answers.
const settleMs = env.number('IDEM_SETTLE_MS', 1000, { min: 100, max: 30_000, integer: true, what: 'milliseconds' });
const keyHeader = env.raw('IDEM_KEY_HEADER') ?? 'Idempotency-Key';
const replayHeader = env.raw('IDEM_REPLAY_HEADER') ?? 'Idempotent-Replayed';
const cardNumber = env.raw('RACE_CARD') ?? '4242424242424242';
env.done();

const clients: Record<IdempotencyApi, ApiClient> = { payment: serviceClient(PAYMENT_SERVICE), banking: serviceClient(BANKING_SERVICE) };
const SERVICE = { payment: PAYMENT_SERVICE, banking: BANKING_SERVICE } as const;
const CREATE = { payment: PAYMENT_API.createPayment, banking: BANKING_API.authorize } as const;
const HEALTH = { payment: PAYMENT_API.health, banking: BANKING_API.health } as const;

const duplicates = new Counter('idem_duplicates');
const missing = new Counter('idem_missing');
const status201 = new Rate('idem_status_201');
const fresh = new Counter('idem_fresh');
const replayed = new Counter('idem_replayed');
const sameResponse = new Rate('idem_same_response');
const replayHeaderSeen = new Rate('idem_replay_header');
const reuseRejected = new Rate('idem_reuse_rejected');
const serverError = new Counter('idem_server_error');
const releaseLag = new Trend('idem_release_lag_ms', true);
/** Informational: payments + authorizations the target stored during the run (on a quiet target: the number of keys). */
const storedDelta = new Gauge('idem_stored_delta');

/** Both services answer /api/v1/stats with the same counts; ask the first one raced. */
function stats(): Record<string, number> | null {
  const res = clients[plan.apis[0] as IdempotencyApi].call(PAYMENT_API.stats, { tags: { phase: 'verify' } });
  return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
}

interface RaceKey {
  api: IdempotencyApi;
  key: string;
  merchant: string;
  body: { merchant_id: string; amount: number; currency: string; card: { number: string; exp_month: number; exp_year: number; cvv: string } };
}

interface IdemData {
  keys: RaceKey[];
  releaseAt: number;
  statsBefore: Record<string, number> | null;
}

const test = defineTest<IdemData>({
  name: 'idempotency',
  variant: `${plan.keys}x${plan.racersPerKey}`,
  config,
  targets: plan.apis.map((a) => SERVICE[a]),
  intrusive: true,
  zeroCounters: [duplicates, missing, fresh, replayed, serverError],
  options: () => ({
    scenarios: {
      race: { executor: 'per-vu-iterations', vus: plan.vus, iterations: 1, maxDuration: '90s', gracefulStop: '10s' },
    },
    thresholds: idempotencyThresholds(plan, maxLagMs),
    teardownTimeout: '60s',
  }),
  setup: (run) => {
    const expYear = new Date().getUTCFullYear() + 3;
    const keys: RaceKey[] = [];
    for (let g = 0; g < plan.groups; g++) {
      const api = plan.apis[Math.floor(g / plan.keys)] as IdempotencyApi;
      const merchant = `idem-${run.runId}-${g}`;
      const card = { number: cardNumber, exp_month: 12, exp_year: expYear, cvv: '123' };
      keys.push({ api, key: `idem-${run.runId}-${g}`, merchant, body: { merchant_id: merchant, amount: 1000 + g, currency: 'EUR', card } });
    }
    return { keys, statsBefore: stats(), releaseAt: releaseInstant(releaseMarginMs) };
  },
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

const isServerError = (status: number) => status >= 500 && status <= 599;

export default function race(data: SetupData<IdemData>): void {
  const { group, racer } = raceSlot(exec.vu.idInTest, plan.groups);
  const target = data.keys[group];
  if (!target) throw new Error(`no key for race group ${group}`);
  const api = clients[target.api];
  const send = (body: unknown, expected: number[], phase: string) =>
    api.call(CREATE[target.api], { body, headers: { [keyHeader]: target.key }, expected, tags: { phase, api: target.api } });

  // The keep-alive connection is opened now, so the race request does not pay for a handshake at the start line.
  api.call(HEALTH[target.api], { timeout: '5s', tags: { phase: 'warmup' } });

  releaseLag.add(waitForRelease(data.releaseAt));
  const res = send(target.body, [201], 'race');
  status201.add(res.status === 201);
  if (isServerError(res.status)) serverError.add(1);
  const mine = res.status === 201 ? jsonBody(res) : null;
  if (res.status === 201) (isReplayHeader(res.headers[replayHeader]) ? replayed : fresh).add(1);
  else console.warn(`idempotency: ${target.api} key group ${group} racer ${racer} got HTTP ${res.status}${res.error ? ` (${res.error})` : ''}`);

  waitForRelease(data.releaseAt + settleMs);
  const replay = send(target.body, [201], 'replay');
  if (isServerError(replay.status)) serverError.add(1);
  replayHeaderSeen.add(replay.status === 201 && isReplayHeader(replay.headers[replayHeader]));
  const stored = replay.status === 201 ? jsonBody<{ id?: string }>(replay) : null;
  if (racer === 0 && stored === null) missing.add(1, { api: target.api });
  if (mine) {
    sameResponse.add(stored !== null && sameJson(mine, stored));
    // Another id than the key's: if the server serves it, it created a second one for this key. (Payment
    // keys are counted by their merchant's listing in teardown instead.)
    if (target.api === 'banking' && stored && mine.id !== stored.id) {
      const got = api.call(BANKING_API.transaction, { params: { id: String(mine.id) }, expected: [200, 404], tags: { phase: 'verify' } });
      if (got.status === 200) duplicates.add(1, { api: target.api });
    }
  }

  if (racer === 0) {
    const reuse = send({ ...target.body, amount: target.body.amount + 1 }, [409], 'reuse');
    if (isServerError(reuse.status)) serverError.add(1);
    const code = jsonBody<{ error?: { code?: string } }>(reuse)?.error?.code;
    reuseRejected.add(reuse.status === 409 && code === 'idempotency_key_reused');
  }
  check(res, { 'idempotency: race answer is JSON with an id': () => res.status !== 201 || typeof mine?.id === 'string' });
}

export function teardown(data: SetupData<IdemData>): void {
  for (const k of data.keys) {
    if (k.api !== 'payment') continue;
    const res = clients.payment.call(PAYMENT_API.merchantTransactions, { params: { merchantId: k.merchant }, query: { limit: 100 }, tags: { phase: 'verify' } });
    const list = res.status === 200 ? jsonBody<{ data?: unknown[] }>(res)?.data : undefined;
    const n = Array.isArray(list) ? list.length : 0;
    if (n > 1) {
      duplicates.add(n - 1, { api: 'payment' });
      console.error(`idempotency: key ${k.key} created ${n} payments on the server (merchant ${k.merchant})`);
    }
    if (n === 0) missing.add(1, { api: 'payment' });
  }
  const after = stats();
  const p = statDelta(data.statsBefore, after, 'payments');
  const a = statDelta(data.statsBefore, after, 'authorizations');
  if (p !== null && a !== null) storedDelta.add(p + a);
}
