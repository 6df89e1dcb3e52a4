/**
 * Length-preserving patches that let node-sql-parser read standard SQL it
 * otherwise rejects or misreads. Every edit replaces text with text of the
 * same length (keeping newlines), so the parser's line/column locations stay
 * true for the original query. Edits the parser cannot carry in its AST are
 * recorded by the offset where the enclosing function call starts, which
 * node-sql-parser reports as `loc.start.offset`; the converter consumes them
 * and fails loudly if one is left over.
 *
 * - `substring(x FROM a FOR b)` → `substring(x ,    a ,   b)`
 * - `sum(DISTINCT x)` (any function but count) → `sum(         x)` + distinctAt
 * - `f(ALL x)` → `f(    x)` (ALL is the default)
 * - `percent_rank() OVER (...)` and other functions the grammar refuses
 *   before OVER → `ntile       () OVER (...)` + renamedAt
 * - `OVER (w)` → `OVER  w ` (a bare window name in parentheses)
 * - `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` / `RANGE UNBOUNDED
 *   PRECEDING` → blanks (exactly the default frame); `RANGE BETWEEN UNBOUNDED
 *   PRECEDING AND UNBOUNDED FOLLOWING` → `ROWS  ...` (the same rows)
 * - a backslash inside a standard string `'a\nb'` → BACKSLASH_STANDIN: in
 *   standard SQL (PostgreSQL's standard_conforming_strings, DuckDB) a
 *   backslash there is an ordinary character, but node-sql-parser reads `\n`,
 *   `\t` and `\'` as escapes and would change the literal's value; the
 *   converter turns the stand-in back into a backslash (restoreBackslashes)
 */
import { FlightdeckError } from '../errors.ts';
import { lexSql, matchParens, type SqlToken } from './sql-lexer.ts';

export interface ParserInput {
  /** the text handed to node-sql-parser: same length and line breaks as the query */
  readonly text: string;
  /** start offsets of function calls whose DISTINCT was blanked out */
  readonly distinctAt: ReadonlySet<number>;
  /** start offsets of function calls renamed to `ntile`, with their real (lower-case) names */
  readonly renamedAt: ReadonlyMap<number, string>;
}

const NOTHING_SET: ReadonlySet<number> = new Set();
const NOTHING_MAP: ReadonlyMap<number, string> = new Map();

/** Cheap test: only queries mentioning one of these words (or holding a backslash) need the token pass. */
const TRIGGER = /substring|distinct|\bover\b|\brange\b|\ball\b|\\/i;

/** A private-use character that stands in for a backslash inside standard strings. */
export const BACKSLASH_STANDIN = '\uE000';

/** A standard string's value as the query wrote it: the stand-ins back to backslashes. */
export function restoreBackslashes(value: string): string {
  return value.includes(BACKSLASH_STANDIN) ? value.split(BACKSLASH_STANDIN).join('\\') : value;
}

/** Functions node-sql-parser's PostgreSQL grammar accepts directly before OVER. */
export const NATIVE_WINDOW_CALLS: ReadonlySet<string> = new Set([
  'row_number', 'rank', 'dense_rank', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value',
  'sum', 'min', 'max', 'avg', 'count', 'group_concat',
]);

/** Keywords that can stand before `(` without being a function name. */
export const NOT_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'all', 'and', 'any', 'array', 'as', 'between', 'by', 'case', 'cast', 'distinct', 'else', 'except', 'exists',
  'filter', 'from', 'group', 'having', 'ilike', 'in', 'intersect', 'is', 'join', 'lateral', 'like', 'not', 'on',
  'or', 'order', 'over', 'partition', 'recursive', 'row', 'select', 'some', 'then', 'union', 'using', 'values',
  'when', 'where', 'window', 'with', 'within',
]);

