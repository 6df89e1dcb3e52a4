/**
 * A join region: a maximal tree of INNER / CROSS joins (with the Filters
 * directly above or between them), cut at every other operator. Its leaves
 * are whatever sits below (scans, outer / semi / anti joins, aggregates...).
 */
import type { Expr, JoinNode, Plan } from '../../ir/plan.ts';
import { conjuncts } from '../../ir/walk.ts';

/** The original shape of a region: leaves by index, joins with their sides as written. */
export type JoinTree = { readonly leaf: number } | { readonly left: JoinTree; readonly right: JoinTree };

export interface JoinRegion {
  /** the leaf subtrees, left to right as written */
  readonly leaves: readonly Plan[];
  readonly shape: JoinTree;
  /** conjuncts of the join conditions and of Filters between joins, in tree pre-order */
  readonly inner: readonly Expr[];
  /** conjuncts of the Filter directly above the topmost join (empty when there is none) */
  readonly above: readonly Expr[];
}

export function isReorderableJoin(p: Plan): p is JoinNode {
  return p.kind === 'join' && (p.joinType === 'inner' || p.joinType === 'cross');
}

/** True for the topmost node of a region: an inner / cross join, or a Filter right above one. */
export function isRegionTop(p: Plan): boolean {
  return isReorderableJoin(p) || (p.kind === 'filter' && isReorderableJoin(p.input));
}

/**
 * Take a region apart. `prepare` is applied to every join and Filter of the
 * region before its predicate is read (to rewrite subquery plans inside),
 * `optimizeLeaf` to every leaf.
 */
export function extractRegion(top: Plan, prepare: (node: Plan) => Plan, optimizeLeaf: (leaf: Plan) => Plan): JoinRegion {
  const leaves: Plan[] = [];
  const inner: Expr[] = [];
  const walk = (node: Plan): JoinTree => {
    if (isReorderableJoin(node)) {
      const j = prepare(node) as JoinNode;
      inner.push(...conjuncts(j.condition));
      const left = walk(j.left);
      const right = walk(j.right);
      return { left, right };
    }
    if (node.kind === 'filter' && isReorderableJoin(node.input)) {
      const f = prepare(node) as Plan & { kind: 'filter' };
      inner.push(...conjuncts(f.predicate));
      return walk(f.input);
    }
    leaves.push(optimizeLeaf(node));
    return { leaf: leaves.length - 1 };
  };
  if (top.kind === 'filter') {
    const f = prepare(top) as Plan & { kind: 'filter' };
    const shape = walk(f.input);
    return { leaves, shape, inner, above: conjuncts(f.predicate) };
  }
  const shape = walk(top);
  return { leaves, shape, inner, above: [] };
}
