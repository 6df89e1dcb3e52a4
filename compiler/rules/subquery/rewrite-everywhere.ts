/**
 * Bottom-up rewrite that also reaches plans nested in subquery expressions,
 * keeping each rewritten subquery's `correlated` list exact. Identity is
 * preserved when nothing changes.
 */
import type { Expr, Plan, SubqueryExpr } from '../../ir/plan.ts';
import { mapNodeExprs, transformExpr, transformUp } from '../../ir/walk.ts';
import { freeColumnIds } from './free-columns.ts';

/**
 * Rewrite every node of `plan` bottom-up with `fn`. Before `fn` sees a node,
 * the plans of the subquery expressions it holds are rewritten with
 * `recurse` (typically the whole rule applied to the nested plan).
 */
export function rewriteEverywhere(plan: Plan, fn: (node: Plan) => Plan, recurse: (nested: Plan) => Plan): Plan {
  return transformUp(plan, (node) => fn(rewriteNestedPlans(node, recurse)));
}

/** `node` with the plans of its subquery expressions rewritten by `recurse`. */
export function rewriteNestedPlans(node: Plan, recurse: (nested: Plan) => Plan): Plan {
  return mapNodeExprs(node, (e) => transformExpr(e, (x) => (x.kind === 'subquery' ? rewriteSubquery(x, recurse) : x)));
}

function rewriteSubquery(sub: SubqueryExpr, recurse: (nested: Plan) => Plan): Expr {
  const plan = recurse(sub.plan);
  if (plan === sub.plan) return sub;
  const free = freeColumnIds(plan);
  const correlated = sub.correlated.filter((id) => free.has(id));
  return { ...sub, plan, correlated: correlated.length === sub.correlated.length ? sub.correlated : correlated };
}
