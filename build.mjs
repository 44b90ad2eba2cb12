// Bundles every scenarios/*.ts into dist/<name>.js, a plain k6 script.
//   node build.mjs           build once; exits non-zero on any error
//   node build.mjs --watch   rebuild on change
//   node build.mjs --entry <file.ts> [--entry ...] --outdir <dir>
//                            bundle only these scenarios into <dir> (e.g. one `npm run new-service` wrote elsewhere)
import * as esbuild from 'esbuild';
import { K6_BUNDLE } from './k6-bundle.mjs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

let args;
try {
  ({ values: args } = parseArgs({
    options: { watch: { type: 'boolean', default: false }, entry: { type: 'string', multiple: true }, outdir: { type: 'string' } },
  }));
} catch (e) {
  console.error(`build.mjs: ${e.message}`);
  process.exit(2);
}
const watch = args.watch;
const entryPoints = args.entry ?? readdirSync('scenarios')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => join('scenarios', f));

const reportSizes = {
  name: 'report-sizes',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      for (const out of Object.keys(result.metafile?.outputs ?? {}).filter((f) => f.endsWith('.js')).sort()) {
        console.log(`  ${out.padEnd(32)} ${(statSync(out).size / 1024).toFixed(1).padStart(7)} KiB`);
      }
    });
  },
};

const options = {
  entryPoints,
  outdir: args.outdir ?? 'dist',
  ...K6_BUNDLE,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [reportSizes],
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching scenarios/ and lib/ for changes (Ctrl-C to stop)');
} else {
  try {
    await esbuild.build(options);
  } catch {
    process.exit(1); // esbuild has already printed the errors
  }
}
