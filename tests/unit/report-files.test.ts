import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { redactingStream, redactReportDir, writeReportFile } from '../../cli/report-files.ts';
import { checkRunNames } from '../../cli/run-scenario.ts';

const SECRETS = ['tok-LEAK-4242'];

test('a secret split across chunks of k6 output is still scrubbed', async () => {
  const s = redactingStream(SECRETS);
  let out = '';
  s.on('data', (b: Buffer) => (out += b.toString()));
  const done = new Promise((r) => s.on('end', r));
  s.write('Authorization: Bearer tok-LE');
  s.write('AK-4242\nnext line tok-');
  s.end('LEAK-4242');
  await done;
  assert.equal(out, 'Authorization: Bearer [REDACTED]\nnext line [REDACTED]');
});

test('every file under a report directory is scrubbed, nested ones and bytes around the secret preserved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-redact-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'report.html'), 'é <b>tok-LEAK-4242</b> ✓');
  writeFileSync(join(dir, 'sub', 'x.json'), '{"t":"tok-LEAK-4242"}');
  writeReportFile(join(dir, 'summary.json'), '{"k6StderrTail":"Bearer tok-LEAK-4242"}', SECRETS);
  redactReportDir(dir, SECRETS);
  assert.equal(readFileSync(join(dir, 'report.html'), 'utf8'), 'é <b>[REDACTED]</b> ✓');
  assert.equal(readFileSync(join(dir, 'sub', 'x.json'), 'utf8'), '{"t":"[REDACTED]"}');
  assert.equal(readFileSync(join(dir, 'summary.json'), 'utf8'), '{"k6StderrTail":"Bearer [REDACTED]"}');
});

test('a gzipped file (the dashboard record) is scrubbed inside; one that cannot be read is not kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-redact-'));
  writeFileSync(join(dir, 'events.ndjson.gz'), gzipSync('{"tag":"tok-LEAK-4242"}\n'));
  writeFileSync(join(dir, 'cut.ndjson.gz'), gzipSync('{"tag":"tok-LEAK-4242"}\n').subarray(0, 12));
  redactReportDir(dir, SECRETS);
  assert.equal(gunzipSync(readFileSync(join(dir, 'events.ndjson.gz'))).toString(), '{"tag":"[REDACTED]"}\n');
  assert.equal(existsSync(join(dir, 'cut.ndjson.gz')), false);
});

test('only known scenario and profile names reach a report path', () => {
  assert.doesNotThrow(() => checkRunNames('payment', 'smoke'));
  assert.throws(() => checkRunNames('payment', '/../../../../tmp/x/evil'), /PROFILE must be one of smoke, .*got '\/\.\.\/\.\.\/\.\.\/\.\.\/tmp\/x\/evil'/);
  assert.throws(() => checkRunNames('../scenarios/payment', 'smoke'), /unknown scenario '\.\.\/scenarios\/payment'/);
});
