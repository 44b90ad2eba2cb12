import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, redact, secretsOf, urlHost } from '../../lib/config.ts';
import { PROFILE_NAMES } from '../../lib/profiles.ts';

const parse = (env: Record<string, string>) => parseConfig(env, PROFILE_NAMES);

function problems(env: Record<string, string>): string {
  try {
    parse(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('defaults', () => {
  const c = parse({});
  assert.equal(c.profile, 'smoke');
  assert.equal(c.cardDeclineRate, 0.05);
});

test('typed values are parsed', () => {
  const c = parse({
    MIN_WAIT_TIME: '1000',
    MAX_WAIT_TIME: '5000',
    SIMULATE_FAILURES: 'true',
    CARD_DECLINE_RATE: '0.2',
    PROFILE: 'load',
  });
  assert.equal(c.minWaitMs, 1000);
  assert.equal(c.simulateFailures, true);
  assert.equal(c.cardDeclineRate, 0.2);
  assert.equal(c.profile, 'load');
});

test('each bad value is named, all at once', () => {
  const msg = problems({
    CARD_DECLINE_RATE: '1.5',
    MIN_WAIT_TIME: '-5',
    PROFILE: 'turbo',
    MERCHANT_COUNT: '2.5',
  });
  assert.match(msg, /CARD_DECLINE_RATE must be a rate in 0\.\.1, got '1\.5'/);
  assert.match(msg, /MIN_WAIT_TIME must be milliseconds >= 0, got '-5'/);
  assert.match(msg, /PROFILE must be one of smoke, load, volume, stress, spike, soak, breakpoint; got 'turbo'/);
  assert.match(msg, /MERCHANT_COUNT must be an integer/);
});

test('MAX_WAIT_TIME below MIN_WAIT_TIME is refused', () => {
  assert.match(problems({ MIN_WAIT_TIME: '500', MAX_WAIT_TIME: '100' }), /MAX_WAIT_TIME \(100\) must be >= MIN_WAIT_TIME \(500\)/);
});

test('urlHost and redact', () => {
  assert.equal(urlHost('http://127.0.0.1:8000/x'), '127.0.0.1');
  assert.equal(urlHost('https://[::1]:9/'), '[::1]');
  assert.equal(urlHost('nope'), null);
  assert.equal(redact('Authorization: Bearer abcd1234 and abcd1234', 'abcd1234'), 'Authorization: Bearer [REDACTED] and [REDACTED]');
});

test('redact takes several secrets and replaces the longest first', () => {
  assert.equal(redact('a tok-1234 b tok-12345678', ['tok-1234', 'tok-12345678']), 'a [REDACTED] b [REDACTED]');
  assert.equal(redact('abc', ['abc']), 'abc', 'secrets under 4 characters are not scrubbed (they would shred ordinary text)');
});

test('secretsOf: the token the scripts send and every token a started sandbox accepts', () => {
  assert.deepEqual(secretsOf({}), ['sandbox-token']);
  assert.deepEqual(secretsOf({ AUTH_TOKEN: 'Bearer tok-aaaa', SANDBOX_TOKEN: 'tok-bbbb, tok-cccc' }), ['tok-aaaa', 'tok-bbbb', 'tok-cccc']);
});

test("secretsOf: a generated service's credentials are secrets by their variable's name, the shell's user is not", () => {
  const env = { ACME_USER: 'sk_test_1234', ACME_PASSWORD: 'pw-5678', SHOP_API_KEY: 'key-9999', SUDO_USER: 'root', PATH: '/usr/bin' };
  assert.deepEqual(secretsOf(env), ['sandbox-token', 'sk_test_1234', 'pw-5678', 'key-9999']);
});
