/**
 * ORDER BY. An item is a position (`order by 2`), an output name (select
 * alias or column name, preferred over FROM columns as in PostgreSQL), or an
 * expression. An expression equal to a select item sorts by that item's
 * column; anything else becomes a hidden column of the Project, dropped by
 * a final Project above the Sort (see bind-query.ts). NULLS default:
 * last for ASC, first for DESC (PostgreSQL's), stored resolved.
 */
import type { AstOrderItem } from '../ir/ast.ts';
import type { ColumnDef, Expr, NamedExpr, Plan, SortKey } from '../ir/plan.ts';
import { exprType, outputColumns } from '../ir/walk.ts';
import { bindError, columnRef, plural, type BindContext } from './context.ts';
import type { CteEnv } from './cte.ts';
import { bindExpr, type ExprEnv } from './bind-expr.ts';
import { ordinal, type SelectItem } from './bind-aggregate.ts';
import { exprKey } from './expr-util.ts';
import { defaultName } from './names.ts';
import { Scope } from './scope.ts';

/** The body of a query, ready for Sort / Limit on top. */
export interface OrderedBody {
  /** the body's plan; its output is `visible` plus any hidden sort columns */
  readonly plan: Plan;
  /** sort keys over the plan's output columns (empty: no ORDER BY) */
  readonly keys: readonly SortKey[];
  /** the query's result columns */
  readonly visible: readonly ColumnDef[];
  /** true when the plan outputs hidden columns a final Project must drop */
  readonly hidden: boolean;
}

/** One ORDER BY item resolved against a SELECT: a select item, or an expression over the Project's input. */
export type OrderTarget =
  | { readonly kind: 'output'; readonly index: number; readonly desc: boolean; readonly nullsFirst: boolean }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly name: string; readonly desc: boolean; readonly nullsFirst: boolean };

/** Resolve a SELECT's ORDER BY items; expressions are bound in `env` (aggregates collected, aliases visible). */
export function resolveOrderBy(items: readonly AstOrderItem[], select: readonly SelectItem[], bound: readonly Expr[], env: ExprEnv): OrderTarget[] {
  return items.map((item): OrderTarget => {
    const desc = item.desc;
    const nullsFirst = item.nullsFirst ?? false; // DuckDB: NULLS LAST by default, ASC and DESC alike
    const position = ordinal(item.expr);
    if (position !== null) {
      if (position < 1 || position > select.length) {
        throw bindError('bind-error', `ORDER BY position ${position} is not in select list (it has ${plural(select.length, 'item')})`);
      }
      return { kind: 'output', index: position - 1, desc, nullsFirst };
    }
    if (item.expr.kind === 'column' && item.expr.table === null) {
      const n = item.expr.name.toLowerCase();
      const matches = select.map((s, i) => (s.name.toLowerCase() === n ? i : -1)).filter((i) => i >= 0);
      if (matches.length > 0) {
        const keys = new Set(matches.map((i) => exprKey(bound[i])));
        if (keys.size > 1) throw bindError('ambiguous-column', `ORDER BY '${item.expr.name}' is ambiguous: several select items are named so`, item.expr.loc);
        return { kind: 'output', index: matches[0]!, desc, nullsFirst };
      }
    }
    return { kind: 'expr', expr: bindExpr(item.expr, env), name: defaultName(item.expr), desc, nullsFirst };
  });
}

/**
 * Turn resolved targets (expressions already rewritten above any Aggregate)
 * into sort keys over the Project's output, adding hidden NamedExprs for
 * expressions the select list does not have.
 */
export function placeSortKeys(
  ctx: BindContext,
  visible: readonly NamedExpr[],
  targets: readonly OrderTarget[],
  distinct: boolean,
): { hidden: NamedExpr[]; keys: SortKey[] } {
  const hidden: NamedExpr[] = [];
  const used = new Set(visible.map((v) => v.id));
  const byKey = new Map<string, NamedExpr>();
  for (const v of visible) if (!byKey.has(exprKey(v.expr))) byKey.set(exprKey(v.expr), v);
  const keys = targets.map((t): SortKey => {
    let column: NamedExpr;
    if (t.kind === 'output') column = visible[t.index]!;
    else {
      const key = exprKey(t.expr);
      const found = byKey.get(key);
      if (found) column = found;
      else {
        if (distinct) throw bindError('bind-error', `for SELECT DISTINCT, ORDER BY expressions must appear in the select list (${t.name})`);
        // a bare column not yet output passes through with its own id; anything else is computed
        const e = t.expr;
        column = e.kind === 'column' && !used.has(e.id) ? { id: e.id, name: e.name, expr: e } : { id: ctx.newId(), name: t.name, expr: e };
        used.add(column.id);
        byKey.set(key, column);
        hidden.push(column);
      }
    }
    return { expr: columnRef({ id: column.id, name: column.name, type: exprType(column.expr) }), desc: t.desc, nullsFirst: t.nullsFirst };
  });
  return { hidden, keys };
}

/**
 * ORDER BY over a set operation or VALUES: output names, positions, or
 * expressions over the output columns (hidden columns in a Project above).
 */
export function orderSetOutputs(ctx: BindContext, plan: Plan, items: readonly AstOrderItem[], outer: Scope | null, ctes: CteEnv): OrderedBody {
  const visible = outputColumns(plan);
  if (items.length === 0) return { plan, keys: [], visible, hidden: false };
  const relation = { name: '', label: plan.kind === 'values' ? '(values)' : '(set operation)', columns: visible };
  const env: ExprEnv = {
    ctx,
    scope: new Scope([{ kind: 'relation', relation }], outer),
    ctes,
    clause: 'ORDER BY',
    aggregates: null,
    windows: null,
  };
  const named = visible.map((c) => ({ id: c.id, name: c.name, expr: columnRef(c) as Expr }));
  const targets = items.map((item): OrderTarget => {
    const desc = item.desc;
    const nullsFirst = item.nullsFirst ?? false; // DuckDB: NULLS LAST by default, ASC and DESC alike
    const position = ordinal(item.expr);
    if (position !== null) {
      if (position < 1 || position > visible.length) {
        throw bindError('bind-error', `ORDER BY position ${position} is not in select list (it has ${plural(visible.length, 'column')})`);
      }
      return { kind: 'output', index: position - 1, desc, nullsFirst };
    }
    return { kind: 'expr', expr: bindExpr(item.expr, env), name: defaultName(item.expr), desc, nullsFirst };
  });
  const { hidden, keys } = placeSortKeys(ctx, named, targets, false);
  if (hidden.length === 0) return { plan, keys, visible, hidden: false };
  return { plan: { kind: 'project', input: plan, exprs: [...named, ...hidden] }, keys, visible, hidden: true };
}
