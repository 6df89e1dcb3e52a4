/**
 * remove-redundant-distinct: drop a Distinct whose input rows are already
 * unique, or whose duplicates cannot change the answer.
 *
 * Already unique: an Aggregate (its group keys are among its outputs; a
 * global aggregate has one row), another Distinct, a DISTINCT set
 * operation, a Scan whose columns include the table's primary key — also
 * through Filter, Sort, Limit, TopN, Window, semi/anti joins, inner joins of
 * unique inputs and Projects that pass a unique key through.
 *
 * Duplicates do not matter: the top of an IN / EXISTS subquery plan and the
 * right input of a semi or anti join (through Projects, Filters and Sorts,
 * not through a Limit), where only the set of values counts.
 *
 * @example
 * ```sql
 * SELECT DISTINCT o_orderpriority, n FROM
 *   (SELECT o_orderpriority, count(*) AS n FROM orders GROUP BY o_orderpriority) AS t
 * ```
 * becomes
 * ```plan
 * Project(exprs=[o_orderpriority, n])
 *   Project(exprs=[o_orderpriority, n])
 *     Aggregate(group=[o_orderpriority], aggs=["count_star()"=count(*)])
 *       Scan(table=[orders])
 * ```
 */
import type { Catalog } from '../ir/catalog.ts';
import { findTable } from '../ir/catalog.ts';
import type { Plan } from '../ir/plan.ts';
import { mapNodeExprs, outputColumns, transformExpr, withChildren } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { rewritePlanDeep } from './util/rewrite.ts';

export const removeRedundantDistinct: Rule = {
  id: 'remove-redundant-distinct',
  description: 'Removes Distinct over already-unique rows and inside IN/EXISTS subqueries and semi/anti join inputs.',
  apply: (plan, ctx) => rewritePlanDeep(plan, (node) => rewriteNode(node, ctx.catalog)),
};

function rewriteNode(plan: Plan, catalog: Catalog): Plan {
  const node = mapNodeExprs(plan, (e) =>
    transformExpr(e, (x) => {
      if (x.kind !== 'subquery' || x.mode === 'scalar') return x;
      const p = dropSetDistinct(x.plan);
      return p === x.plan ? x : { ...x, plan: p };
    }),
  );
  if (node.kind === 'distinct' && uniqueKeys(node.input, catalog).length > 0) return node.input;
  if (node.kind === 'join' && (node.joinType === 'semi' || node.joinType === 'anti')) {
    return withChildren(node, [node.left, dropSetDistinct(node.right)]);
  }
  return node;
}

/** Remove Distincts at the top of a plan that is only used as a set of rows. */
function dropSetDistinct(plan: Plan): Plan {
  switch (plan.kind) {
    case 'distinct':
      return dropSetDistinct(plan.input);
    case 'project':
    case 'filter':
    case 'sort':
      return withChildren(plan, [dropSetDistinct(plan.input)]);
    default:
      return plan;
  }
}

/**
 * Sets of output column ids on which the plan's rows are unique (no two
 * rows agree on all of them). An empty set means "at most one row". Empty
 * list: nothing known.
 */
export function uniqueKeys(plan: Plan, catalog: Catalog): number[][] {
  switch (plan.kind) {
    case 'scan': {
      const pk = findTable(catalog, plan.table)?.primaryKey ?? [];
      if (pk.length === 0) return [];
      const ids = pk.map((name) => plan.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.id);
      return ids.every((id) => id !== undefined) ? [ids as number[]] : [];
    }
    case 'aggregate':
      return [plan.groupBy.map((g) => g.id)];
    case 'distinct':
      return [outputColumns(plan).map((c) => c.id)];
    case 'setop':
      return plan.all ? [] : [plan.columns.map((c) => c.id)];
    case 'limit':
    case 'topN':
      return plan.limit !== null && plan.limit <= 1 ? [[]] : uniqueKeys(plan.input, catalog);
    case 'filter':
    case 'sort':
    case 'window':
      return uniqueKeys(plan.input, catalog);
    case 'project': {
      // a key survives when each of its columns is passed through (or renamed) by the project
      const byInput = new Map<number, number>();
      for (const n of plan.exprs) if (n.expr.kind === 'column' && !byInput.has(n.expr.id)) byInput.set(n.expr.id, n.id);
      return uniqueKeys(plan.input, catalog).flatMap((key) =>
        key.every((id) => byInput.has(id)) ? [key.map((id) => byInput.get(id)!)] : [],
      );
    }
    case 'join': {
      if (plan.joinType === 'semi' || plan.joinType === 'anti') return uniqueKeys(plan.left, catalog);
      if (plan.joinType !== 'inner' && plan.joinType !== 'cross') return [];
      const left = uniqueKeys(plan.left, catalog);
      const right = uniqueKeys(plan.right, catalog);
      return left.flatMap((l) => right.map((r) => [...l, ...r]));
    }
    default:
      return [];
  }
}
