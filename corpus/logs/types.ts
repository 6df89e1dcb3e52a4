/**
 * Log entries as every reader yields them. Readers never throw on bad input:
 * a line they cannot use becomes a `LogReject` with a reason and where it
 * was, and reading goes on.
 */

export type LogFormat = 'jsonl' | 'csv' | 'sql-dir' | 'pg-csvlog' | 'pg-stderr';

export const LOG_FORMATS: readonly LogFormat[] = ['jsonl', 'csv', 'sql-dir', 'pg-csvlog', 'pg-stderr'];

export interface SourcePosition {
  readonly file: string;
  /** 1-based line where the entry starts */
  readonly line: number;
}

export interface LogEntry {
  readonly kind: 'entry';
  readonly sql: string;
  readonly ts?: string;
  readonly user?: string;
  /** the database (PostgreSQL logs) or project */
  readonly project?: string;
  /** the client's application_name, where the log carries it (csvlog; `%a` in a stderr prefix) */
  readonly application?: string;
  readonly durationMs?: number;
  /** `ok`, `error`, or whatever the log says */
  readonly status?: string;
  /** a failed statement's error message, as the log gives it (PostgreSQL logs) */
  readonly error?: string;
  /** PostgreSQL's query identifier (csvlog `query_id`, PostgreSQL 14+ with compute_query_id), as logged */
  readonly queryId?: string;
  /** lower runs first in a phased release; free-form number from the log */
  readonly priority?: number;
  readonly source: SourcePosition;
}

export type RejectReason =
  | 'malformed-json'
  | 'missing-sql'
  | 'bad-field'
  | 'bad-csv-row'
  | 'unrecognised-line'
  | 'malformed-sql'
  | 'unparsable-sql'
  | 'not-a-query'
  /** a statement (or log line) over the size limit, `--max-statement-bytes` */
  | 'too-large';

export interface LogReject {
  readonly kind: 'reject';
  readonly reason: RejectReason;
  readonly message: string;
  readonly source: SourcePosition;
}

export type LogRecord = LogEntry | LogReject;

export function reject(reason: RejectReason, message: string, file: string, line: number): LogReject {
  return { kind: 'reject', reason, message, source: { file, line } };
}
