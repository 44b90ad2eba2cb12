// Optional system packages for `npm test` (README, "Optional system packages"). A test that needs one is
// skipped when it is missing, with a reason that names the package and what it enables; its variable
// (REQUIRE_BROWSER, REQUIRE_PROMETHEUS, REQUIRE_COMPOSE, REQUIRE_DOCKER, REQUIRE_DEBOOTSTRAP; .ci/run sets
// them all) turns the absence into a failure, so CI never skips quietly. `needing(...)` gives a file's tests
// and hooks in one go, so a `before` that would start Prometheus is not run when its tests are skipped.
import { spawnSync } from 'node:child_process';
import { after, before, test, type TestFn, type TestOptions } from 'node:test';

export const OPTIONAL_PACKAGES = {
  chromium: {
    binaries: ['/usr/bin/chromium', '/usr/bin/chromium-browser', 'chromium'],
    requireVar: 'REQUIRE_BROWSER',
    enables: 'rendering report.html in a headless browser',
  },
  prometheus: {
    binaries: ['/usr/bin/prometheus', 'prometheus'],
    requireVar: 'REQUIRE_PROMETHEUS',
    enables: 'distributed runs, whose runners Prometheus merges (npm run distributed without PROMETHEUS_URL)',
  },
  'docker-compose': {
    binaries: ['/usr/bin/docker-compose', 'docker-compose'],
    requireVar: 'REQUIRE_COMPOSE',
    enables: 'resolving and validating docker-compose.yml (docker-compose config)',
  },
  // The engine, not the client: /usr/local/bin/docker and the like are clients from elsewhere, and a
  // client without dockerd runs nothing here.
  'docker.io': {
    binaries: ['/usr/sbin/dockerd', 'dockerd'],
    requireVar: 'REQUIRE_DOCKER',
    enables: 'running docker-compose.yml for real (npm run compose starts or uses a Docker engine)',
  },
  debootstrap: {
    binaries: ['/usr/sbin/debootstrap', 'debootstrap'],
    requireVar: 'REQUIRE_DEBOOTSTRAP',
    enables: 'building the Debian base of the compose images where no registry is reachable (npm run compose)',
  },
} as const satisfies Record<string, { binaries: readonly string[]; requireVar: string; enables: string }>;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** The first of `paths` that runs with `--version`, or null. */
export function findBinary(paths: readonly string[]): string | null {
  for (const p of paths) if (spawnSync(p, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0) return p;
  return null;
}

const found = new Map<OptionalPackage, string | null>();
/** Where the package's binary is, or null; looked up once per test file. */
export function packageBinary(name: OptionalPackage): string | null {
  if (!found.has(name)) found.set(name, findBinary(OPTIONAL_PACKAGES[name].binaries));
  return found.get(name) ?? null;
}

/**
 * Why tests needing these packages cannot run here (one sentence per missing package), or false when they
 * can. Throws when a missing package's REQUIRE_ variable is 1.
 */
export function missingPackages(names: readonly OptionalPackage[], env: NodeJS.ProcessEnv = process.env): string | false {
  const reasons: string[] = [];
  for (const name of names) {
    if (packageBinary(name) !== null) continue;
    const { requireVar, enables } = OPTIONAL_PACKAGES[name];
    const reason = `${name} is not installed (Debian: apt-get install ${name}); it enables ${enables}`;
    if (env[requireVar] === '1') throw new Error(`${reason}, and ${requireVar}=1 requires it`);
    reasons.push(reason);
  }
  if (reasons.length === 0) return false;
  const why = reasons.join('; ');
  console.log(`skipping the tests that need ${names.join(' and ')}: ${why}`);
  return why;
}

type Hook = Parameters<typeof before>[0];

/**
 * `test`, `before` and `after` for a file whose tests need these packages: without them every test is
 * skipped with the reason and the hooks do not run.
 */
export function needing(...names: OptionalPackage[]) {
  const skip = missingPackages(names);
  const noop = () => {};
  return {
    skip,
    test: (name: string, fnOrOptions: TestFn | TestOptions, fn?: TestFn) =>
      typeof fnOrOptions === 'function' ? test(name, { skip }, fnOrOptions) : test(name, { ...fnOrOptions, skip: skip || fnOrOptions.skip }, fn),
    before: (fn: Hook, options?: Parameters<typeof before>[1]) => before(skip ? noop : fn, options),
    after: (fn: Hook, options?: Parameters<typeof after>[1]) => after(skip ? noop : fn, options),
  };
}
