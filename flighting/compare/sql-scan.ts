/**
 * What a template's tokens say about how repeatable its result is, read with
 * the project's own SQL lexer (compiler/parse/sql-lexer.ts) so that it works
 * on every query, including SQL the parser rejects (TABLESAMPLE, USING
 * SAMPLE, FROM-first, writes): strings, quoted identifiers and comments are
 * separate tokens, so a word here is a keyword or an unquoted name.
 *
 * - writes: the first keyword of each statement (INSERT, UPDATE, DELETE,
 *   CREATE ... AS, ...), the statement after a WITH list, a data-modifying
 *   CTE (`WITH d AS (DELETE ...) SELECT`), SELECT ... INTO, and row locks
 *   (SELECT ... FOR UPDATE/SHARE: not read-only either);
 * - non-deterministic sources: calls of random/uuid/clock functions, the
 *   SQL-standard clock keywords, sampling, build-dependent functions (version,
 *   settings, DuckDB's `hash`), order-dependent aggregates without an ORDER
 *   BY inside, order-dependent window functions whose OVER has no ORDER BY;
 * - top-level ORDER BY / LIMIT / OFFSET (paren depth 0 of the last statement),
 *   for the shape of SQL the parser cannot read.
 */
import { lexSql, matchParens, type SqlToken } from '../../compiler/parse/sql-lexer.ts';

export type NondeterminismKind = 'function' | 'clock' | 'sampling' | 'build-dependent' | 'order-dependent' | 'limit-without-order';

export interface NondeterminismSource {
  readonly kind: NondeterminismKind;
  /** the construct as written, lower-case (`random()`, `current_date`, `tablesample`) */
  readonly what: string;
  readonly reason: string;
  /** 1-based line of the construct when known */
  readonly line?: number;
}

export interface WriteStatement {
  /** upper-case statement keyword(s): `INSERT`, `UPDATE`, `DELETE`, `CREATE TABLE AS`, `SELECT INTO`, ... */
  readonly statement: string;
  readonly reason: string;
}

export interface TokenScan {
  readonly statements: number;
  readonly write: WriteStatement | null;
  readonly nondeterministic: readonly NondeterminismSource[];
  /** of the last statement, at paren depth 0 */
  readonly topLevelOrderBy: boolean;
  readonly topLevelLimit: boolean;
  readonly topLevelOffset: boolean;
}

const RANDOM_FUNCTIONS = new Set(['random', 'rand', 'uuid', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'setseed', 'nextval', 'currval']);
const CLOCK_FUNCTIONS = new Set([
  'now', 'today', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
  'get_current_time', 'get_current_timestamp', 'transaction_timestamp', 'statement_timestamp', 'clock_timestamp',
  'timeofday', 'current_localtime', 'current_localtimestamp', 'epoch_ms_now',
]);
/** the standard's clock keywords, valid without parentheses */
const CLOCK_KEYWORDS = new Set(['current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp']);
const BUILD_FUNCTIONS = new Set(['version', 'pragma_version', 'current_setting', 'hash', 'current_database', 'current_schema', 'current_user', 'pg_backend_pid', 'txid_current']);
/** aggregates whose value depends on the order rows arrive in, unless they take an ORDER BY */
const ORDER_DEPENDENT_AGGREGATES = new Set(['string_agg', 'group_concat', 'listagg', 'array_agg', 'list', 'first', 'last', 'any_value', 'arbitrary']);
/** window functions whose value depends on the row order inside the window */
const ORDER_DEPENDENT_WINDOWS = new Set(['row_number', 'lag', 'lead', 'first_value', 'last_value', 'nth_value', 'ntile', 'first', 'last', 'string_agg', 'list', 'array_agg']);
/** calls that make an order-dependent aggregate's value order-independent again */
const SORTING_WRAPPERS = new Set(['list_sort', 'array_sort', 'list_reverse_sort', 'array_reverse_sort']);
/** a word before `first`/`last` that makes it a keyword, not a call */
const NOT_A_CALL_BEFORE = new Set(['nulls', 'fetch']);

