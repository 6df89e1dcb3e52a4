/**
 * `annotate(plan, catalog)`: a copy of the plan with `est` ({rows, cost})
 * on every node, including the nodes of plans inside subquery expressions.
 * The input is not modified; estimates come from one estimator over the
 * original nodes, so annotating twice gives the same numbers.
 */
import type { Catalog } from '../ir/catalog.ts';
import type { Expr, Plan } from '../ir/plan.ts';
import { children, mapNodeExprs, transformExpr, withChildren } from '../ir/walk.ts';
import { createEstimator, type Estimator } from './estimate.ts';

export { createEstimator } from './estimate.ts';
export type { DerivedColumnStats, Estimator } from './estimate.ts';

export function annotate(plan: Plan, catalog: Catalog): Plan {
  return annotateWith(plan, createEstimator(catalog));
}

/** Annotate with an existing estimator (sharing its memo with other callers). */
export function annotateWith(plan: Plan, estimator: Estimator): Plan {
  const annotateSubqueries = (e: Expr): Expr =>
    transformExpr(e, (x) => (x.kind === 'subquery' ? { ...x, plan: annotateWith(x.plan, estimator) } : x));
  const kids = children(plan).map((k) => annotateWith(k, estimator));
  const rebuilt = mapNodeExprs(withChildren(plan, kids), annotateSubqueries);
  return { ...rebuilt, est: { rows: estimator.rows(plan), cost: estimator.cost(plan) } };
}
