/**
 * Spellings PostgreSQL reads as one query, folded into one token stream
 * before fingerprinting (pg_stat_statements groups by the parsed query, so
 * it merges them; see docs/fingerprints.md for every decision):
 *
 * - the default schema: `public.t` and `main.t` (DuckDB's default schema,
 *   what the import maps `public` to) are `t`: a leading `public.` or
 *   `main.` of a dotted name is dropped;
 * - typed literals: `date '2024-01-01'`, `timestamp with time zone '…'`,
 *   `interval '1 day'` are `? :: date`, … — the spelling of `'…'::date`;
 * - CAST: `CAST(e AS t)` is `e :: t` when `e` is one operand (a name, a
 *   constant, or one already cast with `::`), else `( e ) :: t` — the
 *   spellings of `e::t` and `(e)::t`;
 * - type synonyms right after `::` (so in casts and typed literals too):
 *   `integer`/`int4` are `int`, `int8` is `bigint`, `bool` is `boolean`,
 *   `timestamptz` is `timestamp with time zone`, … (one-word spellings only).
 *
 * Each fold is a stage between the lexer and a sink (hash or text), holding
 * back the few tokens it has not decided on yet; `finish` hands back what
 * is still held when the text ends (malformed SQL keeps a deterministic
 * stream). Stages run in this order: schema, typed literal, cast, type name.
 */
import { FIXED_CAST, Tok, type TokenSink } from './lexer.ts';
import { CastStage } from './cast-stage.ts';
import { CH_DOT, CH_DQUOTE, isCastOp, isPunct, wordIs } from './form-tokens.ts';

export interface Stage extends TokenSink {
  /** hand on what is still held back, then finish the stages after this one */
  finish(): void;
}

/** `public` / `main`, unquoted in any case or quoted in lower case */
function isDefaultSchema(sql: string, type: Tok, start: number, end: number): boolean {
  if (type === Tok.Ident) return wordIs(sql, start, end, 'public') || wordIs(sql, start, end, 'main');
  if (type !== Tok.QuotedIdent || sql.charCodeAt(start) !== CH_DQUOTE) return false;
  const inner = sql.slice(start + 1, end - 1);
  return inner === 'public' || inner === 'main';
}

/** Drops a leading `public.` / `main.` of a dotted name. */
export class SchemaStage implements Stage {
  held = 0; // 0: nothing, 1: the schema word, 2: the word and its dot
  private hType: Tok = Tok.Ident;
  private hStart = 0;
  private hEnd = 0;
  private dotAt = 0;
  prevDot = false;
  private sql = '';
  constructor(private readonly next: Stage) {}

  reset(sql: string): void {
    this.sql = sql;
    this.held = 0;
    this.prevDot = false;
  }

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.held === 1) {
      if (isPunct(sql, type, start, end, CH_DOT)) {
        this.held = 2;
        this.dotAt = start;
        return;
      }
      this.release();
    } else if (this.held === 2) {
      if (type === Tok.Ident || type === Tok.QuotedIdent) {
        this.held = 0;
        this.prevDot = false;
        this.next.token(type, start, end);
        return;
      }
      this.release();
    }
    if (!this.prevDot && isDefaultSchema(sql, type, start, end)) {
      this.held = 1;
      this.hType = type;
      this.hStart = start;
      this.hEnd = end;
      return;
    }
    this.prevDot = isPunct(sql, type, start, end, CH_DOT);
    this.next.token(type, start, end);
  }

  private release(): void {
    this.next.token(this.hType, this.hStart, this.hEnd);
    if (this.held === 2) this.next.token(Tok.Punct, this.dotAt, this.dotAt + 1);
    this.prevDot = this.held === 2;
    this.held = 0;
  }

  finish(): void {
    if (this.held !== 0) this.release();
    this.next.finish();
  }
}

