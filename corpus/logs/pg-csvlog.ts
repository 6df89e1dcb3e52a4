/**
 * PostgreSQL csvlog (log_destination = 'csvlog'): no header, the documented
 * column layout (log_time, user_name, database_name, process_id, ...,
 * error_severity, sql_state_code, message, detail, hint, internal_query,
 * internal_query_pos, context, query, ...). Statements come from `message`
 * (`statement:` / `duration: ... statement:` / `execute ...:`); an ERROR row
 * with a `query` marks that query as failed.
 */
import { reject, type LogRecord } from './types.ts';
import { countNewlines, csvRecords } from './csv.ts';
import type { ByteSource, SourceOptions } from './source.ts';
import { errorText, parsePgMessage, substituteParameters } from './pg-statement.ts';

const COL = { logTime: 0, user: 1, database: 2, pid: 3, severity: 11, message: 13, detail: 14, query: 19, application: 22 } as const;
/** csvlog rows have 22 (PG 9.x–12), 23, 24 or 26 columns (PG 13–17) */
export const PG_CSVLOG_MIN_COLUMNS = 22;

export async function* readPgCsvlog(source: ByteSource, options: SourceOptions = {}): AsyncGenerator<LogRecord> {
  const file = source.name;
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
    const severity = row[COL.severity] ?? '';
    const base = { ts: row[COL.logTime] || undefined, user: row[COL.user] || undefined, project: row[COL.database] || undefined, ...(row[COL.application] ? { application: row[COL.application] } : {}) };
    if (severity === 'ERROR' || severity === 'FATAL') {
      const query = row[COL.query];
      if (query) yield { kind: 'entry', sql: query, ...base, status: 'error', ...(row[COL.message] ? { error: errorText(row[COL.message]!) } : {}), source: { file, line } };
      continue;
    }
    const stmt = parsePgMessage(row[COL.message] ?? '');
    if (!stmt) continue; // connection/checkpoint/etc. messages are not queries
    const sql = stmt.prepared && row[COL.detail] ? substituteParameters(stmt.sql, row[COL.detail]!) : stmt.sql;
    yield { kind: 'entry', sql, ...base, durationMs: stmt.durationMs, status: 'ok', source: { file, line } };
  }
  while (rejects.length) yield rejects.shift()!;
}
