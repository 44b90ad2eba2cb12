// Registration race: N users register the SAME PAN at the same instant; exactly one may win (201),
// everyone else must get 409 pan_already_registered, and nothing may answer 5xx.
// Variant: K distinct PANs each raced by M users (RACE_PANS=K, RACE_USERS_PER_PAN=M): exactly K winners.
//
// Synchronized start, not a ramp: k6 initializes every VU before setup(); setup() picks the run's PANs
// and a release instant a little in the future; each VU opens its connection (GET /health), sleeps until
// that instant and fires. race_release_lag_ms records how late each racer fired.
//   k6 run dist/registration-race.js                                     (sandbox on 127.0.0.1:8001)
//   RACE_PANS=5 RACE_USERS_PER_PAN=20 k6 run dist/registration-race.js
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { BANKING_API, BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { successStatus } from '../lib/endpoints.ts';
import { runPan, runPanSeries } from '../lib/data/run-pans.ts';
import { PAN_TAKEN, RACE_ANSWERS, raceGroup, raceOutcome, type RaceOutcome, readRacePlan, REGISTERED } from '../lib/races/registration.ts';
import { statDelta } from '../lib/reconciliation.ts';
import { clientOf } from '../lib/k6/client.ts';
import { jsonBody } from '../lib/k6/http.ts';
import { releaseInstant, waitForRelease } from '../lib/k6/release.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { PROFILE_NAMES } from '../lib/profiles.ts';
import { raceBudget, raceThresholds } from '../thresholds/registration-race.ts';

const config = parseConfig(__ENV, PROFILE_NAMES);
const env = new EnvReader(__ENV);
const plan = readRacePlan(env);
// Long enough for every VU to open its connection after setup(); short enough that keep-alive holds it.
const releaseMarginMs = env.number('RACE_RELEASE_MS', 1500, { min: 100, max: 4000, integer: true, what: 'milliseconds' });
const maxLagMs = env.number('RACE_MAX_LAG_MS', raceBudget.maxReleaseLagMs, { min: 1, max: 60_000, what: 'milliseconds' });
env.done();

const banking = clientOf(BANKING_SERVICE);

/** The banking API's counters, or null when they did not answer. */
function stats(): Record<string, number> | null {
  const res = banking.send('stats');
  return res.status === successStatus(BANKING_API.stats) ? jsonBody<Record<string, number>>(res) : null;
}

const outcomes: Record<RaceOutcome, Counter> = {
  created: new Counter('race_created'),
  conflict: new Counter('race_conflict'),
  server_error: new Counter('race_server_error'),
  other: new Counter('race_other'),
};
const releaseLag = new Trend('race_release_lag_ms', true);
/** Informational: users the target stored during the run (exactly K on a quiet target). */
const usersStored = new Gauge('race_users_stored');

interface RaceData {
  pans: Array<{ pan: string; name: string }>;
  releaseAt: number;
  usersBefore: Record<string, number> | null;
}

const test = defineTest<RaceData>({
  name: 'registration-race',
  variant: `${plan.pans}x${plan.usersPerPan}`,
  config,
  targets: [BANKING_SERVICE],
  intrusive: true,
  // Every outcome counter exists in the summary even when it stays 0, so its threshold is evaluated.
  zeroCounters: Object.values(outcomes),
  options: () => ({
    scenarios: {
      race: { executor: 'per-vu-iterations', vus: plan.vus, iterations: 1, maxDuration: '60s', gracefulStop: '10s' },
    },
    thresholds: raceThresholds(plan, maxLagMs),
    teardownTimeout: '30s',
  }),
  setup: () => {
    const series = runPanSeries(Date.now(), Math.random());
    const pans = Array.from({ length: plan.pans }, (_, i) => runPan(series, i));
    const usersBefore = stats();
    return { pans, usersBefore, releaseAt: releaseInstant(releaseMarginMs) };
  },
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

export default function race(data: SetupData<RaceData>): void {
  const group = raceGroup(exec.vu.idInTest, plan);
  const target = data.pans[group];
  if (!target) throw new Error(`no PAN for race group ${group}`);

  // Open the keep-alive connection now, so the registration does not pay for a TCP handshake at the start line.
  banking.send('health', { timeout: '5s', tags: { phase: 'warmup' } });

  releaseLag.add(waitForRelease(data.releaseAt));
  const res = banking.request('registerUser', { body: { name: target.name, pan: target.pan }, expected: RACE_ANSWERS });
  const outcome = raceOutcome(res.status);
  outcomes[outcome].add(1, { pan_group: String(group) });
  check(res, {
    [`race: ${REGISTERED} body is the registered user`]: (r) => r.status !== REGISTERED || jsonBody<{ pan?: string; id?: string }>(r)?.pan === target.pan,
    [`race: ${PAN_TAKEN} says pan_already_registered`]: (r) =>
      r.status !== PAN_TAKEN || jsonBody<{ error?: { code?: string } }>(r)?.error?.code === 'pan_already_registered',
  });
  if (outcome === 'server_error' || outcome === 'other') {
    console.warn(`race: VU ${exec.vu.idInTest} (PAN group ${group}) got HTTP ${res.status}${res.error ? ` (${res.error})` : ''}`);
  }
}

export function teardown(data: SetupData<RaceData>): void {
  const after = stats();
  const delta = statDelta(data.usersBefore, after, 'users');
  if (delta !== null) usersStored.add(delta);
}
