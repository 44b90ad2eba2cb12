import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.ts';

/** Returns a checker for `Authorization: Bearer <token>` (constant-time comparison). */
export function bearerChecker(token: string): (header: string | undefined) => void {
  const expected = Buffer.from(`Bearer ${token}`);
  return (header) => {
    if (header === undefined || header === '') {
      throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token> header', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    const got = Buffer.from(header);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new ApiError(401, 'unauthorized', 'invalid bearer token', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
  };
}
