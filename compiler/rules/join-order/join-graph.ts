/**
 * The join graph of a region: leaves as vertices, each predicate over
 * columns of two or more leaves a (hyper)edge, and the helpers the
 * enumerators share to join two partial plans: which predicates a join
 * takes (those whose leaves it is the first to cover), which side builds,
 * and what the result costs.
 */
import type { Expr, Plan } from '../../ir/plan.ts';
import { andAll, exprColumnIds, hasSubquery, outputIds } from '../../ir/walk.ts';
import type { Estimator } from '../../cost/estimate.ts';
import { printPlan } from '../../print/print.ts';
import type { JoinRegion, JoinTree } from './join-region.ts';

export interface JoinPredicate {
  readonly expr: Expr;
  /** the leaves whose columns it reads (two or more) */
  readonly mask: bigint;
}

export interface JoinGraph {
  /** leaf plans, with the region's single-leaf conjuncts as a Filter on top */
  readonly leaves: readonly Plan[];
  /** predicates over two or more leaves, in region order: the join conditions */
  readonly edges: readonly JoinPredicate[];
  /**
   * conjuncts over two or more leaves that hold a subquery (from inside the
   * region or the Filter above it): not join conditions, but a Filter right
   * above the first join covering their leaves (they connect nothing)
   */
  readonly filters: readonly JoinPredicate[];
  /** conjuncts of the region's joins reading no leaf column (constants, outer columns): they go on the root join */
  readonly floating: readonly Expr[];
  /** conjuncts of the Filter above the region that stay there (zero or one leaf), and subquery conjuncts of no leaf */
  readonly remaining: readonly Expr[];
}

/** A partial plan: the leaves it covers, its shape and estimates. */
export interface PartialPlan {
  readonly mask: bigint;
  readonly tree: JoinTree;
  readonly plan: Plan;
  readonly rows: number;
  readonly cost: number;
}

export function leafBit(index: number): bigint {
  return 1n << BigInt(index);
}

/** Classify a region's conjuncts by the leaves they read. */
export function buildJoinGraph(region: JoinRegion): JoinGraph {
  const owner = new Map<number, number>();
  region.leaves.forEach((leaf, i) => {
    for (const id of outputIds(leaf)) owner.set(id, i);
  });
  const maskOf = (e: Expr): { mask: bigint; count: number; first: number } => {
    let mask = 0n;
    let count = 0;
    let first = -1;
    for (const id of exprColumnIds(e)) {
      const i = owner.get(id);
      if (i === undefined) continue;
      const bit = leafBit(i);
      if ((mask & bit) === 0n) {
        mask |= bit;
        count++;
        if (first < 0 || i < first) first = i;
      }
    }
    return { mask, count, first };
  };
  const single: Expr[][] = region.leaves.map(() => []);
  const edges: JoinPredicate[] = [];
  const filters: JoinPredicate[] = [];
  const floating: Expr[] = [];
  const remaining: Expr[] = [];
  for (const e of region.inner) {
    const m = maskOf(e);
    if (m.count >= 2) (hasSubquery(e) ? filters : edges).push({ expr: e, mask: m.mask });
    else if (m.count === 1) single[m.first]!.push(e);
    else if (hasSubquery(e)) remaining.push(e);
    else floating.push(e);
  }
  for (const e of region.above) {
    const m = maskOf(e);
    if (m.count >= 2) (hasSubquery(e) ? filters : edges).push({ expr: e, mask: m.mask });
    else remaining.push(e);
  }
  const leaves = region.leaves.map((leaf, i): Plan => {
    const pushed = single[i]!;
    return pushed.length ? { kind: 'filter', input: leaf, predicate: andAll(pushed)! } : leaf;
  });
  return { leaves, edges, filters, floating, remaining };
}

/** The leaf partial plans. */
export function leafPlans(graph: JoinGraph, estimator: Estimator): PartialPlan[] {
  return graph.leaves.map((plan, i) => ({
    mask: leafBit(i),
    tree: { leaf: i },
    plan,
    rows: estimator.rows(plan),
    cost: estimator.cost(plan),
  }));
}

