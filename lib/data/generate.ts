// Node-side, faker-based dataset generation. NOT for k6 scenarios: inside k6, faker adds to
// every VU's bundle, memory and CPU (docs/test-data.md: "Faker inside k6"); generate ahead of
// the test instead (`npm run data`) and load the files with lib/dataset.ts.
//
// Faker is slow per call, so it is not called per field of every record: it fills per-locale
// pools once (a few thousand first names, surnames, streets, cities with postcodes, phone
// numbers) and the seeded core (model.ts) combines them per record. Combinations make the
// records varied (2,000 × 2,000 names per locale), and the seeded RNG keeps them reproducible.

import { Faker, allLocales, base, en, type LocaleDefinition } from '@faker-js/faker';
import { DatasetModel, type NamePools, type LocalePool } from './model.ts';
import type { ModelOptions } from './options.ts';
import type { Dataset } from './types.ts';

/** Bumped whenever the same options would produce different output. */
export const GENERATOR_VERSION = '1.0.0';

export const DEFAULT_LOCALES: readonly string[] = ['en_US', 'en_IN'];
export const DEFAULT_POOL_SIZE = 2000;

/** Faker locale codes usable with --locales (those with person names). */
export function availableLocales(): string[] {
  return Object.keys(allLocales)
    .filter((code) => (allLocales as Record<string, LocaleDefinition>)[code]?.person?.first_name !== undefined || (allLocales as Record<string, LocaleDefinition>)[code]?.person?.last_name !== undefined)
    .filter((code) => code !== 'base' && code !== 'en_BORK')
    .sort();
}

export function isKnownLocale(code: string): boolean {
  return code !== 'base' && Object.prototype.hasOwnProperty.call(allLocales, code);
}

function localeFaker(code: string): Faker {
  const def = (allLocales as Record<string, LocaleDefinition>)[code];
  if (!def || code === 'base') throw new Error(`unknown faker locale: ${code}`);
  // Fall back to English, then to locale-free definitions, for anything the locale lacks.
  return new Faker({ locale: code === 'en' ? [en, base] : [def, en, base] });
}

function draw(size: number, f: () => string): string[] {
  const out: string[] = new Array<string>(size);
  for (let i = 0; i < size; i++) out[i] = f();
  return out;
}

/**
 * Per-locale pools drawn from faker with `faker.seed(...)`: same seed and faker version ⇒
 * same pools. Emails use reserved example domains (RFC 2606) so no generated address
 * can reach a real mailbox; names, streets, cities and phone formats are the locale's.
 */
function fakerPools(seed: number, locales: readonly string[] = DEFAULT_LOCALES, size = DEFAULT_POOL_SIZE): NamePools {
  const pools: LocalePool[] = locales.map((code, k) => {
    const faker = localeFaker(code);
    faker.seed([seed >>> 0, Math.floor(seed / 2 ** 32), k]);
    // Language-only locales (e.g. "de") have no country: ZZ is ISO 3166's "unknown" code.
    const country = (allLocales as Record<string, LocaleDefinition>)[code]?.metadata?.country ?? 'ZZ';
    const cities: string[] = [];
    const postcodes: string[] = [];
    for (let i = 0; i < Math.max(50, Math.floor(size / 4)); i++) {
      cities.push(faker.location.city());
      postcodes.push(faker.location.zipCode());
    }
    return {
      locale: code,
      country,
      firstNames: draw(size, () => faker.person.firstName()),
      lastNames: draw(size, () => faker.person.lastName()),
      streets: draw(size, () => faker.location.streetAddress()),
      cities,
      postcodes,
      phones: draw(Math.max(50, Math.floor(size / 4)), () => faker.phone.number({ style: 'international' })),
      emailDomains: ['example.com', 'example.net', 'example.org', `example.${country.toLowerCase()}`],
    };
  });
  return { locales: pools };
}

export interface GenerateOptions extends ModelOptions {
  /** Faker locale codes, default en_US and en_IN. */
  locales?: readonly string[];
  /** Entries per faker pool (default 2000). */
  poolSize?: number;
}

/** A streaming generator: see DatasetModel for the call order. */
export function createGenerator(options: GenerateOptions): DatasetModel {
  const locales = options.locales ?? DEFAULT_LOCALES;
  for (const l of locales) if (!isKnownLocale(l)) throw new Error(`unknown faker locale: ${l}`);
  return new DatasetModel(options, fakerPools(options.seed, locales, options.poolSize));
}

/** Whole dataset in memory: convenient for tests and small datasets, not for millions of records. */
export function generateDataset(options: GenerateOptions): Dataset {
  const model = createGenerator(options);
  const ds: Dataset = { banks: model.banks(), customers: [], accounts: [], merchants: [...model.merchants()], cards: [], transactions: [] };
  for (const b of model.customerBlocks()) {
    ds.customers.push(b.customer);
    ds.accounts.push(...b.accounts);
    ds.cards.push(...b.cards);
  }
  for (const t of model.transactions()) ds.transactions.push(t);
  return ds;
}
