// Reads an S3-compatible store from k6: GetObject and paged ListObjectsV2, signed with lib/sigv4.ts on
// k6/crypto (k6 has no S3 module offline). Thin: the signing and the XML parsing are pure and tested in
// Node; this file only wires them to k6/http and k6/crypto. Requests are path-style
// (<endpoint>/<bucket>/<key>) and tagged with their own names, so they never mix with the endpoint
// under test in the thresholds.
import http from 'k6/http';
import crypto from 'k6/crypto';
import { amzDate, encodeS3Key, signRequest, uriEncode, type SigV4Crypto } from '../sigv4.ts';
import { parseListObjectsV2, type ListedObject } from '../data/stored-run.ts';
import type { S3Config } from '../s3-config.ts';

const k6Crypto: SigV4Crypto = {
  hmac: (key, data) => crypto.hmac('sha256', key, data, 'binary'),
  sha256Hex: (data) => crypto.sha256(data, 'hex'),
};

/** A missing object is an answer here (the checks name it), not a failed request. */
const ANSWERS = http.expectedStatuses(200, 404);

export const S3_REQUEST_NAMES = { get: 'S3 GetObject', list: 'S3 ListObjectsV2' } as const;

export class S3Reader {
  constructor(private readonly c: S3Config) {}

  private signed(method: string, url: string): Record<string, string> {
    const creds = { accessKeyId: this.c.accessKeyId, secretAccessKey: this.c.secretAccessKey, sessionToken: this.c.sessionToken };
    const { headers } = signRequest(k6Crypto, creds, { method, url }, { region: this.c.region, service: 's3', amzDate: amzDate(new Date()) });
    delete headers.host; // k6 sets Host from the URL
    return headers;
  }

  /** The object's bytes, or null when it does not exist. Throws on any other answer. */
  getBytes(key: string): ArrayBuffer | null {
    const url = `${this.c.endpoint}/${this.c.bucket}/${encodeS3Key(key)}`;
    const res = http.get(url, { headers: this.signed('GET', url), responseType: 'binary', responseCallback: ANSWERS, tags: { name: S3_REQUEST_NAMES.get } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`S3 GET ${key}: HTTP ${res.status} ${res.error ?? ''}`.trim());
    return res.body as ArrayBuffer;
  }

  /** The object as UTF-8 text, or null. */
  getText(key: string): string | null {
    const url = `${this.c.endpoint}/${this.c.bucket}/${encodeS3Key(key)}`;
    const res = http.get(url, { headers: this.signed('GET', url), responseCallback: ANSWERS, tags: { name: S3_REQUEST_NAMES.get } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`S3 GET ${key}: HTTP ${res.status} ${res.error ?? ''}`.trim());
    return res.body as string;
  }

  sha256Hex(bytes: ArrayBuffer): string {
    return k6Crypto.sha256Hex(bytes);
  }

  /** Every object under `prefix`, following continuation tokens `pageSize` keys at a time. */
  list(prefix: string, pageSize = 1000): { objects: ListedObject[]; pages: number } {
    const objects: ListedObject[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const q = [`list-type=2`, `max-keys=${pageSize}`, `prefix=${uriEncode(prefix)}`];
      if (token !== null) q.push(`continuation-token=${uriEncode(token)}`);
      const url = `${this.c.endpoint}/${this.c.bucket}?${q.join('&')}`;
      const res = http.get(url, { headers: this.signed('GET', url), tags: { name: S3_REQUEST_NAMES.list } });
      if (res.status !== 200) throw new Error(`S3 ListObjectsV2 ${prefix}: HTTP ${res.status} ${String(res.body ?? '').slice(0, 300)}`);
      const page = parseListObjectsV2(res.body as string);
      objects.push(...page.objects);
      token = page.truncated ? page.nextToken : null;
      pages++;
      if (pages > 100_000) throw new Error('S3 ListObjectsV2: more than 100,000 pages');
    } while (token !== null);
    return { objects, pages };
  }
}
