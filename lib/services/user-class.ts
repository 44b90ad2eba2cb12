// What a user class is and what it gets: the validated configuration, the resolved profile, the shared
// dataset, and its own service's client (derived from the service's endpoint table). A class names its
// service once, in defineUserClass; nothing here lists the services. What a class needs of k6 besides its
// client (counters, keys, pauses) comes through the context too, so the classes import nothing k6-bound.
// Pure: lib/k6/context.ts builds the context in k6.
import type { Config } from '../config.ts';
import type { LoadedDataset } from '../dataset.ts';
import type { Endpoint } from '../endpoints.ts';
import type { ResolvedProfile } from '../profiles.ts';
import type { Rng } from '../random.ts';
import type { Task } from '../tasks.ts';
import type { ServiceClient } from './client.ts';
import type { Service } from './define.ts';

/** What setup() hands every iteration (lib/k6/runner.ts). */
export interface RunInfo {
  /** Unique per run: keeps idempotency keys and unique fields from colliding with an earlier run's. */
  runId: string;
}

/** What a script shares among its user classes: built once per script, in the init context. */
export interface ScriptContext {
  config: Config;
  profile: ResolvedProfile;
  data: LoadedDataset;
  /**
   * Told of every money-moving change the target acknowledged, where the user classes count it: how an
   * integrity scenario (audit) keeps its ledger while its users stay the kit's own.
   */
  onAcknowledged?: AcknowledgedListener;
  /** Business counters (k6 counters in a run): what the target acknowledged, by kind, and declined cards. */
  counters: { acknowledged: Record<AcknowledgedKind, Counting>; cardsDeclined: Counting };
  /** The next Idempotency-Key of this VU, unique in the test. */
  idempotencyKey(runId: string): string;
  /** Pauses this VU (a persona polling). */
  sleep(seconds: number): void;
  /** Records a check that failed, under `name` (most checks are the client's; this is for a class's own). */
  fail(name: string): void;
  /** The same context with `service`'s client: a class's own, or another service's for a class that uses two. */
  as<E extends Record<string, Endpoint>>(service: Service<E>): UserContext<E>;
}

/** What one user class gets: the script's context with its own service's client. */
export interface UserContext<E extends Record<string, Endpoint> = Record<string, Endpoint>> extends ScriptContext {
  client: ServiceClient<E>;
}

/** A counter, as a class adds to it. */
export interface Counting {
  add(n: number): void;
}

/** The changes the user classes count in `acknowledged` (lib/k6/metrics.ts) that carry an id and money. */
export type AcknowledgedKind = 'payments' | 'refunds' | 'authorizations' | 'captures' | 'bankingRefunds';
export type AcknowledgedListener = (kind: AcknowledgedKind, id: string, currency: string, minor: number) => void;

/** A user class: its task table, its per-VU state, and (for personas) its own think time. */
export interface UserClass<S> {
  /** snake_case; appears in tags (`user_class`) and task counters. */
  name: string;
  tasks: ReadonlyArray<Task<S>>;
  // NoInfer: the class's state type comes from its task table, not from the literal newState returns.
  newState: (rng: Rng, run: RunInfo) => NoInfer<S>;
  /** A persona's own pacing in ms; without it MIN_WAIT_TIME/MAX_WAIT_TIME apply in closed-model profiles. */
  thinkTime?: { minMs: number; maxMs: number };
}

/**
 * A user class of `service`: `build` gets the script's context with that service's client, so a class
 * written by hand and one made by `npm run new-service` both read `ctx.client.call('<endpoint>', …)`.
 */
export function defineUserClass<E extends Record<string, Endpoint>, S>(
  service: Service<E>,
  build: (ctx: UserContext<E>) => UserClass<S>,
): (script: ScriptContext) => UserClass<S> {
  return (script) => build(script.as(service));
}
