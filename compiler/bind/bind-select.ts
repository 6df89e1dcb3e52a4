/**
 * One SELECT block → plan, in SQL's logical order:
 *
 *   FROM → Filter (WHERE) → Aggregate (GROUP BY / aggregates) → Filter (HAVING)
 *   → Window → Project (select list + hidden ORDER BY columns) → Distinct
 *
 * Sort, Limit and the Project dropping hidden columns are added by
 * bind-query.ts from the returned sort keys.
 */
import type { AstExpr, AstOrderItem, AstQueryBody } from '../ir/ast.ts';
import type { ColumnDef, Expr, NamedExpr, Plan } from '../ir/plan.ts';
import { exprType } from '../ir/walk.ts';
import { bindError, columnRef, type BindContext } from './context.ts';
import type { CteEnv } from './cte.ts';
import { bindExpr, type ExprEnv } from './bind-expr.ts';
import { bindFrom } from './bind-from.ts';
import { AggregateCollector, bindGroupBy, PostAggregateRewriter, type SelectItem } from './bind-aggregate.ts';
import { WindowCollector } from './bind-window.ts';
import { defaultName } from './names.ts';
import { placeSortKeys, resolveOrderBy, type OrderedBody, type OrderTarget } from './order-by.ts';
import type { Scope } from './scope.ts';

type AstSelect = Extract<AstQueryBody, { kind: 'select' }>;

export function bindSelect(
  ctx: BindContext,
  body: AstSelect,
  orderBy: readonly AstOrderItem[],
  outer: Scope | null,
  ctes: CteEnv,
): OrderedBody {
  const from = bindFrom(ctx, body.from, outer, ctes);
  const scope = from.scope;
  let plan: Plan = from.plan;
  const base: ExprEnv = { ctx, scope, ctes, clause: 'WHERE', aggregates: null, windows: null };

  if (body.where) {
    plan = { kind: 'filter', input: plan, predicate: bindExpr(body.where, base) };
  }

  const items = expandSelectList(body.columns, scope);
  const groupKeys = bindGroupBy(body.groupBy, items, base);
  const aggregates = new AggregateCollector(ctx);
  const windows = new WindowCollector(ctx, body.windows);

  const selectEnv: ExprEnv = { ...base, clause: 'SELECT', aggregates, windows };
  let selectExprs: Expr[] = items.map((item) => item.star ?? bindExpr(item.ast, selectEnv));

  let having = body.having
    ? bindExpr(body.having, { ...selectEnv, clause: 'HAVING', windows: null })
    : null;

  const aliasLookup = (name: string): Expr | null => {
    const n = name.toLowerCase();
    const i = items.findIndex((s) => s.alias !== null && s.alias.toLowerCase() === n);
    return i >= 0 ? selectExprs[i]! : null;
  };
  let targets: OrderTarget[] = resolveOrderBy(orderBy, items, selectExprs, { ...selectEnv, clause: 'ORDER BY', aliases: aliasLookup });

  if (groupKeys.length > 0 || aggregates.calls.length > 0 || having !== null) {
    plan = { kind: 'aggregate', input: plan, groupBy: groupKeys, aggregates: aggregates.calls };
    const rewriter = new PostAggregateRewriter(groupKeys, scope.ownIds(), scope);
    const rw = (e: Expr): Expr => rewriter.rewrite(e);
    selectExprs = selectExprs.map(rw);
    having = having ? rw(having) : null;
    targets = targets.map((t) => (t.kind === 'expr' ? { ...t, expr: rw(t.expr) } : t));
    for (let i = 0; i < windows.functions.length; i++) {
      const w = windows.functions[i]!;
      windows.functions[i] = {
        ...w,
        args: w.args.map(rw),
        partitionBy: w.partitionBy.map(rw),
        orderBy: w.orderBy.map((k) => ({ ...k, expr: rw(k.expr) })),
      };
    }
    if (having) plan = { kind: 'filter', input: plan, predicate: having };
  }

  if (windows.functions.length > 0) plan = { kind: 'window', input: plan, functions: [...windows.functions] };

  const visible = namedOutputs(ctx, items, selectExprs);
  const { hidden, keys } = placeSortKeys(ctx, visible, targets, body.distinct);
  plan = { kind: 'project', input: plan, exprs: [...visible, ...hidden] };
  if (body.distinct) plan = { kind: 'distinct', input: plan };
  const visibleColumns: ColumnDef[] = visible.map((n) => ({ id: n.id, name: n.name, type: exprType(n.expr) }));
  return { plan, keys, visible: visibleColumns, hidden: hidden.length > 0 };
}

/** Expand `*` / `t.*` (FROM order) and name every item: alias, column name, or the default name. */
function expandSelectList(columns: readonly { readonly expr: AstExpr; readonly alias: string | null }[], scope: Scope): SelectItem[] {
  const items: SelectItem[] = [];
  for (const c of columns) {
    if (c.expr.kind === 'star') {
      if (scope.relations.length === 0 && c.expr.table === null) {
        throw bindError('bind-error', 'SELECT * with no tables specified is not valid');
      }
      if (c.alias !== null) throw bindError('bind-error', `'*' cannot have an alias (${c.alias})`);
      for (const col of scope.expandStar(c.expr.table)) {
        items.push({ ast: { kind: 'column', table: null, name: col.name }, star: columnRef(col), alias: null, name: col.name });
      }
    } else {
      items.push({ ast: c.expr, star: null, alias: c.alias, name: c.alias ?? defaultName(c.expr) });
    }
  }
  return items;
}

/**
 * The select list as NamedExprs: a bare column keeps its id (a pass-through)
 * the first time it appears; a repeated column or any other expression gets
 * a fresh id. A bare column without alias is named by the column it resolved to.
 */
function namedOutputs(ctx: BindContext, items: readonly SelectItem[], exprs: readonly Expr[]): NamedExpr[] {
  const used = new Set<number>();
  return items.map((item, i) => {
    const expr = exprs[i]!;
    const name = item.alias ?? (item.ast.kind === 'column' && expr.kind === 'column' ? expr.name : item.name);
    if (expr.kind === 'column' && !used.has(expr.id)) {
      used.add(expr.id);
      return { id: expr.id, name, expr };
    }
    const id = ctx.newId();
    used.add(id);
    return { id, name, expr };
  });
}
