// `npm run compose -- payment --runners 3` for real: a Docker engine (the running one, or dockerd started
// by the command), the images built here, the stack on the host network. Healthy it passes (exit 0); with
// the sandbox's payments slower than their p95 budget it fails (99); with a runner container killed
// mid-run it is an error naming that runner and its container. After each, no container, volume or
// network of its compose project is left. Short runs (DURATION) keep it to about two minutes.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROJECT_LABEL } from '../../cli/compose/stack.ts';
import { FAST } from '../helpers/k6.ts';
import { needing, packageBinary } from '../helpers/system.ts';

const docker = needing('docker.io', 'debootstrap', 'docker-compose');

interface Run {
  code: number | null;
  out: string;
  project: string;
  summary: { verdict: string; durationSeconds: number; requests: { count: number }; runners: Array<{ runner: string; requests: number | null }>; thresholds: Array<{ metric: string; expression: string; ok: boolean }> } | null;
}

/** Runs the command; `during` is called once the runners are released, with the project name. */
function compose(env: Record<string, string>, during?: (project: string) => void): Promise<Run> {
  const project = `paykit-test-${randomBytes(3).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/compose.ts', 'payment', '--runners', '3', '--project', project], {
    env: { ...process.env, ...FAST, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let called = false;
  const onData = (b: Buffer) => {
    out += b.toString();
    if (during && !called && /released 3 remote runners/.test(out)) {
      called = true;
      during(project);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const dir = /reports in (\S+?);/.exec(out)?.[1];
      const summary = dir ? (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Run['summary']) : null;
      resolve({ code, out, project, summary });
    }),
  );
}

/** The project's containers, volumes and networks that still exist, by compose's label (an engine must answer). */
async function left(project: string): Promise<string[]> {
  const found: string[] = [];
  const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  // The command stops an engine it started: start one the same way to look, and stop it again, waiting
  // until the process is gone (its pid file would make the next command's dockerd refuse to start).
  let started: ChildProcess | null = null;
  if (engine.status !== 0) {
    started = spawn(packageBinary('docker.io')!, ['--bridge=none', '--iptables=false', '--ip6tables=false'], { stdio: 'ignore' });
    for (let i = 0; i < 240 && spawnSync('docker', ['version'], { stdio: 'ignore' }).status !== 0; i++) await sleep(250);
  }
  try {
    for (const what of [['ps', '-aq'], ['volume', 'ls', '-q'], ['network', 'ls', '-q']]) {
      const r = spawnSync('docker', [...what, '--filter', `label=${PROJECT_LABEL}=${project}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      found.push(...r.stdout.split('\n').filter(Boolean).map((id) => `${what[0]} ${id}`));
    }
  } finally {
    if (started && started.exitCode === null) {
      const gone = new Promise((resolve) => started!.once('close', resolve));
      started.kill('SIGTERM');
      await gone;
    }
  }
  return found;
}

docker.test('healthy sandbox: exit 0, every runner sent load, the knobs reached the containers; nothing of the project is left', { timeout: 600_000 }, async () => {
  const run = await compose({ DURATION: '8s' });
  assert.equal(run.code, 0, run.out.slice(-4000));
  assert.match(run.out, /compose: (using the running|started) Docker engine/);
  assert.match(run.out, /payment \/ smoke: PASS/);
  assert.equal(run.summary!.verdict, 'pass');
  const loads = run.summary!.runners.filter((r) => r.runner !== 'setup');
  assert.deepEqual(loads.map((r) => r.runner), ['r0', 'r1', 'r2']);
  for (const r of loads) assert.ok((r.requests ?? 0) > 0, `${r.runner} sent requests`);
  // DURATION=8s was handed to the runners (a smoke run is 20 s otherwise).
  assert.ok(run.summary!.durationSeconds >= 7 && run.summary!.durationSeconds < 12, `duration ${run.summary!.durationSeconds}`);
  assert.match(run.out, new RegExp(`teardown: project ${run.project} removed; no container, volume or network of it is left`));
  assert.deepEqual(await left(run.project), []);
});

docker.test('payments slower than their p95 budget: exit 99 naming the threshold; nothing of the project is left', { timeout: 600_000 }, async () => {
  const run = await compose({ DURATION: '8s', SANDBOX_FAULTS: 'latency=600ms@POST /api/v1/payments' });
  assert.equal(run.code, 99, run.out.slice(-4000));
  const p95 = /FAIL\s+http_req_duration\{name:POST \/api\/v1\/payments\}\s+p\(95\)<500\s+observed ([\d.]+)/.exec(run.out);
  assert.ok(p95 && Number(p95[1]) >= 600, run.out.slice(-4000));
  assert.equal(run.summary!.verdict, 'fail');
  assert.deepEqual(await left(run.project), []);
});

docker.test('a runner container killed mid-run: an error naming the runner and its container; nothing of the project is left', { timeout: 600_000 }, async () => {
  let killed = '';
  const run = await compose({ DURATION: '30s' }, (project) => {
    killed = `${project}_k6-runner_2`;
    setTimeout(() => spawnSync('docker', ['kill', killed], { stdio: 'ignore' }), 2000);
  });
  assert.equal(run.code, 1, run.out.slice(-4000));
  assert.ok(run.summary, run.out.slice(-4000));
  assert.equal(run.summary.verdict, 'error');
  const named = /ERROR: runner (r\d) at 127\.0\.0\.1:\d+ stopped answering before its test ended/.exec(run.out);
  assert.ok(named, run.out.slice(-3000));
  assert.match(run.out, new RegExp(`ERROR: runner container ${killed} \\(${named[1]}, exited 137`));
  assert.ok(run.summary!.durationSeconds < 20, 'the others were stopped when it died');
  assert.deepEqual(await left(run.project), []);
});
