// What every user class gets: the validated configuration, the resolved profile, the shared
// dataset and one API client per service. Built once per test script, in the init context.
import { BankingClient } from '../clients/banking.ts';
import { PaymentClient } from '../clients/payment.ts';
import { parseConfig, type Config } from '../config.ts';
import { loadDataset, type LoadedDataset } from '../dataset.ts';
import { PROFILE_NAMES, resolveProfile, type ResolvedProfile } from '../profiles.ts';
import type { Rng } from '../random.ts';
import type { Task } from '../tasks.ts';
import type { RunInfo } from '../k6/runner.ts';

export interface UserContext {
  config: Config;
  profile: ResolvedProfile;
  data: LoadedDataset;
  payment: PaymentClient;
  banking: BankingClient;
  /**
   * Told of every money-moving change the target acknowledged, where the user classes count it: how an
   * integrity scenario (audit) keeps its ledger while its users stay the kit's own.
   */
  onAcknowledged?: AcknowledgedListener;
}

/** The changes the user classes count in `acknowledged` (lib/k6/metrics.ts) that carry an id and money. */
export type AcknowledgedKind = 'payments' | 'refunds' | 'authorizations' | 'captures' | 'bankingRefunds';
export type AcknowledgedListener = (kind: AcknowledgedKind, id: string, currency: string, minor: number) => void;

/** A user class: its task table, its per-VU state, and (for personas) its own think time. */
export interface UserClass<S> {
  /** snake_case; appears in tags (`user_class`) and task counters. */
  name: string;
  tasks: ReadonlyArray<Task<S>>;
  newState: (rng: Rng, run: RunInfo) => S;
  /** A persona's own pacing in ms; without it MIN_WAIT_TIME/MAX_WAIT_TIME apply in closed-model profiles. */
  thinkTime?: { minMs: number; maxMs: number };
}

let context: UserContext | null = null;

export function userContext(): UserContext {
  if (context) return context;
  const config = parseConfig(__ENV, PROFILE_NAMES);
  // The sandbox's clients are made on first use: a script that never talks to a service does not need
  // its URL or credential to be set.
  let payment: PaymentClient | null = null;
  let banking: BankingClient | null = null;
  context = {
    config,
    profile: resolveProfile(__ENV),
    data: loadDataset({ seed: config.seed }),
    get payment() {
      return (payment ??= new PaymentClient());
    },
    get banking() {
      return (banking ??= new BankingClient());
    },
  };
  return context;
}