export const RENAME_TARGET = 'ntile';

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function prepareParserInput(sql: string): ParserInput {
  if (!TRIGGER.test(sql)) return { text: sql, distinctAt: NOTHING_SET, renamedAt: NOTHING_MAP };
  const tokens = lexSql(sql);
  const match = matchParens(tokens);
  const edits: Edit[] = [];
  const distinctAt = new Set<number>();
  const renamedAt = new Map<number, string>();
  const word = (i: number): string => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'word' ? t.value.toLowerCase() : '';
  };
  const isOp = (i: number, op: string): boolean => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'op' && t.value === op;
  };
  const blank = (t: SqlToken): void => {
    edits.push({ start: t.start, end: t.end, text: ' '.repeat(t.end - t.start) });
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'string' && sql.charCodeAt(t.start) === 39 && t.value.includes('\\')) {
      if (sql.includes(BACKSLASH_STANDIN)) throw new FlightdeckError('unsupported', 'a query holding both U+E000 and a backslash in a string literal', { location: { query: sql.slice(0, 80) } });
      edits.push({ start: t.start, end: t.end, text: t.value.split('\\').join(BACKSLASH_STANDIN) });
      continue;
    }
    const w = word(i);
    if (w === '') continue;
    const isCall = isOp(i + 1, '(') && !isOp(i - 1, '.') && !NOT_FUNCTION_NAMES.has(w);
    if (isCall && w === 'substring') rewriteSubstring(tokens, i + 1, match[i + 1]!, edits);
    if (isCall) {
      const arg = word(i + 2);
      if (arg === 'distinct' && w !== 'count') {
        blank(tokens[i + 2]!);
        distinctAt.add(tokens[i]!.start);
      } else if (arg === 'all') {
        blank(tokens[i + 2]!);
      }
      const close = match[i + 1]!;
      if (close > 0 && word(close + 1) === 'over' && !NATIVE_WINDOW_CALLS.has(w) && w.length >= RENAME_TARGET.length) {
        const t = tokens[i]!;
        edits.push({ start: t.start, end: t.end, text: RENAME_TARGET + ' '.repeat(w.length - RENAME_TARGET.length) });
        renamedAt.set(t.start, w);
      }
    }
    if (w === 'over' && isOp(i + 1, '(') && tokens[i + 2]?.kind === 'word' && match[i + 1] === i + 3 && !NOT_FUNCTION_NAMES.has(word(i + 2))) {
      blank(tokens[i + 1]!);
      blank(tokens[i + 3]!);
    }
    if (w === 'range') rewriteRangeFrame(sql, tokens, i, word, edits);
  }
  if (edits.length === 0) return { text: sql, distinctAt, renamedAt };
  return { text: applyEdits(sql, edits), distinctAt, renamedAt };
}

/** `substring(x FROM a FOR b)`, `substring(x FROM a)`, `substring(x FOR b)` → comma form. */
function rewriteSubstring(tokens: readonly SqlToken[], open: number, close: number, edits: Edit[]): void {
  if (close < 0) return;
  let depth = 0;
  let from: SqlToken | null = null;
  let forTok: SqlToken | null = null;
  for (let j = open + 1; j < close; j++) {
    const t = tokens[j]!;
    if (t.kind === 'op') {
      if (t.value === '(') depth++;
      else if (t.value === ')') depth--;
    } else if (depth === 0 && t.kind === 'word') {
      const v = t.value.toLowerCase();
      if (v === 'from' && from === null && forTok === null) from = t;
      else if (v === 'for' && forTok === null) forTok = t;
    }
  }
  if (from) edits.push({ start: from.start, end: from.end, text: ',   ' });
  // without FROM the start position defaults to 1: `for` → `,1,` (also three characters)
  if (forTok) edits.push({ start: forTok.start, end: forTok.end, text: from ? ',  ' : ',1,' });
}

const DEFAULT_FRAME = ['between', 'unbounded', 'preceding', 'and', 'current', 'row'];
const DEFAULT_FRAME_SHORT = ['unbounded', 'preceding'];
const WHOLE_PARTITION = ['between', 'unbounded', 'preceding', 'and', 'unbounded', 'following'];

function rewriteRangeFrame(sql: string, tokens: readonly SqlToken[], i: number, word: (i: number) => string, edits: Edit[]): void {
  const follows = (words: readonly string[]): boolean => words.every((w, k) => word(i + 1 + k) === w);
  const range = tokens[i]!;
  let last = -1;
  if (follows(DEFAULT_FRAME)) last = i + DEFAULT_FRAME.length;
  else if (follows(DEFAULT_FRAME_SHORT)) last = i + DEFAULT_FRAME_SHORT.length;
  if (last > 0 && tokens[last + 1]?.kind === 'op' && tokens[last + 1]!.value === ')') {
    const end = tokens[last]!.end;
    edits.push({ start: range.start, end, text: sql.slice(range.start, end).replace(/[^\r\n]/g, ' ') });
    return;
  }
  if (follows(WHOLE_PARTITION)) edits.push({ start: range.start, end: range.end, text: 'rows ' });
}

function applyEdits(sql: string, edits: Edit[]): string {
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue; // overlapping edits cannot happen by construction; keep the first
    out += sql.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + sql.slice(at);
}
