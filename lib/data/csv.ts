// The dataset CSV schema, and the decoder that turns rows of the CSV files (written by
// `npm run data -- --format csv`, see cli/data/formats.ts) back into typed records: dotted
// headers become nested objects (`address.city`), integer columns become numbers, `|`-joined
// list columns become arrays.
// Runtime-neutral (no k6/*, no Node built-ins): lib/dataset.ts uses it inside k6, where the
// rows come from k6/experimental/csv (parsed in Go) as arrays of strings.

import type { EntityName } from './types.ts';

/**
 * The CSV schema: each entity's columns in file order, as its header row reads, with the type of
 * the non-string ones: `:int` integers, `:list` `|`-joined lists. Nested fields are dotted
 * (`address.city`). The one definition: the writer (cli/data/formats.ts) and the decoder below both
 * read it. Kept as one string per entity so a k6 VU evaluating this module builds no per-column
 * objects until it decodes that entity.
 */
export const CSV_SCHEMA: Readonly<Record<EntityName, string>> = {
  banks: 'id,code,name,kind,country,currency',
  merchants: 'id,name,mcc,category,country,city,currency',
  customers:
    'id,pan,firstName,lastName,fullName,email,phone,dateOfBirth,locale,address.street,address.city,address.postcode,address.country,accountIds:list,cardIds:list',
  accounts: 'id,accountNumber,customerId,bankId,kind,currency,openingBalance:int',
  cards: 'id,customerId,accountId,brand,number,expMonth:int,expYear:int,cvv,holderName',
  transactions: 'id,kind,fromAccountId,toAccountId,customerId,amount:int,currency,band,offsetMs:int,timestamp,idempotencyKey',
};

export type CsvColumnType = 'str' | 'int' | 'list';

export interface CsvColumn {
  /** The header name: a field, or `outer.inner` for a nested one. */
  name: string;
  type: CsvColumnType;
}

/** The columns of `entity`, in file order. */
export function csvColumns(entity: EntityName): CsvColumn[] {
  return CSV_SCHEMA[entity].split(',').map((spec) => {
    const colon = spec.indexOf(':');
    if (colon < 0) return { name: spec, type: 'str' };
    const type = spec.slice(colon + 1);
    if (type !== 'int' && type !== 'list') throw new Error(`CSV_SCHEMA.${entity}: unknown column type in "${spec}"`);
    return { name: spec.slice(0, colon), type };
  });
}

/** The columns a file must have for its records to be usable (a header missing one is rejected); all are in CSV_SCHEMA. */
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
  const types = new Map(csvColumns(entity).map((c) => [c.name, c.type]));
  const cols = header.map((name) => {
    const dot = name.indexOf('.');
    const type = types.get(name);
    return {
      outer: dot < 0 ? name : name.slice(0, dot),
      inner: dot < 0 ? '' : name.slice(dot + 1),
      kind: type === 'int' ? Kind.Int : type === 'list' ? Kind.List : Kind.Str,
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
