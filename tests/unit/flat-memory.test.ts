import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BYTES_PER_REQUEST, FLAT_AFTER_SECONDS, memoryNote, planMode } from '../../lib/flat-memory.ts';
import { ConfigError } from '../../lib/config.ts';

test('PROFILE=soak and runs longer than the limit use flat memory by default; short runs keep their samples', () => {
  assert.deepEqual([planMode({ PROFILE: 'soak' }).flat, planMode({ PROFILE: 'soak' }).reason], [true, 'PROFILE=soak']);
  assert.equal(planMode({ PROFILE: 'soak', DURATION: '1m' }).flat, true);
  assert.equal(planMode({ PROFILE: 'load' }).flat, false);
  assert.equal(planMode({ PROFILE: 'smoke' }).flat, false);
  assert.equal(planMode({ PROFILE: 'load', DURATION: `${FLAT_AFTER_SECONDS}s` }).flat, false);
  const long = planMode({ PROFILE: 'load', DURATION: `${FLAT_AFTER_SECONDS + 1}s` });
  assert.equal(long.flat, true);
  assert.match(long.reason, /longer than 900 s/);
  assert.equal(long.required, false);
});

test('FLAT_MEMORY=on requires it, off refuses it, anything else is refused naming the variable', () => {
  assert.deepEqual([planMode({ FLAT_MEMORY: 'on' }).flat, planMode({ FLAT_MEMORY: 'on' }).required], [true, true]);
  assert.equal(planMode({ FLAT_MEMORY: 'off', PROFILE: 'soak' }).flat, false);
  assert.equal(planMode({ FLAT_MEMORY: 'auto', PROFILE: 'soak' }).flat, true);
  assert.throws(() => planMode({ FLAT_MEMORY: 'yes' }), (e: Error) => e instanceof ConfigError && /FLAT_MEMORY must be one of auto, on, off; got 'yes'/.test(e.message));
  assert.throws(() => planMode({ PROFILE: 'soak', DURATION: 'forever' }), /DURATION/);
});

test('the memory note states the planned requests times the measured bytes per request', () => {
  // soak: 50 iterations/s for 30 minutes = 90,000 iterations, at least 21 MB.
  const soak = planMode({ PROFILE: 'soak', FLAT_MEMORY: 'off' });
  assert.equal(soak.plannedRequests, 90_000);
  assert.match(memoryNote(soak), /planned 90,000 iterations .* at least 21 MB .*237 bytes per request/);
  const day = planMode({ PROFILE: 'soak', FLAT_MEMORY: 'off', RATE: '500', DURATION: '8h' });
  assert.match(memoryNote(day), new RegExp(`at least ${Math.round((500 * 8 * 3600 * BYTES_PER_REQUEST) / 1e6).toLocaleString('en-US')} MB`));
  // A closed model has no planned rate: the note gives the cost per request and per million.
  const smoke = planMode({ PROFILE: 'smoke' });
  assert.equal(smoke.plannedRequests, null);
  assert.match(memoryNote(smoke), /237 bytes per request \(237 MB per million requests\)/);
});

test('a failed push is recognised in k6 v2.2\'s own log lines, and an ordinary line is not', async () => {
  const { PUSH_FAILURE } = await import('../../cli/distributed/runners.ts');
  // As internal/output/prometheusrw/remotewrite/remotewrite.go logs them.
  assert.match('time="2026-12-07T09:30:00Z" level=error msg="Failed to send the time series data to the endpoint" error="got status code: 400 instead of expected: 200; refused" output="Prometheus remote write"', PUSH_FAILURE);
  // A slow flush delays samples (the flusher is sequential and buffers them); it loses none.
  assert.doesNotMatch('level=warning msg="Successful flushed time series to remote write endpoint but it took 1.017599624s while flush period is 1s. Some samples may be dropped." nts=96', PUSH_FAILURE);
  assert.doesNotMatch('level=info msg="Successful flushed time series to remote write endpoint" nts=40 took=3ms', PUSH_FAILURE);
});
