/**
 * Plan rewrites that reach everywhere, subquery plans included, and keep
 * object identity when nothing changes (so a rule built on them returns its
 * input unchanged when it does nothing).
 */
import type { ColumnRef, Expr, Plan } from '../../ir/plan.ts';
import { children, mapNodeExprs, transformExpr, withChildren } from '../../ir/walk.ts';

/** Rewrite the plan of every subquery expression inside `e` (not inside those plans: `fn` does that). */
export function mapSubqueryPlans(e: Expr, fn: (plan: Plan) => Plan): Expr {
  return transformExpr(e, (x) => {
    if (x.kind !== 'subquery') return x;
    const p = fn(x.plan);
    return p === x.plan ? x : { ...x, plan: p };
  });
}

/** Apply `fn` to the plans of the subquery expressions a node holds directly. */
export function mapNodeSubqueries(node: Plan, fn: (plan: Plan) => Plan): Plan {
  return mapNodeExprs(node, (e) => mapSubqueryPlans(e, fn));
}

/**
 * Bottom-up rewrite of every node of the plan, including the nodes of plans
 * nested in subquery expressions: children and subquery plans first, then
 * `fn` on the node rebuilt over them.
 */
export function rewritePlanDeep(plan: Plan, fn: (node: Plan) => Plan): Plan {
  const kids = children(plan);
  let node = withChildren(plan, kids.map((k) => rewritePlanDeep(k, fn)));
  node = mapNodeSubqueries(node, (p) => rewritePlanDeep(p, fn));
  return fn(node);
}

/** Bottom-up rewrite of every expression held anywhere in the plan (subquery plans included). */
export function rewriteExprsDeep(plan: Plan, fn: (e: Expr) => Expr): Plan {
  return rewritePlanDeep(plan, (node) => mapNodeExprs(node, (e) => transformExpr(e, fn)));
}

/**
 * Replace column references by the expressions `map` gives for their ids
 * (references to ids not in the map stay). Does not enter subquery plans:
 * callers substitute only expressions free of subqueries, or only
 * pass-through columns.
 */
export function substituteColumns(e: Expr, map: ReadonlyMap<number, Expr>): Expr {
  return transformExpr(e, (x) => (x.kind === 'column' ? (map.get(x.id) ?? x) : x));
}

/** A column reference to a column definition. */
export function columnRefOf(c: { readonly id: number; readonly name: string; readonly type: ColumnRef['type'] }): ColumnRef {
  return { kind: 'column', id: c.id, name: c.name, type: c.type };
}
