/**
 * A whole query (WITH, body, ORDER BY, LIMIT/OFFSET) → plan. The body is a
 * SELECT, a set operation or VALUES. Operator order on top of the body:
 *
 *   body (its Project carries hidden ORDER BY columns, if any)
 *   → Sort → Limit → Project dropping the hidden columns (only if there were any)
 *
 * so a Sort and its Limit stay adjacent (one TopN for the rules).
 */
import type { AstExpr, AstQuery, AstQueryBody } from '../ir/ast.ts';
import type { ColumnDef, Expr, Plan } from '../ir/plan.ts';
import { exprType, outputColumns } from '../ir/walk.ts';
import { bindError, columnRef, scratchContext, type BindContext } from './context.ts';
import { defineCtes, type CteEntry, type CteEnv } from './cte.ts';
import { bindExpr } from './bind-expr.ts';
import { bindSelect } from './bind-select.ts';
import { orderSetOutputs, type OrderedBody } from './order-by.ts';
import { commonType } from './functions.ts';
import { Scope } from './scope.ts';

export function bindQueryAst(ctx: BindContext, query: AstQuery, outer: Scope | null, ctes: CteEnv): Plan {
  const { env, added } = defineCtes(query.with, ctes, outer);
  const ordered: OrderedBody =
    query.body.kind === 'select'
      ? bindSelect(ctx, query.body, query.orderBy, outer, env)
      : orderSetOutputs(ctx, bindBody(ctx, query.body, outer, env), query.orderBy, outer, env);
  let plan = ordered.plan;
  if (ordered.keys.length) plan = { kind: 'sort', input: plan, keys: ordered.keys };
  const limit = query.limit ? constantCount(query.limit, 'LIMIT') : null;
  const offset = query.offset ? (constantCount(query.offset, 'OFFSET') ?? 0) : 0;
  if (limit !== null || offset !== 0) plan = { kind: 'limit', input: plan, limit, offset };
  if (ordered.hidden) {
    plan = { kind: 'project', input: plan, exprs: ordered.visible.map((c) => ({ id: c.id, name: c.name, expr: columnRef(c) })) };
  }
  validateUnusedCtes(ctx, added);
  return plan;
}

/** A query body without its own ORDER BY / LIMIT. */
function bindBody(ctx: BindContext, body: AstQueryBody, outer: Scope | null, ctes: CteEnv): Plan {
  switch (body.kind) {
    case 'select':
      return bindSelect(ctx, body, [], outer, ctes).plan;
    case 'setop':
      return bindSetOp(ctx, body, outer, ctes);
    case 'values':
      return bindValues(ctx, body.rows, outer, ctes);
    default:
      throw bindError('unsupported', `unsupported query body '${(body as { kind: string }).kind}'`);
  }
}

function bindSetOp(ctx: BindContext, body: Extract<AstQueryBody, { kind: 'setop' }>, outer: Scope | null, ctes: CteEnv): Plan {
  const side = (x: AstQueryBody | AstQuery): Plan => (x.kind === 'query' ? bindQueryAst(ctx, x, outer, ctes) : bindBody(ctx, x, outer, ctes));
  const left = side(body.left);
  const right = side(body.right);
  const l = outputColumns(left);
  const r = outputColumns(right);
  const opText = `${body.op.toUpperCase()}${body.all ? ' ALL' : ''}`;
  if (l.length !== r.length) {
    throw bindError('bind-error', `each ${opText} query must have the same number of columns: the left side has ${l.length}, the right side ${r.length}`);
  }
  const columns: ColumnDef[] = l.map((c, i) => ({ id: ctx.newId(), name: c.name, type: commonType([c.type, r[i]!.type]) }));
  return { kind: 'setop', op: body.op, all: body.all, left, right, columns };
}

/** VALUES rows → Values; columns `col0`, `col1`... (DuckDB's names), each typed by its rows' common type. */
function bindValues(ctx: BindContext, rows: readonly (readonly AstExpr[])[], outer: Scope | null, ctes: CteEnv): Plan {
  if (rows.length === 0) throw bindError('bind-error', 'VALUES needs at least one row');
  const width = rows[0]!.length;
  const env = { ctx, scope: Scope.empty(outer), ctes, clause: 'VALUES', aggregates: null, windows: null };
  const bound: Expr[][] = rows.map((row, i) => {
    if (row.length !== width) {
      throw bindError('bind-error', `VALUES lists must all be the same length: row 1 has ${width} values, row ${i + 1} has ${row.length}`);
    }
    return row.map((e) => bindExpr(e, env));
  });
  const columns: ColumnDef[] = [];
  for (let i = 0; i < width; i++) {
    columns.push({ id: ctx.newId(), name: `col${i}`, type: commonType(bound.map((row) => exprType(row[i]!))) });
  }
  return { kind: 'values', rows: bound, columns };
}

/** LIMIT / OFFSET: a non-negative integer constant; `LIMIT NULL` / `LIMIT ALL` mean no limit (null). */
function constantCount(e: AstExpr, clause: string): number | null {
  if (e.kind === 'literal' && e.type === 'null') return null;
  if (e.kind === 'literal' && e.type === 'number' && typeof e.value === 'string' && /^\s*\+?\d+\s*$/.test(e.value)) {
    return Number(e.value);
  }
  const negativeLiteral = e.kind === 'literal' && e.type === 'number' && typeof e.value === 'string' && e.value.trim().startsWith('-');
  if (negativeLiteral || (e.kind === 'unary' && e.op === '-' && e.arg.kind === 'literal' && e.arg.type === 'number')) {
    throw bindError('bind-error', `${clause} must not be negative`);
  }
  throw bindError('unsupported', `${clause} must be a constant non-negative integer; expressions in ${clause} are not supported`);
}

/** A CTE nobody referenced is still checked (bound with throw-away ids), as PostgreSQL does. */
function validateUnusedCtes(ctx: BindContext, added: readonly CteEntry[]): void {
  for (let i = added.length - 1; i >= 0; i--) {
    const entry = added[i]!;
    if (entry.used) continue;
    entry.used = true;
    bindQueryAst(scratchContext(ctx), entry.def.query, entry.outer, entry.visible);
  }
}
