// The distributed setups split one test with k6 execution segments. Run the exact k6 commands of
// docker-compose.yml side by side against a local sandbox: each instance runs its share and passes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { FAST, runK6 } from '../helpers/k6.ts';

interface Compose {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
}

test('docker-compose k6 instances pin k6 2.2.0 and cover the whole test with their execution segments', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as Compose;
  const k6 = Object.entries(compose.services).filter(([name]) => name.startsWith('k6-'));
  assert.equal(k6.length, 2);
  const segments = k6.map(([, s]) => {
    assert.equal(s.image, 'grafana/k6:2.2.0');
    assert.equal(s.environment?.PAYMENT_SERVICE_URL, 'http://sandbox:8000');
    return /--execution-segment (\S+) --execution-segment-sequence (\S+)/.exec(s.command!.join(' '))!.slice(1);
  });
  assert.deepEqual(segments.map((s) => s[0]).sort(), ['0:1/2', '1/2:1']);
  assert.equal(new Set(segments.map((s) => s[1])).size, 1, 'one shared segment sequence');
});

test('two k6 instances with complementary segments each run their share of the VUs and pass', async () => {
  const sb = await startSandboxProcess();
  try {
    const env = { ...FAST, PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl, VUS: '4', DURATION: '4s' };
    const seq = ['--execution-segment-sequence', '0,1/2,1'];
    const [a, b] = await Promise.all([
      runK6('payment', env, ['--execution-segment', '0:1/2', ...seq]),
      runK6('payment', env, ['--execution-segment', '1/2:1', ...seq]),
    ]);
    assert.equal(a.code, 0, a.stderr.slice(-1000));
    assert.equal(b.code, 0, b.stderr.slice(-1000));
    assert.ok(a.report!.iterations.count > 0 && b.report!.iterations.count > 0, 'both instances ran iterations');
  } finally {
    await sb.stop();
  }
});
