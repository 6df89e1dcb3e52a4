/**
 * prune-projections: compute, top-down, the columns each node's parent
 * needs, and drop the rest: unused scan columns, project expressions,
 * aggregate calls (never group keys: they define the groups) and window
 * functions. Identity Projects (pass-through of the input's columns in the
 * same order) are removed — on the path to the root only when the names are
 * the same too, so the root's output columns, names and order never change.
 * Something always remains: a scan nobody reads from (`count(*)`) keeps its
 * narrowest column, a project or a global aggregate keeps its first entry.
 * Distinct and set operations need all their input columns.
 *
 * @example
 * ```sql
 * SELECT o_orderpriority, count(*) AS order_count FROM orders
 * WHERE o_orderdate >= date '1993-07-01' GROUP BY o_orderpriority
 * ```
 * becomes
 * ```plan explain
 * Project(exprs=[o_orderpriority#0, order_count#1])
 *   Aggregate(group=[o_orderpriority#0], aggs=["count_star()"#1=count(*)])
 *     Filter(condition=[o_orderdate#2 >= DATE '1993-07-01'])
 *       Scan(table=[orders], columns=[o_orderdate#2, o_orderpriority#0])
 * ```
 * (the root Project stays: it renames `count_star()` to `order_count`).
 */
import type { Catalog } from '../ir/catalog.ts';
import { findTable } from '../ir/catalog.ts';
import type { ColumnDef, Expr, Plan, ScanNode, TypeName } from '../ir/plan.ts';
import { exprColumnIds, mapNodeExprs, nodeExprs, outputColumns, outputIds, sameArray, transformExpr, withChildren } from '../ir/walk.ts';
import type { Rule } from './rule.ts';

export const pruneProjections: Rule = {
  id: 'prune-projections',
  description: 'Drops columns, project expressions, aggregate calls and window functions nothing above uses, and identity projects.',
  apply: (plan, ctx) => prune(plan, outputIds(plan), true, ctx.catalog),
};

type Ids = ReadonlySet<number>;

function usedBy(exprs: readonly Expr[], into: Set<number> = new Set()): Set<number> {
  for (const e of exprs) exprColumnIds(e, into);
  return into;
}

function plus(a: Ids, exprs: readonly Expr[]): Set<number> {
  return usedBy(exprs, new Set(a));
}

/**
 * `required`: ids the parent reads from this node. `rootPath`: this node's
 * output columns are the query's result columns (their names matter).
 */
function prune(plan: Plan, required: Ids, rootPath: boolean, catalog: Catalog): Plan {
  const node = pruneNode(plan, required, rootPath, catalog);
  // subquery plans: a scalar or IN subquery needs its one column, EXISTS needs none
  return mapNodeExprs(node, (e) =>
    transformExpr(e, (x) => {
      if (x.kind !== 'subquery') return x;
      const p = prune(x.plan, x.mode === 'exists' ? new Set() : outputIds(x.plan), false, catalog);
      return p === x.plan ? x : { ...x, plan: p };
    }),
  );
}

