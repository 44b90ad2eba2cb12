// Finds (or builds, once) the k6 binary this project is pinned to, and runs it.
//
//   tsx cli/k6.ts ensure [--soft]   locate or build k6, print its path (--soft: never fail, for npm postinstall)
//   tsx cli/k6.ts path              print the path of a located k6, fail if none
//   tsx cli/k6.ts <k6 args...>      run k6 with those arguments (what `npm run k6 -- ...` does)
//
// Search order: $K6_BIN, then `k6` on PATH, then the per-user cache. A binary counts only
// if its major.minor matches the pin, because scripts and thresholds are tested against it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath } from './processes.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const K6_MODULE = 'go.k6.io/k6/v2';

/** The pinned k6 version, e.g. "v2.2.0", from package.json's "k6.version". */
export function pinnedVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { k6?: { version?: string } };
  const version = pkg.k6?.version;
  if (!version || !/^v\d+\.\d+\.\d+$/.test(version)) throw new Error('package.json "k6.version" must look like v2.2.0');
  return version;
}

function majorMinor(version: string): string {
  const m = /^v?(\d+)\.(\d+)\./.exec(version);
  return m ? `${m[1]}.${m[2]}` : '';
}

/** Environment for every k6 process we start: usage reports off (we run in CI and offline). */
export function k6Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, K6_NO_USAGE_REPORT: 'true', ...extra };
}

/**
 * Environment for building k6 with Go. `-buildvcs=false`: the build runs in a throwaway module or
 * outside any checkout, where there is no version-control state to stamp into the binary.
 */
export function goBuildEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim(), ...extra };
}

/** go.mod of a throwaway module named `name`, into which `go get` adds the pinned k6. */
export function throwawayGoMod(name: string): string {
  return `module ${name}\n\ngo 1.22\n`;
}