/**
 * The leaves sorted by their printed plan (ties: written position), so the
 * enumeration, and with it every tie it breaks, does not depend on the
 * order the joins happen to be written in. Without it, a rule application
 * on its own output could pick another of several equally cheap orders.
 */
export function canonicalOrder(leaves: readonly PartialPlan[]): PartialPlan[] {
  return leaves
    .map((leaf, i) => ({ leaf, i, key: printPlan(leaf.plan, 'explain') }))
    .toSorted((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((k) => k.leaf);
}

/** Predicates a join of `a` and `b` takes: every edge within a ∪ b touching both. */
export function crossingEdges(graph: JoinGraph, a: bigint, b: bigint): JoinPredicate[] {
  return completed(graph.edges, a, b);
}

function completed(predicates: readonly JoinPredicate[], a: bigint, b: bigint): JoinPredicate[] {
  const both = a | b;
  return predicates.filter((p) => (p.mask & ~both) === 0n && (p.mask & a) !== 0n && (p.mask & b) !== 0n);
}

export interface JoinChoice {
  readonly left: PartialPlan;
  readonly right: PartialPlan;
  readonly condition: Expr | null;
  readonly rows: number;
  readonly cost: number;
}

/**
 * Join `a` and `b` with `edges`, the input with fewer estimated rows on the
 * right: the right input is the hash join's build side, and building costs
 * more per row than probing, so this is the cheaper way round (a nested
 * loop costs the same either way). On equal rows `a` stays on the left.
 */
export function chooseSides(a: PartialPlan, b: PartialPlan, edges: readonly JoinPredicate[], estimator: Estimator): JoinChoice {
  const [left, right] = b.rows <= a.rows ? [a, b] : [b, a];
  const condition = andAll(edges.map((p) => p.expr));
  const c = estimator.joinCost(condition ? 'inner' : 'cross', left.plan, right.plan, condition);
  return { left, right, condition, rows: c.rows, cost: c.cost };
}

/** Join `left` and `right` as given (the written order), with the edges they complete. */
export function keepSides(graph: JoinGraph, left: PartialPlan, right: PartialPlan, estimator: Estimator): JoinChoice {
  const condition = andAll(crossingEdges(graph, left.mask, right.mask).map((p) => p.expr));
  const c = estimator.joinCost(condition ? 'inner' : 'cross', left.plan, right.plan, condition);
  return { left, right, condition, rows: c.rows, cost: c.cost };
}

/** Build the join node of a choice, with a Filter above for the subquery conjuncts it is the first to cover. */
export function buildJoin(graph: JoinGraph, choice: JoinChoice, estimator: Estimator): PartialPlan {
  const join: Plan = {
    kind: 'join',
    joinType: choice.condition ? 'inner' : 'cross',
    left: choice.left.plan,
    right: choice.right.plan,
    condition: choice.condition,
  };
  const mask = choice.left.mask | choice.right.mask;
  const tree = { left: choice.left.tree, right: choice.right.tree };
  const covered = completed(graph.filters, choice.left.mask, choice.right.mask);
  if (covered.length === 0) return { mask, tree, plan: join, rows: choice.rows, cost: choice.cost };
  const plan: Plan = { kind: 'filter', input: join, predicate: andAll(covered.map((p) => p.expr))! };
  return { mask, tree, plan, rows: estimator.rows(plan), cost: estimator.cost(plan) };
}

/** The region's written shape, with every predicate moved to the lowest join covering its leaves. */
export function buildWrittenOrder(graph: JoinGraph, shape: JoinTree, leaves: readonly PartialPlan[], estimator: Estimator): PartialPlan {
  if ('leaf' in shape) return leaves[shape.leaf]!;
  const left = buildWrittenOrder(graph, shape.left, leaves, estimator);
  const right = buildWrittenOrder(graph, shape.right, leaves, estimator);
  return buildJoin(graph, keepSides(graph, left, right, estimator), estimator);
}
