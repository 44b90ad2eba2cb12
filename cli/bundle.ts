// What a bundle says about itself without running load, through `k6 inspect`: its thresholds as k6
// resolves them with the run's environment (what every verdict judges, and what the Grafana dashboards
// draw), and the task tables it describes in its init context (lib/k6/test.ts, `PAYKIT_DESCRIBE=1`).
import { parseClasses } from '../lib/tasks.ts';
import { thresholdsFromInspect, type Threshold } from '../lib/verdict/thresholds.ts';
import type { ClassWeights } from '../lib/tasks.ts';
import { k6Inspect } from './k6.ts';

/** The bundle's own thresholds, as k6 resolves them with the runners' environment. */
export function inspectThresholds(k6Path: string, script: string, env: NodeJS.ProcessEnv): Threshold[] {
  const r = k6Inspect(k6Path, script, env);
  if (r.status !== 0) throw new Error(`k6 inspect ${script} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const start = r.stdout.indexOf('{');
  const json = JSON.parse(r.stdout.slice(start)) as { thresholds?: Parameters<typeof thresholdsFromInspect>[0] };
  return thresholdsFromInspect(json.thresholds);
}

/** The task tables a bundle describes (weights per user class), or null when it does not describe them. */
export function inspectClasses(k6Path: string, script: string, env: NodeJS.ProcessEnv): ClassWeights[] | null {
  const r = k6Inspect(k6Path, script, { ...env, PAYKIT_DESCRIBE: '1' });
  if (r.status !== 0) throw new Error(`k6 inspect ${script} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return parseClasses(`${r.stderr}\n${r.stdout}`);
}
