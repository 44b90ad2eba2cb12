import type { SandboxConfig } from './config.ts';
import type { SandboxDb } from './db.ts';
import type { FaultInjector } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { S3Client } from '@aws-sdk/client-s3';

/** Process-wide state shared by the payment and banking listeners. */
export interface SandboxState {
  config: SandboxConfig;
  sdb: SandboxDb;
  faults: FaultInjector;
  limiter: RateLimiter | null;
  /** single-flight slot for POST /api/v1/data/generate */
  generation: { active: boolean };
  /** true once close() started: streams stop, no new work */
  closing: boolean;
  /** The object storage client, made on the first generation with a sink. */
  s3?: S3Client;
}
