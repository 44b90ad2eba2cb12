// The declarative task table: a scenario lists its tasks, one line each, like Locust's @task(weight).
// Pure: the table is validated and the expected mix computed here; lib/k6/runner.ts runs it in k6.

import { weightedPicker, type Rng } from './random.ts';

export interface Task<S> {
  /** snake_case: it becomes the `task` tag and the `task_<name>` counter. */
  readonly name: string;
  readonly weight: number;
  readonly run: (state: S) => void;
}

export interface TaskMixRow {
  userClass: string;
  task: string;
  weight: number;
  expectedShare: number;
  runs: number;
  share: number;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Checks names and weights once, at init, so a typo fails before load. */
export function defineTasks<S>(tasks: ReadonlyArray<Task<S>>): ReadonlyArray<Task<S>> {
  if (tasks.length === 0) throw new Error('a task table needs at least one task');
  const seen = new Set<string>();
  for (const t of tasks) {
    if (!NAME.test(t.name)) throw new Error(`task name '${t.name}' must be snake_case`);
    if (seen.has(t.name)) throw new Error(`task '${t.name}' is listed twice`);
    seen.add(t.name);
    if (!(t.weight >= 0) || !Number.isFinite(t.weight)) throw new Error(`task '${t.name}' has weight ${t.weight}; weights must be >= 0`);
  }
  if (tasks.every((t) => t.weight === 0)) throw new Error('every task has weight 0');
  return tasks;
}

/** Picks tasks by weight; build it once per task table (the weights are checked once, not per draw). */
export function taskPicker<T extends { readonly weight: number }>(tasks: ReadonlyArray<T>): (rng: Rng) => T {
  return weightedPicker(tasks);
}

/** k6 metric for a user class's task runs: `task_<class>_<task>`, so classes in one test stay apart. */
export function taskCounterName(userClass: string, task: string): string {
  return `task_${userClass}_${task}`;
}

export interface ClassWeights {
  name: string;
  tasks: ReadonlyArray<{ name: string; weight: number }>;
}

/** The configured weights next to what was achieved, from per-task run counts (shares within a class). */
export function taskMix(userClass: string, weights: ReadonlyArray<{ name: string; weight: number }>, runs: Record<string, number>): TaskMixRow[] {
  const totalWeight = weights.reduce((s, t) => s + t.weight, 0);
  const totalRuns = weights.reduce((s, t) => s + (runs[t.name] ?? 0), 0);
  return weights.map((t) => ({
    userClass,
    task: t.name,
    weight: t.weight,
    expectedShare: totalWeight > 0 ? t.weight / totalWeight : 0,
    runs: runs[t.name] ?? 0,
    share: totalRuns > 0 ? (runs[t.name] ?? 0) / totalRuns : 0,
  }));
}

/**
 * Largest deviation of achieved from expected share, in standard errors of a binomial
 * proportion. Under the null hypothesis (the picker honours the weights) |z| > 4 has
 * probability about 6e-5 per task, so tests use 4 as their tolerance.
 */
export function maxMixDeviation(rows: TaskMixRow[]): number {
  const runsPerClass = new Map<string, number>();
  for (const r of rows) runsPerClass.set(r.userClass, (runsPerClass.get(r.userClass) ?? 0) + r.runs);
  let worst = 0;
  for (const r of rows) {
    const n = runsPerClass.get(r.userClass) ?? 0;
    const p = r.expectedShare;
    if (p === 0 || p === 1 || n === 0) continue;
    const z = Math.abs(r.share - p) / Math.sqrt((p * (1 - p)) / n);
    worst = Math.max(worst, z);
  }
  return worst;
}

/**
 * The line a bundle prints in its init context under `PAYKIT_DESCRIBE=1` (lib/k6/test.ts, read with
 * `k6 inspect`): its task tables' weights, so the dashboards are built from the bundle without a run.
 */
const CLASSES_LINE = 'paykit-classes ';

export function describeClasses(classes: ReadonlyArray<ClassWeights>): string {
  return CLASSES_LINE + JSON.stringify(classes.map((c) => ({ name: c.name, tasks: c.tasks.map((t) => ({ name: t.name, weight: t.weight })) })));
}

/** The task tables described in k6's output (its log quotes the line, escaping the JSON's quotes), or null. */
export function parseClasses(output: string): ClassWeights[] | null {
  const line = output.split('\n').find((l) => l.includes(CLASSES_LINE));
  if (line === undefined) return null;
  const text = line.slice(line.indexOf(CLASSES_LINE) + CLASSES_LINE.length).replace(/\\"/g, '"');
  const json = /^\[.*\]/.exec(text)?.[0];
  const list = json === undefined ? null : (JSON.parse(json) as unknown);
  const valid = Array.isArray(list) && list.every((c) => typeof c?.name === 'string' && Array.isArray(c.tasks) && c.tasks.every((t: { name?: unknown; weight?: unknown }) => typeof t.name === 'string' && typeof t.weight === 'number'));
  return valid ? (list as ClassWeights[]) : null;
}
