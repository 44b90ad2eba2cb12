// manifest.json of a generated dataset: seed, as-of, options, counts, distributions and every
// file's size and sha256. It is written last (temporary name, then rename), so a directory with a
// manifest.json holds one complete, validated dataset. No time stamp: same options and seed give
// a byte-identical manifest.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GENERATOR_VERSION } from '../../lib/data/generate.ts';
import type { DatasetModel } from '../../lib/data/model.ts';
import type { EntityName } from '../../lib/data/types.ts';
import type { DataArgs } from './args.ts';
import type { Format } from './formats.ts';
import type { TempFiles } from './sinks.ts';

export interface ManifestFile {
  name: string;
  entity: EntityName;
  format: Format;
  records: number;
  bytes: number;
  sha256: string;
}

/** k of n as a fraction rounded to 6 places (0 when n is 0). */
export function share(k: number, n: number): number {
  return n > 0 ? Number((k / n).toFixed(6)) : 0;
}

export function buildManifest(args: DataArgs, model: DatasetModel, files: ManifestFile[]) {
  const st = model.stats;
  return {
    generator: 'paykit-k6 test data (cli/data.ts)',
    generatorVersion: GENERATOR_VERSION,
    fakerVersion: fakerVersion(),
    seed: args.seed,
    asOf: args.asOf,
    options: {
      locales: args.locales,
      formats: args.formats,
      travelRatio: args.travelRatio,
      travelAccountShare: args.travelAccounts,
      domesticBanks: args.domesticBanks,
      foreignBanks: args.foreignBanks,
      pattern: args.pattern,
      tps: args.tps,
      amountBands: args.amountBands,
      poolSize: args.poolSize,
    },
    counts: {
      banks: model.banks().length,
      merchants: args.merchants,
      customers: st.customers,
      accounts: st.accounts,
      domesticAccounts: st.domesticAccounts,
      travelAccounts: st.travelAccounts,
      cards: st.cards,
      transactions: st.transactions,
    },
    distributions: {
      domesticAccountsPerCustomerMean: share(st.domesticAccounts, st.customers),
      amountBands: Object.fromEntries(Object.entries(st.amountBands).map(([k, v]) => [k, { count: v, share: share(v, st.transactions) }])),
      transactionKinds: {
        domestic: { count: st.domesticTransactions, share: share(st.domesticTransactions, st.transactions) },
        travel: { count: st.travelTransactions, share: share(st.travelTransactions, st.transactions) },
      },
      cardBrands: st.cardBrands,
    },
    validated: args.validate,
    files,
  };
}

export type Manifest = ReturnType<typeof buildManifest>;

/** Writes `dir`/manifest.json under a temporary name, then renames it into place. */
export function writeManifest(temps: TempFiles, dir: string, manifest: Manifest): void {
  const manifestPath = join(dir, 'manifest.json');
  const tmp = `${manifestPath}.tmp-${process.pid}`;
  temps.add(tmp);
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(manifest, null, 2) + '\n');
  closeSync(fd);
  temps.rename(tmp, manifestPath);
}

function fakerVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('@faker-js/faker/package.json');
    return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
