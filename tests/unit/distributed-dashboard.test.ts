// The dashboard's panels for thresholds on counters and custom rates (lib/verdict/dashboard.ts): the
// audit scenario's integrity gates, the per-endpoint "no data" gates, an open model's dropped iterations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboard, expressions } from '../../lib/verdict/dashboard.ts';
import { thresholdsFromInspect } from '../../lib/verdict/thresholds.ts';

const auditLike = thresholdsFromInspect({
  audit_chain_valid: ['rate==1'],
  missing_payments: ['count<=0'],
  audit_entries_missing: ['count<=0'],
  payments_created: ['count>0'],
  'recon_minor{kind:payments,currency:GBP}': ['count<=0'],
  'recon_minor{kind:refunds,currency:GBP}': ['count<=0'],
  'http_reqs{name:GET /a}': ['count>0'],
  dropped_iterations: ['count<=3'],
  iterations: ['rate>=2.5'],
});
const counters = ['missing_payments', 'audit_entries_missing', 'payments_created', 'recon_minor'];

const byPanel = (d: Record<string, unknown>) => {
  const out = new Map<string, Array<{ expr: string; legend: string }>>();
  for (const e of expressions(d)) out.set(e.panel, [...(out.get(e.panel) ?? []), { expr: e.expr, legend: e.legend }]);
  return out;
};

test('counters: summed over the runners with their sub-metric tags, 0 before their first sample; one line per distinct expression', () => {
  const panels = byPanel(dashboard('audit', auditLike, [], counters));
  assert.deepEqual(panels.get('Counters with thresholds (all runners)'), [
    { expr: 'sum(k6_audit_entries_missing_total{testid="$testid"}) or vector(0)', legend: 'audit_entries_missing' },
    { expr: 'sum(k6_missing_payments_total{testid="$testid"}) or vector(0)', legend: 'missing_payments' },
    { expr: 'sum(k6_payments_created_total{testid="$testid"}) or vector(0)', legend: 'payments_created' },
    { expr: 'vector(0)', legend: 'threshold count<=0' },
    { expr: 'vector(0)', legend: 'threshold count>0' },
  ]);
  assert.deepEqual(panels.get('recon_minor by kind, currency (all runners)')!.map((e) => e.expr), [
    'sum(k6_recon_minor_total{testid="$testid",kind="payments",currency="GBP"}) or vector(0)',
    'sum(k6_recon_minor_total{testid="$testid",kind="refunds",currency="GBP"}) or vector(0)',
    'vector(0)',
  ]);
  // k6's own counters need no summary: an endpoint's "no data" gate and an open model's dropped iterations.
  assert.deepEqual(panels.get('http_reqs by name (all runners)')!.map((e) => e.expr), ['sum(k6_http_reqs_total{testid="$testid",name="GET /a"}) or vector(0)', 'vector(0)']);
  assert.ok(panels.get('VUs and dropped iterations')!.some((e) => e.expr === 'vector(3)' && e.legend === 'threshold count<=3 dropped iterations'));
  assert.ok(panels.get('Requests/s and iterations/s (all runners)')!.some((e) => e.expr === 'vector(2.5)' && e.legend === 'threshold rate>=2.5 iterations'));
});

test('a custom rate metric: its lowest and highest series, which the verdict compares with the bound', () => {
  const panels = byPanel(dashboard('audit', auditLike, [], counters));
  assert.deepEqual(panels.get('Rates with thresholds (lowest and highest series)'), [
    { expr: 'min(k6_audit_chain_valid_rate{testid="$testid"})', legend: 'audit_chain_valid lowest' },
    { expr: 'max(k6_audit_chain_valid_rate{testid="$testid"})', legend: 'audit_chain_valid highest' },
    { expr: 'vector(1)', legend: 'threshold rate==1' },
  ]);
});

test('a count threshold on a metric the run did not report as a counter has no panel: the summary is of another scenario', () => {
  assert.throws(() => dashboard('audit', auditLike, [], ['payments_created']), /no dashboard panel for threshold\(s\): audit_entries_missing: count<=0; missing_payments: count<=0; recon_minor\{kind:payments,currency:GBP\}: count<=0/);
});

test('a panel with more than 26 queries: refIds go on AA, AB, … and stay distinct', () => {
  const many = thresholdsFromInspect(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, [`count<=${i}`]])));
  const d = dashboard('s', many, [], Array.from({ length: 30 }, (_, i) => `c${i}`)) as { panels: Array<{ targets: Array<{ refId: string }> }> };
  const refs = d.panels.at(-1)!.targets.map((t) => t.refId);
  assert.equal(refs.length, 60);
  assert.equal(new Set(refs).size, 60);
  assert.deepEqual(refs.slice(24, 29), ['Y', 'Z', 'AA', 'AB', 'AC']);
  assert.equal(refs[59], 'BH');
});
