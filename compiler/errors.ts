/**
 * One error type for the whole project: a kebab-case `code`, a message a
 * user can act on, and where it happened. Edges (CLI, HTTP, queue) translate
 * these into exit codes, status codes and outcomes; domain code only throws.
 */

export type ErrorCode =
  | 'parse-error'
  | 'unsupported'
  /** nested deeper than the parser or binder can take (parentheses, CASE, subqueries, operator chains) */
  | 'too-deep'
  | 'unknown-table'
  | 'unknown-column'
  | 'ambiguous-column'
  | 'bind-error'
  | 'type-error'
  | 'catalog-error'
  | 'lower-error'
  | 'build-error'
  | 'build-crash'
  | 'build-timeout'
  | 'protocol-error'
  | 'usage-error'
  /** a PostgreSQL stderr log whose lines do not start with the log_line_prefix given (or any known one) */
  | 'log-prefix-mismatch'
  | 'environment-error'
  | 'not-found'
  | 'io-error'
  | 'internal-error';

export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** the query text or an identifier of it, shortened for display */
  readonly query?: string;
}

export class FlightdeckError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { location?: ErrorLocation; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlightdeckError';
    this.code = code;
    this.location = options.location;
    this.retryable = options.retryable ?? false;
  }

  /** `code at file:line:column: message` — one line, for logs and CLI output. */
  describe(): string {
    return `${this.code}${formatLocation(this.location)}: ${this.message}`;
  }

  toJSON(): { code: ErrorCode; message: string; location?: ErrorLocation; retryable: boolean } {
    return { code: this.code, message: this.message, ...(this.location ? { location: this.location } : {}), retryable: this.retryable };
  }
}

export function formatLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(String(loc.line));
  if (loc.column !== undefined) parts.push(String(loc.column));
  return parts.length ? ` at ${parts.join(':')}` : '';
}

/** Wrap anything thrown into a FlightdeckError (unexpected ones become `internal-error`). */
export function toFlightdeckError(err: unknown): FlightdeckError {
  if (err instanceof FlightdeckError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FlightdeckError('internal-error', message, { cause: err });
}
