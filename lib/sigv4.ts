// AWS Signature Version 4 for S3 requests (header authorization), as the k6 side needs it: k6 has no
// S3 module offline (the AWS jslib is a remote import), so the data-generation teardown signs its
// own ListObjectsV2 and GetObject calls. Pure: the HMAC-SHA256 and SHA-256 primitives are injected
// (k6/crypto in lib/k6/s3.ts, node:crypto in the unit tests), so the canonical request, the string
// to sign and the key derivation are checked in Node against AWS's published examples.
// The Node side (sandbox, cli) uses the AWS SDK's own signer; this one is only for k6.

/** Bytes as the primitives pass them: k6/crypto's 'binary' output is an ArrayBuffer. */
export type Bytes = ArrayBuffer;

export interface SigV4Crypto {
  /** HMAC-SHA256 of `data` (UTF-8) under `key` (UTF-8 text or bytes). */
  hmac(key: string | Bytes, data: string): Bytes;
  /** Lower-case hex SHA-256 of `data` (UTF-8 text or bytes). */
  sha256Hex(data: string | Bytes): string;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  /** Absolute URL; its path must already be URI-encoded the way S3 expects (see encodeS3Key). */
  url: string;
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body, or 'UNSIGNED-PAYLOAD'; default: hash of the empty body. */
  payloadHash?: string;
}

export interface SigV4Scope {
  region: string;
  service: string;
  /** ISO basic time, e.g. 20130524T000000Z. */
  amzDate: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function toHex(b: Bytes): string {
  const v = new Uint8Array(b);
  let s = '';
  for (let i = 0; i < v.length; i++) s += (v[i] as number).toString(16).padStart(2, '0');
  return s;
}

/** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (upper case). */
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/')) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

/** An object key as it goes in a path-style URL: each segment encoded, slashes kept. */
export function encodeS3Key(key: string): string {
  return uriEncode(key, true);
}

/** "20130524T000000Z" for a Date (ISO basic, whole seconds, UTC). */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function splitUrl(url: string): { host: string; path: string; query: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/i.exec(url);
  if (!m) throw new Error(`not an absolute URL: ${url}`);
  return { host: (m[1] as string).toLowerCase(), path: m[2] || '/', query: m[3] ?? '' };
}

/** Query parameters decoded, re-encoded strictly and sorted by name, then value. */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? p : p.slice(0, eq)).replace(/\+/g, '%20'));
    const v = eq < 0 ? '' : decodeURIComponent(p.slice(eq + 1).replace(/\+/g, '%20'));
    return [uriEncode(k), uriEncode(v)] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface CanonicalParts {
  canonicalRequest: string;
  signedHeaders: string;
  /** Every header sent, lower-case names, including host, x-amz-date and x-amz-content-sha256. */
  headers: Record<string, string>;
}

/** The canonical request of AWS's documentation. S3 paths are not normalized or encoded twice. */
export function canonicalRequest(req: SigV4Request, scope: SigV4Scope, sessionToken?: string): CanonicalParts {
  const { host, path, query } = splitUrl(req.url);
  const payloadHash = req.payloadHash ?? EMPTY_SHA256;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host ??= host;
  headers['x-amz-date'] = scope.amzDate;
  if (scope.service === 's3') headers['x-amz-content-sha256'] = payloadHash;
  if (sessionToken) headers['x-amz-security-token'] = sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] as string).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  return {
    canonicalRequest: [req.method.toUpperCase(), path, canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash].join('\n'),
    signedHeaders,
    headers,
  };
}

export function credentialScope(scope: SigV4Scope): string {
  return `${scope.amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
}

export function stringToSign(crypto: SigV4Crypto, canonical: string, scope: SigV4Scope): string {
  return ['AWS4-HMAC-SHA256', scope.amzDate, credentialScope(scope), crypto.sha256Hex(canonical)].join('\n');
}

export function signingKey(crypto: SigV4Crypto, secret: string, scope: SigV4Scope): Bytes {
  const kDate = crypto.hmac(`AWS4${secret}`, scope.amzDate.slice(0, 8));
  const kRegion = crypto.hmac(kDate, scope.region);
  const kService = crypto.hmac(kRegion, scope.service);
  return crypto.hmac(kService, 'aws4_request');
}

export interface Signed {
  /** Headers to send: the caller's, plus host, x-amz-date, x-amz-content-sha256 and Authorization. */
  headers: Record<string, string>;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

export function signRequest(crypto: SigV4Crypto, creds: SigV4Credentials, req: SigV4Request, scope: SigV4Scope): Signed {
  const parts = canonicalRequest(req, scope, creds.sessionToken);
  const sts = stringToSign(crypto, parts.canonicalRequest, scope);
  const signature = toHex(crypto.hmac(signingKey(crypto, creds.secretAccessKey, scope), sts));
  const headers = { ...parts.headers };
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${credentialScope(scope)}, SignedHeaders=${parts.signedHeaders}, Signature=${signature}`;
  return { headers, signature, canonicalRequest: parts.canonicalRequest, stringToSign: sts };
}
