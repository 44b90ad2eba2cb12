// The tests as a new user's machine runs them: with none of the optional system packages
// (tests/helpers/system.ts). In a private mount namespace each directory that holds one of their
// binaries gets a throwaway overlay with the binaries deleted; the real directories and the rest of the
// machine are untouched. On a machine without the packages nothing needs hiding and this runs as is.
//
//   npm run test:fresh-machine                 the test files that need an optional package: they must
//                                              pass, and every skip must name its package
//   npm run test:fresh-machine -- npm test     any command, without the packages
import { spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { OPTIONAL_PACKAGES, type OptionalPackage } from './helpers/system.ts';

/** Every file on disk that would answer to one of the packages' binary names (by its directory's real path: /bin is /usr/bin). */
function installedBinaries(): string[] {
  const found = new Set<string>();
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const { binaries } of Object.values(OPTIONAL_PACKAGES)) {
    for (const b of binaries) {
      for (const candidate of isAbsolute(b) ? [b] : path.map((d) => join(d, b))) if (existsSync(candidate)) found.add(join(realpathSync(dirname(candidate)), basename(candidate)));
    }
  }
  return [...found];
}

/** Runs `command` with `binaries` hidden; returns its exit status and what it printed on stdout. */
function runWithout(binaries: readonly string[], command: readonly string[], capture: boolean): { status: number; stdout: string } {
  const stdio: StdioOptions = capture ? ['inherit', 'pipe', 'inherit'] : 'inherit';
  if (binaries.length === 0) {
    const r = spawnSync(command[0]!, command.slice(1), { stdio, encoding: 'utf8' });
    return { status: r.status ?? 1, stdout: r.stdout ?? '' };
  }
  if (process.getuid?.() !== 0) {
    console.error(`fresh-machine: hiding ${binaries.join(', ')} needs root (a private mount namespace); uninstall them or run as root`);
    process.exit(2);
  }
  const dirs = [...new Set(binaries.map((b) => dirname(b)))];
  // $1..: the directories, then `--`, then the binaries, then `--`, then the command.
  const script = `
    set -e
    scratch=$(mktemp -d); mount -t tmpfs tmpfs "$scratch"; i=0
    while [ "$1" != -- ]; do
      i=$((i+1)); mkdir -p "$scratch/$i/up" "$scratch/$i/work"
      mount -t overlay overlay -o "lowerdir=$1,upperdir=$scratch/$i/up,workdir=$scratch/$i/work" "$1"; shift
    done; shift
    while [ "$1" != -- ]; do rm -f "$1"; shift; done; shift
    exec "$@"`;
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'fresh-machine', ...dirs, '--', ...binaries, '--', ...command], {
    stdio,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout ?? '' };
}

/** The test files that ask for an optional package through tests/helpers/system.ts. */
function filesNeedingPackages(): string[] {
  return readdirSync('tests', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && /from '\.\.\/helpers\/system\.ts'/.test(readFileSync(join('tests', f), 'utf8')))
    .map((f) => join('tests', f))
    .sort();
}

const hidden = installedBinaries();
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
console.log(`fresh-machine: ${hidden.length === 0 ? 'no optional package is installed; nothing to hide' : `hiding ${hidden.join(', ')}`}`);
if (args.length > 0) process.exit(runWithout(hidden, args, false).status);

// As `npm test` does: the integration tests run the bundles in dist/.
const build = spawnSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const files = filesNeedingPackages();
// The point is to see the skips: a REQUIRE_ variable from the caller's environment would make them failures.
for (const { requireVar } of Object.values(OPTIONAL_PACKAGES)) delete process.env[requireVar];
console.log(`fresh-machine: ${files.join(' ')}`);
const run = runWithout(hidden, [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files], true);
process.stdout.write(run.stdout);
const skips = [...run.stdout.matchAll(/^\s*ok \d+ - (.*) # SKIP (.*)$/gm)].map((m) => ({ name: m[1]!, reason: m[2]! }));
const names = Object.keys(OPTIONAL_PACKAGES) as OptionalPackage[];
const unnamed = skips.filter((s) => !names.some((n) => s.reason.includes(`${n} is not installed`) && s.reason.includes('it enables')));
const problems = [
  run.status !== 0 && `the tests exited ${run.status}`,
  skips.length === 0 && 'no test was skipped: the tests did not notice the missing packages',
  unnamed.length > 0 && `skips that do not name a package and what it enables: ${unnamed.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
].filter((p): p is string => typeof p === 'string');
const perPackage = names.map((n) => `${n} ${skips.filter((s) => s.reason.includes(`${n} is not installed`)).length}`).join(', ');
console.log(`fresh-machine: ${skips.length} tests skipped (${perPackage})`);
if (problems.length > 0) {
  for (const p of problems) console.error(`fresh-machine: ${p}`);
  process.exit(1);
}
