/**
 * The CAST fold of the fingerprint's normalizing stages (see
 * normalize-forms.ts): `CAST(e AS t)` becomes `e :: t` when `e` is one
 * operand, else `( e ) :: t` — the spellings of `e::t` and `(e)::t`.
 */
import { FIXED_CAST, FIXED_CLOSE, FIXED_OPEN, Tok } from './lexer.ts';
import { CH_DOT, CH_LPAREN, CH_RPAREN, isCastOp, isPunct, wordIs } from './form-tokens.ts';
import type { Stage } from './normalize-forms.ts';

/** `CAST(e AS t)` → `e :: t` for one operand, `( e ) :: t` otherwise. */
export class CastStage implements Stage {
  readonly frames: CastFrame[] = [];
  castAt = -1;
  private castEnd = -1;
  private sql = '';
  private next: Stage = { token() {}, finish() {} };

  reset(sql: string, sink: Stage): void {
    this.sql = sql;
    this.next = sink;
    if (this.frames.length > 0) this.frames.length = 0;
    this.castAt = -1;
  }

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (this.castAt >= 0) {
      const at = this.castAt;
      this.castAt = -1;
      if (isPunct(sql, type, start, end, CH_LPAREN)) {
        this.frames.push({ castStart: at, castEnd: this.castEnd, openAt: start, depth: 0, inType: false, held: [] });
        return;
      }
      this.out(this.frames.length, Tok.Ident, at, this.castEnd);
    }
    if (type === Tok.Ident && end - start === 4 && wordIs(sql, start, end, 'cast')) {
      this.castAt = start;
      this.castEnd = end;
      return;
    }
    const frames = this.frames.length;
    if (frames === 0) {
      this.next.token(type, start, end);
      return;
    }
    const top = this.frames[frames - 1]!;
    const open = isPunct(sql, type, start, end, CH_LPAREN);
    const close = !open && isPunct(sql, type, start, end, CH_RPAREN);
    if (close && top.depth === 0) {
      this.frames.pop();
      if (!top.inType) {
        // `CAST(x)`: not a cast we can read; pass it on as written
        this.release(top);
        this.out(this.frames.length, type, start, end);
      }
      return;
    }
    if (open) top.depth++;
    else if (close) top.depth--;
    if (top.inType) {
      this.out(this.frames.length - 1, type, start, end);
      return;
    }
    if (top.depth === 0 && type === Tok.Ident && wordIs(sql, start, end, 'as')) {
      const level = this.frames.length - 1;
      const simple = isOneOperand(sql, top.held);
      if (!simple) this.out(level, Tok.Fixed, FIXED_OPEN, FIXED_OPEN);
      for (let k = 0; k < top.held.length; k += 3) this.out(level, top.held[k]!, top.held[k + 1]!, top.held[k + 2]!);
      if (!simple) this.out(level, Tok.Fixed, FIXED_CLOSE, FIXED_CLOSE);
      this.out(level, Tok.Fixed, FIXED_CAST, FIXED_CAST);
      top.held.length = 0;
      top.inType = true;
      return;
    }
    top.held.push(type, start, end);
  }

  /** Hand a token to what sits below frame `level`: the nearest enclosing expression being held, else the sink. */
  private out(level: number, type: Tok, start: number, end: number): void {
    for (let j = level - 1; j >= 0; j--) {
      const f = this.frames[j]!;
      if (!f.inType) {
        f.held.push(type, start, end);
        return;
      }
    }
    this.next.token(type, start, end);
  }

  /** A frame that turned out not to be a readable cast, as written (it is already popped). */
  private release(f: CastFrame): void {
    const level = this.frames.length;
    this.out(level, Tok.Ident, f.castStart, f.castEnd);
    this.out(level, Tok.Punct, f.openAt, f.openAt + 1);
    for (let k = 0; k < f.held.length; k += 3) this.out(level, f.held[k]!, f.held[k + 1]!, f.held[k + 2]!);
  }

  finish(): void {
    if (this.castAt >= 0) {
      this.out(this.frames.length, Tok.Ident, this.castAt, this.castEnd);
      this.castAt = -1;
    }
    while (this.frames.length > 0) {
      const f = this.frames.pop()!;
      if (!f.inType) this.release(f);
    }
    this.next.finish();
  }
}

/**
 * One operand: a constant, or a (dotted) name, optionally followed by
 * `::type` casts — what PostgreSQL's `e::t` binds to without parentheses.
 */
function isOneOperand(sql: string, held: readonly number[]): boolean {
  const n = held.length / 3;
  if (n === 0) return false;
  const type = (k: number) => held[k * 3]! as Tok;
  const start = (k: number) => held[k * 3 + 1]!;
  const end = (k: number) => held[k * 3 + 2]!;
  const name = (k: number) => type(k) === Tok.Ident || type(k) === Tok.QuotedIdent;
  let k = 0;
  if (type(0) === Tok.Const) k = 1;
  else if (name(0)) {
    k = 1;
    while (k + 1 < n && isPunct(sql, type(k), start(k), end(k), CH_DOT) && name(k + 1)) k += 2;
  } else return false;
  // then `:: word [word…]` casts
  while (k < n) {
    if (!isCastOp(sql, type(k), start(k), end(k)) || k + 1 >= n || type(k + 1) !== Tok.Ident) return false;
    k += 2;
    while (k < n && type(k) === Tok.Ident) k++;
  }
  return true;
}

interface CastFrame {
  readonly castStart: number;
  readonly castEnd: number;
  readonly openAt: number;
  /** paren depth inside the CAST's parentheses */
  depth: number;
  /** false: reading the expression (held back), true: reading the type (passed on) */
  inType: boolean;
  /** held tokens of the expression, as (type, start, end) triples */
  readonly held: number[];
}
