/**
 * PostgreSQL stderr logs (log_destination = 'stderr'), as written with
 * log_min_duration_statement or log_statement:
 *
 *   2024-03-01 10:00:00.123 UTC [4242] app@shop LOG:  duration: 12.345 ms  statement: SELECT ...
 *   <continuation lines of a multi-line statement>
 *   ... LOG:  duration: 0.5 ms  execute S_1: SELECT ... WHERE id = $1
 *   ... DETAIL:  parameters: $1 = '42'
 *   ... ERROR:  relation "nope" does not exist
 *   ... STATEMENT:  SELECT * FROM nope
 *
 * The line prefix follows log_line_prefix (default `%m [%p] `); pass the
 * server's setting when it differs.
 */
import { reject, type LogEntry, type LogRecord } from './types.ts';
import { maxLineBytes, readLines, tooLargeMessage, type ByteSource, type SourceOptions } from './source.ts';
import { errorText, parsePgMessage, substituteParameters } from './pg-statement.ts';

export const DEFAULT_LOG_LINE_PREFIX = '%m [%p] ';

/** time zone as PostgreSQL prints it: an abbreviation (`UTC`) or a numeric offset (` +04`, ` -03:30`) */
const TZ = '(?: ?[+-]\\d\\d(?::?\\d\\d)?| [A-Za-z]{1,5})?';
const TS_MS = `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+${TZ}`;
const TS = `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d${TZ}`;
const ESCAPES: Record<string, string> = {
  m: `(?<ts>${TS_MS})`, t: `(?<ts>${TS})`, n: '[\\d.]+', s: TS, p: '(?<pid>\\d+)', u: '(?<user>[^@\\s\\]]*)', d: '(?<db>[^\\s\\]@]*)',
  // application names and command tags may hold spaces (`PostgreSQL JDBC Driver`, `CREATE TABLE`); query ids may be negative
  a: '(?<app>.*?)', h: '[^\\s]*', r: '[^\\s]*', l: '\\d+', c: '[0-9a-f.]+', e: '[0-9A-Z]{5}', x: '\\S*', v: '\\S*', i: '[\\w ]*?', b: '[\\w ]*?', q: '', Q: '-?\\d*', '%': '%',
};
const SEVERITY = '(?<sev>LOG|ERROR|WARNING|NOTICE|INFO|DEBUG\\d?|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION):\\s{1,2}(?<msg>.*)$';

/** A regex matching a line that starts a new log record under this prefix. */
export function prefixRegex(logLinePrefix: string = DEFAULT_LOG_LINE_PREFIX): RegExp {
  let re = '^';
  let optionalTail = false;
  const named = new Set<string>();
  for (let i = 0; i < logLinePrefix.length; i++) {
    const ch = logLinePrefix[i]!;
    if (ch === '%' && logLinePrefix[i + 1] === 'q' && !optionalTail) {
      // what follows %q is printed by session processes only: a background process's line stops here
      re += '(?:';
      optionalTail = true;
      i++;
    } else if (ch === '%' && i + 1 < logLinePrefix.length) {
      let esc = ESCAPES[logLinePrefix[++i]!] ?? '\\S*';
      // a name may be captured once: a second %u (or %t after %m) matches without capturing
      const name = /^\(\?<(\w+)>/.exec(esc)?.[1];
      if (name && named.has(name)) esc = esc.replace(`(?<${name}>`, '(?:');
      else if (name) named.add(name);
      re += esc;
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + (optionalTail ? ')?' : '') + SEVERITY);
}

interface PendingRecord {
  sev: string;
  msg: string;
  line: number;
  ts?: string;
  user?: string;
  db?: string;
  app?: string;
  /** the record's text passed the size limit: only its length is counted on */
  bytes?: number;
}

export async function* readPgStderr(source: ByteSource, logLinePrefix: string = DEFAULT_LOG_LINE_PREFIX, options: SourceOptions = {}): AsyncGenerator<LogRecord> {
  const file = source.name;
  const re = prefixRegex(logLinePrefix);
  const limit = maxLineBytes(options);
  let rec: PendingRecord | null = null;
  let entry: LogEntry | null = null; // a statement waiting for a possible DETAIL with parameters
  let afterError = false;
  let errorMessage = '';
  const out: LogRecord[] = [];

  const finish = (r: PendingRecord) => {
    const base = { ts: r.ts, user: r.user || undefined, project: r.db || undefined, ...(r.app ? { application: r.app } : {}), source: { file, line: r.line } };
    if (r.bytes !== undefined) {
      if (entry) out.push(entry);
      entry = null;
      afterError = false;
      out.push(reject('too-large', tooLargeMessage(r.bytes, options, 'statement'), file, r.line));
      return;
    }
    if (r.sev === 'DETAIL') {
      if (entry && /parameters:/.test(r.msg)) entry = { ...entry, sql: substituteParameters(entry.sql, r.msg) };
      return;
    }
    // an error's other parts come between ERROR and its STATEMENT: keep waiting for it
    if (r.sev === 'HINT' || r.sev === 'CONTEXT' || r.sev === 'QUERY' || r.sev === 'LOCATION') return;
    if (r.sev === 'STATEMENT') {
      if (afterError) out.push({ kind: 'entry', sql: r.msg.trim(), ...base, status: 'error', ...(errorMessage ? { error: errorMessage } : {}) });
      afterError = false;
      return;
    }
    if (entry) out.push(entry);
    entry = null;
    if (r.sev === 'ERROR' || r.sev === 'FATAL') {
      afterError = true;
      errorMessage = errorText(r.msg);
      return;
    }
    afterError = false;
    const stmt = parsePgMessage(r.msg);
    if (stmt) entry = { kind: 'entry', sql: stmt.sql, ...base, durationMs: stmt.durationMs, status: 'ok' };
  };

  for await (const l of readLines(source, options)) {
    const n = l.n;
    if (l.kind === 'too-large') {
      // most likely a record of its own (a one-line giant statement): it and its continuation lines are skipped as one
      if (rec) finish(rec);
      rec = { sev: 'LOG', msg: '', line: n, bytes: l.bytes };
      while (out.length) yield out.shift()!;
      continue;
    }
    const line = l.text;
    const m = re.exec(line);
    if (m) {
      if (rec) finish(rec);
      const g = m.groups!;
      rec = { sev: g.sev!, msg: g.msg!, line: n, ts: g.ts, user: g.user, db: g.db, app: g.app };
    } else if (rec) {
      if (rec.bytes !== undefined) rec.bytes += line.length + 1;
      else if (rec.msg.length + line.length >= limit) {
        rec.bytes = rec.msg.length + line.length + 1;
        rec.msg = '';
      } else rec.msg += '\n' + line;
    } else if (line.trim()) {
      out.push(reject('unrecognised-line', `line does not start with the log_line_prefix '${logLinePrefix}'`, file, n));
    }
    while (out.length) yield out.shift()!;
  }
  if (rec) finish(rec);
  if (entry) out.push(entry);
  while (out.length) yield out.shift()!;
}
