// Turns rows of the dataset CSV files (written by `npm run data -- --format csv`, see
// cli/data/formats.ts) back into typed records: dotted headers become nested objects
// (`address.city`), integer columns become numbers, `|`-joined list columns become arrays.
// Runtime-neutral (no k6/*, no Node built-ins): lib/dataset.ts uses it inside k6, where the
// rows come from k6/experimental/csv (parsed in Go) as arrays of strings.

import type { EntityName } from './types.ts';

/** Columns holding integers, per entity (everything else is a string or a list). */
export const CSV_INT_COLUMNS: Readonly<Record<EntityName, readonly string[]>> = {
  banks: [],
  merchants: [],
  customers: [],
  accounts: ['openingBalance'],
  cards: ['expMonth', 'expYear'],
  transactions: ['amount', 'offsetMs'],
};

/** Columns holding `|`-joined lists of ids. */
export const CSV_LIST_COLUMNS: Readonly<Record<EntityName, readonly string[]>> = {
  banks: [],
  merchants: [],
  customers: ['accountIds', 'cardIds'],
  accounts: [],
  cards: [],
  transactions: [],
};

/** The columns a file must have for its records to be usable (a header missing one is rejected). */
export const CSV_REQUIRED_COLUMNS: Readonly<Record<EntityName, readonly string[]>> = {
  banks: ['id', 'code', 'kind', 'currency'],
  merchants: ['id', 'name', 'mcc', 'currency'],
  customers: ['id', 'pan', 'firstName', 'lastName', 'fullName', 'email', 'accountIds', 'cardIds'],
  accounts: ['id', 'accountNumber', 'customerId', 'bankId', 'kind', 'currency', 'openingBalance'],
  cards: ['id', 'customerId', 'accountId', 'brand', 'number', 'expMonth', 'expYear', 'cvv', 'holderName'],
  transactions: ['id', 'kind', 'fromAccountId', 'toAccountId', 'customerId', 'amount', 'currency', 'idempotencyKey'],
};

const Kind = { Str: 0, Int: 1, List: 2 } as const;

export type RowDecoder<T = Record<string, unknown>> = (cells: readonly string[]) => T;

/**
 * A decoder for rows of `entity` whose header row is `header`. Throws if the header lacks a
 * required column. The decoder allocates only the record it returns.
 */
export function csvRowDecoder<T = Record<string, unknown>>(entity: EntityName, header: readonly string[]): RowDecoder<T> {
  const missing = CSV_REQUIRED_COLUMNS[entity].filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${entity}.csv: header lacks column(s) ${missing.join(', ')} (header: ${header.join(',')})`);
  const ints = CSV_INT_COLUMNS[entity];
  const lists = CSV_LIST_COLUMNS[entity];
  const cols = header.map((name) => {
    const dot = name.indexOf('.');
    return {
      outer: dot < 0 ? name : name.slice(0, dot),
      inner: dot < 0 ? '' : name.slice(dot + 1),
      kind: ints.includes(name) ? Kind.Int : lists.includes(name) ? Kind.List : Kind.Str,
    };
  });
  const n = cols.length;
  return (cells) => {
    const r: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) {
      const c = cols[k]!;
      const raw = cells[k] ?? '';
      const v = c.kind === Kind.Str ? raw : c.kind === Kind.Int ? (raw === '' ? undefined : Number(raw)) : raw === '' ? [] : raw.split('|');
      if (c.inner === '') r[c.outer] = v;
      else ((r[c.outer] ??= {}) as Record<string, unknown>)[c.inner] = v;
    }
    return r as T;
  };
}
