// Hot-path cost of our scenarios' own JavaScript per iteration, with the network taken out: each source
// tree's scenario is bundled with `k6/http` replaced by an in-process stand-in (./http-stub.js, canned
// answers), and one k6 process runs every tree's iteration function in alternating blocks inside one VU.
// Because the trees take turns every few milliseconds, a change in the machine's load hits all of them
// alike, so their ratio is steadier than separate runs on a shared machine (docs/peers.md).
//
//   npx tsx bench/hotpath/run.ts [--scenario payment|banking] [--rounds 400] [--block 40] NAME=SOURCE_DIR ...
//
// SOURCE_DIR is a checkout of the kit (e.g. `git worktree add --detach /tmp/before HEAD~1`, with
// node_modules linked in); the first NAME is the reference for the ratios. What it measures is wall time
// of the iteration function in one VU: our JS, check() and the custom metrics' samples, and the garbage
// collection they cause, but not the network, k6's HTTP client or the sandbox. Use bench/peers/run.ts
// --variant for the end-to-end effect.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureK6 } from '../../cli/k6.ts';
import { bundleWithHttpStub } from './stub-bundle.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(HERE, '../.out/hotpath');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const scenario = arg('scenario', 'payment');
const rounds = Number(arg('rounds', '400'));
const block = Number(arg('block', '40'));
const trees = process.argv.slice(2).filter((a, i, all) => a.includes('=') && !all[i - 1]?.startsWith('--'));
if (trees.length === 0) throw new Error('give at least one NAME=SOURCE_DIR');

async function main() {
  mkdirSync(OUT, { recursive: true });
  const names: string[] = [];
  for (const t of trees) {
    const [name, dir] = t.split('=') as [string, string];
    await bundleWithHttpStub(resolve(dir), `scenarios/${scenario}.ts`, join(OUT, name, `${scenario}.js`));
    names.push(name);
  }
  const harness = join(OUT, `harness-${scenario}.js`);
  writeFileSync(
    harness,
    [
      ...names.map((n, i) => `import { default as r${i} } from './${n}/${scenario}.js';`),
      `const NAMES = ${JSON.stringify(names)};`,
      `const RUN = [${names.map((_, i) => `r${i}`).join(', ')}];`,
      `export const options = { vus: 1, iterations: 1, thresholds: {} };`,
      `export default function () {`,
      `  const data = { runId: 'hotpath', startedAt: '' };`,
      `  const ms = RUN.map(() => 0);`,
      `  for (let w = 0; w < 200; w++) for (const r of RUN) r(data); // each tree's caches and pools warm`,
      `  for (let round = 0; round < ${rounds}; round++) {`,
      `    for (let j = 0; j < RUN.length; j++) {`,
      `      const k = (j + round) % RUN.length;`,
      `      const f = RUN[k];`,
      `      const t0 = Date.now();`,
      `      for (let i = 0; i < ${block}; i++) f(data);`,
      `      ms[k] += Date.now() - t0;`,
      `    }`,
      `  }`,
      `  for (let k = 0; k < RUN.length; k++) console.log('HOTPATH ' + NAMES[k] + ' ' + (ms[k] * 1000 / ${rounds * block}).toFixed(1) + ' ' + (ms[k] / ms[0]).toFixed(3));`,
      `}`,
      '',
    ].join('\n'),
  );
  const k6 = (await ensureK6()).path;
  const r = spawnSync(k6, ['run', '-q', '--no-usage-report', harness], {
    encoding: 'utf8',
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', THINK_TIME_SCALE: '0', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '0', REPORT_DIR: join(OUT, 'reports') },
  });
  const rows = [...`${r.stdout}${r.stderr}`.matchAll(/HOTPATH (\S+) ([\d.]+) ([\d.]+)/g)];
  if (rows.length !== names.length) throw new Error(`the harness did not report every tree:\n${r.stderr.slice(-3000)}`);
  console.log(`hotpath: ${scenario}, ${rounds} rounds of ${block} iterations per tree, one VU, k6/http stubbed`);
  console.log('tree'.padEnd(28) + 'µs per iteration'.padStart(18) + `ratio to ${names[0]}`.padStart(22));
  for (const [, name, us, ratio] of rows) console.log(`${(name as string).padEnd(28)}${(us as string).padStart(18)}${(ratio as string).padStart(22)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
