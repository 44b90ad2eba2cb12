// ESM or CommonJS for our bundles? Builds scenarios/payment.ts both ways and measures, on the pinned
// k6, the time and peak memory to initialise N VUs. The target is unreachable on purpose: k6
// initialises every VU before setup(), and our setup() aborts on an unreachable target, so the run
// measures init alone. Formats alternate in each round; medians are reported.
//   node bench/bundle-format.mjs [vus=300] [rounds=5]
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import * as esbuild from 'esbuild';

const vus = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 5);
const k6 = spawnSync('npx', ['tsx', 'cli/k6.ts', 'path'], { encoding: 'utf8' }).stdout.trim();
mkdirSync('bench/.out', { recursive: true });

const bundles = {};
for (const format of ['esm', 'cjs']) {
  const outfile = `bench/.out/payment.${format}.js`;
  await esbuild.build({
    entryPoints: ['scenarios/payment.ts'], outfile, bundle: true, format, target: 'es2022', platform: 'neutral',
    mainFields: ['module', 'main'], external: ['k6', 'k6/*'], logLevel: 'error',
  });
  bundles[format] = outfile;
}

function once(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', k6, 'run', '--quiet', '--summary-mode=disabled', '--vus', String(vus), '--iterations', String(vus), file], {
    encoding: 'utf8',
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', PAYMENT_SERVICE_URL: 'http://127.0.0.1:9', BANKING_API_URL: 'http://127.0.0.1:9', REPORT_DIR: 'bench/.out/reports' },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const maxRssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, maxRssMb: maxRssKb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { esm: [], cjs: [] };
for (let i = 0; i < rounds; i++) for (const f of i % 2 ? ['cjs', 'esm'] : ['esm', 'cjs']) results[f].push(once(bundles[f]));

console.log(`k6 ${spawnSync(k6, ['version'], { encoding: 'utf8' }).stdout.trim()}; ${vus} VUs; ${rounds} rounds; median`);
console.log('format  bundle KiB  init+abort s  peak RSS MB  MB/VU');
for (const f of ['esm', 'cjs']) {
  const s = median(results[f].map((r) => r.seconds));
  const m = median(results[f].map((r) => r.maxRssMb));
  console.log(`${f.padEnd(6)}  ${(statSync(bundles[f]).size / 1024).toFixed(1).padStart(10)}  ${s.toFixed(2).padStart(12)}  ${m.toFixed(0).padStart(11)}  ${(m / vus).toFixed(2).padStart(5)}`);
}
const ratio = median(results.cjs.map((r) => r.seconds)) / median(results.esm.map((r) => r.seconds));
console.log(`cjs/esm init time ratio: ${ratio.toFixed(2)}`);
