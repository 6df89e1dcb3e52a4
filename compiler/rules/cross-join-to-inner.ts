/**
 * cross-join-to-inner: a Filter directly above a tree of cross (and inner)
 * joins hands each conjunct that spans two join inputs to the lowest join
 * where all its columns are available, as part of that join's condition; a
 * cross join with a condition becomes an inner join. Conjuncts over a single
 * input stay in the Filter (push-down-predicates moves those); conjuncts
 * with subqueries or volatile functions stay too.
 *
 * @example
 * ```sql
 * SELECT c_name, o_orderdate, l_quantity FROM customer, orders, lineitem
 * WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND c_mktsegment = 'BUILDING'
 * ```
 * becomes
 * ```plan
 * Project(exprs=[c_name, o_orderdate, l_quantity])
 *   Filter(condition=[c_mktsegment = 'BUILDING'])
 *     Join(type=[inner], condition=[l_orderkey = o_orderkey])
 *       Join(type=[inner], condition=[c_custkey = o_custkey])
 *         Scan(table=[customer])
 *         Scan(table=[orders])
 *       Scan(table=[lineitem])
 * ```
 */
import type { Expr, JoinNode, Plan } from '../ir/plan.ts';
import { andAll, conjuncts, exprColumnIds, hasSubquery, outputIds } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { isDeterministic } from './util/expr-equal.ts';
import { rewritePlanDeep } from './util/rewrite.ts';

export const crossJoinToInner: Rule = {
  id: 'cross-join-to-inner',
  description: 'Turns filter conjuncts that span the inputs of cross joins into inner-join conditions at the lowest join that has their columns.',
  apply: (plan) => rewritePlanDeep(plan, rewriteNode),
};

function rewriteNode(node: Plan): Plan {
  if (node.kind === 'join' && node.joinType === 'cross' && node.condition) {
    return { ...node, joinType: 'inner', est: undefined };
  }
  if (node.kind !== 'filter' || !isInnerJoin(node.input)) return node;
  let tree: Plan = node.input;
  const kept: Expr[] = [];
  for (const p of conjuncts(node.predicate)) {
    const placed: Plan | null = isDeterministic(p) && !hasSubquery(p) ? placeConjunct(tree, p, exprColumnIds(p)) : null;
    if (placed) tree = placed;
    else kept.push(p);
  }
  if (tree === node.input) return node;
  return kept.length ? { kind: 'filter', input: tree, predicate: andAll(kept)! } : tree;
}

function isInnerJoin(plan: Plan): plan is JoinNode {
  return plan.kind === 'join' && (plan.joinType === 'cross' || plan.joinType === 'inner');
}

/**
 * The join tree with `p` added to the condition of the lowest cross/inner
 * join whose two inputs it both uses; null when it uses a single input (or
 * none) of the tree.
 */
function placeConjunct(plan: Plan, p: Expr, used: ReadonlySet<number>): Plan | null {
  if (!isInnerJoin(plan)) return null;
  const leftIds = outputIds(plan.left);
  const rightIds = outputIds(plan.right);
  const inLeft = [...used].some((id) => leftIds.has(id));
  const inRight = [...used].some((id) => rightIds.has(id));
  if (inLeft && inRight) {
    return { ...plan, joinType: 'inner', condition: andAll([...conjuncts(plan.condition), p]), est: undefined };
  }
  if (inLeft) {
    const left = placeConjunct(plan.left, p, used);
    return left ? { ...plan, left, est: undefined } : null;
  }
  if (inRight) {
    const right = placeConjunct(plan.right, p, used);
    return right ? { ...plan, right, est: undefined } : null;
  }
  return null;
}
