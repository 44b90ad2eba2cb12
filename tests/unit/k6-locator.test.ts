// cli/k6.ts: which k6 counts, and what a user sees when none can be had.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'paykit-k6-locator-'));

function fakeK6(version: string): string {
  const path = join(dir, `k6-${version}`);
  writeFileSync(path, `#!/bin/sh\necho "k6 ${version} (fake)"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Runs the locator with only node on PATH (no go, no k6) and an empty cache. */
function locator(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/k6.ts', ...args], {
    encoding: 'utf8',
    env: { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), PATH: dirname(process.execPath), ...env },
  });
}

test('without k6 or Go, ensure names the official install options; --soft (npm postinstall) still exits 0', () => {
  const soft = locator(['ensure', '--soft']);
  assert.equal(soft.status, 0);
  assert.match(soft.stderr, /k6 is not ready: k6 v2\.2\.0 was not found and Go is not installed/);
  assert.match(soft.stderr, /grafana\.com\/docs\/k6\/latest\/set-up\/install-k6/);
  assert.match(soft.stderr, /brew install k6/);
  const hard = locator(['ensure']);
  assert.equal(hard.status, 1);
});

test('K6_BIN must be the pinned major.minor; a matching one is used as is', () => {
  const wrong = locator(['path'], { K6_BIN: fakeK6('v1.8.0') });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /K6_BIN=.* is k6 v1\.8\.0, but this project is pinned to v2\.2\.0/);
  const right = fakeK6('v2.2.7');
  const ok = locator(['path'], { K6_BIN: right });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), right);
});

test('a k6 of another version on PATH is passed over', () => {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  const old = fakeK6('v0.49.0');
  spawnSync('cp', [old, join(bin, 'k6')]);
  const r = locator(['path'], { PATH: `${bin}:${dirname(process.execPath)}` });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no k6 v2\.2\.0 found/);
});
