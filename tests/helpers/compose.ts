// Compose files as docker-compose resolves them, and a service's own shell command run here: what the
// tests of docker-compose.yml and its host-network override share (no Docker engine needed).
import { execFileSync, spawn } from 'node:child_process';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: string[];
  network_mode?: string;
  profiles?: string[];
}

/** The files as compose resolves them (anchors, variables, overrides); `docker-compose config -q` also validates them. */
export function resolvedCompose(files: readonly string[] = ['docker-compose.yml'], env: Record<string, string> = {}): Record<string, ComposeService> {
  const opts = { encoding: 'utf8' as const, env: { ...process.env, ...env } };
  const f = files.flatMap((x) => ['-f', x]);
  execFileSync('docker-compose', [...f, 'config', '-q'], opts);
  return (parse(execFileSync('docker-compose', [...f, 'config'], opts)) as { services: Record<string, ComposeService> }).services;
}

/** Runs a service's own shell command (compose hands sh `$` where the file says `$$`); never throws. */
export function runServiceCommand(s: ComposeService, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const full = { ...Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)])), ...env };
  const child = spawn('sh', ['-c', s.command![0]!.replace(/\$\$/g, '$')], { env: full });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}