const WRITE_STARTS = new Map<string, string>([
  ['insert', 'INSERT'], ['update', 'UPDATE'], ['delete', 'DELETE'], ['merge', 'MERGE'], ['upsert', 'UPSERT'],
  ['replace', 'REPLACE'], ['drop', 'DROP'], ['alter', 'ALTER'], ['truncate', 'TRUNCATE'], ['copy', 'COPY'],
  ['attach', 'ATTACH'], ['detach', 'DETACH'], ['install', 'INSTALL'], ['load', 'LOAD'], ['export', 'EXPORT'],
  ['import', 'IMPORT'], ['vacuum', 'VACUUM'], ['checkpoint', 'CHECKPOINT'], ['set', 'SET'], ['reset', 'RESET'],
  ['call', 'CALL'], ['use', 'USE'], ['grant', 'GRANT'], ['revoke', 'REVOKE'], ['comment', 'COMMENT'],
]);
const DML_IN_WITH = new Set(['insert', 'update', 'delete', 'merge']);
const AFTER_WITH = new Set(['select', 'insert', 'update', 'delete', 'merge', 'values', 'from', 'table']);

export function scanTokens(sql: string): TokenScan {
  const tokens = lexSql(sql);
  const match = matchParens(tokens);
  const depth = depthsOf(tokens);
  const word = (i: number): string => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'word' ? t.value.toLowerCase() : '';
  };
  const isOp = (i: number, op: string): boolean => tokens[i]?.kind === 'op' && tokens[i]!.value === op;
  const lineOf = lineFinder(sql);

  const statements = splitStatements(tokens, depth);
  const nondeterministic: NondeterminismSource[] = [];
  const add = (kind: NondeterminismKind, what: string, reason: string, at: number): void => {
    nondeterministic.push({ kind, what, reason, line: lineOf(tokens[at]!.start) });
  };
  for (let i = 0; i < tokens.length; i++) {
    const w = word(i);
    if (w === '' || isOp(i - 1, '.')) continue;
    const call = isOp(i + 1, '(');
    const close = call ? match[i + 1]! : -1;
    if (call && RANDOM_FUNCTIONS.has(w)) add('function', `${w}()`, `${w}() gives a different value on every execution`, i);
    else if ((call && CLOCK_FUNCTIONS.has(w)) || (!call && CLOCK_KEYWORDS.has(w))) add('clock', call ? `${w}()` : w, `${w} reads the clock: its value depends on when the query runs`, i);
    else if (call && (BUILD_FUNCTIONS.has(w) || w.startsWith('duckdb_'))) add('build-dependent', `${w}()`, `${w}() depends on the build or its settings, not only on the data`, i);
    else if (w === 'tablesample' || (w === 'sample' && word(i - 1) === 'using')) {
      add('sampling', w === 'sample' ? 'using sample' : w, 'sampling picks different rows from run to run (and with REPEATABLE only single-threaded)', i);
    } else if (call && close > 0 && !NOT_A_CALL_BEFORE.has(word(i - 1))) {
      const windowed = word(close + 1) === 'over';
      if (windowed && ORDER_DEPENDENT_WINDOWS.has(w) && !windowHasOrder(tokens, close + 1, match, depth, word)) {
        add('order-dependent', `${w}() over (...)`, `${w}() OVER a window without ORDER BY depends on the order rows arrive in`, i);
      } else if (!windowed && ORDER_DEPENDENT_AGGREGATES.has(w) && !hasWordAt(depth, i + 2, close, depth[i + 1]! + 1, 'order', word) && !sortedBy(i, tokens, match, word)) {
        add('order-dependent', `${w}()`, `${w}() without ORDER BY inside depends on the order rows arrive in`, i);
      }
    }
  }

  const last = statements[statements.length - 1] ?? { start: 0, end: 0 };
  const top = (w: string): boolean => {
    for (let i = last.start; i < last.end; i++) if (depth[i] === 0 && word(i) === w) return true;
    return false;
  };
  let topLevelOrderBy = false;
  for (let i = last.start; i < last.end; i++) if (depth[i] === 0 && word(i) === 'order' && word(i + 1) === 'by') topLevelOrderBy = true;
  return {
    statements: statements.length,
    write: findWrite(statements, depth, word),
    nondeterministic,
    topLevelOrderBy,
    topLevelLimit: top('limit') || (top('fetch') && (top('first') || top('next'))),
    topLevelOffset: top('offset'),
  };
}

/** Paren depth of every token (a `(` and its `)` sit at the outer depth). */
function depthsOf(tokens: readonly SqlToken[]): Int32Array {
  const out = new Int32Array(tokens.length);
  let d = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op' && t.value === ')') d = Math.max(0, d - 1);
    out[i] = d;
    if (t.kind === 'op' && t.value === '(') d++;
  }
  return out;
}

