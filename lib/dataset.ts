// k6 data layer: loads the test dataset once per test run into SharedArrays.
//
//   import { loadDataset, vuRng } from '../lib/dataset.ts';
//   const data = loadDataset();                  // init context (top level of the script)
//   export default function () {
//     const rng = vuRngFor();                    // or keep one per VU, see below
//     const customer = pickOne(rng, data.customers);
//   }
//
// With DATA_DIR set (e.g. DATA_DIR=$PWD/data, written by `npm run data`) the JSON files
// are read with open() inside `new SharedArray(...)`, so each file is parsed once and
// shared read-only by every VU. Relative DATA_DIR paths resolve against the running
// script (dist/<name>.js), so prefer an absolute path. Without DATA_DIR the small
// built-in dataset for SEED (default 42) is used. Faker is never bundled into k6.
//
// Reproducibility: per-VU choices come from vuRng(SEED, vu id). A VU makes the same
// sequence of choices in every run, but how many iterations it gets through depends on
// response times, so two runs share the sequence prefix, not its length.

import { SharedArray } from 'k6/data';
import { builtinDataset, BUILTIN_SIZES } from './data/builtin.ts';
import { seedForVu, vuRng, indexOfId } from './data/ids.ts';
import type { Dataset, DatasetView, EntityName, RecordList } from './data/types.ts';
import { ENTITY_NAMES } from './data/types.ts';

export { seedForVu, vuRng, indexOfId };
export type { DatasetView, RecordList };

export interface LoadDatasetOptions {
  /** Directory holding <entity>.json files; default __ENV.DATA_DIR. */
  dir?: string;
  /** Seed of the built-in dataset when there is no directory; default __ENV.SEED, else 42. */
  seed?: number;
  /**
   * Entities to load from the directory (default all but transactions). Entities not
   * loaded are empty lists, which saves memory when a scenario does not need them.
   */
  include?: readonly EntityName[];
}

export interface LoadedDataset extends DatasetView {
  /** Where the data came from: the directory, or `builtin:<seed>`. */
  readonly source: string;
}

const DEFAULT_INCLUDE: readonly EntityName[] = ['banks', 'merchants', 'customers', 'accounts', 'cards'];

/** Integer seed from __ENV.SEED (default 42); throws on anything but a non-negative integer. */
export function seedFromEnv(): number {
  const raw = __ENV.SEED;
  if (raw === undefined || raw === '') return 42;
  if (!/^\d+$/.test(raw)) throw new Error(`SEED must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/**
 * Loads the dataset. Call it in the init context (top level of the script): k6 only
 * allows open() and SharedArray construction there.
 */
export function loadDataset(options: LoadDatasetOptions = {}): LoadedDataset {
  const dir = options.dir ?? __ENV.DATA_DIR;
  const include = options.include ?? DEFAULT_INCLUDE;
  const lists = {} as Record<EntityName, RecordList<unknown>>;
  if (dir) {
    const base = dir.endsWith('/') ? dir : `${dir}/`;
    for (const name of ENTITY_NAMES) {
      lists[name] = include.includes(name)
        ? new SharedArray(`paykit:${base}${name}`, () => JSON.parse(open(`${base}${name}.json`)) as unknown[])
        : [];
    }
    return { ...(lists as unknown as DatasetView), source: dir };
  }
  const seed = options.seed ?? seedFromEnv();
  // The SharedArray callbacks run once (in the first VU's init), so the built-in dataset
  // is generated once per run, not once per VU.
  let cached: Dataset | undefined;
  const built = (): Dataset => (cached ??= builtinDataset(seed));
  for (const name of ENTITY_NAMES) {
    lists[name] = new SharedArray(`paykit:builtin:${seed}:${name}`, () => built()[name] as unknown[]);
  }
  return { ...(lists as unknown as DatasetView), source: `builtin:${seed}` };
}

export { BUILTIN_SIZES };
