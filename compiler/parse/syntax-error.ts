/**
 * Turns node-sql-parser's (peg.js) exceptions into FlightdeckErrors a user
 * can act on: `syntax error at line 3, column 9: unexpected "FORM" near
 * "where x FORM y"`, or `unsupported` naming the construct when the token the
 * parser stumbled on belongs to SQL we knowingly do not read.
 */
import { FlightdeckError, type ErrorLocation } from '../errors.ts';
import { lexSql, type SqlToken } from './sql-lexer.ts';
import { findUnreadableConstruct } from './unreadable-constructs.ts';

/** Statement keywords: a query starting with one of these is not a SELECT. */
const OTHER_STATEMENTS = new Set([
  'insert', 'update', 'delete', 'merge', 'upsert', 'replace', 'create', 'alter', 'drop', 'truncate', 'rename',
  'explain', 'describe', 'desc', 'copy', 'vacuum', 'analyze', 'analyse', 'grant', 'revoke', 'set', 'reset', 'show',
  'use', 'begin', 'start', 'commit', 'rollback', 'savepoint', 'release', 'call', 'do', 'prepare', 'execute',
  'deallocate', 'declare', 'fetch', 'close', 'listen', 'notify', 'unlisten', 'lock', 'comment', 'refresh',
  'reindex', 'cluster', 'discard', 'load', 'import', 'export', 'pragma', 'attach', 'detach', 'checkpoint',
]);

const FRAME_STARTS = new Set(['between', 'unbounded', 'current', '#']);
const FRAME_EXCLUSIONS = new Set(['current', 'group', 'ties', 'no']);
const JOIN_WORDS = new Set(['join', 'inner', 'left', 'right', 'full', 'cross']);

interface TokenContext {
  readonly prev: string;
  readonly word: string;
  readonly next: string;
  readonly first: string;
  /** the error is inside OVER (...) or WINDOW w AS (...) */
  readonly inWindow: boolean;
}

/** Constructs recognised from the token at the error (and its neighbours). */
const UNSUPPORTED_AT_ERROR: readonly { readonly test: (t: TokenContext) => boolean; readonly construct: string }[] = [
  { test: (t) => t.inWindow && t.word === 'exclude' && FRAME_EXCLUSIONS.has(t.next), construct: 'window frame EXCLUDE' },
  { test: (t) => t.inWindow && t.word === 'groups' && FRAME_STARTS.has(t.next), construct: 'window frame GROUPS' },
  {
    test: (t) => t.inWindow && t.word === 'range' && FRAME_STARTS.has(t.next),
    construct: 'window frame RANGE (only RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW / UNBOUNDED FOLLOWING can be read)',
  },
  { test: (t) => (t.word === 'fetch' && (t.next === 'first' || t.next === 'next')) || (t.word === 'first' && t.prev === 'fetch'), construct: 'FETCH FIRST (use LIMIT)' },
  { test: (t) => (t.word === 'grouping' && t.next === 'sets') || (t.word === 'sets' && t.prev === 'grouping'), construct: 'GROUPING SETS' },
  { test: (t) => (t.word === 'update' || t.word === 'share') && t.prev === 'for', construct: 'FOR UPDATE/SHARE locking clause' },
  { test: (t) => t.prev === 'qualify' || t.word === 'qualify', construct: 'QUALIFY' },
  { test: (t) => t.word === 'natural' && JOIN_WORDS.has(t.next), construct: 'NATURAL JOIN after an aliased table' },
  { test: (t) => t.word === 'lateral' || (t.prev === 'lateral' && t.word !== ''), construct: 'LATERAL' },
  { test: (t) => t.word === 'within' || (t.word === 'group' && t.prev === 'within'), construct: 'WITHIN GROUP' },
  { test: (t) => t.word === 'materialized' || (t.word === 'not' && t.next === 'materialized'), construct: 'WITH ... AS [NOT] MATERIALIZED' },
  { test: (t) => t.word === 'tablesample', construct: 'TABLESAMPLE' },
  { test: (t) => t.word === 'escape', construct: 'LIKE ... ESCAPE' },
];

