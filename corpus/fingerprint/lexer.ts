/**
 * A single-pass SQL lexer for fingerprinting. It does not parse: it walks the
 * text once with charCodeAt and reports tokens to a sink, already
 * normalised for grouping queries into templates:
 *
 * - constants (numbers, strings, E'' / N'' / dollar-quoted strings,
 *   `$1` parameters, TRUE/FALSE, a minus sign in front of a number where it
 *   can only be unary) become one CONST token;
 * - a parenthesised list of only constants right after IN collapses to one
 *   constant (`IN (1, 2, 3)` ≡ `IN (?)`), so IN-list length does not matter;
 * - comments and whitespace vanish; unquoted identifiers and keywords are
 *   case-folded by the sink; quoted identifiers keep their case.
 *
 * Unterminated strings, quoted identifiers and block comments are reported
 * through `problem` but still produce a deterministic token stream.
 */

export const enum Tok {
  /** unquoted identifier or keyword: the sink folds it to lower case */
  Ident = 1,
  /** double-quoted identifier, including its quotes */
  QuotedIdent = 2,
  /** any constant */
  Const = 3,
  /** operator or punctuation */
  Punct = 4,
  /** text the normaliser inserts (normalize-forms.ts): `start` indexes FIXED_TEXT */
  Fixed = 5,
}

/** The texts of Tok.Fixed tokens, by index. */
export const FIXED_TEXT = [
  '::', '(', ')',
  // type names as written out by `TypeNameStage` (a multi-word one hashes like its words, spaces being the separator)
  'int', 'bigint', 'smallint', 'boolean', 'numeric', 'real', 'double precision', 'character varying', 'timestamp with time zone', 'time with time zone',
] as const;
export const FIXED_CAST = 0;
export const FIXED_OPEN = 1;
export const FIXED_CLOSE = 2;

export type LexProblem = 'unterminated-string' | 'unterminated-comment' | 'unterminated-identifier';

export interface TokenSink {
  /** `start`/`end` index into the SQL text; ignored for Const */
  token(type: Tok, start: number, end: number): void;
}

/** keywords after which a `-` is a sign, not a subtraction */
const SIGN_CONTEXT = new Set([
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'between', 'in', 'by', 'values',
  'limit', 'offset', 'like', 'is', 'case', 'on', 'having', 'return', 'returning', 'set', 'as', 'default', 'with', 'to', 'distinct', 'all',
]);

const CH_TAB = 9, CH_LF = 10, CH_CR = 13, CH_SPACE = 32, CH_QUOTE = 39, CH_DQUOTE = 34, CH_DOLLAR = 36;
const CH_LPAREN = 40, CH_RPAREN = 41, CH_STAR = 42, CH_COMMA = 44, CH_MINUS = 45, CH_DOT = 46, CH_SLASH = 47;
const CH_PLUS = 43, CH_QMARK = 63;
const CH_0 = 48, CH_9 = 57, CH_SEMI = 59, CH_BACKSLASH = 92, CH_UNDERSCORE = 95;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === CH_UNDERSCORE || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === CH_DOLLAR;
}

/** Case-insensitive compare of sql[start,end) with a lower-case ASCII word. */
function wordIs(sql: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((sql.charCodeAt(start + i) | 32) !== word.charCodeAt(i)) return false;
  }
  return true;
}

function isBooleanWord(sql: string, start: number, end: number): boolean {
  return wordIs(sql, start, end, 'true') || wordIs(sql, start, end, 'false');
}

/** 1 at the char codes that start a multi-character operator */
const OP_START = new Uint8Array(128);
for (const ch of '<>!:|-#@~=*') OP_START[ch.charCodeAt(0)] = 1;

const MULTI_CHAR_OPS = ['<>', '<=', '>=', '!=', '::', '||', '->>', '->', '#>>', '#>', '@>', '<@', '~~*', '!~~*', '~~', '!~~', '~*', '!~*', '!~', '=>', '**'];

/**
 * Lexer state lives in one reusable object rather than closures: a closure
 * per call would be re-created for every log line.
 */
class ListState {
  sql = '';
  sink: TokenSink = { token() {} };
  prevType: Tok | 0 = 0;
  prevStart = 0;
  prevEnd = 0;
  /** last token was IN */
  afterIn = false;
  /** right after `IN (`, holding back constants */
  inList = false;
  pendingConsts = 0;
  pendingCommas = 0;
  /** where a held-back comma is, to report it with real positions */
  commaAt = -1;

