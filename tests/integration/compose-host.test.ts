// docker-compose.host.yml over docker-compose.yml, as compose resolves them (no engine needed): both are
// valid; everything `npm run compose` starts is on the host's network (or none) from the kit's own
// images; what the override repeats from docker-compose.yml says the same; and the load runners' own
// command, given RUNNER_PORTS, listens and publishes on 127.0.0.1 with a port per index.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGES } from '../../cli/compose/images.ts';
import { resolvedCompose, runServiceCommand, type ComposeService } from '../helpers/compose.ts';
import { needing } from '../helpers/system.ts';

const compose = needing('docker-compose');

const HOST = ['docker-compose.yml', 'docker-compose.host.yml'];

/** `up coordinator` starts the coordinator and what it depends on, transitively. */
function started(services: Record<string, ComposeService>, from = 'coordinator', seen = new Set<string>()): Set<string> {
  seen.add(from);
  for (const dep of Object.keys(services[from]!.depends_on ?? {})) if (!seen.has(dep)) started(services, dep, seen);
  return seen;
}

compose.test('both files are valid; every service npm run compose starts is on the host network (or none), from the kit\'s images, and reaches the others on 127.0.0.1', () => {
  const base = resolvedCompose(['docker-compose.yml']);
  const tmp = mkdtempSync(join(tmpdir(), 'paykit-compose-host-'));
  const knobs = join(tmp, 'knobs.env');
  writeFileSync(knobs, 'DURATION=7s\nPAYMENT_SERVICE_URL=http://not-this\n');
  const host = resolvedCompose(HOST, { PAYMENT_PORT: '18000', BANKING_PORT: '18001', PROMETHEUS_PORT: '19090', SETUP_PORT: '16565', RUNNER_PORTS: '16566,16567', PAYKIT_KNOBS: knobs });
  rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(Object.keys(host).sort(), Object.keys(base).sort(), 'the override adds no service');
  const up = started(host);
  assert.deepEqual([...up].sort(), ['coordinator', 'k6-bin', 'k6-claims', 'k6-runner', 'k6-setup', 'prometheus', 'sandbox']);
  for (const name of up) {
    const s = host[name]!;
    assert.ok(['host', 'none'].includes(s.network_mode!), `${name}: network_mode ${s.network_mode}`);
    assert.ok((Object.values(IMAGES) as string[]).includes(s.image!), `${name}: ${s.image} is not one of the images built here`);
  }
  assert.deepEqual(host['grafana']!.profiles, ['grafana'], 'Grafana (no Debian package) is not started locally');
  for (const name of ['k6-setup', 'k6-runner', 'coordinator']) {
    const env = host[name]!.environment!;
    assert.equal(env['PAYMENT_SERVICE_URL'], 'http://127.0.0.1:18000', name);
    assert.equal(env['BANKING_API_URL'], 'http://127.0.0.1:18001', name);
    assert.equal(env['K6_PROMETHEUS_RW_SERVER_URL'], 'http://127.0.0.1:19090/api/v1/write', name);
    assert.equal(env['DURATION'], '7s', `${name} takes the knobs file`);
  }
  assert.equal(host['k6-setup']!.environment!['RUNNER_ADDRESS'], '127.0.0.1:16565');
  assert.equal(host['k6-runner']!.environment!['RUNNER_PORTS'], '16566,16567');
  assert.equal(host['coordinator']!.environment!['PROMETHEUS_URL'], 'http://127.0.0.1:19090');
  assert.equal(host['coordinator']!.environment!['SETUP_ADDRESS'], '127.0.0.1:16565');
  assert.equal(host['sandbox']!.environment!['SANDBOX_HOST'], '127.0.0.1');
  assert.equal(host['sandbox']!.environment!['DURATION'], undefined, 'the knobs are the runners\' and the coordinator\'s');
});

compose.test('what the override repeats from docker-compose.yml says the same: Prometheus\'s flags, the coordinator\'s command', () => {
  const base = resolvedCompose(['docker-compose.yml']);
  const host = resolvedCompose(HOST, { PROMETHEUS_PORT: '19090' });
  const baseFlags = base['prometheus']!.command!;
  const hostFlags = host['prometheus']!.command!;
  assert.deepEqual(hostFlags.filter((f) => !/^--(web\.listen-address|storage\.tsdb\.path)=/.test(f)), baseFlags, 'only the listen address and the storage path are added');
  // docker-compose.yml's coordinator installs node_modules and runs through npx; here the host's
  // node_modules are mounted, there is no npm in the image, and the setup runner is on 127.0.0.1.
  const baseCmd = base['coordinator']!.command!.at(-1)!;
  const expected = baseCmd
    .slice(baseCmd.indexOf('exec npx tsx cli/distributed.ts'))
    .replace('npx tsx', 'node --import tsx')
    .replace('--setup k6-setup:6565', () => '--setup "$$SETUP_ADDRESS"');
  assert.equal(host['coordinator']!.command!.at(-1), expected);
  assert.deepEqual(host['k6-runner']!.command, base['k6-runner']!.command, 'the runners\' command is docker-compose.yml\'s own');
});


compose.test('with RUNNER_PORTS each replica listens on 127.0.0.1 at its index\'s port and claims that address; an index with no port is refused', async () => {
  const ports = ['16566', '16567', '16568'];
  const runner = resolvedCompose(HOST, { RUNNERS: '3', TEST_ID: 'ports', RUNNER_PORTS: ports.join(',') })['k6-runner']!;
  const tmp = mkdtempSync(join(tmpdir(), 'paykit-compose-host-'));
  try {
    // A stand-in k6 prints its arguments; `hostname -i` must not be asked (the address is not 0.0.0.0).
    writeFileSync(join(tmp, 'k6'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
    writeFileSync(join(tmp, 'hostname'), '#!/bin/sh\necho "hostname was called" >&2; exit 1\n', { mode: 0o755 });
    const env = { PATH: `${tmp}:${process.env.PATH}`, RUNNER_CLAIMS: join(tmp, 'claims'), REPORT_DIR: join(tmp, 'r') };
    const runs = await Promise.all([0, 1, 2].map(() => runServiceCommand(runner, env)));
    const byLabel = new Map<string, string>();
    for (const r of runs) {
      assert.equal(r.code, 0, r.err);
      const lines = r.out.trim().split('\n');
      const claimed = /^claimed (r(\d)) at (127\.0\.0\.1:\d+)$/.exec(lines[0]!);
      assert.ok(claimed, r.out);
      const address = lines[lines.indexOf('--address') + 1];
      assert.equal(address, `127.0.0.1:${ports[Number(claimed[2])]}`, 'listens on the port of its index');
      assert.equal(claimed[3], address, 'claims the address it listens on');
      assert.equal(readFileSync(join(tmp, 'claims', 'ports', claimed[2]!, 'address'), 'utf8').trim(), address);
      byLabel.set(claimed[1]!, address);
    }
    assert.deepEqual([...byLabel.keys()].sort(), ['r0', 'r1', 'r2']);
    const short = await runServiceCommand(runner, { ...env, TEST_ID: 'short', RUNNERS: '3', RUNNER_PORTS: '16566', RUNNER_INDEX: '2' });
    assert.equal(short.code, 1);
    assert.match(short.err, /RUNNER_PORTS '16566' has no port for index 2/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