/** `k6 inspect` of a script with the environment a run would get: its resolved options, and its init context's log. */
export function k6Inspect(k6Path: string, script: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(k6Path, ['inspect', '--include-system-env-vars', script], { env: k6Env(env), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function cacheDir(version = pinnedVersion()): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'paykit-k6', version);
}

/** Version reported by a k6 binary ("v2.2.0"), or null if it does not run. */
export function binaryVersion(bin: string): string | null {
  const out = spawnSync(bin, ['version'], { encoding: 'utf8', env: k6Env(), timeout: 15_000 });
  if (out.status !== 0) return null;
  const m = /k6 (v\d+\.\d+\.\d+)/.exec(out.stdout);
  return m ? (m[1] as string) : null;
}

export interface Located {
  path: string;
  version: string;
  source: 'K6_BIN' | 'PATH' | 'cache';
}

/** Finds a k6 of the pinned major.minor without building anything. Throws on a bad K6_BIN. */
export function locateK6(pin = pinnedVersion()): Located | null {
  const want = majorMinor(pin);
  const explicit = process.env.K6_BIN;
  if (explicit) {
    const version = binaryVersion(explicit);
    if (!version) throw new Error(`K6_BIN=${explicit} does not run as k6 (try '${explicit} version')`);
    if (majorMinor(version) !== want) {
      throw new Error(`K6_BIN=${explicit} is k6 ${version}, but this project is pinned to ${pin} (same major.minor needed)`);
    }
    return { path: explicit, version, source: 'K6_BIN' };
  }
  const fromPath = onPath('k6');
  if (fromPath) {
    const version = binaryVersion(fromPath);
    if (version && majorMinor(version) === want) return { path: fromPath, version, source: 'PATH' };
  }
  const cached = join(cacheDir(pin), 'k6');
  if (existsSync(cached)) {
    const version = binaryVersion(cached);
    if (version && majorMinor(version) === want) return { path: cached, version, source: 'cache' };
  }
  return null;
}

const INSTALL_HELP = (pin: string) =>
  [
    `k6 ${pin} was not found and Go is not installed to build it.`,
    'Install k6 one of the official ways (https://grafana.com/docs/k6/latest/set-up/install-k6/):',
    '  - Debian/Ubuntu or Fedora/CentOS: the Grafana k6 package repository (apt / dnf install k6)',
    '  - macOS: brew install k6      Windows: winget install k6 --source winget',
    `  - Docker: grafana/k6:${pin.slice(1)}      or a release binary from github.com/grafana/k6/releases`,
    `  - or install Go (https://go.dev/dl/) and rerun: we build ${K6_MODULE}@${pin} once into ${cacheDir(pin)}`,
    'Then put k6 on PATH or point K6_BIN at it.',
  ].join('\n');

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void }) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const onData = (buf: Buffer) => {
      const text = buf.toString();
      output += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onLine?.(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => resolve({ code: 127, output: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export interface GoBinary {
  /** What the progress lines call it: "k6", "versitygw". */
  label: string;
  /** The module to pin (go get MODULE@version) and the main package inside it to build. */
  module: string;
  pkg: string;
  version: string;
  /** File name of the binary in `dir`. */
  binary: string;
  /** The per-user cache directory it goes to. */
  dir: string;
  /** For the first progress line: "about 3 minutes on 2 cores". */
  expect: string;
}

/**
 * Builds a pinned Go program into the cache (k6 here, the object store in cli/object-store.ts).
 * `go install pkg@version` is tried first; some module proxies do not serve the version list that its
 * deprecation check reads, so on failure we build the same pinned module from a throwaway module
 * (go get + go build), which needs only the version itself.
 */
export async function buildGoBinary(b: GoBinary): Promise<string> {
  const dir = b.dir;
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.building');
  try {
    mkdirSync(lock);
  } catch {
    throw new Error(`another build of ${b.label} seems to be running (${lock} exists; remove it if not)`);
  }
  const staging = mkdtempSync(join(tmpdir(), `paykit-${b.label}-build-`));
  const started = Date.now();
  let packages = 0;
  const ticker = setInterval(() => {
    const secs = Math.round((Date.now() - started) / 1000);
    process.stderr.write(`  ... still building ${b.label} (${secs}s, ${packages} packages compiled)\n`);
  }, 15_000);
  const countPackage = (line: string) => {
    if (line && !line.startsWith('go:')) packages++;
    else if (line.startsWith('go: downloading')) process.stderr.write(`  ${line}\n`);
  };
  try {
    process.stderr.write(`Building ${b.label} ${b.version} from source with Go (first time only; ${b.expect}). Output goes to ${dir}\n`);
    const env = goBuildEnv({ GOBIN: staging });
    let result = await run('go', ['install', '-v', `${b.pkg}@${b.version}`], { env, onLine: countPackage });
    // go install names the binary after the package's last path element, a major version suffix (/v2) aside.
    let built = join(staging, b.pkg.split('/').filter((x) => !/^v\d+$/.test(x)).pop() as string);
    if (result.code !== 0 || !existsSync(built)) {
      process.stderr.write(`  go install failed (${result.output.trim().split('\n').pop()}); building from a temporary module instead\n`);
      const mod = join(staging, 'mod');
      mkdirSync(mod);
      writeFileSync(join(mod, 'go.mod'), throwawayGoMod(`paykit${b.label.replace(/\W/g, '')}build`));
      result = await run('go', ['get', `${b.module}@${b.version}`], { cwd: mod, env, onLine: countPackage });
      if (result.code === 0) {
        built = join(staging, `${b.binary}-bin`);
        result = await run('go', ['build', '-v', '-o', built, b.pkg], { cwd: mod, env, onLine: countPackage });
      }
      if (result.code !== 0) throw new Error(`building ${b.label} with Go failed:\n${result.output.slice(-2000)}`);
    }
    const target = join(dir, b.binary);
    renameSync(built, target);
    process.stderr.write(`Built ${b.label} ${b.version} in ${Math.round((Date.now() - started) / 1000)}s: ${target}\n`);
    return target;
  } finally {
    clearInterval(ticker);
    rmSync(staging, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildWithGo(pin: string): Promise<string> {
  return buildGoBinary({ label: 'k6', module: K6_MODULE, pkg: K6_MODULE, version: pin, binary: 'k6', dir: cacheDir(pin), expect: 'about 3 minutes on 2 cores' });
}

export function hasGo(): boolean {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}

/** Locates k6, building it with Go if needed. Throws with install instructions when impossible. */
export async function ensureK6(pin = pinnedVersion()): Promise<Located> {
  const found = locateK6(pin);
  if (found) return found;
  if (!hasGo()) throw new Error(INSTALL_HELP(pin));
  const path = await buildWithGo(pin);
  const version = binaryVersion(path);
  if (!version || majorMinor(version) !== majorMinor(pin)) throw new Error(`built ${path} but it reports ${version}`);
  return { path, version, source: 'cache' };
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'ensure') {
    try {
      const k6 = await ensureK6();
      console.log(`k6 ${k6.version} (${k6.source}): ${k6.path}`);
      return 0;
    } catch (err) {
      console.error(`k6 is not ready: ${(err as Error).message}`);
      // npm install must not fail because k6 could not be had; `npm start` will say so again.
      return rest.includes('--soft') ? 0 : 1;
    }
  }
  if (cmd === 'path') {
    const k6 = locateK6();
    if (!k6) {
      console.error(`no k6 ${pinnedVersion()} found; run 'npm run k6 -- version' or 'tsx cli/k6.ts ensure' to build one`);
      return 1;
    }
    console.log(k6.path);
    return 0;
  }
  let k6: Located;
  try {
    k6 = await ensureK6();
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const child = spawn(k6.path, argv, { stdio: 'inherit', env: k6Env() });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
