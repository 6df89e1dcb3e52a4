/**
 * The API's errors: one JSON shape (`ApiError`) with a stable code and an
 * HTTP status, whatever went wrong. Inputs are validated with zod; a failed
 * check becomes `400 bad-request` naming the input (`query.limit`). Domain
 * errors (FlightdeckError) map by code; a store that is busy (retryable) is
 * `503 busy`; anything else is `500 internal` with a generic message — the
 * real one goes to the server log, never a stack trace or a secret to the client.
 */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';
import type { ApiError } from './api-types.ts';

export type ApiCode = 'bad-request' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'busy' | 'internal';

const STATUS: Readonly<Record<ApiCode, number>> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  busy: 503,
  internal: 500,
};

/** An error the API answers with as is: its code, status and message are meant for the client. */
export class HttpError extends Error {
  constructor(
    readonly code: ApiCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  body(): ApiError {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const notFound = (message: string) => new HttpError('not-found', message);

/**
 * Parse one part of a request (`params`, `query`, `body`) with a zod schema;
 * the first issue becomes `400 bad-request` with its field, e.g. `query.limit`.
 */
export function parseInput<S extends z.ZodType>(part: 'params' | 'query' | 'body', schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [part, ...issue.path.map(String)].join('.');
  throw new HttpError('bad-request', `${field}: ${issue.message}`, field);
}

/** secrets that must never leave the server: a password in a URL, a bearer token */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\w+:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1***@')
    .replace(/(bearer\s+)[\w.~+/-]+=*/gi, '$1***')
    .replace(/([?&]token=)[^&\s]+/gi, '$1***')
    .replace(/\bfdk_[A-Za-z0-9_-]{20,}/g, 'fdk_***');
}

/** Turn anything thrown by a handler into the API's status and body. */
export function toApiError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof FlightdeckError) {
    if (err.retryable) return new HttpError('busy', redactSecrets(err.message));
    if (err.code === 'not-found') return new HttpError('not-found', redactSecrets(err.message));
    if (err.code === 'usage-error') return new HttpError('bad-request', redactSecrets(err.message));
  }
  // fastify's own errors: a body that is not JSON, too large, a bad content type
  const status = (err as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status === 404 ? 'not-found' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 409 ? 'conflict' : 'bad-request', redactSecrets((err as Error).message));
  }
  return new HttpError('internal', 'internal error: the server logged the details');
}

export function sendError(reply: FastifyReply, err: HttpError): FastifyReply {
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.body());
}
