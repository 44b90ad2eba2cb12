import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../lib/duration.ts';

test('one duration grammar for the kit and the sandbox: k6 units, compound, milliseconds out', () => {
  assert.equal(parseDuration('200ms'), 200);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration(' 2m '), 120_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  for (const bad of ['', '5', 's', '1d', '-1s', '1 s', '1s2']) assert.equal(parseDuration(bad), undefined, bad);
  assert.deepEqual([120_000, 30_000, 250, 0].map(formatDuration), ['2m', '30s', '250ms', '0ms']);
});
