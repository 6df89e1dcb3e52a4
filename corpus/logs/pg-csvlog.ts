/**
 * PostgreSQL csvlog (log_destination = 'csvlog'): no header, the documented
 * column layout (log_time, user_name, database_name, process_id,
 * connection_from, session_id, session_line_num, ..., error_severity,
 * sql_state_code, message, detail, hint, internal_query, internal_query_pos,
 * context, query, query_pos, ...). Each row is one message; the rows of one
 * session (`session_id`) are joined into log entries by pg-session.ts: a
 * `statement:` row and the `duration:` row after it are one entry, an ERROR
 * row's `query` marks its statement as failed. A `query_id` (PostgreSQL 14+,
 * compute_query_id = on; 0 when not computed) is kept with the entry.
 */
import { reject, type LogRecord } from './types.ts';
import { countNewlines, csvRecords } from './csv.ts';
import type { ByteSource, SourceOptions } from './source.ts';
import { PgSessionJoiner } from './pg-session.ts';

const COL = { logTime: 0, user: 1, database: 2, pid: 3, sessionId: 5, severity: 11, message: 13, detail: 14, context: 18, query: 19, queryPos: 20, application: 22, queryId: 25 } as const;
/** csvlog rows have 22 (PG 9.x–12), 23, 24 or 26 columns (PG 13–17) */
export const PG_CSVLOG_MIN_COLUMNS = 22;

/** The log's rows as messages, joined into entries (by `shared`, when the logs of a folder share one); rows that are not csvlog rows are rejects. */
export async function* readPgCsvlog(source: ByteSource, options: SourceOptions = {}, shared?: PgSessionJoiner): AsyncGenerator<LogRecord> {
  const file = source.name;
  // a joiner shared by the logs of a folder is ended by its owner, after the last one
  const joiner = shared ?? new PgSessionJoiner();
  const out: LogRecord[] = [];
  const rejects: LogRecord[] = [];
  const parser = csvRecords(source, options, rejects, {});
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (rejects.length) yield rejects.shift()!;
    const row = rec.record;
    const line = rec.info.lines - countNewlines(row.join(''));
    if (row.length < PG_CSVLOG_MIN_COLUMNS) {
      yield reject('bad-csv-row', `csvlog row has ${row.length} columns, expected at least ${PG_CSVLOG_MIN_COLUMNS}`, file, line);
      continue;
    }
    const position = Number(row[COL.queryPos]);
    // 0 (or no column, before PostgreSQL 14): not computed
    const queryId = row[COL.queryId];
    joiner.add({
      session: row[COL.sessionId] || row[COL.pid] || '',
      severity: row[COL.severity] ?? '',
      message: row[COL.message] ?? '',
      detail: row[COL.detail] || undefined,
      context: row[COL.context] || undefined,
      statement: row[COL.query] || undefined,
      position: position > 0 ? position : undefined,
      ts: row[COL.logTime] || undefined,
      user: row[COL.user] || undefined,
      db: row[COL.database] || undefined,
      application: row[COL.application] || undefined,
      ...(queryId && queryId !== '0' ? { queryId } : {}),
      source: { file, line },
    }, out);
    while (out.length) yield out.shift()!;
  }
  if (!shared) joiner.end(out);
  while (rejects.length) yield rejects.shift()!;
  while (out.length) yield out.shift()!;
}
