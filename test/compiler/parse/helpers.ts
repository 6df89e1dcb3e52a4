/** Small builders and accessors for parse tests. */
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { FlightdeckError, type ErrorCode } from '../../../compiler/errors.ts';
import type { AstExpr, AstQuery, AstQueryBody } from '../../../compiler/ir/ast.ts';

export const col = (name: string, table: string | null = null): AstExpr => ({ kind: 'column', table, name });
export const num = (value: string): AstExpr => ({ kind: 'literal', type: 'number', value });
export const str = (value: string): AstExpr => ({ kind: 'literal', type: 'string', value });
export const bin = (op: string, left: AstExpr, right: AstExpr): AstExpr => ({ kind: 'binary', op, left, right });
export const fn = (name: string, args: AstExpr[], extra: Partial<Extract<AstExpr, { kind: 'function' }>> = {}): AstExpr => ({
  kind: 'function',
  name,
  args,
  distinct: false,
  star: false,
  filter: null,
  over: null,
  ...extra,
});

/** One CASE arm (`then` is the AST's field name, not a promise). */
export function arm(when: AstExpr, result: AstExpr): { when: AstExpr; then: AstExpr } {
  // oxlint-disable-next-line unicorn/no-thenable -- the AST names a CASE result `then`
  return { when, then: result };
}

/** A deep copy without `loc` fields, for shape comparisons. */
export function withoutLoc<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'loc' ? undefined : v))) as T;
}

export function selectBody(q: AstQuery): Extract<AstQueryBody, { kind: 'select' }> {
  assert.equal(q.body.kind, 'select');
  return q.body as Extract<AstQueryBody, { kind: 'select' }>;
}

/** The first select-list expression of `SELECT <expr> FROM t`, without locations. */
export function expr(sql: string): AstExpr {
  return withoutLoc(selectBody(parseSql(`select ${sql} from t`)).columns[0]!.expr);
}

/** The WHERE clause of `SELECT * FROM t WHERE <cond>`, without locations. */
export function where(cond: string): AstExpr | null {
  return withoutLoc(selectBody(parseSql(`select * from t where ${cond}`)).where);
}

/** Runs `fn` and returns the FlightdeckError it throws, asserting its code. */
export function expectError(run: () => unknown, code: ErrorCode): FlightdeckError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof FlightdeckError, `expected a FlightdeckError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected a ${code} error, but it parsed`);
}

/** Asserts `sql` is rejected as unsupported and that the message names `construct`. */
export function expectUnsupported(sql: string, construct: string | RegExp): FlightdeckError {
  const err = expectError(() => parseSql(sql), 'unsupported');
  if (typeof construct === 'string') assert.ok(err.message.includes(construct), `message "${err.message}" should name ${construct}`);
  else assert.match(err.message, construct);
  return err;
}
