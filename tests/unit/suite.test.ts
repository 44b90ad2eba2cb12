import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, parseSuiteArgs, renderTable, type ScenarioOutcome } from '../../cli/suite.ts';

const known = ['payment', 'banking', 'failures'];

test('suite arguments: scenarios, profile and fail-fast; mistakes are named', () => {
  assert.deepEqual(parseSuiteArgs(['--scenarios', 'payment, banking', '--profile', 'load', '--fail-fast'], known), {
    scenarios: ['payment', 'banking'],
    profile: 'load',
    failFast: true,
    out: null,
    baseline: null,
  });
  assert.equal(parseSuiteArgs(['--scenarios', 'payment', '--baseline', 'reports/suite-a'], known).baseline, 'reports/suite-a');
  assert.throws(() => parseSuiteArgs([], known), /--scenarios is required \(available: payment, banking, failures\)/);
  assert.throws(() => parseSuiteArgs(['--scenarios', 'payment,nope'], known), /unknown scenario\(s\): nope/);
  assert.throws(() => parseSuiteArgs(['--scenarios', 'payment', '--profile', 'turbo'], known), /unknown profile 'turbo'/);
  assert.throws(() => parseSuiteArgs(['--scenarios', 'payment', '--bogus'], known), /Unknown option '--bogus'/);
});

function outcome(scenario: string, verdict: ScenarioOutcome['verdict'], extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome {
  return {
    scenario, verdict, exitCode: verdict === 'pass' ? 0 : 99, meaning: '', reportDir: null, failedThresholds: [],
    requests: 100, requestsPerSecond: 10, p95Ms: 5, errorRate: 0, ...extra,
  };
}

test('a regression against the baseline is its own reason, naming endpoint and metric', () => {
  const d = decide([outcome('payment', 'fail', { regressions: ['POST /api/v1/payments p50 ms'] })]);
  assert.deepEqual(d, { decision: 'NOT READY', reasons: ['payment: regression against the baseline: POST /api/v1/payments p50 ms'] });
});

test('READY only when every scenario passed; every other outcome is a reason', () => {
  assert.deepEqual(decide([outcome('payment', 'pass'), outcome('banking', 'pass')]), { decision: 'READY', reasons: [] });
  const d = decide([
    outcome('payment', 'fail', { failedThresholds: ['checks: rate>=0.95'] }),
    outcome('banking', 'error', { exitCode: 108, meaning: 'error: the test aborted itself' }),
    outcome('failures', 'skipped'),
  ]);
  assert.equal(d.decision, 'NOT READY');
  assert.deepEqual(d.reasons, [
    'payment: thresholds breached: checks: rate>=0.95',
    'banking: error: the test aborted itself',
    'failures: not run (--fail-fast after an earlier failure)',
  ]);
  const table = renderTable({ schema: 'paykit.suite/v1', ...d, profile: 'smoke', startedAt: '', finishedAt: '', scenarios: [outcome('payment', 'pass')] });
  assert.match(table, /payment\s+PASS\s+0\s+100\s+10\.0\s+5\.00\s+0\.00%/);
  assert.match(table, /decision: NOT READY \(profile smoke\)/);
});
