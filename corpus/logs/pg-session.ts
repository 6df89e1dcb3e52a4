/**
 * The messages of a PostgreSQL log joined into log entries, one per executed
 * statement, per session (stderr: `%c` or `%p`; csvlog: `session_id`):
 *
 * - `statement: X` (log_statement) waits for what ends it in its session: a
 *   `duration: D ms` alone (log_min_duration_statement), an `ERROR` whose
 *   STATEMENT is X (status `error`, counted once), or the session's next
 *   statement (no duration logged);
 * - `duration: D ms  statement: X` and `duration: D ms  execute ...: X` are
 *   complete; `parse`/`bind` steps are not executions;
 * - an `ERROR` with a STATEMENT no `statement:` line announced is an entry
 *   with status `error`;
 * - a simple-query message holding several statements (`SELECT 1; SELECT 2`)
 *   gives one entry per statement, sharing its one duration evenly; when an
 *   error names a position, the statements before it were `ok`, the one at it
 *   failed and the ones after it never ran;
 * - `PREPARE` is remembered per session; `EXECUTE q(args)` becomes the
 *   prepared statement with its arguments substituted (from the PREPARE seen
 *   in the session, or the `prepare:` DETAIL PostgreSQL logs with it);
 *   `DEALLOCATE`/`DISCARD` forget them (the three stay utility statements).
 */
import { reject, type LogEntry, type LogRecord, type SourcePosition } from './types.ts';
import { classifyPgMessage, errorText } from './pg-statement.ts';
import { parseParameterDetail, substituteValues } from './pg-parameters.ts';
import { MAX_PREPARED_PER_SESSION, parseDeallocate, parseExecute, parsePrepare, prepareFromDetail, resolveExecute, type PreparedStatement } from './pg-prepare.ts';
import { splitStatements } from './sql-dir.ts';

/** One message of a PostgreSQL log, with the parts logged with it. */
export interface PgMessage {
  /** `%c`/`session_id`, else `%p`/`process_id`; '' when the log says neither */
  readonly session: string;
  readonly severity: string;
  readonly message: string;
  readonly detail?: string;
  /** stderr `CONTEXT:`, csvlog `context` (`unnamed portal with parameters: $1 = ...` on an extended-protocol error) */
  readonly context?: string;
  /** the statement an error happened in (stderr `STATEMENT:`, csvlog `query`) */
  readonly statement?: string;
  /** the line of a STATEMENT part (stderr), where an error entry is said to be */
  readonly statementLine?: number;
  /** 1-based character position of the error in `statement` */
  readonly position?: number;
  readonly ts?: string;
  readonly user?: string;
  readonly db?: string;
  /** the client's application_name (csvlog; `%a` in a stderr prefix) */
  readonly application?: string;
  /** csvlog `query_id` when computed (PostgreSQL 14+) */
  readonly queryId?: string;
  readonly source: SourcePosition;
  /** the message was over the size limit: a `too-large` reject with this text */
  readonly tooLarge?: string;
}

interface Pending {
  /** the statement text, parameters substituted */
  readonly raw: string;
  /** the text as logged (what an error's STATEMENT repeats) */
  readonly logged: string;
  readonly message: PgMessage;
  /** extended protocol: one statement, parameters substituted already */
  readonly prepared: boolean;
  /** a statement over the size limit: its duration line is swallowed, nothing else */
  readonly dropped?: boolean;
}

interface Session {
  pending: Pending | null;
  readonly prepared: Map<string, PreparedStatement>;
}

/**
 * sessions with a statement waiting or statements prepared, at most (a log
 * without disconnection lines never closes one); past it the least recently
 * active one is closed (PgSessionJoiner.evictions counts them)
 */
export const MAX_OPEN_SESSIONS = 10_000;

/**
 * Joins messages into entries as they come: `add` puts the entries a message
 * completes into `out`, `end` the ones still waiting when the log ends.
 */
