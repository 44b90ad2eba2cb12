// Helpers for integration tests that run the real k6 binary against the real sandbox.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k6Env, locateK6 } from '../../cli/k6.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import type { Report } from '../../lib/verdict/report-data.ts';

export interface K6Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  reportDir: string;
  /** summary.json written by handleSummary, if k6 got that far. */
  report: Report | null;
}

export function k6Path(): string {
  const k6 = locateK6();
  if (!k6) throw new Error('no k6 of the pinned version: run `npx tsx cli/k6.ts ensure` first (CI does)');
  return k6.path;
}

/**
 * Runs `k6 run <distDir>/<scenario>.js` with the given environment; never throws on a non-zero exit.
 * `distDir` is `dist` unless a test built its scenario elsewhere (a generated service).
 */
export function runK6(scenario: string, env: Record<string, string>, args: string[] = [], distDir = 'dist'): Promise<K6Run> {
  const reportDir = mkdtempSync(join(tmpdir(), `paykit-${scenario}-`));
  const started = process.hrtime.bigint();
  const child = spawn(k6Path(), ['run', '--quiet', ...args, join(distDir, `${scenario}.js`)], {
    env: k6Env({ REPORT_DIR: reportDir, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const summary = join(reportDir, 'summary.json');
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        reportDir,
        report: existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as Report) : null,
      });
    }),
  );
}

export async function sandboxStats(paymentUrl: string, token = 'sandbox-token'): Promise<Record<string, number>> {
  const res = await fetch(`${paymentUrl}/api/v1/stats`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`stats answered ${res.status}`);
  return (await res.json()) as Record<string, number>;
}

/** Fast settings for a short, dense run: no think time. */
export const FAST = { MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '20' };

/**
 * `npm start -- payment [args]` (PROFILE=smoke) against a fresh sandbox started with `faults`, as the
 * baseline test and the baseline-method bench both run it: its exit code, output and report directory.
 */
export async function startOnFreshSandbox(args: readonly string[], env: Record<string, string>, faults = ''): Promise<{ code: number; stdout: string; reportDir: string | undefined }> {
  const sb = await startSandboxProcess(faults ? { SANDBOX_FAULTS: faults } : {});
  try {
    const child = spawn('npm', ['exec', '--', 'tsx', 'cli/run.ts', 'payment', ...args], {
      env: { ...process.env, ...env, PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    return { code, stdout, reportDir: /(reports\/payment-smoke-[^/\s]+)\//.exec(stdout)?.[1] };
  } finally {
    await sb.stop();
  }
}
