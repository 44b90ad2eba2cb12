// Writes deploy/grafana/dashboards/<scenario>.json from the bundle's thresholds (k6 inspect, as the
// coordinator reads them) and the task weights and counter names of a finished run's summary.json:
//   npm run build && npx tsx deploy/grafana/generate.ts payment reports/<run>/summary.json
// Regenerate after changing a budget or a weight; tests/integration/distributed-verdict.test.ts fails
// while the committed dashboard differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectThresholds } from '../../cli/distributed/coordinator.ts';
import { ensureK6 } from '../../cli/k6.ts';
import type { Report } from '../../lib/summary.ts';
import { dashboard } from '../../lib/verdict/dashboard.ts';
import { DEFAULTS } from '../../lib/config.ts';

export function dashboardPath(scenario: string): string {
  return join('deploy', 'grafana', 'dashboards', `${scenario}.json`);
}

/** `run`: a run of the scenario (its summary.json, single or distributed): the weights, and which metrics are counters. */
export async function renderDashboard(scenario: string, run: Pick<Report, 'taskMix' | 'counters'>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const thresholds = inspectThresholds((await ensureK6()).path, join('dist', `${scenario}.js`), { ...env, PROFILE: env.PROFILE || DEFAULTS.PROFILE });
  return JSON.stringify(dashboard(scenario, thresholds, run.taskMix, Object.keys(run.counters ?? {})), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [scenario, summary] = process.argv.slice(2);
  if (!scenario || !summary) {
    console.error('usage: npx tsx deploy/grafana/generate.ts <scenario> <summary.json of a run of it>');
    process.exit(1);
  }
  writeFileSync(dashboardPath(scenario), await renderDashboard(scenario, JSON.parse(readFileSync(summary, 'utf8')) as Report));
  console.log(`wrote ${dashboardPath(scenario)}`);
}
