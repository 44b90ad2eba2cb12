// npm run contract [-- --max-examples N] [--seed S ...] [-- <more st run options>]
//
// Checks a running payment service and banking API against sandbox/openapi.yaml with Schemathesis, the
// field's OpenAPI fuzzer (docs/contract.md): every check on, each service on its own tag, one `st run` per
// seed. Schemathesis is a Python tool: it is installed at the version package.json pins ("schemathesis")
// into a venv beside the repo (.venv-contract/, gitignored), once. The target is the user's
// PAYMENT_SERVICE_URL / BANKING_API_URL (only the services given are checked) with AUTH_TOKEN; with
// neither URL set, a sandbox is started for the run and stopped after it. Exit 0 when every run found no
// failure, 1 when one did (or could not run), 2 for a usage or configuration error.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, EnvReader, redact, secretsOf, tokenProblem, SANDBOX_DEFAULT_TOKEN } from '../lib/config.ts';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.ts';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const SPEC = join(repoRoot, 'sandbox/openapi.yaml');
const CONFIG = join(repoRoot, 'schemathesis.toml');
const VENV = join(repoRoot, '.venv-contract');
const ST = join(VENV, 'bin', 'st');

const USAGE = 'usage: npm run contract [-- --max-examples N] [--seed S]... [-- <st run options>]';

/** The Schemathesis version package.json pins, the one home of that fact. */
export function pinnedVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { schemathesis?: { version?: string } };
  const v = pkg.schemathesis?.version;
  if (!v || !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(v)) throw new Error('package.json has no exact "schemathesis": {"version": "X.Y.Z"}');
  return v;
}

export interface ContractArgs {
  maxExamples: number;
  seeds: number[];
  /** Passed to every `st run` as they are (after a second `--`). */
  extra: string[];
}

export function parseContractArgs(argv: readonly string[]): ContractArgs {
  const cut = argv.indexOf('--');
  const own = cut === -1 ? [...argv] : argv.slice(0, cut);
  const extra = cut === -1 ? [] : argv.slice(cut + 1);
  const { values } = parseArgs({
    args: own,
    options: { 'max-examples': { type: 'string', default: '100' }, seed: { type: 'string', multiple: true } },
    strict: true,
    allowPositionals: false,
  });
  const int = (flag: string, v: string, min: number): number => {
    if (!/^[0-9]+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw new Error(`--${flag} must be an integer >= ${min}, got '${v}' (${USAGE})`);
    return Number(v);
  };
  const seeds = (values.seed ?? ['1', '2', '3']).map((s) => int('seed', s, 0));
  return { maxExamples: int('max-examples', values['max-examples'] as string, 1), seeds, extra };
}

/** The venv's Schemathesis at the pinned version, installed there first when it is missing or another version. */
export function ensureSchemathesis(version: string): string {
  const have = existsSync(ST) ? spawnSync(ST, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (have === `st, version ${version}`) return ST;
  console.log(`contract: installing Schemathesis ${version} into ${VENV}${have ? ` (found ${have})` : ''}`);
  const python = process.env.PYTHON || 'python3';
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.error) throw new Error(`${cmd} could not start (${r.error.message}); Schemathesis needs Python 3.10+ (set PYTHON to its path)`);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  };
  if (!existsSync(join(VENV, 'bin', 'python'))) run(python, ['-m', 'venv', VENV]);
  run(join(VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${version}`]);
  return ST;
}

interface Target {
  tag: 'payment' | 'banking';
  url: string;
}

/** The `st run` in progress, stopped with the run on a signal. */
let current: ChildProcess | null = null;

/** One `st run`: its exit status, with the output streamed through (secrets redacted). */
function stRun(st: string, target: Target, seed: number, args: ContractArgs, env: NodeJS.ProcessEnv, secrets: string[]): Promise<number> {
  const argv = [
    '--config-file', CONFIG, 'run', SPEC,
    '--url', target.url,
    '--include-tag', target.tag,
    '--checks', 'all',
    '--max-examples', String(args.maxExamples),
    '--seed', String(seed),
    '--no-color',
    ...args.extra,
  ];
  console.log(`\ncontract: st ${argv.map((a) => a.replace(repoRoot + '/', '')).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(st, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    child.stdout.on('data', (b: Buffer) => process.stdout.write(redact(b.toString(), secrets)));
    child.stderr.on('data', (b: Buffer) => process.stderr.write(redact(b.toString(), secrets)));
    child.on('error', (err) => {
      console.error(`contract: ${st} could not start: ${err.message}`);
      resolve(1);
    });
    child.on('close', (code) => {
      current = null;
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  let args: ContractArgs;
  const r = new EnvReader(process.env);
  const given = { payment: r.raw('PAYMENT_SERVICE_URL'), banking: r.raw('BANKING_API_URL') };
  const urls = {
    payment: given.payment === undefined ? '' : r.url('PAYMENT_SERVICE_URL', ''),
    banking: given.banking === undefined ? '' : r.url('BANKING_API_URL', ''),
  };
  let token = (r.raw('AUTH_TOKEN') ?? '').replace(/^Bearer\s+/i, '');
  try {
    args = parseContractArgs(process.argv.slice(2));
    const problem = token === '' ? null : tokenProblem(token);
    if (problem !== null) r.problems.push(`AUTH_TOKEN ${problem}`);
    if ((given.payment || given.banking) && token === '') r.problems.push('AUTH_TOKEN is not set: your deployment needs its bearer token');
    r.done();
  } catch (err) {
    console.error(`contract: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    return 2;
  }

  const st = ensureSchemathesis(pinnedVersion());
  let sandbox: SandboxProcess | null = null;
  if (!given.payment && !given.banking) {
    sandbox = await startSandboxProcess({ SANDBOX_RATE_LIMIT: 'off', SANDBOX_FAULTS: '' });
    urls.payment = sandbox.paymentUrl;
    urls.banking = sandbox.bankingUrl;
    token = process.env.SANDBOX_TOKEN?.split(',')[0]?.trim() || SANDBOX_DEFAULT_TOKEN;
    console.log(`contract: sandbox started: payment ${urls.payment}, banking ${urls.banking}`);
  }
  const targets: Target[] = (['payment', 'banking'] as const).filter((t) => urls[t] !== '').map((tag) => ({ tag, url: urls[tag] }));
  for (const t of ['payment', 'banking'] as const) if (urls[t] === '') console.log(`contract: ${t} not checked (${t === 'payment' ? 'PAYMENT_SERVICE_URL' : 'BANKING_API_URL'} unset)`);
  // schemathesis.toml reads the token from AUTH_TOKEN, so it never appears on a command line.
  const env = { ...process.env, AUTH_TOKEN: token };
  const secrets = secretsOf(env);
  const results: string[] = [];
  let failed = 0;
  // Ctrl-C or a CI timeout: stop what this run started, then exit as interrupted.
  const stop = (signal: NodeJS.Signals): void => {
    current?.kill('SIGTERM');
    void (sandbox?.stop() ?? Promise.resolve()).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const target of targets) {
      for (const seed of args.seeds) {
        const code = await stRun(st, target, seed, args, env, secrets);
        results.push(`${target.tag} (${target.url}) seed ${seed}: ${code === 0 ? 'no failures' : `FAILED (st exit ${code})`}`);
        if (code !== 0) failed++;
      }
    }
  } finally {
    await sandbox?.stop();
  }
  console.log(`\ncontract: ${args.maxExamples} examples per operation, checks all\n  ${results.join('\n  ')}`);
  console.log(failed === 0 ? 'contract: PASS' : `contract: FAIL (${failed} of ${results.length} runs)`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`contract: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
