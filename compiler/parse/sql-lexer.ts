/**
 * A small, forgiving SQL tokenizer. It is not the parser: it only finds
 * words, quoted identifiers, strings, numbers and punctuation (skipping
 * comments) so that `rewrite-sql.ts` can patch constructs node-sql-parser
 * cannot read, `identifier-case.ts` can recover quoting the parser drops,
 * and `syntax-error.ts` can name the token an error points at.
 * It never throws: unterminated strings and comments run to the end of input.
 */

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'op';

export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** offset of the first character */
  readonly start: number;
  /** offset just past the last character */
  readonly end: number;
  /** `word`: the text as written; `quoted`: the identifier without quotes; others: the raw text */
  readonly value: string;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const FF = 12;
const QUOTE = 39; // '
const DQUOTE = 34; // "
const BACKTICK = 96; // `
const DOLLAR = 36; // $
const DOT = 46;
const MINUS = 45;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c) || c === DOLLAR;
}

/** Single letters that prefix a string literal: E'..', B'..', X'..', N'..'. */
function isStringPrefix(word: string): boolean {
  return word.length === 1 && 'eEbBxXnN'.includes(word);
}

export function lexSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === SPACE || c === TAB || c === LF || c === CR || c === FF) {
      i++;
      continue;
    }
    if (c === MINUS && sql.charCodeAt(i + 1) === MINUS) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
      i = skipBlockComment(sql, i);
      continue;
    }
    const start = i;
    if (c === QUOTE) {
      i = skipQuoted(sql, i, QUOTE, false);
      tokens.push({ kind: 'string', start, end: i, value: sql.slice(start, i) });
      continue;
    }
    if (c === DQUOTE || c === BACKTICK) {
      i = skipQuoted(sql, i, c, false);
      const closed = i - start >= 2 && sql.charCodeAt(i - 1) === c;
      const inner = sql.slice(start + 1, closed ? i - 1 : i);
      const q = String.fromCharCode(c);
      tokens.push({ kind: 'quoted', start, end: i, value: inner.includes(q + q) ? inner.split(q + q).join(q) : inner });
      continue;
    }
    if (c === DOLLAR) {
      if (isDigit(sql.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
        tokens.push({ kind: 'param', start, end: i, value: sql.slice(start, i) });
        continue;
      }
      const tagEnd = dollarTagEnd(sql, i);
      if (tagEnd > 0) {
        const tag = sql.slice(i, tagEnd);
        const close = sql.indexOf(tag, tagEnd);
        i = close < 0 ? n : close + tag.length;
        tokens.push({ kind: 'string', start, end: i, value: sql.slice(start, i) });
        continue;
      }
    }
    if (isDigit(c) || (c === DOT && isDigit(sql.charCodeAt(i + 1)))) {
      i = skipNumber(sql, i);
      tokens.push({ kind: 'number', start, end: i, value: sql.slice(start, i) });
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      const word = sql.slice(start, i);
      if (sql.charCodeAt(i) === QUOTE && isStringPrefix(word)) {
        i = skipQuoted(sql, i, QUOTE, word === 'e' || word === 'E');
        tokens.push({ kind: 'string', start, end: i, value: sql.slice(start, i) });
        continue;
      }
      tokens.push({ kind: 'word', start, end: i, value: word });
      continue;
    }
    i++;
    tokens.push({ kind: 'op', start, end: i, value: sql[start]! });
  }
  return tokens;
}

/** Index just past a quoted run starting at `i` (doubled quotes escape; `backslash` also honours \x). */
function skipQuoted(sql: string, i: number, quote: number, backslash: boolean): number {
  const n = sql.length;
  i++;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (backslash && c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, i: number): number {
  const n = sql.length;
  let depth = 0;
  while (i < n) {
    if (sql.charCodeAt(i) === SLASH && sql.charCodeAt(i + 1) === STAR) {
      depth++;
      i += 2;
    } else if (sql.charCodeAt(i) === STAR && sql.charCodeAt(i + 1) === SLASH) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return n;
}

function skipNumber(sql: string, i: number): number {
  const n = sql.length;
  while (i < n && isDigit(sql.charCodeAt(i))) i++;
  if (sql.charCodeAt(i) === DOT) {
    i++;
    while (i < n && isDigit(sql.charCodeAt(i))) i++;
  }
  const e = sql.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const s = sql.charCodeAt(j);
    if (s === 43 || s === MINUS) j++;
    if (isDigit(sql.charCodeAt(j))) {
      i = j;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
    }
  }
  return i;
}

/** For `$tag$` or `$$` at `i`, the index just past the opening tag; otherwise -1. */
function dollarTagEnd(sql: string, i: number): number {
  let j = i + 1;
  while (j < sql.length && (isWordStart(sql.charCodeAt(j)) || isDigit(sql.charCodeAt(j)))) j++;
  return sql.charCodeAt(j) === DOLLAR ? j + 1 : -1;
}

/**
 * For each `(` token, the index of its matching `)` token (-1 when unbalanced);
 * entries for other tokens are -1.
 */
export function matchParens(tokens: readonly SqlToken[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'op') continue;
    if (t.value === '(') stack.push(i);
    else if (t.value === ')') {
      const open = stack.pop();
      if (open !== undefined) match[open] = i;
    }
  }
  return match;
}
