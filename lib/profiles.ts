// Named load profiles, as data (Gatling keeps injection profiles apart from the user flow; so do we).
// A profile says how load arrives; a scenario says what each iteration does.
// Scale any profile without editing code: RATE (iterations/s), VUS, DURATION.
// Pure: no k6 imports, so it is unit-tested in Node.

import { DEFAULTS, EnvReader, type Env } from './config.ts';
import { parseDuration } from './duration.ts';

export type Model = 'closed' | 'open';

interface Stage {
  duration: string;
  target: number;
}

export interface ProfileSpec {
  description: string;
  /** closed: a fixed number of looping VUs with think time; open: arrival-rate, immune to coordinated omission. */
  model: Model;
  vus: number;
  /** Iterations per second at the profile's peak (open model only). */
  rate: number;
  duration: string;
  /** Shape of the arrival rate as fractions of `rate` over fractions of `duration` (open model). */
  shape?: ReadonlyArray<{ at: number; level: number }>;
  /** Heavier than a smoke test: the production guard applies. */
  heavy: boolean;
  /** Stop at the first breached threshold (breakpoint testing). */
  abortOnAnyBreach?: boolean;
}

// Rates follow the Locust suite's local baseline (above 100 requests/s on a laptop-sized target).
export const PROFILES = {
  smoke: { description: 'a few VUs for seconds: does it work at all', model: 'closed', vus: 3, rate: 0, duration: '20s', heavy: false },
  load: {
    description: 'the expected day: ramp to the normal rate, hold, ramp down',
    model: 'open', vus: 50, rate: 100, duration: '5m', heavy: true,
    shape: [{ at: 0, level: 0 }, { at: 0.1, level: 1 }, { at: 0.9, level: 1 }, { at: 1, level: 0 }],
  },
  volume: { description: 'high sustained request rate', model: 'open', vus: 100, rate: 300, duration: '3m', heavy: true },
  stress: {
    description: 'beyond the expected peak, in steps of 1x, 2x, 3x the load rate',
    model: 'open', vus: 100, rate: 300, duration: '6m', heavy: true,
    shape: [
      { at: 0, level: 0 }, { at: 0.1, level: 0.33 }, { at: 0.3, level: 0.33 }, { at: 0.4, level: 0.67 },
      { at: 0.6, level: 0.67 }, { at: 0.7, level: 1 }, { at: 0.9, level: 1 }, { at: 1, level: 0 },
    ],
  },
  spike: {
    description: 'a sudden burst to the peak and the recovery after it',
    model: 'open', vus: 100, rate: 400, duration: '2m', heavy: true,
    shape: [
      { at: 0, level: 0.1 }, { at: 0.2, level: 0.1 }, { at: 0.25, level: 1 }, { at: 0.5, level: 1 },
      { at: 0.55, level: 0.1 }, { at: 1, level: 0.1 },
    ],
  },
  soak: { description: 'endurance at a moderate rate (30 minutes by default)', model: 'open', vus: 50, rate: 50, duration: '30m', heavy: true },
  breakpoint: {
    description: 'ramping arrival rate until a threshold aborts the run',
    model: 'open', vus: 50, rate: 2000, duration: '10m', heavy: true, abortOnAnyBreach: true,
    shape: [{ at: 0, level: 0.005 }, { at: 1, level: 1 }],
  },
} as const satisfies Record<string, ProfileSpec>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export interface ResolvedProfile extends ProfileSpec {
  name: ProfileName;
  durationSeconds: number;
  /** Iterations the open model is asked to start over the whole run (0 for closed). */
  expectedIterations: number;
  /** Mean arrival rate over the run (0 for closed). */
  meanRate: number;
}

/** Seconds in a k6 duration string ("1m30s"), or NaN if it is not one. */
export function durationSeconds(text: string): number {
  const ms = parseDuration(text);
  return ms === undefined ? NaN : ms / 1000;
}

export function formatSeconds(seconds: number): string {
  return seconds >= 1 ? `${Math.round(seconds)}s` : `${Math.round(seconds * 1000)}ms`;
}

