// The Node side's S3 client (sandbox, cli, tests), configured from lib/s3-config.ts. Node-only: k6
// signs its own requests (lib/sigv4.ts, lib/k6/s3.ts) and never imports this file.
// Why the AWS SDK (docs/object-storage.md): it is the client every S3-compatible service tests
// against (AWS S3, MinIO, GCS's interface, versitygw), with paged listing and signing built in.
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from './s3-config.ts';

export function s3Client(c: S3Config): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    // Checksums only when an operation requires one: not every S3-compatible service knows the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
