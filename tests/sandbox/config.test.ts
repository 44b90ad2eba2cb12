/** Configuration parsing: defaults and clear messages for bad values. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../sandbox/config.ts';
import { emptyFaults } from '../../sandbox/fault-spec.ts';
import { startSandbox } from '../../sandbox/server.ts';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.paymentPort, 8000);
  assert.equal(c.bankingPort, 8001);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.token, 'sandbox-token');
  assert.equal(c.dbPath, ':memory:');
  assert.equal(c.rateLimit, null);
  assert.deepEqual(c.faults, emptyFaults());
  assert.equal(c.bodyLimit, 1_048_576);
  assert.equal(c.logLevel, 'off');
});

test('env values are parsed', () => {
  const c = loadConfig({
    PAYMENT_PORT: '0',
    BANKING_PORT: '65535',
    SANDBOX_TOKEN: 'abc',
    SANDBOX_DB: '/tmp/x.db',
    SANDBOX_RATE_LIMIT: '6000/1m',
    SANDBOX_FAULTS: 'errors=0.1',
    SANDBOX_BODY_LIMIT: '2048',
    SANDBOX_LOG: 'INFO',
  });
  assert.equal(c.paymentPort, 0);
  assert.equal(c.bankingPort, 65535);
  assert.equal(c.token, 'abc');
  assert.equal(c.dbPath, '/tmp/x.db');
  assert.deepEqual(c.rateLimit, { limit: 6000, windowMs: 60_000, spec: '6000/1m' });
  assert.equal(c.faults.rules.length, 1);
  assert.equal(c.bodyLimit, 2048);
  assert.equal(c.logLevel, 'info');
});

test('bad values are rejected with a clear message', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PAYMENT_PORT: 'abc' }, "PAYMENT_PORT must be an integer 0..65535, got 'abc'"],
    [{ PAYMENT_PORT: '65536' }, "PAYMENT_PORT must be an integer 0..65535, got '65536'"],
    [{ BANKING_PORT: '-1' }, "BANKING_PORT must be an integer 0..65535, got '-1'"],
    [{ BANKING_PORT: '80.5' }, "BANKING_PORT must be an integer 0..65535, got '80.5'"],
    [{ SANDBOX_TOKEN: '' }, 'SANDBOX_TOKEN must be one or more non-empty tokens without whitespace, separated by commas (the value is not shown)'],
    [{ SANDBOX_TOKEN: 'my secret' }, 'SANDBOX_TOKEN must be one or more non-empty tokens without whitespace, separated by commas (the value is not shown)'],
    [{ SANDBOX_TOKEN: 'a,,b' }, 'SANDBOX_TOKEN must be one or more non-empty tokens without whitespace, separated by commas (the value is not shown)'],
    [{ SANDBOX_TOKEN: 'k1,k1' }, 'SANDBOX_TOKEN lists the same token twice (the value is not shown)'],
    [{ SANDBOX_RATE_LIMIT: 'lots' }, "SANDBOX_RATE_LIMIT must look like '<requests>/<window>' (e.g. '100/1s', '6000/1m') or 'off', got 'lots'"],
    [{ SANDBOX_FAULTS: 'latency=soon' }, "SANDBOX_FAULTS is invalid: rule 'latency=soon': 'soon' is not a duration like 200ms, 1.5s, 2m"],
    [{ SANDBOX_FAULTS: 'chaos' }, "SANDBOX_FAULTS is invalid: rule 'chaos': unknown fault 'chaos' (known: latency, ttfb, errors, reset, timeout, no_unique_pan, no_rate_limit, no_idempotency_lock, racy_refunds, racy_captures, float_amounts, slow_storage, failing_storage, corrupt_part, missing_part)"],
    [{ SANDBOX_BODY_LIMIT: '10' }, "SANDBOX_BODY_LIMIT must be an integer number of bytes 1024..1073741824, got '10'"],
    [{ SANDBOX_LOG: 'loud' }, "SANDBOX_LOG must be one of off, error, warn, info, debug, got 'loud'"],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && err.message === message, JSON.stringify(env));
  }
});

test('a port already in use makes startSandbox reject (and release the db)', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const addr = blocker.address();
  assert.ok(addr && typeof addr === 'object');
  try {
    await assert.rejects(startSandbox({ paymentPort: 0, bankingPort: addr.port }), /EADDRINUSE/);
  } finally {
    blocker.close();
  }
});
