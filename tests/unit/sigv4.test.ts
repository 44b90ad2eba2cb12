// lib/sigv4.ts against AWS's published Signature Version 4 examples: the S3 API reference's
// "Examples: Signature Calculations" (GetObject with a Range header, ListObjects with a query, and
// PutObject with a body) and the general test suite's get-vanilla case. Node's crypto stands in for
// k6/crypto, as lib/k6/s3.ts injects it.
import { createHash, createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amzDate, canonicalRequest, EMPTY_SHA256, encodeS3Key, signingKey, signRequest, toHex, type SigV4Crypto } from '../../lib/sigv4.ts';

const toBuf = (b: string | ArrayBuffer) => (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b));
const ab = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const nodeCrypto: SigV4Crypto = {
  hmac: (key, data) => ab(createHmac('sha256', toBuf(key)).update(data, 'utf8').digest()),
  sha256Hex: (data) => createHash('sha256').update(toBuf(data)).digest('hex'),
};

// S3 API reference example credentials (not a real key).
const S3_DOC = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const S3_SCOPE = { region: 'us-east-1', service: 's3', amzDate: '20130524T000000Z' };

test('GetObject with a Range header (S3 docs example)', () => {
  const s = signRequest(nodeCrypto, S3_DOC, { method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', headers: { Range: 'bytes=0-9' } }, S3_SCOPE);
  assert.equal(
    s.canonicalRequest,
    'GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(s.stringToSign.split('\n')[3], '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
  assert.equal(s.signature, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  assert.equal(
    s.headers.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  );
});

test('ListObjects with query parameters, given out of order (S3 docs example)', () => {
  const s = signRequest(nodeCrypto, S3_DOC, { method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2' }, S3_SCOPE);
  assert.match(s.canonicalRequest, /^GET\n\/\nmax-keys=2&prefix=J\n/);
  assert.equal(s.signature, '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
});

test('PutObject with a body and a key that needs encoding (S3 docs example)', () => {
  const body = 'Welcome to Amazon S3.';
  const s = signRequest(
    nodeCrypto,
    S3_DOC,
    {
      method: 'PUT',
      url: `https://examplebucket.s3.amazonaws.com/${encodeS3Key('test$file.text')}`,
      headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      payloadHash: nodeCrypto.sha256Hex(body),
    },
    S3_SCOPE,
  );
  assert.match(s.canonicalRequest, /^PUT\n\/test%24file\.text\n\n/);
  assert.equal(s.signature, '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
});

test('get-vanilla (Signature Version 4 test suite)', () => {
  const s = signRequest(
    nodeCrypto,
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    { method: 'GET', url: 'https://example.amazonaws.com/' },
    { region: 'us-east-1', service: 'service', amzDate: '20150830T123600Z' },
  );
  assert.equal(s.canonicalRequest, `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
  assert.equal(s.signature, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
});

test('signing key derivation (AWS general reference example)', () => {
  const key = signingKey(nodeCrypto, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', { region: 'us-east-1', service: 'iam', amzDate: '20120215T000000Z' });
  assert.equal(toHex(key), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
});

test('a session token is signed, and header values are trimmed and folded', () => {
  const parts = canonicalRequest(
    { method: 'get', url: 'http://127.0.0.1:9000/analytics?list-type=2', headers: { 'X-Custom': '  a   b ' } },
    { region: 'us-east-1', service: 's3', amzDate: '20260101T000000Z' },
    'tok',
  );
  assert.equal(parts.signedHeaders, 'host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom');
  assert.match(parts.canonicalRequest, /\nhost:127\.0\.0\.1:9000\n/);
  assert.match(parts.canonicalRequest, /\nx-custom:a b\n/);
  assert.match(parts.canonicalRequest, /\nlist-type=2\n/);
});

test('amzDate and key encoding', () => {
  assert.equal(amzDate(new Date(Date.UTC(2013, 4, 24, 0, 0, 0, 123))), '20130524T000000Z');
  assert.equal(encodeS3Key('runs/a b/part-0001.ndjson'), 'runs/a%20b/part-0001.ndjson');
  assert.equal(encodeS3Key("x!'()*"), 'x%21%27%28%29%2A');
});