export class PgSessionJoiner {
  /** open sessions, least recently active first (a session that logs a line moves to the end) */
  private readonly sessions = new Map<string, Session>();
  /** sessions closed because the cap was reached (their waiting statement taken as ended, prepared statements forgotten) */
  evictions = 0;

  add(m: PgMessage, out: LogRecord[]): void {
    let s = this.sessions.get(m.session);
    if (!s) s = { pending: null, prepared: new Map() };
    else this.sessions.delete(m.session);
    this.sessions.set(m.session, s);
    if (m.tooLarge !== undefined) {
      flush(s, out, 'ok');
      out.push(reject('too-large', m.tooLarge, m.source.file, m.source.line));
      s.pending = { raw: '', logged: '', message: m, prepared: false, dropped: true };
    } else if (m.severity === 'ERROR' || m.severity === 'FATAL' || m.severity === 'PANIC') {
      const text = m.statement?.trim();
      // the position counts from the statement's first character, before the white space trimmed off
      const position = m.position !== undefined && m.statement ? m.position - (m.statement.length - m.statement.trimStart().length) : undefined;
      // an ERROR happens in a statement; a FATAL without one (a terminated connection) says nothing of the statement before it
      const inPending = text === undefined ? m.severity === 'ERROR' : text === s.pending?.logged;
      const error = errorText(m.message);
      if (s.pending && !s.pending.dropped && inPending) {
        takeQueryId(s, m);
        flush(s, out, 'error', undefined, position, error);
      }
      else {
        flush(s, out, 'ok');
        if (text) {
          const portal = m.context && /portal \S* ?with parameters: /i.test(m.context) ? m.context.replace(/^[\s\S]*?portal \S* ?with /, '') : undefined;
          const raw = portal ? substituteValues(text, parseParameterDetail(portal)) : text;
          const where = m.statementLine ? { ...m, source: { ...m.source, line: m.statementLine } } : m;
          entriesOf({ raw, logged: text, message: where, prepared: portal !== undefined }, s, 'error', undefined, position, out, error);
        }
      }
    } else if (m.severity === 'LOG') {
      const k = classifyPgMessage(m.message);
      if (k?.kind === 'duration') {
        takeQueryId(s, m);
        if (s.pending) flush(s, out, 'ok', k.durationMs);
      } else if (k?.kind === 'statement') {
        flush(s, out, 'ok');
        const raw = k.prepared && m.detail ? substituteValues(k.sql, parseParameterDetail(m.detail)) : k.sql;
        const p: Pending = { raw, logged: k.sql, message: m, prepared: k.prepared };
        if (k.durationMs !== undefined) entriesOf(p, s, 'ok', k.durationMs, undefined, out);
        else s.pending = p;
      } else if (k === null && /^(?:disconnection|connection received|connection authorized):/.test(m.message)) {
        // a session ends, or a new one starts under a process id used before: nothing carries over
        flush(s, out, 'ok');
        s.prepared.clear();
      }
    }
    if (!s.pending && s.prepared.size === 0) this.sessions.delete(m.session);
    else if (this.sessions.size > MAX_OPEN_SESSIONS) {
      // memory grows with open sessions, not lines: the least recently active one's statement is taken as ended
      const [key, oldest] = this.sessions.entries().next().value!;
      flush(oldest, out, 'ok');
      this.sessions.delete(key);
      this.evictions++;
    }
  }

  end(out: LogRecord[]): void {
    for (const s of this.sessions.values()) flush(s, out, 'ok');
    this.sessions.clear();
  }
}

/** The query id the message that ends a waiting statement logs (a `statement:` line is logged before it is computed). */
function takeQueryId(s: Session, m: PgMessage): void {
  if (s.pending && m.queryId !== undefined && s.pending.message.queryId === undefined) s.pending = { ...s.pending, message: { ...s.pending.message, queryId: m.queryId } };
}

function flush(s: Session, out: LogRecord[], status: 'ok' | 'error', durationMs?: number, position?: number, error?: string): void {
  const p = s.pending;
  s.pending = null;
  if (p && !p.dropped) entriesOf(p, s, status, durationMs, position, out, error);
}

