/**
 * remove-redundant-sort: a Sort whose order nobody observes is work for
 * nothing. Walking down from the root (whose order is observed), order stops
 * mattering below another Sort or a TopN (they re-sort), an Aggregate or a
 * Distinct (unless an order-sensitive aggregate such as string_agg reads
 * it), a Join, a set operation and at the root of every subquery plan
 * (IN/EXISTS and scalar ones); it matters again below a Limit (which rows
 * are kept depends on it). Projects, Filters and Windows pass the question
 * on (a Window also needs it when a function without ORDER BY depends on
 * row order). An unobserved Sort is removed, as is a Sort over at most one
 * row (a global aggregate). Repeated sort keys are dropped.
 *
 * @example
 * ```sql
 * SELECT c_name FROM customer
 * WHERE c_custkey IN (SELECT o_custkey FROM orders ORDER BY o_orderdate)
 * ORDER BY c_name, c_name DESC
 * ```
 * becomes
 * ```plan
 * Sort(keys=[c_name])
 *   Project(exprs=[c_name])
 *     Filter(condition=[c_custkey IN (subquery#0)])
 *       subquery#0:
 *         Project(exprs=[o_custkey])
 *           Project(exprs=[o_custkey, o_orderdate])
 *             Scan(table=[orders])
 *       Scan(table=[customer])
 * ```
 */
import type { AggregateCall, Plan, SortKey, WindowCall } from '../ir/plan.ts';
import { sameArray, withChildren } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { exprEqual, isDeterministic } from './util/expr-equal.ts';
import { mapNodeSubqueries } from './util/rewrite.ts';

export const removeRedundantSort: Rule = {
  id: 'remove-redundant-sort',
  description: 'Removes sorts whose order no consumer observes (under joins, aggregates, other sorts, in subqueries) and repeated sort keys.',
  apply: (plan) => visit(plan, true),
};

/** Aggregates whose result depends on the order of their input rows. */
const ORDER_SENSITIVE: ReadonlySet<string> = new Set([
  'string_agg', 'group_concat', 'listagg', 'array_agg', 'list', 'first', 'last', 'any_value', 'arbitrary',
  'arg_min', 'arg_max', 'min_by', 'max_by', 'mode', 'json_group_array', 'histogram',
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead',
  'first_value', 'last_value', 'nth_value',
]);

function aggregateReadsOrder(a: AggregateCall): boolean {
  return ORDER_SENSITIVE.has(a.fn);
}

function windowReadsOrder(w: WindowCall): boolean {
  return w.orderBy.length === 0 && (ORDER_SENSITIVE.has(w.fn) || w.frame !== null);
}

/** `ordered`: the consumer of this node's output observes its row order. */
function visit(plan: Plan, ordered: boolean): Plan {
  const node = mapNodeSubqueries(plan, (p) => visit(p, false));
  switch (node.kind) {
    case 'sort': {
      if (!ordered || atMostOneRow(node.input)) return visit(node.input, ordered);
      const keys = distinctKeys(node.keys);
      const input = visit(node.input, false);
      return keys === node.keys ? withChildren(node, [input]) : { ...node, keys, input, est: undefined };
    }
    case 'topN': {
      const keys = distinctKeys(node.keys);
      const input = visit(node.input, false);
      return keys === node.keys ? withChildren(node, [input]) : { ...node, keys, input, est: undefined };
    }
    case 'limit':
      return withChildren(node, [visit(node.input, true)]);
    case 'filter':
    case 'project':
      return withChildren(node, [visit(node.input, ordered)]);
    case 'window':
      return withChildren(node, [visit(node.input, ordered || node.functions.some(windowReadsOrder))]);
    case 'aggregate':
      return withChildren(node, [visit(node.input, node.aggregates.some(aggregateReadsOrder))]);
    case 'distinct':
      return withChildren(node, [visit(node.input, false)]);
    case 'join':
    case 'setop':
      return withChildren(node, [visit(node.left, false), visit(node.right, false)]);
    default:
      return node;
  }
}

/** Keys after the first occurrence of each expression (a repeated key never breaks a tie). */
function distinctKeys(keys: readonly SortKey[]): readonly SortKey[] {
  const kept: SortKey[] = [];
  for (const k of keys) {
    if (isDeterministic(k.expr) && kept.some((x) => exprEqual(x.expr, k.expr))) continue;
    kept.push(k);
  }
  return sameArray(keys, kept);
}

/** True when the plan returns at most one row. */
function atMostOneRow(plan: Plan): boolean {
  switch (plan.kind) {
    case 'aggregate':
      return plan.groupBy.length === 0;
    case 'limit':
    case 'topN':
      return (plan.limit !== null && plan.limit <= 1) || atMostOneRow(plan.input);
    case 'values':
      return plan.rows.length <= 1;
    case 'filter':
    case 'project':
    case 'sort':
    case 'window':
    case 'distinct':
      return atMostOneRow(plan.input);
    default:
      return false;
  }
}
