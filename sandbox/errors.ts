/**
 * Error model shared by both services.
 *
 * Every error response has the shape
 *   {"error": {"code": "snake_case", "message": "human text", "field": "card.number"?, ...extra}}
 * Handlers throw ApiError; the global error handler (installErrorHandling) maps
 * ApiError, fastify framework errors and anything unexpected to that shape.
 * Nothing a client sends may produce a 5xx: unexpected errors become 500
 * `internal_error` only as a last resort (and are logged to stderr).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FORM_ERROR_CODES } from './json-schemas.ts';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    [extra: string]: unknown;
  };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { field?: string; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = opts.field;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    if (this.extra) Object.assign(error, this.extra);
    return { error };
  }
}

export const notFound = (what: string, field?: string): ApiError =>
  new ApiError(404, 'not_found', `${what} not found`, field === undefined ? {} : { field });

/** Convert an ajv instancePath ("/card/number", "/operations/0/type") to "card.number" / "operations[0].type". */
export function pathToField(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const raw of parts) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(p)) out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function validationToApiError(errors: AjvLikeError[], context: string | undefined): ApiError {
  const e = errors[0];
  if (!e) return new ApiError(422, 'validation_failed', 'request is invalid');
  const missing = e.keyword === 'required' ? String(e.params?.missingProperty ?? '') : undefined;
  const extra = e.keyword === 'additionalProperties' ? String(e.params?.additionalProperty ?? '') : undefined;
  const field = pathToField(e.instancePath ?? '', missing ?? extra);
  const where = field === '' ? (context ?? 'body') : field;
  let message: string;
  if (missing !== undefined) message = `${where} is required`;
  else if (extra !== undefined) message = `${where} is not a field of this request`;
  else if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues)) {
    const allowed = e.params.allowedValues as unknown[];
    message = `${where} must be one of ${allowed.length > 12 ? allowed.slice(0, 12).join(', ') + ', ...' : allowed.join(', ')}`;
  } else message = `${where} ${e.message ?? 'is invalid'}`;
  const formCode = e.keyword === 'pattern' || e.keyword === 'minLength' || e.keyword === 'maxLength' ? FORM_ERROR_CODES[field] : undefined;
  return field === ''
    ? new ApiError(422, 'validation_failed', message)
    : new ApiError(422, formCode ?? 'validation_failed', message, { field });
}

function mapError(err: FastifyError & { validation?: AjvLikeError[]; validationContext?: string }): ApiError {
  if (err instanceof ApiError) return err;
  if (Array.isArray(err.validation)) return validationToApiError(err.validation, err.validationContext);
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'malformed_json', 'request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'request body exceeds the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_request', 'Content-Length does not match the body');
    default:
      break;
  }
  if (err instanceof SyntaxError || err.statusCode === 400) {
    // secure-json-parse rejects __proto__ / constructor.prototype keys with a 400
    return new ApiError(400, 'malformed_json', 'request body is not acceptable JSON');
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : 'bad_request';
    return new ApiError(status, code, 'request could not be processed');
  }
  return new ApiError(500, 'internal_error', 'unexpected server error');
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.toBody());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
    const mapped = mapError(err);
    if (mapped.status >= 500 && mapped.code === 'internal_error') {
      process.stderr.write(`sandbox: unexpected error: ${err?.stack ?? String(err)}\n`);
    }
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((req, reply) => {
    return sendError(reply, new ApiError(404, 'not_found', `no route for ${req.method} ${req.url.split('?')[0]}`));
  });
}

/**
 * fastify `clientErrorHandler`: errors Node's HTTP parser raises before there is a request (header
 * overflow, malformed request line) are answered in the documented shape, not fastify's own.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || err.code === 'ECONNABORTED' || !socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'headers_too_large', 'request headers exceed the size limit')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'request_timeout', 'the request was not received in time')
        : new ApiError(400, 'bad_request', 'malformed HTTP request');
  const body = JSON.stringify(e.toBody());
  socket.end(
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
