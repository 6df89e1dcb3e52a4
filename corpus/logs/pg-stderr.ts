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
 * server's setting when it differs. What follows `%q` is left out of the
 * lines of processes without a session (Debian's `%m [%p] %q%u@%d `: the
 * checkpointer writes `... [811] LOG:  checkpoint starting`): such a line is
 * a new message, never a continuation. PostgreSQL writes each further line
 * of a message after a tab it adds; that tab is dropped (once), so the SQL
 * read here is the SQL of the same server's csvlog, byte for byte. A line
 * with neither the prefix nor that tab is not the server's (another
 * program's stderr caught by the logging collector, as archive_command's
 * `cp: cannot stat …`): it is an `unrecognised-line` reject, never SQL. Messages
 * are joined per session (`%c`, else `%p`) by pg-session.ts.
 */
import { reject, type LogRecord } from './types.ts';
import { maxLineBytes, readLines, tooLargeMessage, type ByteSource, type SourceOptions } from './source.ts';
import { PgSessionJoiner, type PgMessage } from './pg-session.ts';

export const DEFAULT_LOG_LINE_PREFIX = '%m [%p] ';

/** time zone as PostgreSQL prints it: an abbreviation (`UTC`) or a numeric offset (` +04`, ` -03:30`) */
const TZ = '(?: ?[+-]\\d\\d(?::?\\d\\d)?| [A-Za-z]{1,5})?';
const TS_MS = `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+${TZ}`;
const TS = `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d${TZ}`;
const ESCAPES: Record<string, string> = {
  m: `(?<ts>${TS_MS})`, t: `(?<ts>${TS})`, n: '[\\d.]+', s: TS, p: '(?<pid>\\d+)', u: '(?<user>\\[unknown\\]|[^@\\s\\]]*)', d: '(?<db>\\[unknown\\]|[^\\s\\]@]*)',
  // application names and command tags may hold spaces (`PostgreSQL JDBC Driver`, `CREATE TABLE`); query ids may be negative
  a: '(?<app>.*?)', h: '[^\\s]*', r: '[^\\s]*', l: '\\d+', c: '(?<sid>[0-9a-f]+\\.[0-9a-f]+)', e: '[0-9A-Z]{5}', x: '\\S*', v: '\\S*', i: '[\\w ]*?', b: '[\\w ]*?', q: '', Q: '-?\\d*', '%': '%',
};
const SEVERITY = '(?<sev>LOG|ERROR|WARNING|NOTICE|INFO|DEBUG\\d?|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION):\\s{1,2}(?<msg>.*)$';

