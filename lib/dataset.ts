// k6 data layer: loads the test dataset once per test run and shares it read-only between VUs.
//
//   import { loadDataset, vuRng } from '../lib/dataset.ts';
//   const data = loadDataset();                  // init context (top level of the script)
//   export default function () {
//     const customer = pickOne(rng, data.customers);
//   }
//
// With DATA_DIR set (a directory written by `npm run data`, e.g. DATA_DIR=$PWD/data):
//  - manifest.json must be there (it is written last, so it marks a complete dataset);
//    without it loading fails at once with a message naming DATA_DIR.
//  - For each entity to load, `<entity>.csv` is preferred when the dataset has it: k6 parses
//    it in Go (k6/experimental/csv) into one SharedArray for all VUs, far faster than
//    JSON.parse in k6's JS engine (docs/test-data.md). Rows are turned into typed records on access
//    (lib/data/csv.ts), so no VU keeps a decoded copy.
//  - Otherwise `<entity>.json` is parsed once in JS inside `new SharedArray(...)`.
// CSV loading is asynchronous: k6 settles the promises before the init context ends, i.e.
// before setup() and the first iteration. Reading CSV-backed lists at the top level of a
// script throws ("not loaded yet"); `await loadDataset().ready` first if you must.
// Relative DATA_DIR paths resolve against the running script (dist/<name>.js), so prefer
// an absolute path. Without DATA_DIR the small built-in dataset for SEED (default 42) is
// generated once (in the first VU's init) and shared. Faker is never bundled into k6.
//
// Reproducibility: per-VU choices come from vuRng(SEED, vu id). A VU makes the same
// sequence of choices in every run, but how many iterations it gets through depends on
// response times, so two runs share the sequence prefix, not its length.

import { SharedArray } from 'k6/data';
import { parse as parseCsv } from 'k6/experimental/csv';
import { open as openFile } from 'k6/experimental/fs';
import { csvRowDecoder, type RowDecoder } from './data/csv.ts';
import { seedForVu, vuRng, indexOfId } from './data/ids.ts';
import type { Dataset, DatasetView, EntityName, RecordList } from './data/types.ts';
import { ENTITY_NAMES } from './data/types.ts';

export { seedForVu, vuRng, indexOfId };
export type { DatasetView, RecordList };

export type DataFormat = 'csv' | 'json';

export interface LoadDatasetOptions {
  /** Directory written by `npm run data`; default __ENV.DATA_DIR. */
  dir?: string;
  /** Seed of the built-in dataset when there is no directory; default __ENV.SEED, else 42. */
  seed?: number;
  /**
   * Entities to load from the directory (default merchants, customers and cards: what the
   * scenarios use). Entities not loaded are empty lists, which saves memory and start-up time.
   */
  include?: readonly EntityName[];
  /**
   * File format to load: default __ENV.DATA_FORMAT; unset = CSV when the dataset has it, except
   * JSON files up to 1 MB (synchronous and cheaper per VU than an asynchronous CSV parse).
   */
  format?: DataFormat;
}

export interface LoadedDataset extends DatasetView {
  /** Where the data came from: the directory, or `builtin:<seed>`. */
  readonly source: string;
  /** Per loaded entity, what it was loaded from (`csv`, `json` or `builtin`). */
  readonly formats: Readonly<Partial<Record<EntityName, DataFormat | 'builtin'>>>;
  /** Settles when every list is usable (at once for JSON and the built-in dataset). */
  readonly ready: Promise<void>;
}

export const DEFAULT_INCLUDE: readonly EntityName[] = ['merchants', 'customers', 'cards'];

/** Without DATA_FORMAT, JSON files up to this size are loaded as JSON even when there is a CSV. */
const SMALL_JSON_BYTES = 1e6;

/** JSON files above this size get a warning: parsing them in k6 takes ~1 s per 6 MB. */
const SLOW_JSON_BYTES = 10e6;

/** Integer seed from __ENV.SEED (default 42); throws on anything but a non-negative integer. */
export function seedFromEnv(): number {
  const raw = __ENV.SEED;
  if (raw === undefined || raw === '') return 42;
  if (!/^\d+$/.test(raw)) throw new Error(`SEED must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

interface ManifestFile {
  name: string;
  entity: EntityName;
  format: string;
  bytes: number;
}

/** manifest.json of `base`, read once per test run (SharedArray) and only the part we need. */
function readManifest(dir: string, base: string): ManifestFile[] {
  const path = `${base}manifest.json`;
  let files: unknown;
  try {
    files = new SharedArray(`paykit:manifest:${base}`, () => {
      const m = JSON.parse(open(path)) as { files?: ManifestFile[] };
      return [(m.files ?? []).map((f) => ({ name: f.name, entity: f.entity, format: f.format, bytes: f.bytes }))];
    })[0];
  } catch (e) {
    throw new Error(
      `DATA_DIR=${dir}: cannot read ${path}; DATA_DIR must be a directory written by \`npm run data -- --out <dir>\` ` +
        `(relative paths resolve against the script, use an absolute path). Cause: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!Array.isArray(files)) throw new Error(`DATA_DIR=${dir}: ${path} has no "files" list; regenerate the dataset with \`npm run data\``);
  return files as ManifestFile[];
}

interface CsvState {
  rows?: RecordList<string[]>;
  decode?: RowDecoder<unknown>;
  error?: Error;
}

const isIndexKey = (key: string): boolean => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
};

/**
 * An array-like view of a CSV-backed SharedArray (row 0 = header): `list[i]` decodes row
 * i + 1 into a fresh record; `length`, iteration and Array.prototype methods work as on a
 * SharedArray. Until the asynchronous parse has finished, any read throws.
 */
