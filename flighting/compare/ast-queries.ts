/**
 * Every query nested inside a parsed query (CTEs, derived tables, scalar,
 * IN and EXISTS subqueries, parenthesised set-operation operands), for the
 * static checks of query-shape.ts. Read-only walk of compiler/ir/ast.ts.
 */
import type { AstExpr, AstFrom, AstQuery, AstQueryBody, AstWindowSpec } from '../../compiler/ir/ast.ts';

export interface NestedQuery {
  readonly query: AstQuery;
  /** the query of an EXISTS: only whether it returns a row matters */
  readonly inExists: boolean;
}

/** The queries nested inside `root` (not `root` itself), outermost first. */
export function nestedQueries(root: AstQuery): NestedQuery[] {
  const out: NestedQuery[] = [];
  const query = (q: AstQuery, nested: boolean, inExists = false): void => {
    if (nested) out.push({ query: q, inExists });
    for (const cte of q.with) query(cte.query, true);
    body(q.body);
    for (const o of q.orderBy) expr(o.expr);
  };
  const body = (b: AstQueryBody | AstQuery): void => {
    if (b.kind === 'query') return query(b, true);
    if (b.kind === 'setop') {
      body(b.left);
      body(b.right);
    } else if (b.kind === 'values') {
      for (const row of b.rows) row.forEach(expr);
    } else {
      for (const c of b.columns) expr(c.expr);
      b.from.forEach(from);
      if (b.where) expr(b.where);
      b.groupBy.forEach(expr);
      if (b.having) expr(b.having);
      for (const w of b.windows) windowSpec(w.spec);
    }
  };
  const from = (f: AstFrom): void => {
    if (f.kind === 'subquery') query(f.query, true);
    else if (f.kind === 'join') {
      from(f.left);
      from(f.right);
      if (f.on) expr(f.on);
    }
  };
  const windowSpec = (w: AstWindowSpec): void => {
    w.partitionBy.forEach(expr);
    for (const o of w.orderBy) expr(o.expr);
  };
  const expr = (e: AstExpr): void => {
    switch (e.kind) {
      case 'column':
      case 'star':
      case 'literal':
        return;
      case 'binary':
        expr(e.left);
        expr(e.right);
        return;
      case 'unary':
      case 'cast':
      case 'isNull':
      case 'extract':
        expr(e.arg);
        return;
      case 'function':
        e.args.forEach(expr);
        if (e.filter) expr(e.filter);
        if (e.over) windowSpec(e.over);
        return;
      case 'case':
        if (e.operand) expr(e.operand);
        for (const w of e.whens) {
          expr(w.when);
          expr(w.then);
        }
        if (e.else) expr(e.else);
        return;
      case 'like':
        expr(e.arg);
        expr(e.pattern);
        return;
      case 'inList':
        expr(e.arg);
        e.list.forEach(expr);
        return;
      case 'inSubquery':
        expr(e.arg);
        query(e.query, true);
        return;
      case 'exists':
        query(e.query, true, true);
        return;
      case 'subquery':
        query(e.query, true);
        return;
      case 'between':
        expr(e.arg);
        expr(e.low);
        expr(e.high);
        return;
    }
  };
  query(root, false);
  return out;
}
