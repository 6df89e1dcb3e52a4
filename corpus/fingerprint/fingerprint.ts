/**
 * Query fingerprints: the key that groups log entries into templates.
 *
 * Insensitive to literal values, whitespace, keyword and identifier case
 * (quoted identifiers excepted), comments, IN-list length and trailing
 * semicolons — see lexer.ts for the exact rules. Sensitive to everything
 * else (tables, columns, operators, aliases, select-list order).
 *
 * `fingerprintSql` is the hot path (one pass, no string building): a 64-bit
 * hash as 16 hex digits from two independent 32-bit FNV-1a streams.
 * `normalizeSql` builds the human-readable template text (`?` for constants);
 * call it once per new template, not per log line.
 */
import { lexSql, Tok, type LexProblem, type TokenSink } from './lexer.ts';

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'merge' | 'ddl' | 'utility' | 'empty' | 'other';

export interface Fingerprint {
  /** 16 hex digits */
  readonly fingerprint: string;
  readonly kind: StatementKind;
  /** set when the text is malformed at the lexical level (it still has a fingerprint) */
  readonly problem: LexProblem | null;
}

const FNV_PRIME = 0x01000193;
const SEED_A = 0x811c9dc5;
const SEED_B = 0x050c5d1f;
const CONST_CODE = 63; // '?'
const SEPARATOR = 32;
/** must be odd: an even multiplier shifts the stream's history out of the top bits */
const PRIME_B = 0x5bd1e995;

class HashSink implements TokenSink {
  a = SEED_A;
  b = SEED_B;
  tokens = 0;
  firstStart = -1;
  firstEnd = -1;
  constructor(private readonly sql: string) {}

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.tokens === 0 && type === Tok.Ident) {
      this.firstStart = start;
      this.firstEnd = end;
    }
    this.tokens++;
    let a = this.a;
    let b = this.b;
    if (type === Tok.Const) {
      a = Math.imul(a ^ CONST_CODE, FNV_PRIME);
      b = Math.imul(b ^ CONST_CODE, PRIME_B);
    } else if (type === Tok.Punct && end - start === 2 && sql.charCodeAt(start) === 33 && sql.charCodeAt(start + 1) === 61) {
      // != is <>
      a = Math.imul(Math.imul(a ^ 60, FNV_PRIME) ^ 62, FNV_PRIME);
      b = Math.imul(Math.imul(b ^ 60, PRIME_B) ^ 62, PRIME_B);
    } else {
      const fold = type === Tok.Ident;
      for (let i = start; i < end; i++) {
        let c = sql.charCodeAt(i);
        if (fold && c >= 65 && c <= 90) c += 32;
        a = Math.imul(a ^ c, FNV_PRIME);
        b = Math.imul(b ^ c, PRIME_B);
      }
    }
    this.a = Math.imul(a ^ SEPARATOR, FNV_PRIME);
    this.b = Math.imul(b ^ SEPARATOR, PRIME_B);
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

const KIND_BY_VERB: Record<string, StatementKind> = {
  select: 'select', values: 'select', table: 'select',
  insert: 'insert', update: 'update', delete: 'delete', merge: 'merge', copy: 'utility',
  create: 'ddl', alter: 'ddl', drop: 'ddl', truncate: 'ddl', comment: 'ddl', grant: 'ddl', revoke: 'ddl',
  set: 'utility', show: 'utility', begin: 'utility', commit: 'utility', rollback: 'utility', start: 'utility',
  explain: 'utility', analyze: 'utility', vacuum: 'utility', use: 'utility', reset: 'utility', call: 'utility',
  savepoint: 'utility', release: 'utility', end: 'utility', abort: 'utility', discard: 'utility', deallocate: 'utility', prepare: 'utility',
  execute: 'utility', lock: 'utility', listen: 'utility', unlisten: 'utility', notify: 'utility', declare: 'utility', fetch: 'utility',
  close: 'utility', move: 'utility', do: 'utility', refresh: 'utility', checkpoint: 'utility', cluster: 'utility', reindex: 'utility',
  load: 'utility', security: 'utility', import: 'ddl', rollup: 'other',
};

export function fingerprintSql(sql: string): Fingerprint {
  const sink = new HashSink(sql);
  const problem = lexSql(sql, sink);
  return { fingerprint: sink.hex(), kind: statementKind(sql, sink), problem };
}

function statementKind(sql: string, sink: HashSink): StatementKind {
  if (sink.tokens === 0) return 'empty';
  if (sink.firstStart < 0) {
    // starts with punctuation, e.g. `(select ...) union (...)`
    const body = sql.replace(/^(?:\s+|--[^\n\r]*|\/\*[\s\S]*?\*\/)*/, '');
    return /^(?:\(\s*)+(select|with|values|table)\b/i.test(body) ? 'select' : 'other';
  }
  let verb = sql.slice(sink.firstStart, sink.firstEnd).toLowerCase();
  if (verb === 'with') {
    // the statement's verb is the first top-level insert/update/delete/select after the CTEs
    const m = /\)\s*(select|insert|update|delete|merge)\b/i.exec(sql);
    verb = m ? m[1]!.toLowerCase() : 'select';
  }
  return KIND_BY_VERB[verb] ?? 'other';
}

class TextSink implements TokenSink {
  readonly parts: string[] = [];
  constructor(private readonly sql: string) {}
  token(type: Tok, start: number, end: number): void {
    if (type === Tok.Const) this.parts.push('?');
    else if (type === Tok.Ident) this.parts.push(this.sql.slice(start, end).toLowerCase());
    else {
      const t = this.sql.slice(start, end);
      this.parts.push(t === '!=' ? '<>' : t);
    }
  }
}

const NO_SPACE_BEFORE = new Set([',', ')', '.', '::', ';']);
const NO_SPACE_AFTER = new Set(['(', '.', '::']);
/** words after which `(` opens a list or subquery, not a call: keep the space */
const SPACED_BEFORE_PAREN = new Set(['in', 'from', 'as', 'on', 'exists', 'and', 'or', 'not', 'where', 'select', 'values', 'join', 'over', 'using', 'any', 'all', 'some', 'union', 'intersect', 'except', 'when', 'then', 'else', 'by', 'with', 'into', 'set', 'having', 'lateral', 'is', 'between', 'like', 'case', 'return', 'returning', 'table']);

/** The template text: tokens separated by single spaces, `?` for constants. */
export function normalizeSql(sql: string): string {
  const sink = new TextSink(sql);
  lexSql(sql, sink);
  let out = '';
  let prev = '';
  for (const p of sink.parts) {
    const call = p === '(' && /^[a-z_]/.test(prev) && !SPACED_BEFORE_PAREN.has(prev);
    if (out && !call && !NO_SPACE_BEFORE.has(p) && !NO_SPACE_AFTER.has(prev)) out += ' ';
    out += p;
    prev = p;
  }
  return out;
}