function pruneNode(node: Plan, required: Ids, rootPath: boolean, catalog: Catalog): Plan {
  switch (node.kind) {
    case 'scan':
      return pruneScan(node, required, catalog);
    case 'values':
      return node;
    case 'filter':
      return withChildren(node, [prune(node.input, plus(required, [node.predicate]), rootPath, catalog)]);
    case 'sort':
    case 'topN':
      return withChildren(node, [prune(node.input, plus(required, nodeExprs(node)), rootPath, catalog)]);
    case 'limit':
      return withChildren(node, [prune(node.input, required, rootPath, catalog)]);
    case 'distinct':
      return withChildren(node, [prune(node.input, outputIds(node.input), rootPath, catalog)]);
    case 'setop':
      // a set operation maps its inputs' columns by position: their order matters as at the root
      return withChildren(node, [
        prune(node.left, outputIds(node.left), true, catalog),
        prune(node.right, outputIds(node.right), true, catalog),
      ]);
    case 'join': {
      const below = plus(required, node.condition ? [node.condition] : []);
      const outer = node.joinType === 'semi' || node.joinType === 'anti';
      return withChildren(node, [
        prune(node.left, below, rootPath, catalog),
        prune(node.right, below, rootPath && !outer, catalog),
      ]);
    }
    case 'window': {
      const functions = keepSome(node.functions, (w) => required.has(w.id), false);
      const input = prune(node.input, plus(required, functions.flatMap((w) => [...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr)])), rootPath, catalog);
      if (functions.length === 0) return input;
      if (functions === node.functions && input === node.input) return node;
      return { ...node, functions, input, est: undefined };
    }
    case 'aggregate': {
      const aggregates = keepSome(node.aggregates, (a) => required.has(a.id), node.groupBy.length === 0);
      const needs = usedBy([...node.groupBy.map((g) => g.expr), ...aggregates.flatMap((a) => (a.filter ? [...a.args, a.filter] : a.args))]);
      const input = prune(node.input, needs, false, catalog);
      if (aggregates === node.aggregates && input === node.input) return node;
      return { ...node, aggregates, input, est: undefined };
    }
    case 'project': {
      const exprs = rootPath ? node.exprs : keepSome(node.exprs, (n) => required.has(n.id), true);
      const input = prune(node.input, usedBy(exprs.map((n) => n.expr)), false, catalog);
      if (isIdentity(exprs, input, rootPath)) return input;
      // off the root path, parents refer to columns by id: a pass-through that only reorders is noise
      if (!rootPath && isPermutation(exprs, input)) return input;
      if (exprs === node.exprs && input === node.input) return node;
      return { ...node, exprs, input, est: undefined };
    }
  }
}

/** The kept elements (the same array when all are kept); at least the first one when `keepOne`. */
function keepSome<T>(xs: readonly T[], keep: (x: T) => boolean, keepOne: boolean): readonly T[] {
  const kept = xs.filter(keep);
  if (kept.length === 0 && keepOne && xs.length > 0) return sameArray(xs, [xs[0]!]);
  return sameArray(xs, kept);
}

/** Pass-through of exactly the input's columns, in order (and with the same names on the root path). */
function isIdentity(exprs: readonly { id: number; name: string; expr: Expr }[], input: Plan, rootPath: boolean): boolean {
  const cols = outputColumns(input);
  if (cols.length !== exprs.length) return false;
  return exprs.every((n, i) => {
    const c = cols[i]!;
    return n.expr.kind === 'column' && n.expr.id === n.id && c.id === n.id && (!rootPath || c.name === n.name);
  });
}

/** Pass-through of exactly the input's columns, in any order. */
function isPermutation(exprs: readonly { id: number; expr: Expr }[], input: Plan): boolean {
  const cols = outputIds(input);
  if (cols.size !== exprs.length) return false;
  return exprs.every((n) => n.expr.kind === 'column' && n.expr.id === n.id && cols.has(n.id));
}

function pruneScan(node: ScanNode, required: Ids, catalog: Catalog): Plan {
  let columns = node.columns.filter((c) => required.has(c.id));
  if (columns.length === 0 && node.columns.length > 0) columns = [narrowest(node, catalog)];
  return columns.length === node.columns.length ? node : { ...node, columns, est: undefined };
}

const TYPE_WIDTH: Partial<Record<TypeName, number>> = { boolean: 1, integer: 4, date: 4, bigint: 8, double: 8, timestamp: 8, decimal: 16, interval: 16 };

/** The column cheapest to read: smallest average width by the catalog's statistics (first on ties). */
function narrowest(node: ScanNode, catalog: Catalog): ColumnDef {
  const table = findTable(catalog, node.table);
  const width = (c: ColumnDef): number =>
    table?.columns.find((x) => x.name === c.name)?.stats.avgWidth ?? TYPE_WIDTH[c.type] ?? 32;
  let best = node.columns[0]!;
  for (const c of node.columns) if (width(c) < width(best)) best = c;
  return best;
}