  reset(sql: string, sink: TokenSink): void {
    this.sql = sql;
    this.sink = sink;
    this.prevType = 0;
    this.prevStart = 0;
    this.prevEnd = 0;
    this.afterIn = false;
    this.inList = false;
    this.pendingConsts = 0;
    this.pendingCommas = 0;
    this.commaAt = -1;
  }

  /** the list turned out not to be all constants: emit what was held back */
  flushList(): void {
    for (let k = 0; k < this.pendingConsts; k++) {
      this.sink.token(Tok.Const, 0, 0);
      if (k < this.pendingCommas) this.sink.token(Tok.Punct, this.commaAt, this.commaAt + 1);
    }
    this.inList = false;
    this.pendingConsts = 0;
    this.pendingCommas = 0;
  }

  emit(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.inList) {
      if (type === Tok.Const && this.pendingConsts === this.pendingCommas) {
        this.pendingConsts++;
        this.prevType = type;
        return;
      }
      const single = type === Tok.Punct && end - start === 1 ? sql.charCodeAt(start) : -1;
      if (single === CH_COMMA && this.pendingConsts === this.pendingCommas + 1) {
        this.pendingCommas++;
        this.commaAt = start;
        this.prevType = type;
        this.prevStart = start;
        this.prevEnd = end;
        return;
      }
      if (single === CH_RPAREN && this.pendingConsts > 0 && this.pendingConsts === this.pendingCommas + 1) {
        this.sink.token(Tok.Const, 0, 0);
        this.inList = false;
        this.pendingConsts = 0;
        this.pendingCommas = 0;
      } else {
        this.flushList();
      }
    }
    this.sink.token(type, start, end);
    if (this.afterIn && type === Tok.Punct && end - start === 1 && sql.charCodeAt(start) === CH_LPAREN) this.inList = true;
    this.afterIn = type === Tok.Ident && end - start === 2 && wordIs(sql, start, end, 'in');
    this.prevType = type;
    this.prevStart = start;
    this.prevEnd = end;
  }

  minusIsSign(): boolean {
    if (this.prevType === 0) return true;
    if (this.prevType === Tok.Punct) {
      const c = this.sql.charCodeAt(this.prevStart);
      return !(this.prevEnd - this.prevStart === 1 && (c === CH_RPAREN || c === 93)); // `)` or `]` end an operand
    }
    if (this.prevType === Tok.Ident) return SIGN_CONTEXT.has(this.sql.slice(this.prevStart, this.prevEnd).toLowerCase());
    return false;
  }
}

const STATE = new ListState();

