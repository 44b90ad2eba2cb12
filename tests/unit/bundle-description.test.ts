// What a bundle says about itself for the dashboards: its task weights on a line of k6's log, and which
// of its thresholds' metrics are counters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeClasses, parseClasses } from '../../lib/tasks.ts';
import { counterMetrics } from '../../lib/verdict/dashboard.ts';
import { thresholdsFromInspect } from '../../lib/verdict/thresholds.ts';

test('task weights survive k6 quoting the console line in its log; a missing or broken line is null', () => {
  const classes = [{ name: 'payment', tasks: [{ name: 'pay', weight: 3, run: () => {} }, { name: 'refund', weight: 1, run: () => {} }] }];
  const line = describeClasses(classes);
  const logged = `time="2026-12-07T12:00:00Z" level=info msg="${line.replace(/"/g, '\\"')}" source=console`;
  const want = [{ name: 'payment', tasks: [{ name: 'pay', weight: 3 }, { name: 'refund', weight: 1 }] }];
  assert.deepEqual(parseClasses(logged), want);
  assert.deepEqual(parseClasses(`other\n${line}\n`), want);
  assert.equal(parseClasses('paykit-targets []'), null);
  assert.equal(parseClasses('paykit-classes [{"name":"x","tasks":[{"name":"a"}]}]'), null);
});

test('counters among the thresholds: metrics with a count threshold, k6 timings and its own counters excepted', () => {
  const t = thresholdsFromInspect({
    missing_payments: ['count<=0'],
    'recon_minor{kind:payments,currency:GBP}': ['count<=0'],
    'http_reqs{name:GET /a}': ['count>0'],
    'http_req_duration{name:GET /a}': ['count>10', 'p(95)<500'],
    audit_chain_valid: ['rate==1'],
  });
  assert.deepEqual(counterMetrics(t), ['missing_payments', 'recon_minor']);
});
