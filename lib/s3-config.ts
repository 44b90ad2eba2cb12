// Where generated data is stored: any S3-compatible service, named with the standard AWS variables.
// Pure (k6 passes __ENV, Node passes process.env); every problem names its variable, before any load.
//
//   AWS_ENDPOINT_URL_S3     the service's URL; unset = the embedded store the sandbox starts on
//                           http://127.0.0.1:9000 (https://s3.<region>.amazonaws.com for AWS S3,
//                           https://storage.googleapis.com for GCS's S3 interface, a MinIO URL, ...)
//   AWS_ACCESS_KEY_ID       default minioadmin (the embedded store's local credentials)
//   AWS_SECRET_ACCESS_KEY   default minioadmin
//   AWS_SESSION_TOKEN       optional, for temporary AWS credentials
//   AWS_REGION              default us-east-1 (GCS's interface takes 'auto' or any region)
//   S3_BUCKET               default analytics
// The seed suite's MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY and MINIO_BUCKET are accepted
// as aliases; when both names are set they must agree. Requests are path-style
// (<endpoint>/<bucket>/<key>), which AWS S3, MinIO, GCS and the embedded store all accept.

import type { Env } from './config.ts';
import { isLoopbackHost } from './config.ts';

/** The embedded store: loopback only, the seed's documented local credentials. */
export const EMBEDDED_STORE = {
  host: '127.0.0.1',
  port: 9000,
  accessKeyId: 'minioadmin',
  secretAccessKey: 'minioadmin',
  bucket: 'analytics',
  region: 'us-east-1',
} as const;

export interface S3Config {
  endpoint: string;
  /** True when AWS_ENDPOINT_URL_S3 (or MINIO_ENDPOINT) is unset: the sandbox provides the store. */
  embedded: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  region: string;
  bucket: string;
}

export class S3ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid object storage configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'S3ConfigError';
  }
}

/** The variable names, standard first: one place, read by the config, the docs and the error messages. */
export const S3_VARIABLES = {
  endpoint: ['AWS_ENDPOINT_URL_S3', 'MINIO_ENDPOINT'],
  accessKeyId: ['AWS_ACCESS_KEY_ID', 'MINIO_ACCESS_KEY'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY', 'MINIO_SECRET_KEY'],
  bucket: ['S3_BUCKET', 'MINIO_BUCKET'],
  region: ['AWS_REGION'],
  sessionToken: ['AWS_SESSION_TOKEN'],
} as const;

/** The form of an S3 bucket name (the strict, DNS-compatible one every S3 service accepts), as a JSON Schema pattern. */
export const BUCKET_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** S3 bucket naming rules: BUCKET_PATTERN, and no IP-address look-alikes. */
export function bucketProblem(name: string): string | null {
  if (!new RegExp(BUCKET_PATTERN).test(name)) return 'must be 3..63 characters of a-z, 0-9, dots and hyphens, starting and ending with a letter or digit';
  if (/\.\./.test(name) || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not contain two dots in a row or look like an IP address';
  return null;
}

function pick(env: Env, names: readonly string[], problems: string[], secret = false): string | undefined {
  const set = names.map((n) => [n, env[n]?.trim()] as const).filter(([, v]) => v !== undefined && v !== '');
  if (set.length > 1 && set.some(([, v]) => v !== set[0]![1])) {
    problems.push(`${set.map(([n]) => n).join(' and ')} are both set and differ${secret ? ' (values not shown)' : ''}; set only ${names[0]}`);
  }
  return set[0]?.[1];
}

export function parseS3Config(env: Env): S3Config {
  const problems: string[] = [];
  const V = S3_VARIABLES;
  const endpointRaw = pick(env, V.endpoint, problems);
  let endpoint = `http://${EMBEDDED_STORE.host}:${EMBEDDED_STORE.port}`;
  if (endpointRaw !== undefined) {
    const name = env[V.endpoint[0]]?.trim() ? V.endpoint[0] : V.endpoint[1];
    const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#@]+)(?::(\d{1,5}))?\/?$/i.exec(endpointRaw);
    if (!m) {
      const hint = /^[\w.-]+(:\d+)?$/.test(endpointRaw) ? ` (did you mean http://${endpointRaw}?)` : ' (scheme, host and port only, no path)';
      problems.push(`${name} is not an http(s) endpoint URL: '${endpointRaw}'${hint}`);
    } else if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) {
      problems.push(`${name} has a port outside 1..65535: '${endpointRaw}'`);
    } else {
      endpoint = endpointRaw.replace(/\/+$/, '');
    }
  }
  const accessKeyId = pick(env, V.accessKeyId, problems) ?? EMBEDDED_STORE.accessKeyId;
  const secretAccessKey = pick(env, V.secretAccessKey, problems, true) ?? EMBEDDED_STORE.secretAccessKey;
  const region = pick(env, V.region, problems) ?? EMBEDDED_STORE.region;
  if (!/^[a-z0-9-]{1,40}$/.test(region)) problems.push(`AWS_REGION must look like us-east-1 (or auto), got '${region}'`);
  const bucket = pick(env, V.bucket, problems) ?? EMBEDDED_STORE.bucket;
  const bp = bucketProblem(bucket);
  if (bp) problems.push(`${env[V.bucket[0]]?.trim() ? V.bucket[0] : env[V.bucket[1]]?.trim() ? V.bucket[1] : V.bucket[0]} ${bp}, got '${bucket}'`);
  if (problems.length) throw new S3ConfigError(problems);
  return { endpoint, embedded: endpointRaw === undefined, accessKeyId, secretAccessKey, sessionToken: pick(env, V.sessionToken, problems), region, bucket };
}

/** Host of the endpoint, for the "load only against loopback" style guards and messages. */
export function endpointIsLoopback(c: S3Config): boolean {
  const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(c.endpoint);
  return m ? isLoopbackHost(m[1] as string) : false;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket root). */
  prefix: string;
}

/** Parses s3://bucket/prefix (the CLI's --out and --verify), naming the flag on error. */
export function parseS3Url(flag: string, url: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw new Error(`${flag}: expected s3://bucket/prefix, got '${url}'`);
  const bucket = m[1] as string;
  const bp = bucketProblem(bucket);
  if (bp) throw new Error(`${flag}: bucket '${bucket}' ${bp}`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  const kp = keyPrefixProblem(prefix);
  if (kp) throw new Error(`${flag}: prefix '${prefix}' ${kp}`);
  return { bucket, prefix };
}

/** A key prefix we write under: plain path segments only, so keys never need guessing how to encode. */
export function keyPrefixProblem(prefix: string): string | null {
  if (prefix === '') return null;
  if (prefix.length > 512) return 'is longer than 512 characters';
  if (!/^[A-Za-z0-9._=-]+(\/[A-Za-z0-9._=-]+)*$/.test(prefix) || /(^|\/)\.{1,2}(\/|$)/.test(prefix)) {
    return 'must be path segments of A-Z a-z 0-9 . _ = - separated by single slashes (no . or .. segments)';
  }
  return null;
}
