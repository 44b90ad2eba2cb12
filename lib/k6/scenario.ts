// A test of user classes: one k6 scenario per class with its share of the traffic under the profile named
// by PROFILE, each class run by the task runner, and the thresholds from the scenario's budget and the
// profile. The rest (guard, setup probes, summary) is defineTest's (./test.ts).
import type { Counter } from 'k6/metrics';
import { k6Scenario } from '../profiles.ts';
import { buildThresholds, mergeThresholds, type ScenarioBudget, type Thresholds } from '../budgets.ts';
import type { ScriptContext, UserClass } from '../services/user-class.ts';
import { userContext } from './context.ts';
import { createRunner, type RunInfo } from './runner.ts';
import { defineTest } from './test.ts';
import type { Service } from '../services/define.ts';

export interface ClassEntry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  userClass: UserClass<any>;
  /** Share of the profile's VUs (closed model) or arrival rate (open model). Shares should sum to 1. */
  share: number;
  /** Name of the exported function k6 calls for this class. */
  exec: string;
}

export interface ScenarioSpec {
  name: string;
  budget: ScenarioBudget;
  classes: ClassEntry[];
  /** Services setup() must find healthy (lib/services/<name>/). */
  targets: readonly Service[];
  /** Apply think time in open-model profiles too (personas pace themselves whatever the arrival rate). */
  alwaysThink?: boolean;
  thresholds?: Thresholds;
  /** Counters with a `count==0` threshold: k6 evaluates a threshold only on a metric that has a sample. */
  zeroCounters?: Counter[];
}

/** Throws in the init context when the production guard refuses the targets. */
export function defineScenario(spec: ScenarioSpec) {
  const ctx: ScriptContext = userContext();
  const { config, profile } = ctx;

  const runners: Record<string, (run: RunInfo) => void> = {};
  for (const c of spec.classes) {
    const think = c.userClass.thinkTime ?? { minMs: config.minWaitMs, maxMs: config.maxWaitMs };
    runners[c.exec] = createRunner(c.userClass.name, c.userClass.tasks, {
      seed: config.seed,
      newState: c.userClass.newState,
      thinkTime: profile.model === 'closed' || spec.alwaysThink ? think : null,
    });
  }

  const test = defineTest({
    name: spec.name,
    variant: profile.name,
    config,
    profile,
    targets: spec.targets,
    options: () => {
      const scenarios: Record<string, unknown> = {};
      for (const c of spec.classes) scenarios[c.userClass.name] = k6Scenario(profile, c.exec, { share: c.share });
      return { scenarios, thresholds: mergeThresholds(buildThresholds(spec.budget, profile, __ENV), spec.thresholds ?? {}) };
    },
    zeroCounters: spec.zeroCounters ?? [],
    setup: () => ({ dataset: ctx.data.source }),
    classes: spec.classes.map((c) => ({ name: c.userClass.name, tasks: c.userClass.tasks.map((t) => ({ name: t.name, weight: t.weight })) })),
  });

  return { ctx, runners, ...test };
}