/** The entries of one logged statement text: split, PREPAREs remembered, EXECUTEs resolved; a failed one keeps its `error` message. */
function entriesOf(p: Pending, s: Session, status: 'ok' | 'error', durationMs: number | undefined, position: number | undefined, out: LogRecord[], error?: string): void {
  const m = p.message;
  const base: Omit<LogEntry, 'kind' | 'sql'> & { queryId?: string } = {
    ts: m.ts, user: m.user || undefined, project: m.db || undefined, ...(m.application ? { application: m.application } : {}), ...(m.queryId ? { queryId: m.queryId } : {}), source: m.source,
  };
  const failed = (own: 'ok' | 'error') => (own === 'error' && error ? { error } : {});
  if (p.prepared) {
    out.push({ kind: 'entry', sql: p.raw.replace(/;\s*$/, '').trimEnd(), ...base, durationMs, status, ...failed(status) });
    return;
  }
  // most messages hold one statement and no comment before it: no need to split them
  const parts = p.raw.includes(';') || /^\s*(?:--|\/\*)/.test(p.raw) ? splitStatements(p.raw) : [{ sql: p.raw.trim() }];
  // a message's query id is one of its statements' (whichever ran last): it says nothing of the others
  if (parts.length > 1) delete base.queryId;
  // a failed message of several statements without a position cannot say which ran, and a syntax error means none
  // did (PostgreSQL parses the whole message first): one error entry for the message, no part counted as ok
  if (status === 'error' && parts.length > 1 && (position === undefined || /^syntax error/i.test(error ?? ''))) {
    out.push({ kind: 'entry', sql: p.raw.trim().replace(/;\s*$/, ''), ...base, status, ...failed(status) });
    return;
  }
  const share = durationMs === undefined || parts.length === 0 ? undefined : durationMs / parts.length;
  // PostgreSQL counts characters, JavaScript UTF-16 units
  const at = position === undefined ? undefined : utf16Offset(p.raw, position - 1);
  let from = 0;
  for (const part of parts) {
    const start = p.raw.indexOf(part.sql, from);
    const end = start < 0 ? from : start + part.sql.length;
    from = Math.max(from, end);
    let own: 'ok' | 'error' = status;
    if (status === 'error' && at !== undefined && parts.length > 1 && start >= 0) {
      if (at >= end && part !== parts.at(-1)) own = 'ok';
      else if (at < start) break; // after the failed statement: never ran
    }
    const entry: LogEntry = { kind: 'entry', sql: resolve(part.sql, m.detail, s, own), ...base, durationMs: own === 'error' ? undefined : share, status: own, ...failed(own) };
    out.push(entry);
    if (own === 'error' && at !== undefined && parts.length > 1) break;
  }
}

/** Remembers PREPAREs that succeeded, forgets DEALLOCATEd ones; an EXECUTE becomes the statement it runs. */
function resolve(sql: string, detail: string | undefined, s: Session, status: 'ok' | 'error'): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  if (verb === 'prepare' && status === 'ok') {
    const p = parsePrepare(sql);
    if (p) {
      s.prepared.delete(p.name);
      s.prepared.set(p.name, p);
      if (s.prepared.size > MAX_PREPARED_PER_SESSION) s.prepared.delete(s.prepared.keys().next().value!);
    }
  } else if (verb === 'execute') {
    const e = parseExecute(sql);
    const p = e && (prepareFromDetail(detail, e.name) ?? s.prepared.get(e.name));
    if (e && p) return resolveExecute(p, e.args);
  } else if (verb === 'deallocate' || verb === 'discard') {
    const d = parseDeallocate(sql);
    if (d && 'all' in d) s.prepared.clear();
    else if (d) s.prepared.delete(d.name);
  }
  return sql;
}

/** The UTF-16 offset of the character at code-point offset `chars`. */
function utf16Offset(text: string, chars: number): number {
  let i = 0;
  for (let c = 0; c < chars && i < text.length; c++) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}
