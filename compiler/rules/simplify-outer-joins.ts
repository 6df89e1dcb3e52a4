/**
 * simplify-outer-joins: an outer join whose NULL-extended rows are all
 * thrown away later is not outer. Walking down from the root, the rule
 * carries sets of columns S for which "a row with every column of S NULL is
 * discarded above (or cannot matter)" holds. They come from Filter
 * conjuncts strict in a column (comparisons, LIKE, IN, BETWEEN, IS NOT
 * NULL, arithmetic...; not IS NULL, COALESCE or CASE), from ORs whose every
 * side is strict in some column (S is then all those columns), and from
 * join conditions for the inputs whose unmatched rows are dropped (both
 * inputs of an inner join; the NULL-extended input of an outer join). They
 * pass through Projects (strict expressions), Sort, Distinct, group keys,
 * window partitions and inner joins; a Limit, a set operation or a
 * subquery boundary starts afresh. Then: LEFT JOIN with some S inside its
 * right input → INNER; RIGHT mirrors; FULL → LEFT / RIGHT / INNER by the
 * side(s) rejected.
 *
 * @example
 * ```sql
 * SELECT c_name, o_totalprice FROM customer LEFT JOIN orders ON c_custkey = o_custkey
 * WHERE o_totalprice > 1000
 * ```
 * becomes
 * ```plan
 * Project(exprs=[c_name, o_totalprice])
 *   Filter(condition=[o_totalprice > 1000])
 *     Join(type=[inner], condition=[c_custkey = o_custkey])
 *       Scan(table=[customer])
 *       Scan(table=[orders])
 * ```
 */
import type { Expr, JoinNode, JoinType, Plan } from '../ir/plan.ts';
import { outputIds, withChildren } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { nullWhenNull, rejectedGroups } from './util/null-rejection.ts';
import { mapNodeSubqueries } from './util/rewrite.ts';

export const simplifyOuterJoins: Rule = {
  id: 'simplify-outer-joins',
  description: 'Turns outer joins into inner (or one-sided) joins when predicates above reject the NULL-extended rows.',
  apply: (plan) => visit(plan, []),
};

/**
 * Each group is a set of column ids such that a row with every one of them
 * NULL is discarded above the current node (or cannot matter to the result).
 */
type Groups = readonly ReadonlySet<number>[];

function visit(plan: Plan, rejected: Groups): Plan {
  const node = mapNodeSubqueries(plan, (p) => visit(p, []));
  switch (node.kind) {
    case 'filter':
      return withChildren(node, [visit(node.input, [...rejected, ...rejectedGroups(node.predicate)])]);
    case 'sort':
    case 'distinct':
      return withChildren(node, [visit(node.input, rejected)]);
    case 'project':
      return withChildren(node, [visit(node.input, mapGroups(rejected, new Map(node.exprs.map((n) => [n.id, n.expr] as const))))]);
    case 'aggregate':
      // a group whose key is NULL is discarded above: so are the input rows that form it
      return withChildren(node, [visit(node.input, mapGroups(rejected, new Map(node.groupBy.map((g) => [g.id, g.expr] as const))))]);
    case 'window': {
      const sets = node.functions.map((w) => new Set(w.partitionBy.flatMap((e) => (e.kind === 'column' ? [e.id] : []))));
      const partitionCols = (id: number) => sets.length > 0 && sets.every((s) => s.has(id));
      return withChildren(node, [visit(node.input, rejected.filter((g) => [...g].every(partitionCols)))]);
    }
    case 'join':
      return visitJoin(node, rejected);
    case 'limit':
    case 'topN':
      return withChildren(node, [visit(node.input, [])]);
    case 'setop':
      return withChildren(node, [visit(node.left, []), visit(node.right, [])]);
    default:
      return node;
  }
}

/**
 * Groups over a node's outputs, restated over its input: all of a group's
 * outputs are NULL once, for each, some input column it is strict in is
 * NULL. Groups with a non-strict output are dropped.
 */
function mapGroups(rejected: Groups, defs: ReadonlyMap<number, Expr>): Groups {
  const out: Set<number>[] = [];
  for (const g of rejected) {
    const below = new Set<number>();
    let ok = true;
    for (const id of g) {
      const def = defs.get(id);
      const strict = def ? nullWhenNull(def) : new Set<number>();
      if (strict.size === 0) ok = false;
      for (const c of strict) below.add(c);
    }
    if (ok) out.push(below);
  }
  return out;
}

/** The groups lying entirely within `ids`. */
function within(rejected: Groups, ids: ReadonlySet<number>): Groups {
  return rejected.filter((g) => g.size > 0 && [...g].every((id) => ids.has(id)));
}

function visitJoin(join: JoinNode, rejected: Groups): Plan {
  const leftIds = outputIds(join.left);
  const rightIds = outputIds(join.right);
  // NULL-extended rows have every column of one side NULL: a group within that side rejects them all
  const rejectsLeft = within(rejected, leftIds).length > 0;
  const rejectsRight = within(rejected, rightIds).length > 0;
  let joinType: JoinType = join.joinType;
  if (joinType === 'left' && rejectsRight) joinType = 'inner';
  else if (joinType === 'right' && rejectsLeft) joinType = 'inner';
  else if (joinType === 'full' && (rejectsLeft || rejectsRight)) {
    joinType = rejectsLeft && rejectsRight ? 'inner' : rejectsLeft ? 'left' : 'right';
  }
  const onRejects = join.condition ? rejectedGroups(join.condition) : [];
  // Rows of an input that can never satisfy the condition only matter where that input is preserved.
  let leftBelow: Groups;
  let rightBelow: Groups;
  switch (joinType) {
    case 'inner':
    case 'cross':
      leftBelow = [...rejected, ...onRejects];
      rightBelow = leftBelow;
      break;
    case 'semi':
      leftBelow = [...rejected, ...onRejects];
      rightBelow = onRejects;
      break;
    case 'left':
      leftBelow = rejected;
      rightBelow = onRejects;
      break;
    case 'right':
      leftBelow = onRejects;
      rightBelow = rejected;
      break;
    case 'anti':
      leftBelow = rejected;
      rightBelow = join.nullAware ? [] : onRejects;
      break;
    case 'full':
      leftBelow = [];
      rightBelow = [];
      break;
  }
  const left = visit(join.left, within(leftBelow, leftIds));
  const right = visit(join.right, within(rightBelow, rightIds));
  if (joinType === join.joinType) return withChildren(join, [left, right]);
  return { ...join, joinType, left, right, est: undefined };
}
