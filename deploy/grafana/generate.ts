// Writes deploy/grafana/dashboards/<scenario>.json from the bundle alone, no run needed: its thresholds
// and its task tables' weights as `k6 inspect` reads them (cli/bundle.ts), the thresholds as the
// verdict judges them. `npm run dashboards` rewrites every committed dashboard after a build;
// `npm run dashboards -- --check` (and tests/integration/dashboards.test.ts) fails while one is stale.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectClasses, inspectThresholds } from '../../cli/bundle.ts';
import { ensureK6 } from '../../cli/k6.ts';
import { DEFAULTS } from '../../lib/config.ts';
import { taskMix } from '../../lib/tasks.ts';
import { counterMetrics, dashboard } from '../../lib/verdict/dashboard.ts';

const DIR = join('deploy', 'grafana', 'dashboards');

export function dashboardPath(scenario: string): string {
  return join(DIR, `${scenario}.json`);
}

/** The scenarios that have a committed dashboard. */
export function dashboardScenarios(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

/** The dashboard of dist/<scenario>.js, as committed. */
export async function renderDashboard(scenario: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const k6 = (await ensureK6()).path;
  const script = join('dist', `${scenario}.js`);
  const runEnv = { ...env, PROFILE: env.PROFILE || DEFAULTS.PROFILE };
  const thresholds = inspectThresholds(k6, script, runEnv);
  const classes = inspectClasses(k6, script, runEnv);
  if (classes === null) throw new Error(`${script} does not describe its task tables (built with lib/k6/test.ts?): run npm run build`);
  const mix = classes.flatMap((c) => taskMix(c.name, c.tasks, {}));
  return JSON.stringify(dashboard(scenario, thresholds, mix, counterMetrics(thresholds)), null, 2) + '\n';
}

/** The committed dashboards that differ from what the bundles give now. */
export async function staleDashboards(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const stale: string[] = [];
  for (const s of dashboardScenarios()) if (readFileSync(dashboardPath(s), 'utf8') !== (await renderDashboard(s, env))) stale.push(dashboardPath(s));
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const scenarios = args.filter((a) => a !== '--check');
  if (check) {
    const stale = await staleDashboards();
    if (stale.length > 0) {
      console.error(`stale: ${stale.join(', ')}: run npm run build && npm run dashboards`);
      process.exit(1);
    }
    console.log('every dashboard matches its bundle');
  } else {
    for (const s of scenarios.length > 0 ? scenarios : dashboardScenarios()) {
      writeFileSync(dashboardPath(s), await renderDashboard(s));
      console.log(`wrote ${dashboardPath(s)}`);
    }
  }
}
