/**
 * Query fingerprints: the key that groups log entries into templates.
 *
 * Insensitive to literal values, whitespace, keyword and identifier case
 * (quoted identifiers excepted), comments, IN-list length and trailing
 * semicolons — see lexer.ts for the exact rules — and to the spellings
 * PostgreSQL parses as one query: `CAST(x AS t)` / `x::t`, `date '…'` /
 * `'…'::date`, `public.t` / `main.t` / `t` (normalize-forms.ts). Sensitive
 * to everything else (tables, columns, operators, aliases, select-list
 * order); docs/fingerprints.md compares it with pg_stat_statements.
 *
 * `fingerprintSql` is the hot path (one pass, no string building): a 64-bit
 * hash as 16 hex digits from two independent 32-bit FNV-1a streams.
 * `normalizeSql` builds the human-readable template text (`?` for constants);
 * call it once per new template, not per log line.
 */
import { FIXED_TEXT, lexSql, Tok, type LexProblem, type TokenSink } from './lexer.ts';
import { normalizingStages } from './normalize-forms.ts';
import { mayNotBeReadOnly, quotedSideEffectName, statementKind, type StatementKind } from './statement-kind.ts';

export type { StatementKind } from './statement-kind.ts';

export interface Fingerprint {
  /** 16 hex digits */
  readonly fingerprint: string;
  readonly kind: StatementKind;
  /** a WITH query whose CTE writes (`kind` is then the write's: delete, insert, …) */
  readonly dataModifyingWith: boolean;
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
  suspect = false;
  constructor(private readonly sql: string) {}

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.tokens++ === 0 && type === Tok.Ident) {
      this.firstStart = start;
      this.firstEnd = end;
    }
    let a = this.a;
    let b = this.b;
    if (type === Tok.Fixed) {
      const text = FIXED_TEXT[start]!;
      for (let i = 0; i < text.length; i++) {
        a = Math.imul(a ^ text.charCodeAt(i), FNV_PRIME);
        b = Math.imul(b ^ text.charCodeAt(i), PRIME_B);
      }
    } else if (type === Tok.Const) {
      a = Math.imul(a ^ CONST_CODE, FNV_PRIME);
      b = Math.imul(b ^ CONST_CODE, PRIME_B);
    } else if (type === Tok.Punct && end - start === 2 && sql.charCodeAt(start) === 33 && sql.charCodeAt(start + 1) === 61) {
      // != is <>
      a = Math.imul(Math.imul(a ^ 60, FNV_PRIME) ^ 62, FNV_PRIME);
      b = Math.imul(Math.imul(b ^ 60, PRIME_B) ^ 62, PRIME_B);
    } else {
      const fold = type === Tok.Ident;
      if (!this.suspect && (fold ? mayNotBeReadOnly(sql, start, end) : type === Tok.QuotedIdent && quotedSideEffectName(sql, start, end))) this.suspect = true;
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

export function fingerprintSql(sql: string): Fingerprint {
  const sink = new HashSink(sql);
  const stages = normalizingStages(sql, sink);
  const problem = lexSql(sql, stages);
  stages.finish();
  const { kind, dataModifyingWith } = statementKind(sql, sink);
  return { fingerprint: sink.hex(), kind, dataModifyingWith, problem };
}

class TextSink implements TokenSink {
  readonly parts: string[] = [];
  constructor(private readonly sql: string) {}
  token(type: Tok, start: number, end: number): void {
    if (type === Tok.Const) this.parts.push('?');
    else if (type === Tok.Fixed) this.parts.push(FIXED_TEXT[start]!);
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
  const stages = normalizingStages(sql, sink);
  lexSql(sql, stages);
  stages.finish();
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
