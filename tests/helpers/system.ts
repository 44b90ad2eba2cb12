// Optional system packages for `npm test` (README, "Optional system packages"): a test that needs one
// skips, printing why, when it is missing on a developer's machine; REQUIRE_<NAME>=1 (set by .ci/run)
// turns the absence into a failure, so CI never skips quietly.
import { spawnSync } from 'node:child_process';

/** The first of `paths` that runs with `--version`, or null. */
export function findBinary(paths: readonly string[]): string | null {
  for (const p of paths) if (spawnSync(p, ['--version']).status === 0) return p;
  return null;
}

/** Why the tests that need `what` cannot run here, or null when they can. Throws when `requireVar` is 1. */
export function missingPackageReason(paths: readonly string[], what: string, requireVar: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (findBinary(paths) !== null) return null;
  const reason = `${what} is not installed (Debian: apt-get install ${what}); .ci/run installs it`;
  if (env[requireVar] === '1') throw new Error(`${reason}, and ${requireVar}=1 requires it`);
  console.log(`skipping the tests that need ${what}: ${reason}`);
  return reason;
}
