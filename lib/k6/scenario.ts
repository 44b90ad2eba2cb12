// Assembles a k6 test from user classes: one k6 scenario per class with its share of the traffic,
// the thresholds from the scenario's budget and the profile, a setup() that fails fast when a target
// is down or rejects the token, and the shared handleSummary.
import type { Counter } from 'k6/metrics';
import { AUTH_PROBE, newRunId, probeTarget } from './setup.ts';
import { urlHost } from '../config.ts';
import { k6Scenario, productionGuard } from '../profiles.ts';
import { buildThresholds, mergeThresholds, type ScenarioBudget, type Thresholds } from '../thresholds.ts';
import { userContext, type UserClass, type UserContext } from '../users/context.ts';
import { createRunner, type RunInfo } from './runner.ts';
import { summaryHandler } from './summary.ts';

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
  /** Services setup() must find healthy. */
  targets: Array<'payment' | 'banking'>;
  /** Apply think time in open-model profiles too (personas pace themselves whatever the arrival rate). */
  alwaysThink?: boolean;
  thresholds?: Thresholds;
  /** Counters with a `count==0` threshold: k6 evaluates a threshold only on a metric that has a sample. */
  zeroCounters?: Counter[];
}

export function defineScenario(spec: ScenarioSpec) {
  const ctx: UserContext = userContext();
  const { config, profile } = ctx;
  const hosts = spec.targets.map((t) => urlHost(t === 'payment' ? config.paymentUrl : config.bankingUrl) ?? '');
  const guard = productionGuard(profile, hosts, config.allowedHosts, config.allowRemoteLoad);
  if (guard) throw new Error(guard);

  // k6 reads `options` from the init context it runs first (__VU 0) and ignores what the VUs' own init
  // contexts export, so only that one builds them: at 1000 VUs that is 1000 fewer scenario and
  // threshold tables to build and keep (docs/test-data.md, start-up and memory per VU).
  const optionsWanted = __VU === 0;
  const scenarios: Record<string, unknown> = {};
  const runners: Record<string, (run: RunInfo) => void> = {};
  for (const c of spec.classes) {
    if (optionsWanted) scenarios[c.userClass.name] = k6Scenario(profile, c.exec, { share: c.share });
    const think = c.userClass.thinkTime ?? { minMs: config.minWaitMs, maxMs: config.maxWaitMs };
    runners[c.exec] = createRunner(c.userClass.name, c.userClass.tasks, {
      seed: config.seed,
      newState: c.userClass.newState,
      thinkTime: profile.model === 'closed' || spec.alwaysThink ? think : null,
    });
  }

  const options = optionsWanted
    ? {
        scenarios,
        thresholds: mergeThresholds(buildThresholds(spec.budget, profile, __ENV), spec.thresholds ?? {}),
        summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
        setupTimeout: '30s',
      }
    : {};

  function setup(): RunInfo & { startedAt: string; dataset: string } {
    if (spec.targets.includes('payment')) probeTarget(ctx.payment.raw(), 'PAYMENT_SERVICE_URL', config.paymentUrl, AUTH_PROBE.payment);
    if (spec.targets.includes('banking')) probeTarget(ctx.banking.raw(), 'BANKING_API_URL', config.bankingUrl, AUTH_PROBE.banking);
    for (const c of spec.zeroCounters ?? []) c.add(0);
    return { runId: newRunId(), startedAt: new Date().toISOString(), dataset: ctx.data.source };
  }

  const handleSummary = summaryHandler({
    scenario: spec.name,
    profile: profile.name,
    classes: spec.classes.map((c) => ({ name: c.userClass.name, tasks: c.userClass.tasks.map((t) => ({ name: t.name, weight: t.weight })) })),
    secret: config.authToken,
  });

  return { ctx, options, runners, setup, handleSummary };
}
