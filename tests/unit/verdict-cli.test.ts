// The pure parts of the verdict CLI, the remote mode and the Grafana dashboard (docs/distributed.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRemote } from '../../cli/distributed/remote.ts';
import { parseVerdictArgs } from '../../cli/verdict.ts';
import { dashboard, expressions } from '../../lib/verdict/dashboard.ts';
import { thresholdsFromInspect } from '../../lib/verdict/thresholds.ts';

test('verdict arguments: all named, PROMETHEUS_URL as the default server, a clear error for each missing one', () => {
  const a = parseVerdictArgs(['--scenario', 'payment', '--testid', 't1', '--runners', '4'], { PROMETHEUS_URL: 'http://p:9090' });
  assert.deepEqual(a, { scenario: 'payment', testId: 't1', prometheus: 'http://p:9090', runners: 4, profile: 'smoke', reportsRoot: 'reports' });
  assert.throws(() => parseVerdictArgs(['--scenario', 'payment', '--prometheus', 'http://p'], {}), /--testid is required/);
  assert.throws(() => parseVerdictArgs(['--scenario', 'payment', '--testid', 't'], {}), /--prometheus \(or PROMETHEUS_URL\) is required/);
  assert.throws(() => parseVerdictArgs(['--scenario', 'payment', '--testid', 't', '--prometheus', 'x', '--runners', '0'], {}), /--runners must be a whole number/);
  assert.throws(() => parseVerdictArgs(['--testid', '--scenario'], {}), /--testid needs a value/);
  assert.equal(parseVerdictArgs(['--scenario', 'payment', '--testid', 't', '--prometheus', 'x', '--baseline', 'reports/run-a'], {}).baseline, 'reports/run-a');
});

test('remote runner addresses: labels default to r<i>, a label given twice or a bad address is named', () => {
  assert.deepEqual(parseRemote(['k6-r0:6565', 'k6-r1:6565']).map((e) => [e.id, e.address]), [['r0', 'k6-r0:6565'], ['r1', 'k6-r1:6565']]);
  assert.deepEqual(parseRemote(['pod-a=10.0.0.1:6565']).map((e) => e.id), ['pod-a']);
  assert.throws(() => parseRemote(['a=h:1', 'a=h:2']), /names runner 'a' twice/);
  assert.throws(() => parseRemote(['http://h:1']), /'http:\/\/h:1' is not \[label=\]host:port/);
});

test('dashboard: each threshold is a line on its panel; a threshold with no panel is refused', () => {
  const thresholds = thresholdsFromInspect({
    'http_req_duration{name:POST /a}': ['p(95)<500', 'p(99)<900'],
    http_req_failed: ['rate<0.05'],
    checks: ['rate>=0.95'],
    http_reqs: ['rate>=9'],
  });
  const mix = [{ userClass: 'u', task: 'pay', weight: 3, expectedShare: 0.75, runs: 0, share: 0 }];
  const exprs = expressions(dashboard('s', thresholds, mix));
  const lines = exprs.filter((e) => e.expr.startsWith('vector('));
  assert.deepEqual(
    lines.map((l) => `${l.panel.split(' ')[0]} ${l.expr}`).sort(),
    ['Checks vector(0.95)', 'Error vector(0.05)', 'Requests/s vector(9)', 'Task vector(0.75)', 'p95 vector(500)', 'p99 vector(900)'],
  );
  for (const e of exprs.filter((x) => !x.expr.startsWith('vector('))) assert.match(e.expr, /testid="\$testid"/, e.panel);
  assert.throws(() => dashboard('s', thresholdsFromInspect({ payments_created: ['count>0'] }), []), /no dashboard panel for threshold\(s\): payments_created: count>0/);
});