function csvList<T>(entity: EntityName, path: string, state: CsvState): RecordList<T> {
  const rows = (): RecordList<string[]> => {
    if (state.rows) return state.rows;
    if (state.error) throw state.error;
    throw new Error(`dataset: ${entity} (${path}) is not loaded yet: CSV data is usable from setup() and the iterations on, or after \`await data.ready\``);
  };
  const index = (key: string, r: RecordList<string[]>): number => {
    const i = +key; // "007", "1.5", "1e3" are not indices: they fail the round trip below
    return i >= 0 && i < r.length - 1 && String(i) === key ? i : -1;
  };
  return new Proxy([] as unknown as RecordList<T>, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        if (isIndexKey(key)) {
          const r = rows();
          const i = index(key, r);
          return i < 0 ? undefined : state.decode!(r[i + 1]!);
        }
        if (key === 'length') return Math.max(0, rows().length - 1);
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string' && isIndexKey(key)) return index(key, rows()) >= 0;
      return Reflect.has(target, key);
    },
    set() {
      throw new TypeError(`dataset: ${entity} is read-only`);
    },
  });
}

function loadCsv<T>(dir: string, entity: EntityName, path: string): { list: RecordList<T>; done: Promise<void> } {
  const state: CsvState = {};
  const done = openFile(path)
    .then((file) => parseCsv(file, {}))
    .then((arr) => {
      const rows = arr as unknown as RecordList<string[]>;
      if (rows.length === 0) throw new Error('empty file (no header row)');
      state.decode = csvRowDecoder(entity, rows[0]!);
      state.rows = rows;
    })
    .catch((e: unknown) => {
      state.error = new Error(`DATA_DIR=${dir}: cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`);
      throw state.error;
    });
  return { list: csvList<T>(entity, path, state), done };
}

/**
 * Loads the dataset. Call it in the init context (top level of the script): k6 only
 * allows opening files and constructing SharedArrays there.
 */
export function loadDataset(options: LoadDatasetOptions = {}): LoadedDataset {
  const dir = options.dir ?? __ENV.DATA_DIR;
  const include = options.include ?? DEFAULT_INCLUDE;
  const lists = {} as Record<EntityName, RecordList<unknown>>;
  const formats: Partial<Record<EntityName, DataFormat | 'builtin'>> = {};
  if (dir) {
    const wanted = options.format ?? (__ENV.DATA_FORMAT as DataFormat | undefined);
    if (wanted !== undefined && wanted !== 'csv' && wanted !== 'json') throw new Error(`DATA_FORMAT must be csv or json, got "${String(wanted)}"`);
    const base = dir.endsWith('/') ? dir : `${dir}/`;
    const files = readManifest(dir, base);
    const pending: Promise<void>[] = [];
    for (const name of ENTITY_NAMES) {
      if (!include.includes(name)) {
        lists[name] = [];
        continue;
      }
      const has = (f: DataFormat) => files.find((x) => x.entity === name && x.format === f);
      let csv = wanted !== 'json' ? has('csv') : undefined;
      const json = wanted !== 'csv' ? has('json') : undefined;
      // Small files load faster as JSON: synchronous, and no per-VU file handle or parser.
      if (csv && json && wanted === undefined && json.bytes <= SMALL_JSON_BYTES) csv = undefined;
      if (csv) {
        const { list, done } = loadCsv(dir, name, `${base}${csv.name}`);
        lists[name] = list;
        pending.push(done);
        formats[name] = 'csv';
      } else if (json) {
        if (json.bytes > SLOW_JSON_BYTES && __VU === 0) {
          console.warn(
            `dataset: ${base}${json.name} is ${(json.bytes / 1e6).toFixed(0)} MB of JSON, which k6 parses at ~6 MB/s; ` +
              `generate the dataset with \`--format json,csv\` for a fast start-up`,
          );
        }
        lists[name] = new SharedArray(`paykit:${base}${name}`, () => JSON.parse(open(`${base}${json.name}`)) as unknown[]);
        formats[name] = 'json';
      } else {
        throw new Error(`DATA_DIR=${dir}: the dataset has no ${wanted ?? 'csv or json'} file for ${name} (see ${base}manifest.json)`);
      }
    }
    // Left unhandled on purpose: a failed load rejects `ready`, and k6 fails an init context
    // with an unhandled rejection, so a broken file stops the test before it starts.
    const ready = Promise.all(pending).then(() => undefined);
    return { ...(lists as unknown as DatasetView), source: dir, formats, ready };
  }
  const seed = options.seed ?? seedFromEnv();
  // The SharedArray callbacks run once per test run (in the first VU's init): the built-in
  // dataset is generated once, not per VU; the other VUs only get views of the shared copy.
  // The generator (builtin.ts, model.ts and the tables and rules it imports, a quarter of a
  // scenario bundle) is pulled in with require(), which esbuild turns into a lazily initialised
  // module: only the VU that runs the callbacks evaluates it, every other VU skips ~25 KB of
  // code in its init.
  let cached: Dataset | undefined;
  const built = (): Dataset => (cached ??= (require('./data/builtin.ts') as typeof import('./data/builtin.ts')).builtinDataset(seed));
  for (const name of ENTITY_NAMES) {
    lists[name] = new SharedArray(`paykit:builtin:${seed}:${name}`, () => built()[name] as unknown[]);
    formats[name] = 'builtin';
  }
  return { ...(lists as unknown as DatasetView), source: `builtin:${seed}`, formats, ready: Promise.resolve() };
}

