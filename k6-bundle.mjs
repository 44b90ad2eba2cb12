// How a TypeScript scenario becomes a plain k6 script: the esbuild options that build.mjs uses and that
// the benchmarks reuse when they bundle variants, so a bench measures what users run.
// k6 provides `k6` and `k6/*` at run time and resolves https:// imports itself, so those stay external.
export const K6_BUNDLE = Object.freeze({
  bundle: true,
  // ESM: measured on k6 v2.2.0 to start as fast as CommonJS (docs/bundle-format.md), and it is k6's native form.
  format: 'esm',
  target: 'es2022',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  external: ['k6', 'k6/*', 'https://*'],
});
