/**
 * reorder-joins: cost-based order of each maximal tree of INNER / CROSS
 * joins.
 *
 * - A region is a tree of inner / cross joins with the Filters directly
 *   above or between them; anything else (outer / semi / anti joins,
 *   aggregates, projections...) is a leaf, itself optimized recursively, as
 *   are subquery plans.
 * - The join graph: conjuncts of the region's join conditions and inner
 *   Filters, and the conjuncts of the Filter above it that read columns of
 *   two or more leaves. Conjuncts of one leaf become a Filter on that leaf;
 *   conjuncts of no leaf go on the root join; the Filter above keeps its
 *   other conjuncts. A conjunct over two or more leaves holding a subquery
 *   is never put in a join condition (and connects nothing): it goes in a
 *   Filter right above the first join covering its leaves.
 * - Enumeration: up to 10 leaves, dynamic programming over connected
 *   subsets (DPsub, bushy trees allowed); more, greedy operator ordering
 *   (join the connected pair with the fewest result rows). Cross products
 *   only between disconnected parts of the graph (joined last, in leaf
 *   order). Costs come from the estimator (compiler/cost/estimate.ts); each
 *   join puts the side that is cheaper to build (normally the smaller one)
 *   on the right.
 * - Each predicate goes to the lowest join where all its columns are
 *   available.
 * - The written order, with predicates placed the same way, is kept
 *   unless the chosen order is strictly cheaper; when the result is
 *   structurally the region as it was, the rule returns its input (it does
 *   not fire). A Project restores the region's output column order when the
 *   new order changed it.
 * - Deterministic: the leaves are enumerated in the order of their printed
 *   plans (not as written), splits in a fixed order, ties go to the earlier
 *   candidate; so the rule gives the same order whatever order the joins
 *   were written in, and does not fire again on its own output.
 *
 * @example
 * ```sql
 * SELECT s_name FROM region, supplier, nation WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA'
 * ```
 * after push-down-predicates (which leaves `region × supplier` as written)
 * becomes: no cross product, the smaller input of each join on the right
 * (build) side, and a Project restoring the written column order
 * ```plan
 * Project(exprs=[s_name])
 *   Project(exprs=[r_regionkey, r_name, r_comment, s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment, n_nationkey, n_name, n_regionkey, n_comment])
 *     Join(type=[inner], condition=[s_nationkey = n_nationkey])
 *       Scan(table=[supplier])
 *       Join(type=[inner], condition=[n_regionkey = r_regionkey])
 *         Scan(table=[nation])
 *         Filter(condition=[r_name = 'ASIA'])
 *           Scan(table=[region])
 * ```
 */
import type { ColumnDef, Expr, NamedExpr, Plan } from '../ir/plan.ts';
import { andAll, children, conjuncts, outputColumns, withChildren } from '../ir/walk.ts';
import { createEstimator, type Estimator } from '../cost/estimate.ts';
import type { Rule } from './rule.ts';
import { rewriteNestedPlans } from './subquery/rewrite-everywhere.ts';
import { countConnectedSplits, DP_LEAF_LIMIT, DP_SPLIT_LIMIT, enumerateDp } from './join-order/dp.ts';
import { enumerateGreedy } from './join-order/greedy.ts';
import { buildJoin, buildJoinGraph, buildWrittenOrder, canonicalOrder, chooseSides, leafPlans, type JoinGraph, type PartialPlan } from './join-order/join-graph.ts';
import { extractRegion, isRegionTop } from './join-order/join-region.ts';
import { samePlan } from './join-order/same-plan.ts';

/** Relative margin by which a new order must be cheaper than the written one. */
const IMPROVEMENT = 1e-9;

function reorderAll(plan: Plan, estimator: Estimator): Plan {
  const recurse = (p: Plan) => reorderAll(p, estimator);
  const node = rewriteNestedPlans(plan, recurse);
  if (!isRegionTop(node)) return withChildren(node, children(node).map(recurse));
  return reorderRegion(node, estimator, recurse);
}