/** Words that start a type name in a typed literal (`date '…'`). */
const TYPE_STARTS = new Set([
  'date', 'time', 'timestamp', 'timestamptz', 'timetz', 'interval', 'int', 'integer', 'int2', 'int4', 'int8', 'smallint', 'bigint',
  'numeric', 'decimal', 'real', 'float', 'float4', 'float8', 'double', 'bool', 'boolean', 'text', 'varchar', 'char', 'character',
  'json', 'jsonb', 'uuid', 'bytea', 'inet', 'cidr', 'macaddr', 'money', 'bit', 'point', 'xml',
]);

/**
 * A cheap filter before a set lookup: per word length (3..11), a bit per
 * possible first and last character (a-z, 0-4) of the words.
 */
interface WordFilter {
  readonly first: Uint32Array;
  readonly last: Uint32Array;
}

function letterBit(c: number): number {
  const l = c | 32;
  if (l >= 97 && l <= 122) return 1 << (l - 97);
  return c >= 48 && c <= 52 ? 1 << (26 + c - 48) : 0;
}

function wordFilter(words: Iterable<string>): WordFilter {
  const f = { first: new Uint32Array(12), last: new Uint32Array(12) };
  for (const w of words) {
    f.first[w.length]! |= letterBit(w.charCodeAt(0));
    f.last[w.length]! |= letterBit(w.charCodeAt(w.length - 1));
  }
  return f;
}

function mayBe(f: WordFilter, sql: string, start: number, len: number): boolean {
  return len >= 3 && len <= 11 && (f.first[len]! & letterBit(sql.charCodeAt(start))) !== 0 && (f.last[len]! & letterBit(sql.charCodeAt(start + len - 1))) !== 0;
}

const TYPE_FILTER = wordFilter(TYPE_STARTS);
/** every word a stage may act on */
const TRIGGER_FILTER = wordFilter([...TYPE_STARTS, 'cast', 'public', 'main']);

function mayStartType(sql: string, start: number, len: number): boolean {
  return mayBe(TYPE_FILTER, sql, start, len) && TYPE_STARTS.has(sql.slice(start, start + len).toLowerCase());
}

/** For a held type name ending in `last`, may `word` continue it? (`timestamp with time zone`, `double precision`, …) */
function continues(held: readonly string[], word: string): boolean {
  const last = held[held.length - 1]!;
  if (held.length === 1) {
    if (last === 'time' || last === 'timestamp') return word === 'with' || word === 'without';
    if (last === 'double') return word === 'precision';
    if (last === 'character' || last === 'bit') return word === 'varying';
    return false;
  }
  if (last === 'with' || last === 'without') return word === 'time';
  if (last === 'time' && held.length === 3) return word === 'zone';
  return false;
}

/** A type name that can stand before a literal as it is (not one cut short: `timestamp with`). */
function complete(held: readonly string[]): boolean {
  const last = held[held.length - 1]!;
  return held.length === 1 || last === 'zone' || last === 'precision' || last === 'varying';
}

/** `date '…'` → `? :: date` (the words of the type kept as written). */
export class TypedLiteralStage implements Stage {
  readonly words: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  prevDot = false;
  private sql = '';
  constructor(private readonly next: Stage) {}

  reset(sql: string): void {
    this.sql = sql;
    this.clear();
    this.prevDot = false;
  }

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.words.length > 0) {
      if (type === Tok.Ident) {
        const w = sql.slice(start, end).toLowerCase();
        if (continues(this.words, w)) {
          this.hold(w, start, end);
          return;
        }
      } else if (type === Tok.Const && complete(this.words)) {
        this.next.token(Tok.Const, 0, 0);
        this.next.token(Tok.Fixed, FIXED_CAST, FIXED_CAST);
        for (let k = 0; k < this.starts.length; k++) this.next.token(Tok.Ident, this.starts[k]!, this.ends[k]!);
        this.clear();
        this.prevDot = false;
        return;
      }
      this.release();
    }
    const len = end - start;
    if (type === Tok.Ident && !this.prevDot && mayStartType(sql, start, len)) {
      const w = sql.slice(start, end).toLowerCase();
      if (TYPE_STARTS.has(w)) {
        this.hold(w, start, end);
        return;
      }
    }
    this.prevDot = isPunct(sql, type, start, end, CH_DOT);
    this.next.token(type, start, end);
  }

  private hold(w: string, start: number, end: number): void {
    this.words.push(w);
    this.starts.push(start);
    this.ends.push(end);
  }

  private clear(): void {
    if (this.words.length === 0) return;
    this.words.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
  }

  private release(): void {
    for (let k = 0; k < this.starts.length; k++) this.next.token(Tok.Ident, this.starts[k]!, this.ends[k]!);
    this.clear();
    this.prevDot = false;
  }

  finish(): void {
    this.release();
    this.next.finish();
  }
}

