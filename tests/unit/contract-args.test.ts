// cli/contract.ts's arguments and pin: defaults (100 examples, seeds 1-3), repeated seeds, pass-through after
// a second `--`, and usage errors that name the flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseContractArgs, pinnedVersion } from '../../cli/contract.ts';

test('defaults: 100 examples per operation, seeds 1, 2 and 3, nothing passed through', () => {
  assert.deepEqual(parseContractArgs([]), { maxExamples: 100, seeds: [1, 2, 3], extra: [] });
});

test('flags, repeated seeds, and st options after a second --', () => {
  assert.deepEqual(parseContractArgs(['--max-examples', '20', '--seed', '7', '--seed', '8', '--', '--rate-limit', '50/s']), {
    maxExamples: 20,
    seeds: [7, 8],
    extra: ['--rate-limit', '50/s'],
  });
});

test('usage errors name the flag', () => {
  assert.throws(() => parseContractArgs(['--max-examples', '0']), /--max-examples must be an integer >= 1, got '0'/);
  assert.throws(() => parseContractArgs(['--seed', 'x']), /--seed must be an integer >= 0/);
  assert.throws(() => parseContractArgs(['--examples', '5']), /examples/);
});

test('package.json pins an exact Schemathesis version', () => {
  assert.match(pinnedVersion(), /^[0-9]+\.[0-9]+\.[0-9]+$/);
});
