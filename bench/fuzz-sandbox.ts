/**
 * Longer run of the sandbox's hostile-input properties (the same ones tests/sandbox/hostile.test.ts runs
 * with a fixed seed and few runs), against an in-process sandbox.
 *
 *   npx tsx bench/fuzz-sandbox.ts [--runs 2000] [--seed <n>] [--only paths,faults,depth,strings,long,sizes]
 *
 * Without --seed a fresh seed is drawn and printed; a failure prints fast-check's shrunk counterexample and
 * the seed, so `--seed <n>` reproduces it. Exit 0 when every property held, 1 otherwise.
 */
import { startSandbox } from '../sandbox/server.ts';
import { HOSTILE_SANDBOX, HostileRunner, type RunOptions } from '../tests/sandbox/hostile-props.ts';

const args = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}
function intOpt(name: string, fallback: number): number {
  const raw = opt(name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(raw)) {
    process.stderr.write(`fuzz-sandbox: --${name} must be a non-negative integer, got '${raw}'\n`);
    process.exit(2);
  }
  return Number(raw);
}

const PROPERTIES: Record<string, (r: HostileRunner, o: RunOptions) => Promise<void>> = {
  paths: (r, o) => r.pathsAndAuth(o),
  faults: (r, o) => r.faultScopes(o),
  depth: (r, o) => r.deepNesting(o),
  strings: (r, o) => r.badStrings(o),
  long: (r, o) => r.longStrings(o),
  sizes: (r) => r.sizeLimits(),
};

const only = (opt('only') ?? Object.keys(PROPERTIES).join(',')).split(',').filter((s) => s !== '');
const unknown = only.filter((n) => !(n in PROPERTIES));
if (unknown.length > 0) {
  process.stderr.write(`fuzz-sandbox: unknown property '${unknown.join(', ')}' (known: ${Object.keys(PROPERTIES).join(', ')})\n`);
  process.exit(2);
}
const options: RunOptions = { runs: intOpt('runs', 2000), seed: intOpt('seed', Math.floor(Math.random() * 2 ** 31)) };

const sb = await startSandbox({ paymentPort: 0, bankingPort: 0, dbPath: ':memory:', ...HOSTILE_SANDBOX });
const runner = new HostileRunner(sb);
process.stdout.write(`fuzz-sandbox: seed ${options.seed}, runs ${options.runs}, routes ${runner.ops.length}\n`);
let failed = false;
const started = performance.now();
for (const name of only) {
  const before = runner.sent;
  const t0 = performance.now();
  try {
    await (PROPERTIES[name] as (r: HostileRunner, o: RunOptions) => Promise<void>)(runner, options);
    process.stdout.write(`  ${name.padEnd(8)} ok    ${String(runner.sent - before).padStart(7)} requests  ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    failed = true;
    process.stdout.write(`  ${name.padEnd(8)} FAIL  ${String(runner.sent - before).padStart(7)} requests\n${(err as Error).message}\n`);
  }
}
const secs = (performance.now() - started) / 1000;
process.stdout.write(`fuzz-sandbox: ${runner.sent} requests in ${secs.toFixed(1)} s (${Math.round(runner.sent / secs)}/s), ${failed ? 'FAILED' : 'no property violated'} (seed ${options.seed})\n`);
await sb.close();
process.exit(failed ? 1 : 0);
