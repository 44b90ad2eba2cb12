// Bundles a k6 script the way build.mjs does, but with `k6/http` replaced by the in-process stand-in
// (./http-stub.js): the harnesses that measure a script's own JavaScript (bench/hotpath, bench/jsprofile)
// take the network, k6's HTTP client and the sandbox out of the figure this way.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { K6_BUNDLE } from '../../k6-bundle.mjs';

const STUB = join(dirname(fileURLToPath(import.meta.url)), 'http-stub.js');

/** Bundles `entry` (relative to `workingDir`) into `outfile` with `k6/http` stubbed. */
export async function bundleWithHttpStub(workingDir: string, entry: string, outfile: string): Promise<void> {
  const stub = { name: 'http-stub', setup: (b: esbuild.PluginBuild) => b.onResolve({ filter: /^k6\/http$/ }, () => ({ path: STUB })) };
  await esbuild.build({ absWorkingDir: workingDir, entryPoints: [entry], outfile, ...K6_BUNDLE, plugins: [stub], logLevel: 'warning' });
}
