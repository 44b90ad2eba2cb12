// `npm run compose`'s pure parts: its arguments, the Debian mirror the base image is bootstrapped from,
// and the knobs it hands the containers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../cli/compose.ts';
import { debianMirror } from '../../cli/compose/images.ts';
import { ending, knobsFile } from '../../cli/compose/stack.ts';

test('compose arguments: scenario, --runners 1..64, profile from --profile or PROFILE, a project name of compose\'s form', () => {
  const a = parseArgs(['payment', '--runners', '3'], {});
  assert.equal(a.scenario, 'payment');
  assert.equal(a.runners, 3);
  assert.equal(a.profile, 'smoke');
  assert.match(a.project, /^paykit-[0-9a-f]{8}$/);
  assert.notEqual(parseArgs(['payment', '--runners', '3'], {}).project, a.project, 'a new project per run');
  assert.equal(parseArgs(['payment', '--runners', '2', '--profile', 'load'], {}).profile, 'load');
  assert.equal(parseArgs(['payment', '--runners', '2'], { PROFILE: 'stress' }).profile, 'stress');
  assert.equal(parseArgs(['payment', '--runners', '2', '--project', 'ci-1', '--rebuild'], {}).rebuild, true);
  assert.throws(() => parseArgs(['payment'], {}), /--runners must be a whole number from 1 to 64, got 'NaN'/);
  assert.throws(() => parseArgs(['payment', '--runners', '65'], {}), /from 1 to 64/);
  assert.throws(() => parseArgs(['--runners', '2'], {}), /usage: npm run compose/);
  assert.throws(() => parseArgs(['payment', '--runners', '2', '--project', 'Bad Name'], {}), /--project 'Bad Name' must be lowercase/);
  assert.throws(() => parseArgs(['payment', '--runners', '2', '--nope'], {}), /unknown option --nope/);
});

test('the Debian mirror for debootstrap: the release suite itself (not -updates or -security), deb822 or one-line sources', () => {
  const deb822 = [
    'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n',
    'Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n',
  ];
  assert.equal(debianMirror(deb822), 'http://mirror.example/debian');
  assert.equal(debianMirror(['deb-src http://src.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n']), 'http://one.example/debian');
  assert.equal(debianMirror(['deb http://x.example/debian bookworm-updates main\n', 'Types: deb-src\nURIs: http://y.example\nSuites: bookworm\n']), null);
  assert.equal(debianMirror(['deb https://packages.example/apt cloud-sdk-bookworm main\n']), null, 'another suite of the same release');
});

test('the knobs handed to the runners and the coordinator: the kit\'s variables, not the shell\'s, the tools\' or what the stack sets itself', () => {
  const file = knobsFile({
    DURATION: '8s', VUS: '4', P95_MS: '300', MIN_WAIT_TIME: '0', AUTH_TOKEN: 'tok',
    PATH: '/usr/bin', HOME: '/root', NODE_OPTIONS: '--x', npm_config_cache: '/c', DOCKER_HOST: 'unix:///x', K6_BIN: '/k6',
    PAYMENT_SERVICE_URL: 'http://elsewhere', TEST_ID: 't', RUNNERS: '9', RUNNER_PORTS: '1,2', PROFILE: 'load', SANDBOX_FAULTS: 'latency=1s',
    PAYMENT_PORT: '1', PROMETHEUS_URL: 'http://p', MULTI: 'a\nb', lower: 'x',
  });
  assert.deepEqual(file.trim().split('\n').sort(), ['AUTH_TOKEN=tok', 'DURATION=8s', 'MIN_WAIT_TIME=0', 'P95_MS=300', 'VUS=4']);
});

test('how a container ended reads as a person would say it: a SIGKILL is docker kill or out of memory', () => {
  const c = { name: 'p_k6-runner_2', service: 'k6-runner', runner: 'r1' };
  assert.equal(ending({ ...c, status: 'running', exitCode: 0 }), 'running');
  assert.equal(ending({ ...c, status: 'exited', exitCode: 0 }), 'exited 0');
  assert.equal(ending({ ...c, status: 'exited', exitCode: 137 }), 'exited 137 (signal 9 SIGKILL: docker kill, or out of memory)');
  assert.equal(ending({ ...c, status: 'exited', exitCode: 143 }), 'exited 143 (signal 15)');
});
