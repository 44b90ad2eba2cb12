// Every user-class scenario, run by the real k6 against the real sandbox (issue: user classes).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { maxMixDeviation } from '../../lib/tasks.ts';
import { FAST, runK6, sandboxStats, type K6Run } from '../helpers/k6.ts';

let sandbox: SandboxProcess;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(async () => {
  await sandbox?.stop();
});

function targets() {
  return { PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl };
}

/** exit 0, every task ran, mix within 4 standard errors of the weights, nothing failed. */
function assertHealthyRun(run: K6Run) {
  assert.equal(run.code, 0, `k6 exit ${run.code}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
  const r = run.report!;
  assert.equal(r.verdict, 'pass');
  assert.equal(r.requests.failedRate, 0, 'no request may fail (no 5xx, no unexpected status)');
  assert.equal(r.checks.fails, 0);
  for (const t of r.taskMix) assert.ok(t.runs > 0, `${t.userClass}.${t.task} never ran`);
  const z = maxMixDeviation(r.taskMix);
  assert.ok(z < 4, `achieved mix is ${z.toFixed(2)} standard errors from the weights`);
}

test('banking users: authorize, capture, refund, look up, report, batch — in a realistic order', async () => {
  const before = await sandboxStats(sandbox.paymentUrl);
  const run = await runK6('banking', { ...FAST, ...targets(), VUS: '4', DURATION: '6s' });
  assertHealthyRun(run);
  const r = run.report!;
  assert.equal(r.taskMix.length, 7);
  const after = await sandboxStats(sandbox.paymentUrl);
  // Nothing acknowledged is missing from the sandbox's own counts.
  assert.equal(after.authorizations! - before.authorizations!, r.counters.authorizations_created);
  assert.equal(after.captures! - before.captures!, r.counters.captures_created);
  assert.equal(after.banking_refunds! - before.banking_refunds!, r.counters.banking_refunds_created);
});

test('failure users: every bad request gets its documented 4xx and error code; no 5xx, no 2xx', async () => {
  const run = await runK6('failures', { ...FAST, ...targets(), VUS: '4', DURATION: '6s', CARD_DECLINE_RATE: '0.1' });
  assertHealthyRun(run);
  const r = run.report!;
  const unexpected = r.thresholds.find((t) => t.metric === 'unexpected_status');
  assert.ok(unexpected, 'the unexpected_status threshold is evaluated');
  assert.equal(unexpected.observed, 0);
  assert.ok(r.taskMix.find((t) => t.task === 'declined_card')!.weight === 10, 'CARD_DECLINE_RATE shapes the declined-card weight');
});

test('realistic personas run as three k6 scenarios with their own shares', async () => {
  const run = await runK6('realistic', { ...targets(), THINK_TIME_SCALE: '0.01', VUS: '8', DURATION: '6s' });
  assertHealthyRun(run);
  const classes = new Set(run.report!.taskMix.map((t) => t.userClass));
  assert.deepEqual([...classes], ['casual', 'power', 'business']);
});

test('mixed workload: all classes at once against both services', async () => {
  const run = await runK6('mixed', { ...FAST, ...targets(), THINK_TIME_SCALE: '0.01', VUS: '20', DURATION: '6s' });
  assertHealthyRun(run);
  const classes = new Set(run.report!.taskMix.map((t) => t.userClass));
  assert.deepEqual([...classes].sort(), ['banking', 'business', 'casual', 'failures', 'payment', 'power']);
});

test('the same SEED replays the same task sequence per VU', async () => {
  const env = { ...targets(), VUS: '1', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0', SEED: '7' };
  // Iterations per VU depend on response times, so compare per-task counts over a fixed iteration budget.
  const a = await runK6('payment', env, ['--iterations', '200', '--vus', '1']);
  const b = await runK6('payment', env, ['--iterations', '200', '--vus', '1']);
  const c = await runK6('payment', { ...env, SEED: '8' }, ['--iterations', '200', '--vus', '1']);
  assert.equal(a.code, 0);
  const runs = (x: K6Run) => x.report!.taskMix.map((t) => t.runs);
  assert.deepEqual(runs(a), runs(b));
  assert.notDeepEqual(runs(a), runs(c));
});

test('SIMULATE_FAILURES mixes refused bad cards into the payment users, and they count as expected', async () => {
  const run = await runK6('payment', { ...FAST, ...targets(), VUS: '3', DURATION: '4s', SIMULATE_FAILURES: 'true' });
  assertHealthyRun(run);
  const bad = run.report!.taskMix.find((t) => t.task === 'invalid_card');
  assert.ok(bad && bad.runs > 0, 'the invalid_card task ran');
});

test('every request carries its endpoint name, task and user class tags, and never the token', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'paykit-tags-')), 'points.json');
  const run = await runK6('mixed', { ...FAST, ...targets(), THINK_TIME_SCALE: '0.01', VUS: '12', DURATION: '4s', AUTH_TOKEN: 'sandbox-token' }, ['--out', `json=${out}`]);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  const text = readFileSync(out, 'utf8');
  assert.ok(!text.includes('sandbox-token'), 'the token must not appear in any metric sample');
  const taskNames = new Map<string, Set<string>>();
  for (const t of run.report!.taskMix) taskNames.set(t.userClass, (taskNames.get(t.userClass) ?? new Set()).add(t.task));
  let requests = 0;
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.includes('"metric":"http_reqs"') || !line.includes('"type":"Point"')) continue;
    const tags = (JSON.parse(line) as { data: { tags: Record<string, string> } }).data.tags;
    if (tags.group === '::setup' || tags.group === '::teardown') continue; // setup's probes belong to no user
    requests++;
    assert.match(tags.name ?? '', /^(GET|POST) \/[A-Za-z0-9/{}_]*$/, `name tag is the endpoint template, got ${tags.name}`);
    assert.ok(taskNames.get(tags.user_class ?? '')?.has(tags.task ?? ''), `request tagged with a task of its class: ${JSON.stringify(tags)}`);
    seen.add(`${tags.user_class}.${tags.task}`);
    names.add(tags.name ?? '');
  }
  // Every per-endpoint threshold names an endpoint this scenario really sent: a budget on a name that
  // never gets a sample would not be judged at all.
  for (const t of run.report!.thresholds) {
    const m = /\{name:(.+)\}$/.exec(t.metric);
    if (m) assert.ok(names.has(m[1]!), `threshold ${t.metric} matches no endpoint the scenario sent (${[...names].join(', ')})`);
  }
  assert.ok(requests > 100, `${requests} requests`);
  const expected = [...taskNames].flatMap(([c, ts]) => [...ts].map((t) => `${c}.${t}`));
  const runs = new Map(run.report!.taskMix.map((t) => [`${t.userClass}.${t.task}`, t.runs]));
  // Every task sends at least one request, so every task that ran must show up in the tags.
  for (const k of expected) if ((runs.get(k) ?? 0) > 0) assert.ok(seen.has(k), `no request tagged ${k}`);
});