export function lexSql(sql: string, sink: TokenSink): LexProblem | null {
  const n = sql.length;
  let i = 0;
  let problem: LexProblem | null = null;
  const st = STATE;
  st.reset(sql, sink);

  while (i < n) {
    const c = sql.charCodeAt(i);
    // whitespace
    if (c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR || c === 12 || c === 11) {
      i++;
      continue;
    }
    // -- comment
    if (c === CH_MINUS && sql.charCodeAt(i + 1) === CH_MINUS) {
      i += 2;
      while (i < n && sql.charCodeAt(i) !== CH_LF && sql.charCodeAt(i) !== CH_CR) i++;
      continue;
    }
    // /* comment */ (nested, as in PostgreSQL)
    if (c === CH_SLASH && sql.charCodeAt(i + 1) === CH_STAR) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = sql.charCodeAt(i);
        if (d === CH_STAR && sql.charCodeAt(i + 1) === CH_SLASH) {
          depth--;
          i += 2;
        } else if (d === CH_SLASH && sql.charCodeAt(i + 1) === CH_STAR) {
          depth++;
          i += 2;
        } else i++;
      }
      if (depth > 0) problem ??= 'unterminated-comment';
      continue;
    }
    // strings: '...', E'...', N'...', B'...', X'...'
    if (c === CH_QUOTE || ((c | 32) === 101 || (c | 32) === 110 || (c | 32) === 98 || (c | 32) === 120) && sql.charCodeAt(i + 1) === CH_QUOTE) {
      const end = scanQuoted(sql, c === CH_QUOTE ? i + 1 : i + 2, CH_QUOTE, (c | 32) === 101);
      if (end < 0) problem ??= 'unterminated-string';
      i = end < 0 ? n : end;
      st.emit(Tok.Const, 0, 0);
      continue;
    }
    // "quoted identifier"
    if (c === CH_DQUOTE) {
      const start = i;
      const end = scanQuoted(sql, i + 1, CH_DQUOTE, false);
      if (end < 0) problem ??= 'unterminated-identifier';
      i = end < 0 ? n : end;
      st.emit(Tok.QuotedIdent, start, i);
      continue;
    }
    // $1 parameters and $tag$ dollar-quoted strings
    if (c === CH_DOLLAR) {
      if (isDigit(sql.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
        st.emit(Tok.Const, 0, 0);
        continue;
      }
      let j = i + 1;
      while (j < n && isIdentPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== CH_DOLLAR) j++;
      if (sql.charCodeAt(j) === CH_DOLLAR) {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        if (close < 0) {
          problem ??= 'unterminated-string';
          i = n;
        } else i = close + tag.length;
        st.emit(Tok.Const, 0, 0);
        continue;
      }
    }
    // numbers, with a sign where it can only be one
    if (isDigit(c) || (c === CH_DOT && isDigit(sql.charCodeAt(i + 1))) || ((c === CH_MINUS || c === CH_PLUS) && st.minusIsSign() && isNumberAhead(sql, i + 1))) {
      if (c === CH_MINUS || c === CH_PLUS) {
        i++;
        while (i < n && isSpace(sql.charCodeAt(i))) i++;
      }
      // hexadecimal, octal and binary integers (PostgreSQL 16)
      if (sql.charCodeAt(i) === CH_0 && /[xob]/i.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < n && (isIdentPart(sql.charCodeAt(i)))) i++;
        st.emit(Tok.Const, 0, 0);
        continue;
      }
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (isDigit(d) || d === CH_DOT || d === CH_UNDERSCORE) i++;
        else if ((d | 32) === 101 && (isDigit(sql.charCodeAt(i + 1)) || ((sql.charCodeAt(i + 1) === 43 || sql.charCodeAt(i + 1) === CH_MINUS) && isDigit(sql.charCodeAt(i + 2))))) i += 2;
        else break;
      }
      st.emit(Tok.Const, 0, 0);
      continue;
    }
    // identifiers and keywords
    if (isIdentStart(c)) {
      const start = i;
      i++;
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      if (isBooleanWord(sql, start, i)) st.emit(Tok.Const, 0, 0);
      else st.emit(Tok.Ident, start, i);
      continue;
    }
    // JDBC / ODBC `?` placeholders are constants (`?|`, `?&`, `?-` are operators)
    if (c === CH_QMARK) {
      const d = sql.charCodeAt(i + 1);
      if (d !== 124 && d !== 38 && d !== CH_MINUS) {
        i++;
        st.emit(Tok.Const, 0, 0);
        continue;
      }
    }
    // a trailing semicolon (or several) is not part of the query
    if (c === CH_SEMI && isOnlySpaceAfter(sql, i + 1)) break;
    // operators: only these characters can start a multi-character one
    let len = 1;
    if (OP_START[c] === 1) {
      for (const op of MULTI_CHAR_OPS) {
        if (op.length > len && op.charCodeAt(0) === c && sql.startsWith(op, i)) len = op.length;
      }
    }
    st.emit(Tok.Punct, i, i + len);
    i += len;
  }
  if (st.inList) st.flushList();
  return problem;
}

/**
 * From just after an opening quote, the index after the closing one (a
 * doubled quote is an escaped quote; with `backslash`, so is \'), or -1 when
 * the text ends first.
 */
function scanQuoted(sql: string, i: number, quote: number, backslash: boolean): number {
  const n = sql.length;
  while (i < n) {
    const d = sql.charCodeAt(i);
    if (backslash && d === CH_BACKSLASH) {
      i += 2;
      continue;
    }
    if (d === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR || c === 12 || c === 11;
}

function isNumberAhead(sql: string, i: number): boolean {
  while (isSpace(sql.charCodeAt(i))) i++;
  const c = sql.charCodeAt(i);
  return isDigit(c) || (c === CH_DOT && isDigit(sql.charCodeAt(i + 1)));
}

/** Only whitespace, semicolons and comments from `i` to the end. */
function isOnlySpaceAfter(sql: string, i: number): boolean {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c) || c === CH_SEMI) i++;
    else if (c === CH_MINUS && sql.charCodeAt(i + 1) === CH_MINUS) {
      while (i < n && sql.charCodeAt(i) !== CH_LF && sql.charCodeAt(i) !== CH_CR) i++;
    } else if (c === CH_SLASH && sql.charCodeAt(i + 1) === CH_STAR) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 2;
    } else return false;
  }
  return true;
}
