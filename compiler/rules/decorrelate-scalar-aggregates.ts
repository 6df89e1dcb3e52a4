/**
 * decorrelate-scalar-aggregates: scalar subqueries over a global aggregate
 * (no GROUP BY) in a Filter or a Project become joins.
 *
 * Correlated: the subquery is `[Project over] Aggregate over` a path of
 * Filters / Projects (and left inputs of semi / anti joins, as unnesting a
 * nested EXISTS leaves them) whose correlation predicates are all equalities
 * `inner = outer` (each side an expression over one scope). It becomes a
 * LEFT JOIN of the node's input with the same aggregates grouped by the
 * inner sides, on `outer = group key`; each outer row matches at most one
 * group, so rows are neither lost nor duplicated. An outer row with no
 * matching group (the subquery would aggregate no rows) reads NULL from the
 * join, which is right for sum / avg / min / max...; counts are read as
 * `coalesce(count, 0)` (the COUNT bug). A select list over the aggregate is
 * kept on the join's right side when it is NULL on NULL input and reads no
 * count (`0.2 * avg(x)`); otherwise it is computed above the join with the
 * counts coalesced (`count(*) + 1` → `coalesce(cnt, 0) + 1`). Aggregates
 * whose value over no rows is not known here (list, string_agg...) are left
 * alone, as are correlations that are not such equalities (or compare
 * types that grouping could tell apart differently), that sit below an
 * Aggregate, Limit or other Join of the subquery, or that reach past the
 * enclosing node's input.
 *
 * Uncorrelated: a global aggregate (under Projects only) yields exactly one
 * row, so the subquery becomes a CROSS JOIN with its plan and the
 * expression a reference to its column. Any other scalar subquery (it may
 * yield zero or several rows) stays a SubqueryExpr.
 *
 * The subquery expression becomes a column reference (or the coalesced
 * expression above); a Filter gets a Project above it restoring its output
 * columns. Nested subquery plans are rewritten first.
 *
 * @example
 * ```sql
 * SELECT r_name FROM region WHERE 4 < (SELECT count(*) FROM nation WHERE n_regionkey = r_regionkey AND n_name <> 'PERU')
 * ```
 * becomes (a region without nations counts 0, not NULL)
 * ```plan
 * Project(exprs=[r_name])
 *   Project(exprs=[r_regionkey, r_name, r_comment])
 *     Filter(condition=[4 < coalesce("count_star()", 0)])
 *       Join(type=[left], condition=[r_regionkey = n_regionkey])
 *         Scan(table=[region])
 *         Aggregate(group=[n_regionkey], aggs=["count_star()"=count(*)])
 *           Filter(condition=[n_name <> 'PERU'])
 *             Scan(table=[nation])
 * ```
 */
import type { Expr, NamedExpr, Plan, SubqueryExpr } from '../ir/plan.ts';
import { forEachExpr, nodeExprs, outputColumns, outputIds, transformExpr, mapNodeExprs } from '../ir/walk.ts';
import type { Rule, RuleContext } from './rule.ts';
import { planScalarJoin, type ScalarJoin } from './subquery/scalar-aggregate-join.ts';
import { rewriteEverywhere } from './subquery/rewrite-everywhere.ts';

function decorrelateAll(plan: Plan, ctx: RuleContext): Plan {
  return rewriteEverywhere(plan, (node) => decorrelateNode(node, ctx), (nested) => decorrelateAll(nested, ctx));
}

function decorrelateNode(node: Plan, ctx: RuleContext): Plan {
  if (node.kind !== 'filter' && node.kind !== 'project') return node;
  const outerIds = outputIds(node.input);
  const planned = new Map<SubqueryExpr, ScalarJoin | null>();
  for (const e of nodeExprs(node)) {
    forEachExpr(e, (x) => {
      if (x.kind === 'subquery' && x.mode === 'scalar' && !planned.has(x)) planned.set(x, planScalarJoin(x, outerIds, ctx));
    });
  }
  let input = node.input;
  for (const j of planned.values()) {
    if (j) input = { kind: 'join', joinType: j.joinType, left: input, right: j.right, condition: j.condition };
  }
  if (input === node.input) return node;
  const replace = (e: Expr): Expr => transformExpr(e, (x) => (x.kind === 'subquery' ? (planned.get(x)?.replacement ?? x) : x));
  const rewritten = mapNodeExprs({ ...node, input, est: undefined } as Plan, replace);
  if (node.kind === 'project') return rewritten;
  const restore: NamedExpr[] = outputColumns(node.input).map((c) => ({
    id: c.id,
    name: c.name,
    expr: { kind: 'column', id: c.id, name: c.name, type: c.type },
  }));
  return { kind: 'project', input: rewritten, exprs: restore };
}

export const decorrelateScalarAggregates: Rule = {
  id: 'decorrelate-scalar-aggregates',
  description: 'Turns scalar subqueries over a global aggregate into a left join with the aggregate grouped by the correlation columns (counts coalesced to 0), or a cross join when uncorrelated.',
  apply: (plan, ctx) => decorrelateAll(plan, ctx),
};
