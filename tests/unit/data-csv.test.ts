// lib/data/csv.ts: CSV rows written by the CLI (cli/data/formats.ts) decode back into the exact records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinDataset } from '../../lib/data/builtin.ts';
import { csvRowDecoder } from '../../lib/data/csv.ts';
import { csvHeader, csvRow, parseCsvLine } from '../../cli/data/formats.ts';
import { ENTITY_NAMES } from '../../lib/data/types.ts';

const ds = builtinDataset(7, { asOf: '2026-01-01' });

test('every entity: csvRow → cells → csvRowDecoder gives back the record (types included)', () => {
  for (const entity of ENTITY_NAMES) {
    const decode = csvRowDecoder(entity, parseCsvLine(csvHeader(entity).trimEnd()));
    const records = ds[entity] as readonly object[];
    assert.ok(records.length > 0, entity);
    for (const r of records) assert.deepEqual(decode(parseCsvLine(csvRow(entity, r).trimEnd())), r, `${entity} ${(r as { id: string }).id}`);
  }
});

test('columns are found by header name, not position; empty lists decode to []', () => {
  const decode = csvRowDecoder('customers', ['cardIds', 'id', 'pan', 'firstName', 'lastName', 'fullName', 'email', 'accountIds', 'address.city']);
  assert.deepEqual(decode(['crd_00000001|crd_00000002', 'cus_00000001', 'P', 'F', 'L', 'F L', 'e@example.com', '', 'Pune']), {
    cardIds: ['crd_00000001', 'crd_00000002'], id: 'cus_00000001', pan: 'P', firstName: 'F', lastName: 'L', fullName: 'F L',
    email: 'e@example.com', accountIds: [], address: { city: 'Pune' },
  });
  const card = csvRowDecoder<{ expMonth: number }>('cards', csvHeader('cards').trimEnd().split(','));
  assert.equal(typeof card(['crd_1', 'cus_1', 'acc_1', 'visa', '4111', '7', '2030', '123', 'A B']).expMonth, 'number');
});

test('a header missing a required column is rejected with the column named', () => {
  assert.throws(() => csvRowDecoder('cards', ['id', 'number']), /cards\.csv: header lacks column\(s\) customerId, accountId, brand, expMonth/);
});
