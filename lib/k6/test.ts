// The one way to write a k6 script here: the production guard, options built once, a setup() that fails
// fast when a target is down or rejects the token, and the shared handleSummary. Scenarios of user
// classes get it through defineScenario (./scenario.ts); the integrity scenarios call it directly with
// their own k6 scenarios, thresholds, setup and teardown.
import type { Counter } from 'k6/metrics';
import { newRunId, probeTarget } from './setup.ts';
import { urlHost, type Config } from '../config.ts';
import { describeTargets, type Service } from '../services/define.ts';
import { serviceClient, serviceTarget } from './client.ts';
import { describeLoad, guardRisk, hostGuard, type ResolvedProfile } from '../profiles.ts';
import type { Thresholds } from '../budgets.ts';
import { describeClasses, type ClassWeights } from '../tasks.ts';
import type { RunInfo } from './runner.ts';
import { summaryHandler } from './handle-summary.ts';

export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/**
 * The system tags something reads: thresholds and reports (name, scenario, expected_response), the
 * dashboards (method, status, error_code), check and group results. k6's default set also tags every
 * sample with url, proto, subproto, tls_version and service, which nothing here reads; url is one
 * value per id, so it multiplies the tag sets k6 and any output must keep (k6's large-test guidance).
 */
export const SYSTEM_TAGS = ['name', 'method', 'status', 'scenario', 'group', 'check', 'error', 'error_code', 'expected_response'];

export interface TestSpec<D extends object> {
  name: string;
  /** Fills the profile slot of the report names: the profile, or the scenario's own variant (e.g. `5x20`). */
  variant: string;
  config: Config;
  /** Services setup() must find healthy (lib/services/<name>/): their probes, URLs and credentials. */
  targets: readonly Service[];
  /** The scenario races, bursts or writes on purpose: the production guard applies whatever the profile. */
  intrusive?: boolean;
  /** The profile, when the load shape comes from one: a heavy profile brings the production guard. */
  profile?: ResolvedProfile;
  /** The k6 scenarios and thresholds, plus any other options (teardownTimeout, discardResponseBodies). */
  options: () => { scenarios: Record<string, unknown>; thresholds: Thresholds } & Record<string, unknown>;
  /** Counters with a `count==0` threshold: k6 evaluates a threshold only on a metric that has a sample. */
  zeroCounters?: Counter[];
  /** The scenario's own setup, after the targets answered: what it returns reaches every iteration and teardown. */
  setup?: (run: RunInfo) => D;
  /** Task tables, for the achieved mix in the report. */
  classes?: ReadonlyArray<ClassWeights>;
}

export type SetupData<D> = RunInfo & { startedAt: string } & D;

/** Throws in the init context (k6 exits before any request) when the production guard refuses the targets. */
export function defineTest<D extends object = Record<never, never>>(spec: TestSpec<D>) {
  // Asked by `npm start` which services it targets (cli/sandbox-process.ts): answered before any target
  // is resolved, so a bundle whose URL variables are unset still says which ones it needs. Its task
  // tables too, for the dashboards built from the bundle (cli/bundle.ts).
  if (__VU === 0 && __ENV.PAYKIT_DESCRIBE === '1') {
    console.log(describeTargets(spec.targets));
    console.log(describeClasses(spec.classes ?? []));
  }
  const { config } = spec;
  const targets = spec.targets.map((s) => serviceTarget(s));
  const hosts = targets.map((t) => urlHost(t.url) ?? '');
  const guard = hostGuard(guardRisk(spec.name, spec.profile ?? null, spec.intrusive ?? false), hosts, config.allowedHosts, config.allowRemoteLoad);
  if (guard) throw new Error(guard);

  // k6 reads `options` from the init context it runs first (__VU 0) and ignores what the VUs' own init
  // contexts export, so only that one builds them: at 1000 VUs that is 1000 fewer scenario and
  // threshold tables to build and keep (docs/test-data.md, start-up and memory per VU).
  const options = __VU === 0 ? { summaryTrendStats: TREND_STATS, systemTags: SYSTEM_TAGS, setupTimeout: '30s', ...spec.options() } : {};

  function setup(): SetupData<D> {
    spec.targets.forEach((s, i) => probeTarget(s, targets[i]!, serviceClient(s)));
    for (const c of spec.zeroCounters ?? []) c.add(0);
    const run: RunInfo = { runId: newRunId() };
    const own = spec.setup ? spec.setup(run) : ({} as D);
    return { ...run, startedAt: new Date().toISOString(), ...own };
  }

  const handleSummary = summaryHandler({
    scenario: spec.name,
    profile: spec.variant,
    classes: spec.classes ?? [],
    secrets: targets.flatMap((t) => t.secrets),
    run: { targets: [...new Set(hosts.filter(Boolean))], load: spec.profile ? describeLoad(spec.profile) : null, seed: config.seed },
  });

  return { options, setup, handleSummary };
}
