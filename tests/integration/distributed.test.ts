// The distributed setups split one test with k6 execution segments: docker-compose.yml's service graph as
// compose resolves it for several RUNNERS, its replicas' own command claiming their segments side by side,
// and two complementary segments run against a local sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readClaims } from '../../cli/distributed/claims.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { FAST, runK6 } from '../helpers/k6.ts';
import { resolvedCompose, runServiceCommand, type ComposeService } from '../helpers/compose.ts';
import { needing } from '../helpers/system.ts';

const compose = needing('docker-compose');

const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]!;
const fraction = (p: string) => p.split('/').map(Number).reduce((a, b) => a / b);

for (const n of [1, 3, 5]) {
  compose.test(`docker-compose.yml with RUNNERS=${n}: valid; ${n} replicas claim every segment once with distinct labels and publish their addresses; the coordinator finds them`, async () => {
    const services = resolvedCompose(['docker-compose.yml'], { RUNNERS: String(n), TEST_ID: 'graph' });
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { k6: { version: string } };
    const tmp = mkdtempSync(join(tmpdir(), 'paykit-compose-'));
    // Stand-ins: `k6` prints its arguments; `hostname -i` prints the replica's address (two, as on a dual-stack host).
    writeFileSync(join(tmp, 'k6'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
    writeFileSync(join(tmp, 'hostname'), '#!/bin/sh\n[ "$1" = -i ] && echo "$FAKE_IP fd00::1"\n', { mode: 0o755 });
    const claims = join(tmp, 'claims');
    const base = { PATH: `${tmp}:${process.env.PATH}`, RUNNER_CLAIMS: claims, REPORT_DIR: join(tmp, 'r') };
    try {
      const runner = services['k6-runner']!;
      assert.deepEqual(Object.keys(services).filter((s) => /^k6-r\d+$/.test(s)), [], 'no service per runner: one replicated service');
      assert.equal(runner.deploy?.replicas, n, 'replicas: RUNNERS');
      assert.equal(String(runner.environment!.RUNNERS), String(n));
      for (const name of ['k6-runner', 'k6-setup']) assert.equal(services[name]!.image, `grafana/k6:${pkg.k6.version.replace(/^v/, '')}`, name);

      // Stale claims of an earlier run with this test id are emptied by k6-claims before any runner starts.
      execFileSync('mkdir', ['-p', join(claims, 'graph', '0')]);
      assert.equal((await runServiceCommand(services['k6-claims']!, { RUNNER_CLAIMS: claims })).code, 0);
      assert.deepEqual(readdirSync(claims), []);
      assert.equal(runner.depends_on?.['k6-claims']?.condition, 'service_completed_successfully');

      // All replicas start at once, as compose starts them: the mkdir claims must not collide.
      const ips = Array.from({ length: n }, (_, j) => `10.0.7.${j + 10}`);
      const runs = await Promise.all(ips.map((ip) => runServiceCommand(runner, { ...base, FAKE_IP: ip })));
      assert.equal(services['k6-setup']!.environment!.RUNNER_CLAIMS, undefined, 'the setup runner claims no slot');
      const setupRun = await runServiceCommand(services['k6-setup']!, { PATH: base.PATH, REPORT_DIR: base.REPORT_DIR });
      const covered: string[] = [];
      const labels = new Set<string>();
      const sequences = new Set<string>();
      const labelOf = new Map<string, string>();
      for (const [j, r] of [...runs, setupRun].entries()) {
        assert.equal(r.code, 0, r.err);
        const args = r.out.trim().split('\n');
        for (const f of ['--paused', '--linger', '--no-thresholds', '--no-teardown']) assert.ok(args.includes(f), `process ${j}: ${f}`);
        assert.equal(flag(args, '-o'), 'experimental-prometheus-rw');
        assert.equal(flag(args, '--address'), '0.0.0.0:6565');
        const label = flag(args, '--tag').replace(/^runner=/, '');
        labels.add(label);
        if (j === n) {
          assert.equal(label, 'setup');
          assert.ok(!args.includes('--execution-segment') && !args.includes('--no-setup'), 'the setup runner runs no segment, and setup()');
          continue;
        }
        labelOf.set(`${ips[j]}:6565`, label);
        assert.ok(args.includes('--no-setup'));
        assert.ok(args.includes('--summary-mode=disabled'), 'a load runner keeps no per-sample store');
        covered.push(flag(args, '--execution-segment'));
        sequences.add(flag(args, '--execution-segment-sequence'));
      }
      assert.equal(labels.size, n + 1, `distinct runner labels: ${[...labels].join(' ')}`);
      assert.deepEqual([...labels].filter((l) => l !== 'setup').sort(), Array.from({ length: n }, (_, i) => `r${i}`).sort());
      assert.equal(sequences.size, 1, 'one shared segment sequence');
      const points = [...sequences][0]!.split(',');
      assert.equal(points.length, n + 1);
      assert.deepEqual(points.map(fraction), Array.from({ length: n + 1 }, (_, i) => i / n), 'the sequence cuts [0,1] in N equal parts');
      assert.deepEqual(covered.sort(), points.slice(0, -1).map((p, i) => `${p}:${points[i + 1]}`).sort(), 'every segment of [0,1] exactly once');

      // The coordinator's reading of the claims: N runners, each label at the address of the process that has it.
      const found = readClaims(join(claims, 'graph'), n);
      assert.deepEqual(found.pending, []);
      assert.equal(found.remote.length, n);
      for (const entry of found.remote) {
        const [label, address] = entry.split('=') as [string, string];
        assert.equal(labelOf.get(address), label, `${entry}: the address of the replica labelled ${label}`);
      }
      // One replica more than RUNNERS finds no slot and says why, instead of running a segment twice.
      const extra = await runServiceCommand(runner, { ...base, FAKE_IP: '10.0.7.99' });
      assert.notEqual(extra.code, 0);
      assert.match(extra.err, new RegExp(`no free runner slot in .*graph \\(RUNNERS=${n}`));
      assert.ok(!existsSync(join(claims, 'graph', String(n))));

      const coordinator = services.coordinator!;
      const waits = Object.keys(coordinator.depends_on ?? {});
      for (const dep of ['sandbox', 'prometheus', 'k6-setup', 'k6-runner']) assert.ok(waits.includes(dep), `coordinator depends on ${dep}`);
      assert.equal(String(coordinator.environment!.RUNNERS), String(n));
      assert.equal(coordinator.environment!.RUNNER_CLAIMS, runner.environment!.RUNNER_CLAIMS);
      assert.match(coordinator.command!.join(' '), /--remote-from "\$\$RUNNER_CLAIMS\/\$\$TEST_ID" --runners "\$\$RUNNERS" --setup k6-setup:6565/);
      const mount = (s: ComposeService) => s.volumes!.find((v) => v.startsWith('claims:'))?.split(':')[1];
      assert.equal(mount(coordinator), runner.environment!.RUNNER_CLAIMS, 'the coordinator reads the claims volume where the runners write it');
      assert.equal(mount(runner), runner.environment!.RUNNER_CLAIMS);
      for (const [name, s] of Object.entries(services)) {
        if (s.image) assert.match(s.image, /:v?\d+\.\d+\.\d+(-[a-z]+)?$/, `${name} pins its image version`);
      }
      assert.match(services.prometheus!.command!.join(' '), /--web.enable-remote-write-receiver.*--enable-feature=native-histograms/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

compose.test('a runner given RUNNER_INDEX (a StatefulSet ordinal) takes exactly that slot; a taken or out-of-range index is refused; without claims it runs that segment alone', async () => {
  const runner = resolvedCompose(['docker-compose.yml'], { RUNNERS: '3' })['k6-runner']!;
  const tmp = mkdtempSync(join(tmpdir(), 'paykit-compose-'));
  writeFileSync(join(tmp, 'k6'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
  const env = { PATH: `${tmp}:${process.env.PATH}`, RUNNER_CLAIMS: join(tmp, 'claims'), REPORT_DIR: join(tmp, 'r'), RUNNER_ADDRESS: '127.0.0.1:7001', TEST_ID: 't' };
  try {
    const one = await runServiceCommand(runner, { ...env, RUNNER_INDEX: '1' });
    assert.equal(one.code, 0, one.err);
    assert.equal(flag(one.out.trim().split('\n'), '--execution-segment'), '1/3:2/3');
    assert.deepEqual(readClaims(join(tmp, 'claims', 't'), 3), { remote: ['r1=127.0.0.1:7001'], pending: [0, 2] });
    const again = await runServiceCommand(runner, { ...env, RUNNER_INDEX: '1' });
    assert.notEqual(again.code, 0);
    assert.match(again.err, /no free runner slot/);
    const outside = await runServiceCommand(runner, { ...env, RUNNER_INDEX: '3' });
    assert.notEqual(outside.code, 0);
    assert.match(outside.err, /RUNNER_INDEX 3 is not below RUNNERS=3/);
    // Without a claims directory (pods given --remote by hand): the segment and label of the index alone.
    const { RUNNER_CLAIMS: _, ...unclaimed } = env;
    const two = await runServiceCommand({ ...runner, environment: Object.fromEntries(Object.entries(runner.environment!).filter(([k]) => k !== 'RUNNER_CLAIMS')) }, { ...unclaimed, RUNNER_INDEX: '2' });
    assert.equal(two.code, 0, two.err);
    const args = two.out.trim().split('\n');
    assert.equal(flag(args, '--execution-segment'), '2/3:1');
    assert.equal(flag(args, '--tag'), 'runner=r2');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
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
