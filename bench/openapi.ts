// `npx tsx bench/openapi.ts [--rounds 3] [--no-e2e]`: how long `npm run new-service` takes, and how much
// memory, on three specs: the sandbox's own, GitHub's REST description (@octokit/openapi, fetched into the
// cache by npm pack) and a synthetic 2,000-schema / 4,000-operation one (bench/openapi/synthetic.ts), each
// for `--list` and for generating 7 operations. Each figure is the median of --rounds runs of the node
// process `npm run new-service` starts (npm's own start, ~0.5 s, is not in it). Goal: <= 5 s and <= 300 MB.
// Then, unless --no-e2e, the end-to-end run at full size: the 7 GitHub operations against Prism mocking
// the whole description with request validation, at the smoke profile.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STACK_KB } from '../cli/openapi/parse.ts';
import { MOCK_LATENCY, runAgainstPrism } from './openapi/e2e.ts';
import { PUBLIC_OPERATIONS, PUBLIC_SPEC_PACKAGE, publicSpec } from './openapi/public-spec.ts';
import { FULL_SIZE, writeSyntheticSpec } from './openapi/synthetic.ts';

const KIT = resolve(import.meta.dirname, '..');
const OUT = join(KIT, 'bench', '.out', 'openapi');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'no-e2e': { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be a whole number >= 1, got '${values.rounds}'`);
  process.exit(2);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const synthetic = join(OUT, 'synthetic.json');
writeSyntheticSpec(synthetic);
const ring = join(OUT, 'synthetic-ring.json');
writeSyntheticSpec(ring, { ...FULL_SIZE, ring: true });
const github = publicSpec();

const SYNTHETIC_OPS = ['create1', 'get1', 'list2', 'update3', 'get500', 'create999', 'list7'];
const specs: Array<{ label: string; file: string; ops: string[]; worst?: boolean }> = [
  { label: 'sandbox/openapi.yaml', file: join(KIT, 'sandbox/openapi.yaml'), ops: ['createPayment', 'getPayment', 'createPaymentRefund', 'listMerchantTransactions', 'generateData', 'listStats', 'getHealth'] },
  { label: `GitHub REST (${PUBLIC_SPEC_PACKAGE})`, file: github, ops: PUBLIC_OPERATIONS },
  { label: `synthetic (${FULL_SIZE.schemas} schemas, ${FULL_SIZE.operations} operations)`, file: synthetic, ops: SYNTHETIC_OPS },
  // The worst case, outside the goal: one cycle through every schema (docs/adapting.md).
  { label: 'synthetic, all schemas in one cycle (worst case)', file: ring, ops: SYNTHETIC_OPS, worst: true },
];

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
}

function measure(args: string[]): Sample {
  const usage = join(OUT, 'rusage.json');
  rmSync(usage, { force: true });
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [`--stack-size=${STACK_KB}`, '--import', 'tsx', '--import', join(KIT, 'bench/openapi/rusage.mjs'), join(KIT, 'cli/new-service.ts'), ...args], {
    cwd: KIT,
    env: { ...process.env, PAYKIT_RUSAGE_FILE: usage },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`new-service ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  const u = JSON.parse(readFileSync(usage, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return { wallMs, cpuMs: u.cpuMs, maxRssKb: u.maxRssKb };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(`${new Date().toISOString()}, load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${cpus().length} cores)`);
console.log(`| spec | command | wall s | CPU s | peak RSS MB | goal |`);
console.log(`|---|---|---:|---:|---:|---|`);
for (const s of specs) {
  for (const [what, args] of [
    ['--list', ['--openapi', s.file, '--list']],
    ['7 operations', ['--name', 'bench', '--openapi', s.file, '--operations', s.ops.join(','), '--out', join(OUT, 'gen'), '--force']],
  ] as const) {
    const samples: Sample[] = [];
    // Interleaving is not needed here: each row is one process, measured alone, rounds in a row.
    for (let i = 0; i < rounds; i++) samples.push(measure([...args]));
    const wall = median(samples.map((x) => x.wallMs)) / 1000;
    const cpu = median(samples.map((x) => x.cpuMs)) / 1000;
    const rss = median(samples.map((x) => x.maxRssKb)) / 1024;
    const ok = wall <= 5 && rss <= 300;
    console.log(`| ${s.label} | ${what} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${Math.round(rss)} | ${s.worst ? 'not a goal' : ok ? 'met' : 'MISSED'} |`);
  }
}

console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

if (!values['no-e2e']) {
  const r = await runAgainstPrism({ spec: github, mockSpec: github, name: 'gh', operations: PUBLIC_OPERATIONS, dir: join(OUT, 'e2e'), env: { ...MOCK_LATENCY } });
  const endpoints = (r.report?.endpoints ?? []).map((e) => `${e.name} ${e.requests}/${e.failed}`).join('; ');
  console.log('');
  console.log(`end to end, full size: ${PUBLIC_OPERATIONS.length} GitHub operations, smoke profile, against Prism on the whole description (started in ${(r.prismStartMs / 1000).toFixed(1)} s)`);
  console.log(`  k6 exit ${r.code}, verdict ${r.report?.verdict ?? '?'}, checks ${r.report?.checks.passes ?? 0}/${(r.report?.checks.passes ?? 0) + (r.report?.checks.fails ?? 0)}, requests ${r.report?.requests.count ?? 0}, request violations ${r.violations.length}`);
  console.log(`  per endpoint (requests/failed): ${endpoints}`);
  if (r.code !== 0 || r.violations.length > 0) {
    console.log(r.tail);
    process.exitCode = 1;
  }
}