/** one-word type names → how the fingerprint spells them (an index into FIXED_TEXT) */
const TYPE_SYNONYMS = new Map<string, number>([
  ['integer', 3], ['int4', 3], ['int', 3], ['int8', 4], ['bigint', 4], ['int2', 5], ['smallint', 5], ['bool', 6], ['boolean', 6],
  ['decimal', 7], ['numeric', 7], ['float4', 8], ['real', 8], ['float8', 9], ['varchar', 10], ['timestamptz', 11], ['timetz', 12],
]);

/** `x::integer` → `x::int`: the word right after `::` through TYPE_SYNONYMS. */
export class TypeNameStage implements Stage {
  afterCast = false;
  private sql = '';
  private next: TokenSink = { token() {} };

  reset(sql: string, sink: TokenSink): void {
    this.sql = sql;
    this.next = sink;
    this.afterCast = false;
  }

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.afterCast && type === Tok.Ident && end - start <= 11) {
      this.afterCast = false;
      const canonical = TYPE_SYNONYMS.get(sql.slice(start, end).toLowerCase());
      if (canonical !== undefined) {
        this.next.token(Tok.Fixed, canonical, canonical);
        return;
      }
    }
    this.afterCast = isCastOp(sql, type, start, end);
    this.next.token(type, start, end);
  }

  finish(): void {
    this.afterCast = false;
  }
}

/**
 * One reused chain, like the lexer's state (fingerprinting is synchronous
 * and never re-entered): no allocation per log line.
 */
const TYPES = new TypeNameStage();
const CAST = new CastStage();
const TYPED = new TypedLiteralStage(CAST);
const SCHEMA = new SchemaStage(TYPED);

/**
 * The chain's entry. While no stage holds anything back, a token no stage
 * can act on goes straight to the sink (most tokens: the fast path that
 * keeps fingerprinting within a few percent of the bare lexer's speed).
 */
class Forms implements Stage {
  private sql = '';
  private sink: TokenSink = { token() {} };
  /** no stage holds anything back */
  private idle = true;

  reset(sql: string, sink: TokenSink): void {
    this.sql = sql;
    this.sink = sink;
    this.idle = true;
    TYPES.reset(sql, sink);
    CAST.reset(sql, TYPES);
    TYPED.reset(sql);
    SCHEMA.reset(sql);
  }

  token(type: Tok, start: number, end: number): void {
    if (this.idle) {
      const sql = this.sql;
      let pass: boolean;
      if (type === Tok.Ident) pass = !mayBe(TRIGGER_FILTER, sql, start, end - start);
      else if (type === Tok.QuotedIdent) pass = !isDefaultSchema(sql, type, start, end);
      else pass = !isCastOp(sql, type, start, end);
      if (pass) {
        const dot = isPunct(sql, type, start, end, CH_DOT);
        SCHEMA.prevDot = dot;
        TYPED.prevDot = dot;
        this.sink.token(type, start, end);
        return;
      }
    }
    SCHEMA.token(type, start, end);
    this.idle = SCHEMA.held === 0 && TYPED.words.length === 0 && CAST.castAt < 0 && CAST.frames.length === 0 && !TYPES.afterCast;
  }

  finish(): void {
    SCHEMA.finish();
  }
}

const FORMS = new Forms();

/** lexer → schema → typed literal → cast → type name → `sink`; call `finish` on the result after lexing. */
export function normalizingStages(sql: string, sink: TokenSink): Stage {
  FORMS.reset(sql, sink);
  return FORMS;
}
