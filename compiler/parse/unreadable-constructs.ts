/**
 * Valid SQL that node-sql-parser's grammar rejects with a syntax error and
 * that `rewrite-sql.ts` cannot patch. When parsing fails, the query's tokens
 * are checked for these so the user hears "unsupported construct: X" rather
 * than a misleading syntax error. Runs only on the error path.
 */
import { matchParens, type SqlToken } from './sql-lexer.ts';
import { NATIVE_WINDOW_CALLS, NOT_FUNCTION_NAMES, RENAME_TARGET } from './rewrite-sql.ts';

const WINDOW_CLAUSE_WORDS = new Set(['partition', 'order', 'rows', 'range', 'groups']);
const QUERY_STARTS = new Set(['select', 'with', 'values']);
const SET_OPERATORS = new Set(['union', 'intersect', 'except', 'minus']);

/** The first construct in `tokens` known to be unreadable, or null. */
export function findUnreadableConstruct(tokens: readonly SqlToken[]): string | null {
  const match = matchParens(tokens);
  const word = (i: number): string => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'word' ? t.value.toLowerCase() : '';
  };
  const isOp = (i: number, op: string): boolean => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'op' && t.value === op;
  };
  let seenWindow = false;
  for (let i = 0; i < tokens.length; i++) {
    const w = word(i);
    if (w === 'window') seenWindow = true;
    if (w === '' || !isOp(i + 1, '(')) {
      if (w === 'not' && word(i + 1) === 'materialized') return 'WITH ... AS NOT MATERIALIZED';
      continue;
    }
    const close = match[i + 1]!;
    if (close < 0) continue;
    const after = word(close + 1);
    if (w === 'filter' && after === 'over') return 'FILTER (WHERE ...) combined with OVER (...)';
    if (after === 'over' && !NOT_FUNCTION_NAMES.has(w) && !NATIVE_WINDOW_CALLS.has(w) && w.length < RENAME_TARGET.length) {
      return `${w}(...) OVER (...) (window calls are read for functions with names of ${RENAME_TARGET.length}+ letters and the built-in window functions)`;
    }
    const windowDefinition = w === 'as' && seenWindow && (word(i - 2) === 'window' || isOp(i - 2, ','));
    if ((w === 'over' || windowDefinition) && tokens[i + 2]?.kind === 'word') {
      const first = word(i + 2);
      if (!WINDOW_CLAUSE_WORDS.has(first) && !QUERY_STARTS.has(first) && close !== i + 3) return 'a window that extends a named window (OVER (w ORDER BY ...))';
    }
    if (w === 'count' && word(i + 2) === 'distinct' && hasTopLevelComma(tokens, i + 1, close)) return 'COUNT(DISTINCT a, b) with several arguments';
  }
  return findNestedSetOperation(tokens, match, word);
}

function hasTopLevelComma(tokens: readonly SqlToken[], open: number, close: number): boolean {
  let depth = 0;
  for (let j = open + 1; j < close; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'op') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')') depth--;
    else if (t.value === ',' && depth === 0) return true;
  }
  return false;
}

function isSetOperatorBefore(word: (i: number) => string, open: number): boolean {
  const before = word(open - 1);
  return SET_OPERATORS.has(before) || ((before === 'all' || before === 'distinct') && SET_OPERATORS.has(word(open - 2)));
}

/** `(select ... union select ...)` used as an operand of another set operation. */
function findNestedSetOperation(tokens: readonly SqlToken[], match: Int32Array, word: (i: number) => string): string | null {
  for (let open = 0; open < tokens.length; open++) {
    const close = match[open]!;
    if (close < 0 || (word(open + 1) !== 'select' && word(open + 1) !== 'with')) continue;
    const operand = isSetOperatorBefore(word, open) || SET_OPERATORS.has(word(close + 1));
    if (!operand) continue;
    let depth = 0;
    for (let j = open + 1; j < close; j++) {
      const t = tokens[j]!;
      if (t.kind === 'op' && t.value === '(') depth++;
      else if (t.kind === 'op' && t.value === ')') depth--;
      else if (depth === 0 && SET_OPERATORS.has(word(j))) return 'a parenthesized set operation used as an operand of another set operation';
    }
  }
  return null;
}
