// The distributed setups split one test with k6 execution segments: docker-compose.yml's service graph as
// compose resolves it, and two complementary segments side by side against a local sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { FAST, runK6 } from '../helpers/k6.ts';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
}

/** The file as compose resolves it (anchors, variables); `docker-compose config` also validates it. */
function resolved(): Record<string, Service> {
  execFileSync('docker-compose', ['config', '-q']);
  return (parse(execFileSync('docker-compose', ['config'], { encoding: 'utf8' })) as { services: Record<string, Service> }).services;
}

/** The k6 arguments a runner's own shell command computes, through a stand-in `k6` that prints them. */
function k6ArgsOf(s: Service, bin: string): string[] {
  const env = { ...Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, String(v)])), PATH: `${bin}:${process.env.PATH}`, REPORT_DIR: join(bin, 'r') };
  return execFileSync('sh', ['-c', s.command![0]!.replace(/\$\$/g, '$')], { env, encoding: 'utf8' }).trim().split('\n');
}

test('docker-compose.yml: valid; runners cover every segment once with distinct labels; the coordinator waits for them, Prometheus and the sandbox; images pinned', () => {
  const services = resolved();
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { k6: { version: string } };
  const bin = mkdtempSync(join(tmpdir(), 'paykit-fake-k6-'));
  writeFileSync(join(bin, 'k6'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
  try {
    const runners = Object.entries(services).filter(([name]) => /^k6-r\d+$/.test(name));
    const n = Number(services['k6-r0']!.environment!.RUNNERS);
    assert.equal(runners.length, n, 'one k6-r<i> service per runner (RUNNERS)');
    const covered: string[] = [];
    const labels = new Set<string>();
    const sequences = new Set<string>();
    for (const [name, s] of [...runners, ['k6-setup', services['k6-setup']!] as const]) {
      assert.equal(s.image, `grafana/k6:${pkg.k6.version.replace(/^v/, '')}`, name);
      const args = k6ArgsOf(s, bin);
      for (const flag of ['--paused', '--linger', '--no-thresholds', '--no-teardown']) assert.ok(args.includes(flag), `${name}: ${flag}`);
      assert.equal(args[args.indexOf('-o') + 1], 'experimental-prometheus-rw', name);
      labels.add(args[args.indexOf('--tag') + 1]!);
      if (name === 'k6-setup') {
        assert.ok(!args.includes('--execution-segment'), 'the setup runner runs no segment');
        continue;
      }
      assert.ok(args.includes('--no-setup'), name);
      covered.push(args[args.indexOf('--execution-segment') + 1]!);
      sequences.add(args[args.indexOf('--execution-segment-sequence') + 1]!);
    }
    assert.equal(labels.size, n + 1, `distinct runner labels: ${[...labels].join(' ')}`);
    assert.equal(sequences.size, 1, 'one shared segment sequence');
    const points = [...sequences][0]!.split(',');
    assert.deepEqual(covered.sort(), points.slice(0, -1).map((p, i) => `${p}:${points[i + 1]}`).sort(), 'every segment exactly once');
    const waits = Object.keys(services.coordinator!.depends_on ?? {});
    for (const dep of ['sandbox', 'prometheus', 'k6-setup', ...runners.map(([name]) => name)]) assert.ok(waits.includes(dep), `coordinator depends on ${dep}`);
    for (const [name, s] of Object.entries(services)) {
      if (s.image) assert.match(s.image, /:v?\d+\.\d+\.\d+(-[a-z]+)?$/, `${name} pins its image version`);
    }
    assert.match(services.prometheus!.command!.join(' '), /--web.enable-remote-write-receiver.*--enable-feature=native-histograms/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
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
