// Runs a task table in k6: picks a task by weight with the VU's seeded generator, tags everything the
// task emits with `task`, counts it in `task_<name>`, and paces with think time in closed-model profiles.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { createChoiceRng, type Rng } from '../random.ts';
import type { RunInfo } from '../services/user-class.ts';
import { taskCounterName, taskPicker, type Task } from '../tasks.ts';

export type { RunInfo } from '../services/user-class.ts';

export interface RunnerOptions<S, R extends RunInfo = RunInfo> {
  seed: string | number;
  /** Per-VU state (e.g. the payments this VU created), built on the VU's first iteration from setup()'s data. */
  newState: (rng: Rng, run: R) => S;
  /** Milliseconds; no pause when both are 0 or the profile is open-model (arrivals set the pace). */
  thinkTime?: { minMs: number; maxMs: number } | null;
}


/** One row of the runner's table: the task with its counter and tag value, so a draw needs no lookups. */
interface Entry<S> {
  readonly weight: number;
  readonly name: string;
  readonly run: (state: S) => void;
  readonly counter: Counter;
}

/** Must be called in the init context: k6 only allows creating metrics there. */
export function createRunner<S, R extends RunInfo = RunInfo>(
  userClass: string,
  tasks: ReadonlyArray<Task<S>>,
  opts: RunnerOptions<S, R>,
): (run: R) => void {
  // The picker draws over these rows in the tasks' order and weights, so a seed picks the same tasks.
  const entries: ReadonlyArray<Entry<S>> = tasks.map((t) => ({ weight: t.weight, name: t.name, run: t.run, counter: new Counter(taskCounterName(userClass, t.name)) }));
  const pickTask = taskPicker(entries);
  // Think time, resolved once: no pause when both bounds are 0 (or in open-model profiles, null).
  const think = opts.thinkTime && opts.thinkTime.maxMs > 0 ? opts.thinkTime : null;
  let rng: Rng | null = null;
  let state: S;
  // The VU's tag object, looked up once: every read of `exec.vu` builds a new info object in k6.
  // It stays bound to this VU's tags, so writes through it act exactly like `exec.vu.metrics.tags.x = ...`.
  let vuTags: Record<string, number | string | boolean>;
  let currentTask: Entry<S> | null = null;
  return (run: R) => {
    if (rng === null) {
      const vu = exec.vu;
      // Seeded from SEED, the scenario and the VU: the same seed replays the same choices per VU.
      rng = createChoiceRng(`${opts.seed}:${exec.scenario.name}:${vu.idInTest}`);
      vuTags = vu.metrics.tags;
      state = opts.newState(rng, run);
    }
    // Every change of a VU tag makes k6 derive a new tag set, and removing one rebuilds it (a cost
    // measured in docs/efficiency.md). So tags are
    // written only when they change and the task tag stays in place between iterations: the
    // iteration's own metrics (iteration_duration, iterations) carry it too. k6 resets a VU's tags
    // when it re-activates the VU (a ramping executor hands it back and takes it again), which the
    // user_class read below notices.
    if (vuTags.user_class !== userClass) {
      vuTags.user_class = userClass;
      currentTask = null;
    }
    const task = pickTask(rng);
    if (task !== currentTask) {
      vuTags.task = task.name;
      currentTask = task;
    }
    task.counter.add(1);
    task.run(state);
    if (think !== null) sleep((think.minMs + rng() * (think.maxMs - think.minMs)) / 1000);
  };
}