/** The profile named by PROFILE, scaled by RATE, VUS and DURATION. Throws a ConfigError naming the variable. */
export function resolveProfile(env: Env): ResolvedProfile {
  const r = new EnvReader(env);
  const name = r.oneOf('PROFILE', DEFAULTS.PROFILE, PROFILE_NAMES);
  const base: ProfileSpec = PROFILES[name];
  const vus = r.number('VUS', base.vus, { min: 1, max: 100_000, integer: true });
  const rate = base.model === 'open' ? r.number('RATE', base.rate, { min: 0.01, max: 1_000_000, what: 'iterations per second' }) : 0;
  if (base.model === 'closed' && r.raw('RATE') !== undefined) {
    r.problems.push(`RATE does not apply to the closed-model profile '${name}'; use VUS`);
  }
  const durationText = r.raw('DURATION') ?? base.duration;
  const seconds = durationSeconds(durationText);
  if (!(seconds >= 1)) r.problems.push(`DURATION must be a k6 duration of at least 1s like 30s, 5m or 1h30m; got '${durationText}'`);
  r.done();

  let meanRate = 0;
  if (base.model === 'open') {
    const shape = base.shape ?? [{ at: 0, level: 1 }, { at: 1, level: 1 }];
    for (let i = 1; i < shape.length; i++) {
      const a = shape[i - 1]!;
      const b = shape[i]!;
      meanRate += (b.at - a.at) * ((a.level + b.level) / 2) * rate;
    }
  }
  return {
    ...base,
    name,
    vus,
    rate,
    duration: durationText,
    durationSeconds: seconds,
    meanRate,
    expectedIterations: Math.round(meanRate * seconds),
  };
}

/** The load shape in words, for the report page: "3 VUs (closed model)" or "100 iterations/s at peak (open model), up to 50 VUs". */
export function describeLoad(p: ResolvedProfile): string {
  return p.model === 'closed' ? `${p.vus} VUs (closed model), ${p.duration}` : `${p.rate} iterations/s at peak (open model), up to ${p.vus} VUs, ${p.duration}`;
}

/** A k6 scenario object for the profile, running the named exported function. */
export function k6Scenario(
  full: ResolvedProfile,
  exec: string,
  extra: { tags?: Record<string, string>; startTime?: string; share?: number } = {},
) {
  const common = { exec, tags: extra.tags, startTime: extra.startTime, gracefulStop: '10s' };
  // A user class's share of the traffic: of the VUs in a closed model, of the arrival rate in an open one.
  const share = extra.share ?? 1;
  const profile = { ...full, vus: Math.max(1, Math.round(full.vus * share)), rate: full.rate * share };
  if (profile.model === 'closed') {
    return { ...common, executor: 'constant-vus', vus: profile.vus, duration: profile.duration };
  }
  // A VU pool large enough for the peak rate at ~250 ms per iteration, so drops mean a slow target, not a small pool.
  const maxVUs = Math.max(profile.vus, Math.ceil(profile.rate / 4));
  if (!profile.shape) {
    return {
      ...common,
      executor: 'constant-arrival-rate',
      rate: Math.max(1, Math.round(profile.rate)),
      timeUnit: '1s',
      duration: profile.duration,
      preAllocatedVUs: profile.vus,
      maxVUs,
    };
  }
  const stages: Stage[] = [];
  for (let i = 1; i < profile.shape.length; i++) {
    const span = (profile.shape[i]!.at - profile.shape[i - 1]!.at) * profile.durationSeconds;
    stages.push({ duration: formatSeconds(span), target: Math.round(profile.shape[i]!.level * profile.rate) });
  }
  return {
    ...common,
    executor: 'ramping-arrival-rate',
    startRate: Math.round(profile.shape[0]!.level * profile.rate),
    timeUnit: '1s',
    stages,
    preAllocatedVUs: profile.vus,
    maxVUs,
  };
}

/**
 * The production guard, one rule for every scenario: a run that could hurt a real service (a profile
 * heavier than smoke, or an intrusive scenario: a race, a burst, writes on purpose) may only target hosts
 * listed in ALLOWED_HOSTS unless ALLOW_REMOTE_LOAD=true. Loopback hosts pass only because the default
 * ALLOWED_HOSTS lists them: a port-forward to production is loopback too.
 * `risk` says why the rule applies (null: it does not). Returns an error message, or null when the run may go ahead.
 */
export function hostGuard(risk: string | null, hosts: readonly string[], allowed: readonly string[], allowRemote: boolean): string | null {
  if (risk === null || allowRemote) return null;
  const outside = hosts.filter((h) => !allowed.includes(h));
  if (outside.length === 0) return null;
  return (
    `${risk} and would target ${outside.join(', ')}, which is not in ALLOWED_HOSTS ` +
    `(${allowed.join(', ')}). Set ALLOW_REMOTE_LOAD=true if you mean to load that host.`
  );
}

/** Why a run needs the guard: its profile is heavier than smoke, or the scenario is intrusive (races, bursts, writes on purpose). */
export function guardRisk(scenario: string, profile: ResolvedProfile | null, intrusive: boolean): string | null {
  if (intrusive) return `scenario '${scenario}' races, bursts or writes on purpose`;
  if (profile?.heavy) return `profile '${profile.name}' is heavier than smoke`;
  return null;
}

/** The guard for a user-class scenario's profile (hostGuard with the profile as the reason). */
export function productionGuard(profile: ResolvedProfile, hosts: string[], allowed: string[], allowRemote: boolean): string | null {
  return hostGuard(guardRisk('', profile, false), hosts, allowed, allowRemote);
}
