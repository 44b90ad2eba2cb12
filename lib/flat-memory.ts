// Which mode a single run uses: k6 keeping every sample in memory for its own summary and thresholds
// (the default for short runs), or flat memory: k6 keeps no per-sample store and the coordinator judges
// it from Prometheus (docs/flat-memory.md). Pure, tested in Node.
import { EnvReader, type Env } from './config.ts';
import { resolveProfile } from './profiles.ts';

/**
 * What k6 v2.2 keeps per request for its end-of-test summary and thresholds (every Trend sample of
 * every metric a request emits): 318 MB for 1,134,986 requests against 51 MB without the sinks
 * (docs/flat-memory.md).
 */
export const BYTES_PER_REQUEST = 237;

/** Runs planned longer than this use flat memory by default, as PROFILE=soak does. */
export const FLAT_AFTER_SECONDS = 15 * 60;

export const FLAT_MEMORY_VALUES = ['auto', 'on', 'off'] as const;
export type FlatMemorySetting = (typeof FLAT_MEMORY_VALUES)[number];

export interface ModePlan {
  /** Flat memory wanted: asked for (FLAT_MEMORY=on) or chosen (soak, long run). */
  flat: boolean;
  /** FLAT_MEMORY=on: without a Prometheus the run must stop, not fall back. */
  required: boolean;
  /** Why, in words, for the log line before load. */
  reason: string;
  durationSeconds: number;
  /** Requests the open model is planned to send (at least one per iteration); null for a closed model. */
  plannedRequests: number | null;
}

/** Reads FLAT_MEMORY (auto, on, off) with the profile's planned length and rate. Throws naming the variable. */
export function planMode(env: Env): ModePlan {
  const r = new EnvReader(env);
  const setting = r.oneOf('FLAT_MEMORY', 'auto', FLAT_MEMORY_VALUES);
  r.done();
  const p = resolveProfile(env);
  const plannedRequests = p.model === 'open' ? p.expectedIterations : null;
  const base = { durationSeconds: p.durationSeconds, plannedRequests };
  if (setting === 'on') return { ...base, flat: true, required: true, reason: 'FLAT_MEMORY=on' };
  if (setting === 'off') return { ...base, flat: false, required: false, reason: 'FLAT_MEMORY=off' };
  if (p.name === 'soak') return { ...base, flat: true, required: false, reason: 'PROFILE=soak' };
  if (p.durationSeconds > FLAT_AFTER_SECONDS) {
    return { ...base, flat: true, required: false, reason: `the run is planned for ${p.durationSeconds} s, longer than ${FLAT_AFTER_SECONDS} s` };
  }
  return { ...base, flat: false, required: false, reason: `a run of ${p.durationSeconds} s (flat memory is the default after ${FLAT_AFTER_SECONDS} s and for PROFILE=soak)` };
}

const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;

/** What k6 will hold at the end of a run that keeps its samples: said before load. */
export function memoryNote(plan: ModePlan): string {
  const perMillion = mb(BYTES_PER_REQUEST * 1e6);
  if (plan.plannedRequests === null) {
    return `k6 keeps every sample in memory for its summary: about ${BYTES_PER_REQUEST} bytes per request (${perMillion} per million requests), growing for the whole run (a closed-model profile has no planned rate)`;
  }
  return `k6 keeps every sample in memory for its summary: at the planned ${plan.plannedRequests.toLocaleString('en-US')} iterations (at least one request each) that is at least ${mb(plan.plannedRequests * BYTES_PER_REQUEST)} by the end of the run (${BYTES_PER_REQUEST} bytes per request)`;
}