function splitStatements(tokens: readonly SqlToken[], depth: Int32Array): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const end = i === tokens.length || (depth[i] === 0 && tokens[i]!.kind === 'op' && tokens[i]!.value === ';');
    if (!end) continue;
    if (i > start) out.push({ start, end: i });
    start = i + 1;
  }
  return out;
}

function findWrite(statements: readonly { start: number; end: number }[], depth: Int32Array, word: (i: number) => string): WriteStatement | null {
  for (const s of statements) {
    let at = s.start;
    // EXPLAIN ANALYZE runs the statement it explains
    while (at < s.end && (word(at) === 'explain' || word(at) === 'analyze' || word(at) === 'analyse')) at++;
    let first = word(at);
    if (first === 'with') {
      for (at += 1; at < s.end; at++) {
        if (depth[at] === 0 && AFTER_WITH.has(word(at))) break;
        // a data-modifying CTE: `WITH d AS (DELETE … RETURNING *) SELECT …` writes whatever follows
        const w = word(at);
        if (DML_IN_WITH.has(w) && depth[at]! > depth[at - 1]!) {
          const kind = `WITH ${w.toUpperCase()}`;
          return { statement: kind, reason: `${kind}: a data-modifying CTE changes the database, the query is not read-only` };
        }
      }
      first = word(at);
    }
    if (first === 'create') {
      const words = new Set<string>();
      for (let i = at + 1; i < s.end && depth[i] === 0; i++) words.add(word(i));
      const what = words.has('view') ? 'CREATE VIEW' : words.has('table') && words.has('as') ? 'CREATE TABLE AS' : 'CREATE';
      return { statement: what, reason: `${what} changes the database` };
    }
    const kind = WRITE_STARTS.get(first);
    if (kind) return { statement: kind, reason: `${kind} changes the database or the session, it is not a query` };
    if (first === 'select') {
      for (let i = at + 1; i < s.end; i++) {
        if (depth[i] === 0 && word(i) === 'into') return { statement: 'SELECT INTO', reason: 'SELECT ... INTO creates a table' };
        if (depth[i] === 0 && word(i) === 'from') break;
      }
    }
    const lock = lockClause(s, word);
    if (lock) return { statement: lock, reason: `${lock} takes row locks: a lock, not a read-only query` };
  }
  return null;
}

/** `SELECT … FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE`, at any depth (PostgreSQL locks from subqueries too). */
function lockClause(s: { start: number; end: number }, word: (i: number) => string): string | null {
  for (let i = s.start; i + 1 < s.end; i++) {
    if (word(i) !== 'for') continue;
    const next = word(i + 1);
    if (next === 'update' || (next === 'no' && word(i + 2) === 'key')) return 'SELECT FOR UPDATE';
    if (next === 'share' || (next === 'key' && word(i + 2) === 'share')) return 'SELECT FOR SHARE';
  }
  return null;
}

/** Is there a word `w` at paren depth `d` between token `from` and token `to` (exclusive)? */
function hasWordAt(depth: Int32Array, from: number, to: number, d: number, w: string, word: (i: number) => string): boolean {
  for (let i = from; i < to; i++) if (depth[i] === d && word(i) === w) return true;
  return false;
}

/** `OVER (... ORDER BY ...)`; a named window (`OVER w`) counts as ordered: we cannot see it from here. */
function windowHasOrder(tokens: readonly SqlToken[], over: number, match: Int32Array, depth: Int32Array, word: (i: number) => string): boolean {
  const open = over + 1;
  if (!(tokens[open]?.kind === 'op' && tokens[open]!.value === '(')) return true;
  const close = match[open]!;
  for (let i = open + 1; i < close; i++) if (depth[i] === depth[open]! + 1 && word(i) === 'order') return true;
  return false;
}

/** The call at `i` is the direct argument of a sorting function: `list_sort(array_agg(x))`. */
function sortedBy(i: number, tokens: readonly SqlToken[], match: Int32Array, word: (i: number) => string): boolean {
  const open = i - 1;
  if (!(tokens[open]?.kind === 'op' && tokens[open]!.value === '(')) return false;
  return SORTING_WRAPPERS.has(word(open - 1)) && match[open]! > i;
}

function lineFinder(sql: string): (offset: number) => number {
  const starts = [0];
  for (let i = sql.indexOf('\n'); i >= 0; i = sql.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
