// The coordinator's side of the runner claims (cli/distributed/claims.ts) and the --remote-from option.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from '../../cli/distributed.ts';
import { readClaims, waitForClaims } from '../../cli/distributed/claims.ts';

function claimsDir(): string {
  return mkdtempSync(join(tmpdir(), 'paykit-claims-'));
}

function claim(dir: string, i: number, address?: string): void {
  mkdirSync(join(dir, String(i)), { recursive: true });
  if (address !== undefined) writeFileSync(join(dir, String(i), 'address'), `${address}\n`);
}

test('claims: r<i>=host:port in index order; an index claimed without its address yet, or not claimed, is pending', () => {
  const dir = claimsDir();
  try {
    assert.deepEqual(readClaims(join(dir, 'none-yet'), 2), { remote: [], pending: [0, 1] });
    claim(dir, 2, '172.18.0.7:6565');
    claim(dir, 0, '172.18.0.5:6565');
    claim(dir, 1);
    writeFileSync(join(dir, '1', 'address.tmp'), '172.18');
    assert.deepEqual(readClaims(dir, 3), { remote: ['r0=172.18.0.5:6565', 'r2=172.18.0.7:6565'], pending: [1] });
    writeFileSync(join(dir, '1', 'address'), '172.18.0.6:6565');
    assert.deepEqual(readClaims(dir, 3).remote, ['r0=172.18.0.5:6565', 'r1=172.18.0.6:6565', 'r2=172.18.0.7:6565']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('claims: an index beyond RUNNERS or an address that is not host:port is an error at once, not a wait', () => {
  const dir = claimsDir();
  try {
    claim(dir, 0, 'k6-a:6565');
    claim(dir, 3, 'k6-b:6565');
    assert.throws(() => readClaims(dir, 2), /holds runner claims 3 beyond RUNNERS=2/);
    rmSync(join(dir, '3'), { recursive: true });
    claim(dir, 1, 'http://k6-b:6565');
    assert.throws(() => readClaims(dir, 2), /runner r1 claimed .* with 'http:\/\/k6-b:6565', not host:port/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('claims: waiting returns once every slot has its address; a timeout names the runners still missing', async () => {
  const dir = claimsDir();
  try {
    claim(dir, 0, '10.0.0.1:6565');
    setTimeout(() => claim(dir, 1, '10.0.0.2:6565'), 100);
    assert.deepEqual(await waitForClaims(dir, 2, 5000, 20), ['r0=10.0.0.1:6565', 'r1=10.0.0.2:6565']);
    await assert.rejects(waitForClaims(dir, 4, 100, 20), /2 of 4 runners claimed a slot in .* within 100 ms; missing r2, r3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--remote-from: needs --runners and --testid, excludes --remote; --remote is unchanged', () => {
  assert.deepEqual(parseArgs(['payment', '--remote-from', '/claims/t1', '--runners', '5', '--setup', 'k6-setup:6565', '--testid', 't1'], {}), {
    scenario: 'payment',
    runners: 5,
    profile: 'smoke',
    remote: { runners: [], from: '/claims/t1', setup: 'k6-setup:6565', testId: 't1' },
  });
  assert.throws(() => parseArgs(['payment', '--remote-from', '/c', '--testid', 't'], {}), /--remote-from needs --runners/);
  assert.throws(() => parseArgs(['payment', '--remote-from', '/c', '--runners', '2'], {}), /--testid is required with --remote-from/);
  assert.throws(() => parseArgs(['payment', '--remote-from', '', '--runners', '2', '--testid', 't'], {}), /--remote-from needs the directory/);
  assert.throws(() => parseArgs(['payment', '--remote', 'a:1', '--remote-from', '/c', '--runners', '1', '--testid', 't'], {}), /exclude each other/);
  assert.deepEqual(parseArgs(['payment', '--remote', 'r0=a:1,r1=b:2', '--testid', 't'], {}).remote, { runners: ['r0=a:1', 'r1=b:2'], setup: null, testId: 't' });
});