/** A FlightdeckError for anything node-sql-parser threw while reading `sql`. */
export function describeParserError(err: unknown, sql: string): FlightdeckError {
  const start = syntaxErrorStart(err);
  if (!start) {
    const message = err instanceof Error ? err.message : String(err);
    return new FlightdeckError('parse-error', `could not parse the query: ${message}`, { cause: err, location: { query: shorten(sql) } });
  }
  const location: ErrorLocation = { line: start.line, column: start.column, query: shorten(sql) };
  const tokens = lexSql(sql);
  const context = tokenContext(tokens, start.offset);
  if (OTHER_STATEMENTS.has(context.first)) {
    return new FlightdeckError('unsupported', `only SELECT queries can be compiled; got ${context.first.toUpperCase()}`, { location, cause: err });
  }
  if (context.first === 'values') {
    return new FlightdeckError(
      'unsupported',
      'unsupported construct: top-level VALUES (write SELECT * FROM (VALUES ...) AS v(a, b))',
      { location, cause: err },
    );
  }
  for (const rule of UNSUPPORTED_AT_ERROR) {
    if (rule.test(context)) {
      return new FlightdeckError(
        'unsupported',
        `unsupported construct: ${rule.construct}`,
        { location, cause: err },
      );
    }
  }
  const construct = findUnreadableConstruct(tokens);
  if (construct) {
    return new FlightdeckError('unsupported', `unsupported construct: ${construct}`, { location, cause: err });
  }
  const found = foundText(sql, tokens, start.offset);
  return new FlightdeckError(
    'parse-error',
    `syntax error at line ${start.line}, column ${start.column}: unexpected ${found} near "${excerpt(sql, start.offset)}"`,
    { location, cause: err },
  );
}

interface PegPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

function syntaxErrorStart(err: unknown): PegPosition | null {
  if (typeof err !== 'object' || err === null) return null;
  const location = (err as { location?: { start?: Partial<PegPosition> } }).location;
  const start = location?.start;
  if (!start || typeof start.offset !== 'number' || typeof start.line !== 'number' || typeof start.column !== 'number') return null;
  return { offset: start.offset, line: start.line, column: start.column };
}

function tokenContext(tokens: readonly SqlToken[], offset: number): TokenContext {
  let at = tokens.findIndex((t) => t.end > offset);
  if (at < 0) at = tokens.length;
  /** a word lower-cased, `#` for a number, '' for anything else */
  const lower = (i: number): string => {
    const t = tokens[i];
    if (t?.kind === 'number') return '#';
    return t && t.kind === 'word' ? t.value.toLowerCase() : '';
  };
  return { prev: lower(at - 1), word: lower(at), next: lower(at + 1), first: lower(0), inWindow: insideWindow(tokens, at, lower) };
}

/** Whether token `at` sits directly inside the parentheses of OVER (...) or AS (...). */
function insideWindow(tokens: readonly SqlToken[], at: number, lower: (i: number) => string): boolean {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind !== 'op') continue;
    if (t.value === ')') depth++;
    else if (t.value === '(') {
      if (depth === 0) return lower(i - 1) === 'over' || lower(i - 1) === 'as';
      depth--;
    }
  }
  return false;
}

/** `"FORM"`, `end of input`, or the single character at the error. */
function foundText(sql: string, tokens: readonly SqlToken[], offset: number): string {
  if (offset >= sql.length) return 'end of input';
  const t = tokens.find((k) => k.end > offset);
  if (!t) return 'end of input';
  const text = sql.slice(t.start, t.end);
  return JSON.stringify(text.length > 30 ? text.slice(0, 27) + '...' : text);
}

/** The offending line, trimmed to about 60 characters around the error. */
function excerpt(sql: string, offset: number): string {
  const lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = sql.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = sql.length;
  let from = lineStart;
  let to = lineEnd;
  if (to - from > 60) {
    from = Math.max(lineStart, offset - 30);
    to = Math.min(lineEnd, from + 60);
  }
  const text = sql.slice(from, to).replace(/\s+/g, ' ').trim();
  return (from > lineStart ? '...' : '') + text + (to < lineEnd ? '...' : '');
}

/** The query shortened for display in error locations. */
export function shorten(sql: string): string {
  // only the head is shown: never copy a huge query to shorten it
  const oneLine = (sql.length > 2000 ? sql.slice(0, 2000) : sql).replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? oneLine.slice(0, 197) + '...' : oneLine;
}