function reorderRegion(top: Plan, estimator: Estimator, recurse: (p: Plan) => Plan): Plan {
  const region = extractRegion(top, (n) => rewriteNestedPlans(n, recurse), recurse);
  const graph = buildJoinGraph(region);
  const leaves = leafPlans(graph, estimator);
  const written = buildWrittenOrder(graph, region.shape, leaves, estimator);
  const chosen = enumerate(graph, canonicalOrder(leaves), estimator);
  const best = estimator.cost(chosen.plan) < estimator.cost(written.plan) * (1 - IMPROVEMENT) ? chosen : written;

  let plan = best.plan;
  if (graph.floating.length > 0) plan = addToRootJoin(plan, graph.floating);
  if (graph.remaining.length > 0) plan = { kind: 'filter', input: plan, predicate: andAll(graph.remaining)! };
  plan = restoreColumnOrder(plan, outputColumns(top));
  return samePlan(plan, top) ? top : plan;
}

/**
 * DP per connected component (cross products between components, smaller
 * side building), or greedy past the DP limits (leaves or connected splits).
 */
function enumerate(graph: JoinGraph, leaves: readonly PartialPlan[], estimator: Estimator): PartialPlan {
  if (leaves.length > DP_LEAF_LIMIT) return enumerateGreedy(graph, leaves, estimator);
  const components = connectedComponents(graph, leaves);
  const splits = components.reduce((sum, items) => sum + countConnectedSplits(graph, items, DP_SPLIT_LIMIT), 0);
  if (splits > DP_SPLIT_LIMIT) return enumerateGreedy(graph, leaves, estimator);
  const solved = components.map(
    (items) => enumerateDp(graph, items, estimator, false) ?? enumerateDp(graph, items, estimator, true)!,
  );
  return solved.slice(1).reduce((acc, next) => buildJoin(graph, chooseSides(acc, next, [], estimator), estimator), solved[0]!);
}

/** Leaves grouped by the edges connecting them; components (and their leaves) in the order of `leaves`. */
function connectedComponents(graph: JoinGraph, leaves: readonly PartialPlan[]): PartialPlan[][] {
  const parent = leaves.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (const e of graph.edges) {
    let first = -1;
    leaves.forEach((leaf, i) => {
      if ((e.mask & leaf.mask) === 0n) return;
      if (first < 0) first = i;
      else {
        const a = find(first);
        const b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    });
  }
  const groups = new Map<number, PartialPlan[]>();
  leaves.forEach((leaf, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(leaf);
    else groups.set(root, [leaf]);
  });
  return [...groups.keys()].toSorted((a, b) => a - b).map((k) => groups.get(k)!);
}

/** The root join (below a subquery Filter, if any) with `extra` conjuncts added to its condition. */
function addToRootJoin(plan: Plan, extra: readonly Expr[]): Plan {
  if (plan.kind === 'filter') return { ...plan, input: addToRootJoin(plan.input, extra) };
  if (plan.kind !== 'join') return { kind: 'filter', input: plan, predicate: andAll(extra)! };
  return { ...plan, joinType: 'inner', condition: andAll([...conjuncts(plan.condition), ...extra]) };
}

/** `plan` with its columns in the order of `columns` (a pass-through Project when the order differs). */
function restoreColumnOrder(plan: Plan, columns: readonly ColumnDef[]): Plan {
  const now = outputColumns(plan);
  if (now.length === columns.length && now.every((c, i) => c.id === columns[i]!.id)) return plan;
  const exprs: NamedExpr[] = columns.map((c) => ({ id: c.id, name: c.name, expr: { kind: 'column', id: c.id, name: c.name, type: c.type } }));
  return { kind: 'project', input: plan, exprs };
}

export const reorderJoins: Rule = {
  id: 'reorder-joins',
  description: 'Chooses the cheapest order of each tree of inner and cross joins by dynamic programming over connected subsets (greedy beyond 10 relations), smaller input on the build side.',
  apply: (plan, ctx) => reorderAll(plan, createEstimator(ctx.catalog)),
};
