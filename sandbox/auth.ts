import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.ts';

/**
 * Returns a checker for `Authorization: Bearer <token>` that answers which client (the token's index in
 * `tokens`) sent the request, or throws 401. Every token is compared, in constant time, so the answer
 * time does not reveal which token, or how much of one, matched.
 */
export function bearerChecker(tokens: readonly string[]): (header: string | undefined) => number {
  const expected = tokens.map((t) => Buffer.from(`Bearer ${t}`));
  return (header) => {
    if (header === undefined || header === '') {
      throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token> header', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    const got = Buffer.from(header);
    let client = -1;
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i] as Buffer;
      if (got.length === e.length && timingSafeEqual(got, e) && client === -1) client = i;
    }
    if (client === -1) {
      throw new ApiError(401, 'unauthorized', 'invalid bearer token', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    return client;
  };
}
