// The Grafana dashboards are derived from the bundles (deploy/grafana/generate.ts): the committed ones
// must be what the bundles give now, checked without any load run; and the check fails when they differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { dashboardPath, dashboardScenarios, renderDashboard, staleDashboards } from '../../deploy/grafana/generate.ts';

test('every committed dashboard is what its bundle gives (thresholds and task weights from k6 inspect, no run)', async () => {
  assert.deepEqual(dashboardScenarios(), ['audit', 'payment']);
  assert.deepEqual(await staleDashboards(), [], 'run npm run build && npm run dashboards');
});

test('a changed budget makes the committed dashboard stale: the check fails', async () => {
  // The load profile's budgets differ from smoke's (its dropped-iterations bound): the same as editing a budget.
  const env = { ...process.env, PROFILE: 'load' };
  assert.notEqual(await renderDashboard('payment', env), readFileSync(dashboardPath('payment'), 'utf8'));
  // The audit scenario has its own load shape, whatever the profile: its dashboard stays current.
  assert.deepEqual(await staleDashboards(env), [dashboardPath('payment')]);
});
