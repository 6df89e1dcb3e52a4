/**
 * unnest-subqueries: `[NOT] EXISTS` and `[NOT] IN` subqueries that are
 * top-level conjuncts of a Filter become semi and anti joins.
 *
 * - `EXISTS (q)` → semi join, `NOT EXISTS (q)` → anti join;
 * - `x IN (q)` → semi join on `x = c` (c: q's only column);
 * - `x NOT IN (q)` → anti join on `x = c` with `nullAware: true`: `x = c`
 *   is the condition's first conjunct and a right row for which it is TRUE
 *   *or NULL* counts as a match (see `JoinNode.nullAware`), which is exactly
 *   NOT IN: a NULL in q, or a NULL x against a non-empty q, removes the row;
 *   an empty q keeps every row, NULL x included. A NOT IN whose x reads no
 *   outer column is left alone.
 *
 * Correlated subqueries: the correlation predicates (conjuncts of Filters on
 * the path from q's root through Project / Filter / Distinct / Sort nodes
 * and the left inputs of semi / anti joins, that refer to outer columns)
 * move into the join condition (after the IN comparison); the rest of q is
 * the join's right input, its Distinct and Sort nodes dropped (a semi /
 * anti join ignores duplicates and order), and for EXISTS its select list
 * too. A subquery whose outer references sit anywhere else (below an
 * Aggregate, Limit, Window or other Join, in a kept select list, in a
 * predicate holding another subquery, or reaching past the Filter's input)
 * is left alone, as are subqueries under OR, under NOT of anything but the
 * subquery itself, and in select lists: those stay SubqueryExpr for the
 * lowering.
 *
 * Each remaining conjunct stays in a Filter below the new joins; the joins
 * follow the order of the conjuncts. Nested subquery plans are unnested
 * first.
 *
 * @example
 * ```sql
 * SELECT o_orderpriority FROM orders WHERE o_orderdate >= DATE '1993-07-01' AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate)
 * ```
 * becomes
 * ```plan
 * Project(exprs=[o_orderpriority])
 *   Join(type=[semi], condition=[l_orderkey = o_orderkey])
 *     Filter(condition=[o_orderdate >= DATE '1993-07-01'])
 *       Scan(table=[orders])
 *     Filter(condition=[l_commitdate < l_receiptdate])
 *       Scan(table=[lineitem])
 * ```
 */
import type { Expr, JoinType, Plan } from '../ir/plan.ts';
import { andAll, conjuncts, exprColumnIds, hasSubquery, outputColumns, outputIds } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { columnRefTo, refersOnlyTo } from './subquery/free-columns.ts';
import { pullCorrelatedPredicates } from './subquery/pull-correlated.ts';
import { rewriteEverywhere } from './subquery/rewrite-everywhere.ts';

const TRUE: Expr = { kind: 'literal', value: true, type: 'boolean' };
const DROP_FOR_SEMI: ReadonlySet<'distinct' | 'sort'> = new Set(['distinct', 'sort']);

interface SemiJoin {
  readonly joinType: Extract<JoinType, 'semi' | 'anti'>;
  readonly right: Plan;
  readonly condition: Expr;
  readonly nullAware: boolean;
}

function unnestAll(plan: Plan): Plan {
  return rewriteEverywhere(plan, (node) => (node.kind === 'filter' ? unnestFilter(node) : node), unnestAll);
}

function unnestFilter(filter: Plan & { kind: 'filter' }): Plan {
  const inputIds = outputIds(filter.input);
  const joins: SemiJoin[] = [];
  const rest: Expr[] = [];
  for (const c of conjuncts(filter.predicate)) {
    const join = semiJoinFor(c, inputIds);
    if (join) joins.push(join);
    else rest.push(c);
  }
  if (joins.length === 0) return filter;
  let plan: Plan = rest.length > 0 ? { kind: 'filter', input: filter.input, predicate: andAll(rest)! } : filter.input;
  for (const j of joins) {
    plan = {
      kind: 'join',
      joinType: j.joinType,
      left: plan,
      right: j.right,
      condition: j.condition,
      ...(j.nullAware ? { nullAware: true } : {}),
    };
  }
  return plan;
}

/** The semi / anti join a conjunct stands for, or null when it is not an unnestable subquery. */
function semiJoinFor(conjunct: Expr, outerIds: ReadonlySet<number>): SemiJoin | null {
  let e = conjunct;
  let negated = false;
  for (;;) {
    if (e.kind === 'not') e = e.arg;
    else break;
    negated = !negated;
  }
  if (e.kind !== 'subquery' || e.mode === 'scalar') return null;
  negated = negated !== e.negated;

  if (e.mode === 'exists') {
    const pulled = pullCorrelatedPredicates(e.plan, outerIds, { drop: DROP_FOR_SEMI, dropLeadingProjects: true, keep: [] });
    if (!pulled) return null;
    return { joinType: negated ? 'anti' : 'semi', right: pulled.plan, condition: andAll(pulled.pulled) ?? TRUE, nullAware: false };
  }

  // IN
  const arg = e.arg;
  const columns = outputColumns(e.plan);
  if (!arg || columns.length !== 1 || hasSubquery(arg) || !refersOnlyTo(arg, outerIds)) return null;
  const column = columns[0]!;
  const pulled = pullCorrelatedPredicates(e.plan, outerIds, { drop: DROP_FOR_SEMI, dropLeadingProjects: false, keep: [column.id] });
  if (!pulled) return null;
  const membership: Expr = { kind: 'compare', op: '=', left: arg, right: columnRefTo(column) };
  if (!negated) {
    return { joinType: 'semi', right: pulled.plan, condition: andAll([membership, ...pulled.pulled])!, nullAware: false };
  }
  // a constant NOT IN argument would make the comparison one-sided (and one-sided conjuncts get pushed into inputs)
  if (exprColumnIds(arg).size === 0) return null;
  return { joinType: 'anti', right: pulled.plan, condition: andAll([membership, ...pulled.pulled])!, nullAware: true };
}

export const unnestSubqueries: Rule = {
  id: 'unnest-subqueries',
  description: 'Turns [NOT] EXISTS and [NOT] IN subqueries among a filter\'s conjuncts into semi and anti joins, pulling correlation predicates into the join condition.',
  apply: (plan) => unnestAll(plan),
};
