import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardRisk, hostGuard, k6Scenario, durationSeconds, productionGuard, PROFILE_NAMES, resolveProfile } from '../../lib/profiles.ts';

test('every profile resolves to a k6 scenario of the right executor', () => {
  for (const name of PROFILE_NAMES) {
    const p = resolveProfile({ PROFILE: name });
    const s = k6Scenario(p, 'fn') as { executor: string };
    if (name === 'smoke') assert.equal(s.executor, 'constant-vus');
    else assert.match(s.executor, /arrival-rate/, name);
  }
  assert.equal(resolveProfile({ PROFILE: 'soak' }).durationSeconds, 1800);
});

test('RATE, VUS and DURATION scale a profile', () => {
  const p = resolveProfile({ PROFILE: 'volume', RATE: '50', VUS: '10', DURATION: '1m' });
  const s = k6Scenario(p, 'fn') as { rate: number; preAllocatedVUs: number; duration: string };
  assert.equal(s.rate, 50);
  assert.equal(s.preAllocatedVUs, 10);
  assert.equal(s.duration, '1m');
  assert.equal(p.expectedIterations, 3000);
});

test('ramping profiles keep their shape and compute the mean rate', () => {
  const p = resolveProfile({ PROFILE: 'load', RATE: '100', DURATION: '100s' });
  const s = k6Scenario(p, 'fn') as { stages: { duration: string; target: number }[] };
  assert.deepEqual(s.stages, [
    { duration: '10s', target: 100 },
    { duration: '80s', target: 100 },
    { duration: '10s', target: 0 },
  ]);
  assert.equal(p.meanRate, 90);
});

test('impossible values fail before load, naming the variable', () => {
  assert.throws(() => resolveProfile({ PROFILE: 'nope' }), /PROFILE must be one of/);
  assert.throws(() => resolveProfile({ PROFILE: 'load', RATE: '-3' }), /RATE must be iterations per second/);
  assert.throws(() => resolveProfile({ VUS: '0' }), /VUS must be an integer/);
  assert.throws(() => resolveProfile({ DURATION: '10 minutes' }), /DURATION must be a k6 duration/);
  assert.throws(() => resolveProfile({ PROFILE: 'smoke', RATE: '10' }), /RATE does not apply/);
  assert.equal(durationSeconds('1h30m'), 5400);
  assert.ok(Number.isNaN(durationSeconds('5')));
});

test('the production guard stops heavy profiles against hosts outside the allow-list', () => {
  const allowed = ['localhost', '127.0.0.1'];
  const load = resolveProfile({ PROFILE: 'load' });
  assert.match(productionGuard(load, ['pay.example.com'], allowed, false) ?? '', /ALLOW_REMOTE_LOAD=true/);
  assert.equal(productionGuard(load, ['pay.example.com'], allowed, true), null);
  assert.equal(productionGuard(load, ['127.0.0.1'], allowed, false), null);
  assert.equal(productionGuard(resolveProfile({}), ['pay.example.com'], allowed, false), null);
});

test('one host guard: intrusive scenarios are guarded whatever the profile, loopback passes only through ALLOWED_HOSTS', () => {
  const allowed = ['localhost', '127.0.0.1'];
  const smoke = resolveProfile({});
  const risk = guardRisk('registration-race', smoke, true);
  assert.match(hostGuard(risk, ['bank.example.com'], allowed, false) ?? '', /scenario 'registration-race' .*bank\.example\.com.*ALLOW_REMOTE_LOAD=true/);
  assert.equal(hostGuard(risk, ['bank.example.com'], allowed, true), null);
  assert.equal(hostGuard(risk, ['127.0.0.1', 'localhost'], allowed, false), null);
  // A port-forward is loopback too: only the allow-list decides.
  assert.match(hostGuard(risk, ['127.0.0.2'], allowed, false) ?? '', /127\.0\.0\.2/);
  assert.match(hostGuard(guardRisk('x', null, true), [''], allowed, false) ?? '', /ALLOWED_HOSTS/);
  assert.equal(guardRisk('payment', smoke, false), null);
  assert.match(guardRisk('payment', resolveProfile({ PROFILE: 'load' }), false) ?? '', /profile 'load' is heavier than smoke/);
});
