/** Rate limiting: 429 + Retry-After, per-API-key windows (after auth), per-address anonymous budget, recovery, no_rate_limit fault. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseRateLimit } from '../../sandbox/config.ts';
import { RateLimiter } from '../../sandbox/rate-limit.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { Client, sleep, start, TOKEN } from './helpers.ts';

describe('rate limiter unit', () => {
  test('fixed window: limit, remaining, retry-after, reset', () => {
    const rl = new RateLimiter({ limit: 3, windowMs: 10_000, spec: '3/10s' });
    const t = 1_000_000;
    assert.deepEqual(rl.hit('a', t), { allowed: true, limit: 3, remaining: 2, retryAfterSec: 10 });
    rl.hit('a', t + 1);
    assert.equal(rl.hit('a', t + 2).remaining, 0);
    const denied = rl.hit('a', t + 2500);
    assert.equal(denied.allowed, false);
    assert.equal(denied.retryAfterSec, 8);
    assert.equal(rl.hit('a', t + 9999).retryAfterSec, 1, 'retry-after is never 0');
    assert.equal(rl.hit('b', t + 2500).allowed, true, 'clients are independent');
    assert.equal(rl.hit('a', t + 10_000).allowed, true, 'new window');
  });

  test('parses SANDBOX_RATE_LIMIT syntax', () => {
    assert.deepEqual(parseRateLimit('100/1s'), { limit: 100, windowMs: 1000, spec: '100/1s' });
    assert.deepEqual(parseRateLimit('6000/1m'), { limit: 6000, windowMs: 60_000, spec: '6000/1m' });
    assert.equal(parseRateLimit('50/s')?.windowMs, 1000);
    assert.equal(parseRateLimit('10/500ms')?.windowMs, 500);
    assert.equal(parseRateLimit('off'), null);
    assert.equal(parseRateLimit(''), null);
    assert.equal(parseRateLimit(undefined), null);
    for (const bad of ['100', '0/1s', 'x/1s', '100/1d', '100/', '-1/1s', '1.5/1s']) {
      assert.throws(() => parseRateLimit(bad), /SANDBOX_RATE_LIMIT must look like '<requests>\/<window>'/, bad);
    }
  });
});

describe('rate limiting over HTTP', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start({ rateLimit: '5/1s', token: `${TOKEN},second-client` }));
  });
  after(() => sb.close());

  test('429 with Retry-After after the limit, then recovers', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 8; i++) {
      // the header a client chooses does not decide its identity: rotating it changes nothing
      last = await api.pay('GET', '/api/v1/stats', { headers: { 'x-client-id': `rotating-${i}` } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.ok(last);
    assert.equal(last.body.error.code, 'rate_limited');
    const retry = Number(last.headers.get('retry-after'));
    assert.equal(retry, 1);
    assert.equal(last.headers.get('x-ratelimit-limit'), '5');
    assert.equal(last.headers.get('x-ratelimit-remaining'), '0');

    const other = await api.bank('GET', '/api/v1/stats', { auth: 'second-client' });
    assert.equal(other.status, 200, 'another API key has its own window (shared across both ports)');
    assert.equal(other.headers.get('x-ratelimit-remaining'), '4');
    assert.equal((await api.pay('GET', '/health')).status, 200, '/health is exempt');

    await sleep(retry * 1000 + 50);
    const recovered = await api.pay('GET', '/api/v1/stats');
    assert.equal(recovered.status, 200);
  });

  test('unauthenticated requests have their own budget per remote address', async () => {
    await sleep(1050);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.bank('GET', '/api/v1/stats', { auth: false, headers: { 'x-client-id': `anon-${i}` } })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    assert.equal((await api.bank('GET', '/api/v1/stats')).status, 200, 'an authenticated client is not charged for them');
    assert.equal((await api.bank('GET', '/api/v1/stats', { auth: 'wrong-token' })).status, 429, 'a wrong token is anonymous');
  });

  test('no_rate_limit fault bypasses the configured limiter', async () => {
    await api.pay('PUT', '/admin/faults', { body: { spec: 'no_rate_limit' } });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => api.pay('GET', '/api/v1/stats')));
      assert.ok(results.every((r) => r.status === 200));
    } finally {
      await api.pay('DELETE', '/admin/faults');
    }
  });
});