/** A regex matching a line that starts a new log record under this prefix (what follows `%q` may be missing). */
export function prefixRegex(logLinePrefix: string = DEFAULT_LOG_LINE_PREFIX): RegExp {
  let re = '^';
  let optional = false;
  const named = new Set<string>();
  for (let i = 0; i < logLinePrefix.length; i++) {
    const ch = logLinePrefix[i]!;
    if (ch === '%' && i + 1 < logLinePrefix.length) {
      // a padded escape (`%10p` right-aligns, `%-10p` left-aligns in 10 characters): spaces before or after the value
      const pad = /^-?\d+/.exec(logLinePrefix.slice(i + 1))?.[0] ?? '';
      i += pad.length;
      if (i + 1 >= logLinePrefix.length) break;
      const code = logLinePrefix[++i]!;
      if (code === 'q') {
        if (!optional) re += '(?:';
        optional = true;
        continue;
      }
      let esc = ESCAPES[code] ?? '\\S*';
      // a name may be captured once: a second %u (or %t after %m) matches without capturing
      const name = /^\(\?<(\w+)>/.exec(esc)?.[1];
      if (name && named.has(name)) esc = esc.replace(`(?<${name}>`, '(?:');
      else if (name) named.add(name);
      if (pad && code !== '%') re += pad.startsWith('-') ? `${esc} *` : ` *${esc}`;
      else re += esc;
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  if (optional) re += ')?';
  return new RegExp(re + SEVERITY);
}

interface PendingRecord {
  sev: string;
  msg: string;
  line: number;
  session: string;
  ts?: string;
  user?: string;
  db?: string;
  app?: string;
  /** the record's text passed the size limit: only its length is counted on */
  bytes?: number;
}

/** severities of the lines that belong to the message before them */
const PARTS = new Set(['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT', 'QUERY', 'LOCATION']);

/**
 * The log's messages (each with its DETAIL, STATEMENT and other parts)
 * joined into entries; lines before the first message are rejects. With a
 * `shared` joiner, statements still waiting at the end stay in it (the next
 * rotated file may hold their duration).
 */
export async function* readPgStderr(source: ByteSource, logLinePrefix: string = DEFAULT_LOG_LINE_PREFIX, options: SourceOptions = {}, shared?: PgSessionJoiner): AsyncGenerator<LogRecord> {
  const file = source.name;
  // a joiner shared by the logs of a folder is ended by its owner, after the last one
  const joiner = shared ?? new PgSessionJoiner();
  const re = prefixRegex(logLinePrefix);
  const limit = maxLineBytes(options);
  let rec: PendingRecord | null = null;
  let msg: PgMessage | null = null;
  let internal = false;
  const out: LogRecord[] = [];

  const finish = (r: PendingRecord) => {
    const tooLarge = r.bytes !== undefined ? tooLargeMessage(r.bytes, options, 'statement') : undefined;
    if (PARTS.has(r.sev)) {
      if (!msg || msg.session !== r.session) return; // a part whose message is not in this file
      if (tooLarge !== undefined) msg = { ...msg, tooLarge };
      else if (r.sev === 'DETAIL') msg = { ...msg, detail: r.msg };
      else if (r.sev === 'STATEMENT') msg = { ...msg, statement: r.msg, statementLine: r.line };
      else if (r.sev === 'CONTEXT') msg = { ...msg, context: r.msg };
      else if (r.sev === 'QUERY') internal = true;
      return;
    }
    if (msg) joiner.add(finishMessage(msg, internal), out);
    internal = false;
    msg = { session: r.session, severity: r.sev, message: r.msg, ts: r.ts, user: r.user, db: r.db, application: r.app || undefined, source: { file, line: r.line }, tooLarge };
  };

  for await (const l of readLines(source, options)) {
    const n = l.n;
    if (l.kind === 'too-large') {
      // most likely a record of its own (a one-line giant statement): it and its continuation lines are skipped as one
      const session: string = rec ? (rec as PendingRecord).session : '';
      if (rec) finish(rec);
      rec = { sev: 'LOG', msg: '', line: n, session, bytes: l.bytes };
      while (out.length) yield out.shift()!;
      continue;
    }
    const line = l.text;
    const m = re.exec(line);
    if (m) {
      if (rec) finish(rec);
      const g = m.groups!;
      rec = { sev: g.sev!, msg: g.msg!, line: n, session: g.sid ?? g.pid ?? '', ts: g.ts, user: g.user, db: g.db, app: g.app };
    } else if (rec && (line.startsWith('\t') || !line.trim())) {
      // PostgreSQL starts each further line of a message with a tab of its own (an empty line is one whose tab was trimmed away)
      const text = line.slice(1);
      if (rec.bytes !== undefined) rec.bytes += line.length + 1;
      else if (rec.msg.length + text.length >= limit) {
        rec.bytes = rec.msg.length + line.length + 1;
        rec.msg = '';
      } else rec.msg += '\n' + text;
    } else if (line.trim()) {
      // not PostgreSQL's (a program's stderr the logging collector caught, e.g. archive_command's `cp: cannot stat …`): the message goes on after it
      const why = rec ? ` nor with the tab PostgreSQL puts before a message's further lines` : '';
      out.push(reject('unrecognised-line', `line does not start with the log_line_prefix '${logLinePrefix}'${why}`, file, n));
    }
    while (out.length) yield out.shift()!;
  }
  if (rec) finish(rec);
  if (msg) joiner.add(finishMessage(msg, internal), out);
  if (!shared) joiner.end(out);
  while (out.length) yield out.shift()!;
}

/**
 * An error's position (ERROR, FATAL or PANIC), from the ` at character N`
 * PostgreSQL appends to its text on stderr (not when it points into an internal QUERY); the suffix is
 * left out of the message, as csvlog gives it in a column of its own.
 */
function finishMessage(m: PgMessage, internal: boolean): PgMessage {
  if (m.severity !== 'ERROR' && m.severity !== 'FATAL' && m.severity !== 'PANIC') return m;
  const at = / at character (\d+)$/.exec(m.message);
  if (!at) return m;
  const message = m.message.slice(0, at.index);
  return internal ? { ...m, message } : { ...m, message, position: Number(at[1]) };
}
