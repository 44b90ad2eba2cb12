// The numbers every budget starts from, from the Locust suite's local baseline (errors under 5%,
// p95 under 500 ms): a scenario's file changes only what differs for it.
import type { Budget, ScenarioBudget } from '../lib/budgets.ts';

export const DEFAULT_BUDGET: Omit<Budget, 'endpoints'> = {
  errorRate: 0.05,
  checksRate: 0.95,
  // An error rate this high means the target is broken: abort instead of hammering it.
  abortErrorRate: 0.5,
  throughputShare: 0.9,
  droppedShare: 0.01,
};

/** Past the expected peak some errors are the point of the test; the run exists to see where latency bends. */
export const PAST_PEAK: ScenarioBudget['profiles'] = {
  stress: { errorRate: 0.1, endpointErrorRate: 0.1 },
  spike: { errorRate: 0.1, endpointErrorRate: 0.1 },
};

/**
 * Budget for a single create/capture/refund call. A write that fails outside its contract (a 5xx, an
 * unexpected 4xx, no answer) is money in an unknown state, so below the peak none is tolerated.
 */
export const WRITE = { p95: 500, p99: 1000, errorRate: 0 } as const;
/** A lookup by id. Reads may be retried by a client, so a rare failure is noise rather than a defect. */
export const LOOKUP = { p95: 300, p99: 800, errorRate: 0.01 } as const;
/** A page of a listing: one indexed range scan. */
export const LIST = { p95: 500, p99: 1000, errorRate: 0.01 } as const;
/** Reports and batches scan or do more than one row's work. */
export const REPORT = { p95: 1000, p99: 2000, errorRate: 0.01 } as const;
export const HEALTH = { p95: 200, p99: 500, errorRate: 0.01 } as const;
