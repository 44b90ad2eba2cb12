// Runs a task table in k6: picks a task by weight with the VU's seeded generator, tags everything the
// task emits with `task`, counts it in `task_<name>`, and paces with think time in closed-model profiles.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { createRng, type Rng } from '../random.ts';
import { pickTask, taskCounterName, type Task } from '../tasks.ts';

export interface RunnerOptions<S> {
  seed: string | number;
  /** Per-VU state (e.g. the payments this VU created), built on the VU's first iteration. */
  newState: (rng: Rng, run: RunInfo) => S;
  /** Milliseconds; no pause when both are 0 or the profile is open-model (arrivals set the pace). */
  thinkTime?: { minMs: number; maxMs: number } | null;
}

/** What setup() hands every iteration. */
export interface RunInfo {
  /** Unique per run: keeps idempotency keys and unique fields from colliding with an earlier run's. */
  runId: string;
}

/** Must be called in the init context: k6 only allows creating metrics there. */
export function createRunner<S>(userClass: string, tasks: ReadonlyArray<Task<S>>, opts: RunnerOptions<S>): (run: RunInfo) => void {
  const counters = new Map<string, Counter>();
  for (const t of tasks) counters.set(t.name, new Counter(taskCounterName(userClass, t.name)));
  let rng: Rng | null = null;
  let state: S;
  // The VU's tag object, looked up once: every read of `exec.vu` builds a new info object in k6.
  // It stays bound to this VU's tags, so writes through it act exactly like `exec.vu.metrics.tags.x = ...`.
  let vuTags: Record<string, number | string | boolean>;
  return (run: RunInfo) => {
    if (rng === null) {
      const vu = exec.vu;
      // Seeded from SEED, the scenario and the VU: the same seed replays the same choices per VU.
      rng = createRng(`${opts.seed}:${exec.scenario.name}:${vu.idInTest}`);
      vuTags = vu.metrics.tags;
      state = opts.newState(rng, run);
    }
    const task = pickTask(rng, tasks);
    vuTags.user_class = userClass;
    vuTags.task = task.name;
    counters.get(task.name)!.add(1);
    try {
      task.run(state);
    } finally {
      delete vuTags.task;
    }
    const think = opts.thinkTime;
    if (think && think.maxMs > 0) sleep((think.minMs + rng() * (think.maxMs - think.minMs)) / 1000);
  };
}
