// The compose stack's images where no registry is reachable (docker-compose.host.yml): a Debian base made
// with `debootstrap --variant=minbase` from the Debian mirror this machine's apt uses and `docker import`ed,
// and on it deploy/images/{k6,node,prometheus}: the kit's pinned k6 and Node copied in, Prometheus from
// Debian's package. Built once; a second run finds the base by its tag and the rest in Docker's build
// cache, so it costs seconds (docs/distributed.md has the times).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE_IMAGE = 'paykit-local/debian:bookworm';
/** The images docker-compose.host.yml names, each built from deploy/images/<name>/Dockerfile. */
export const IMAGES = { k6: 'paykit-local/k6', node: 'paykit-local/node', prometheus: 'paykit-local/prometheus' } as const;
const SUITE = 'bookworm';

/**
 * The Debian mirror of `sources` (the text of /etc/apt/sources.list and sources.list.d/*, one-line or
 * deb822 form) that serves `suite` itself, not its -updates or -security: debootstrap needs the release.
 */
export function debianMirror(sources: readonly string[], suite = SUITE): string | null {
  for (const text of sources) {
    for (const line of text.split('\n')) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m && m[2] === suite) return m[1]!;
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (!field('Types').includes('deb') || !field('Suites').includes(suite)) continue;
      const uri = field('URIs')[0];
      if (uri) return uri;
    }
  }
  return null;
}

function aptSources(): string[] {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) files.push(...readdirSync(dir).filter((f) => /\.(list|sources)$/.test(f)).sort().map((f) => join(dir, f)));
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
}

function imageId(tag: string): string | null {
  const r = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const imageExists = (tag: string): boolean => imageId(tag) !== null;

/** Runs a command, its output kept for the error; resolves with it or throws naming the command. */
function run(cmd: string, args: readonly string[], opts: { stdin?: NodeJS.ReadableStream; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
    child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
    if (opts.stdin) opts.stdin.pipe(child.stdin!);
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-3000)}`))));
  });
}

/** debootstrap → tar → docker import. Needs root and Debian's debootstrap. */
async function buildBase(log: (l: string) => void): Promise<void> {
  const mirror = process.env.DEBIAN_MIRROR || debianMirror(aptSources());
  if (!mirror) throw new Error(`no Debian ${SUITE} mirror in /etc/apt/sources.list*: set DEBIAN_MIRROR to one (e.g. http://deb.debian.org/debian)`);
  if (spawnSync('debootstrap', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error(`the base image ${BASE_IMAGE} is not built and debootstrap is missing (Debian: apt-get install debootstrap)`);
  const root = mkdtempSync(join(tmpdir(), 'paykit-rootfs-'));
  try {
    log(`images: debootstrap --variant=minbase ${SUITE} from ${mirror}`);
    await run('debootstrap', ['--variant=minbase', SUITE, root, mirror]);
    // Nothing of the package cache belongs in the image.
    rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await run('docker', ['import', '-', BASE_IMAGE], { stdin: tar.stdout! });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A build context holding the Dockerfile of deploy/images/<name> and `files` (hard links where possible). */
function context(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `paykit-image-${name}-`));
  copyFileSync(join('deploy/images', name, 'Dockerfile'), join(dir, 'Dockerfile'));
  for (const [as, from] of Object.entries(files)) {
    try {
      linkSync(from, join(dir, as));
    } catch {
      copyFileSync(from, join(dir, as));
    }
  }
  return dir;
}

export interface BuildResult {
  /** What was built or found, e.g. `base (cached)`. */
  steps: string[];
  seconds: number;
}

/**
 * Builds what is missing: the base (only when its tag is absent, or `rebuild`), then the three images
 * (Docker's layer cache makes an unchanged one a cache hit). `k6` and `node` are the binaries to copy in.
 */
export async function buildImages(o: { k6: string; node: string; rebuild?: boolean; log: (l: string) => void }): Promise<BuildResult> {
  const t0 = performance.now();
  const steps: string[] = [];
  if (o.rebuild || !imageExists(BASE_IMAGE)) {
    const t = performance.now();
    await buildBase(o.log);
    steps.push(`base ${BASE_IMAGE} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else steps.push(`base ${BASE_IMAGE} (cached)`);
  // The legacy builder: Debian's docker.io has no buildx, and `--network host` is all these builds need.
  const env = { ...process.env, DOCKER_BUILDKIT: '0' };
  const builds: Array<[keyof typeof IMAGES, Record<string, string>]> = [['k6', { k6: o.k6 }], ['node', { node: o.node }], ['prometheus', {}]];
  for (const [name, files] of builds) {
    const t = performance.now();
    const dir = Object.keys(files).length > 0 ? context(name, files) : join('deploy/images', name);
    try {
      const args = ['build', '--network', 'host', '--build-arg', `BASE=${BASE_IMAGE}`, '-t', IMAGES[name], dir];
      if (o.rebuild) args.splice(1, 0, '--no-cache');
      const before = imageId(IMAGES[name]);
      await run('docker', args, { env });
      const cached = before !== null && before === imageId(IMAGES[name]);
      steps.push(`${IMAGES[name]} ${cached ? 'unchanged (build cache)' : 'built'} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
    }
  }
  return { steps, seconds: (performance.now() - t0) / 1000 };
}
