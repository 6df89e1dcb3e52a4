/**
 * Group counts and output column statistics of the operators that compute
 * new columns or merge inputs: Project, Aggregate, Distinct, Window, SetOp,
 * Values. (Filters are in filter-stats.ts, joins in join-estimate.ts.)
 */
import type { AggregateNode, ColumnDef, Expr, ProjectNode, SetOpNode, ValuesNode, WindowNode } from '../ir/plan.ts';
import { exprType } from '../ir/walk.ts';
import { constantOf, literalText, valueOnScale } from './literal-value.ts';
import {
  capDistinct,
  clampFraction,
  clampRows,
  dampedProduct,
  exprStats,
  typeWidth,
  type DerivedColumnStats,
  type RelationEstimate,
} from './stats.ts';

/**
 * The number of groups of `keys` over a relation: the damped product of the
 * keys' distinct counts (each + 1 when it has NULLs, NULL being a group),
 * capped at the rows; 1 without keys (a global aggregate).
 */
export function groupCount(keys: readonly DerivedColumnStats[], rows: number): number {
  if (keys.length === 0) return 1;
  const ds = keys.map((s) => s.distinct + (s.nullFraction > 0 && s.nullFraction < 1 ? 1 : 0));
  return clampRows(Math.min(clampRows(rows), dampedProduct(ds)));
}

/** Rows left after removing duplicates: the group count over every column. */
export function distinctRows(rel: RelationEstimate): number {
  return groupCount([...rel.stats.values()], rel.rows);
}

/** Pass-through expressions keep their input column's statistics; computed ones get `exprStats`. */
export function projectStats(node: ProjectNode, input: RelationEstimate): Map<number, DerivedColumnStats> {
  const out = new Map<number, DerivedColumnStats>();
  for (const n of node.exprs) out.set(n.id, exprStats(n.expr, input));
  return out;
}

const SAME_AS_ARG = new Set(['min', 'max', 'any_value', 'arbitrary', 'first', 'last', 'first_value', 'last_value', 'nth_value', 'lag', 'lead', 'mode', 'median']);
const WITHIN_ARG_RANGE = new Set(['avg', 'mean', 'quantile_cont', 'quantile_disc', 'percentile_cont', 'percentile_disc']);
const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'ntile', 'percent_rank', 'cume_dist']);

/**
 * Statistics of one aggregate value per group: min/max keep their
 * argument's values and range, avg its range; a count takes at most
 * 2·(n / groups) + 1 values (counts spread around the average group size
 * n / groups); anything else one value per group.
 */
function aggregateValueStats(fn: string, args: readonly Expr[], type: ColumnDef['type'], input: RelationEstimate, groups: number): DerivedColumnStats {
  const arg = args[0] ? exprStats(args[0], input) : null;
  const base: DerivedColumnStats = { distinct: groups, nullFraction: 0, min: null, max: null, mostCommon: [], avgWidth: typeWidth(type) };
  if (fn === 'count' || fn === 'count_star') return capDistinct({ ...base, distinct: (2 * clampRows(input.rows)) / groups + 1 }, groups);
  if (arg && SAME_AS_ARG.has(fn)) {
    return capDistinct({ ...arg, nullFraction: arg.nullFraction >= 1 ? 1 : 0, mostCommon: [], distinct: Math.min(groups, arg.distinct) }, groups);
  }
  if (arg && WITHIN_ARG_RANGE.has(fn)) return { ...base, min: arg.min, max: arg.max };
  return base;
}

/** Group-by columns keep their values (at most one per group); aggregates per {@link aggregateValueStats}. */
export function aggregateStats(node: AggregateNode, input: RelationEstimate, groups: number): Map<number, DerivedColumnStats> {
  const out = new Map<number, DerivedColumnStats>();
  for (const g of node.groupBy) out.set(g.id, capDistinct(exprStats(g.expr, input), groups));
  for (const a of node.aggregates) out.set(a.id, aggregateValueStats(a.fn, a.args, a.type, input, groups));
  return out;
}

/**
 * Window output: the input's columns unchanged, plus per function: ranking
 * functions (row_number, rank …) take values 1..the largest partition
 * (rows / partitions); lag, lead, min, max … their argument's; running
 * aggregates (with ORDER BY) about one value per row; whole-partition
 * aggregates one value per partition.
 */
export function windowStats(node: WindowNode, input: RelationEstimate): Map<number, DerivedColumnStats> {
  const out = new Map(input.stats);
  const rows = clampRows(input.rows);
  for (const w of node.functions) {
    const partitions = groupCount(w.partitionBy.map((e) => exprStats(e, input)), rows);
    const perPartition = clampRows(rows / partitions);
    let s: DerivedColumnStats;
    if (RANKING.has(w.fn)) {
      s = { distinct: perPartition, nullFraction: 0, min: 1, max: perPartition, mostCommon: [], avgWidth: typeWidth(w.type) };
    } else if (w.fn === 'count' || w.fn === 'count_star') {
      s = { distinct: perPartition, nullFraction: 0, min: 0, max: perPartition, mostCommon: [], avgWidth: typeWidth(w.type) };
    } else {
      s = aggregateValueStats(w.fn, w.args, w.type, input, w.orderBy.length > 0 ? rows : partitions);
    }
    out.set(w.id, capDistinct(s, rows));
  }
  return out;
}

/** The share of the smaller side's distinct rows or values a UNION is assumed to add (the rest being duplicates of the larger side). */
export const UNION_NEW_SHARE = 0.5;

/** Distinct values of a union of two sets with da and db values: max + UNION_NEW_SHARE · min. */
export function unionDistinct(da: number, db: number): number {
  return Math.max(da, db) + UNION_NEW_SHARE * Math.min(da, db);
}

/**
 * Set operation output rows:
 * UNION ALL = L + R; UNION = unionDistinct(distinct rows of L, of R);
 * INTERSECT ALL = min(L, R), INTERSECT = min of the distinct rows;
 * EXCEPT ALL = L, EXCEPT = distinct rows of L.
 */
export function setOpRows(node: SetOpNode, left: RelationEstimate, right: RelationEstimate): number {
  const L = clampRows(left.rows);
  const R = clampRows(right.rows);
  switch (node.op) {
    case 'union':
      return clampRows(node.all ? L + R : unionDistinct(distinctRows(left), distinctRows(right)));
    case 'intersect':
      return clampRows(node.all ? Math.min(L, R) : Math.min(distinctRows(left), distinctRows(right)));
    case 'except':
      return clampRows(node.all ? L : distinctRows(left));
  }
}

/**
 * Set operation output columns, position by position: UNION merges both
 * sides (distinct by `unionDistinct`, min of mins, max of maxes, null
 * fraction weighted by rows); INTERSECT keeps min(d_left, d_right); EXCEPT
 * keeps the left's.
 */
export function setOpStats(
  node: SetOpNode,
  leftCols: readonly ColumnDef[],
  rightCols: readonly ColumnDef[],
  left: RelationEstimate,
  right: RelationEstimate,
  rows: number,
): Map<number, DerivedColumnStats> {
  const out = new Map<number, DerivedColumnStats>();
  const L = clampRows(left.rows);
  const R = clampRows(right.rows);
  node.columns.forEach((col, i) => {
    const a = left.stats.get(leftCols[i]?.id ?? -1) ?? { distinct: L, nullFraction: 0, min: null, max: null, mostCommon: [], avgWidth: typeWidth(col.type) };
    const b = right.stats.get(rightCols[i]?.id ?? -1) ?? { ...a, distinct: R };
    let s: DerivedColumnStats;
    if (node.op === 'union') {
      const both = a.min !== null && a.max !== null && b.min !== null && b.max !== null;
      s = {
        distinct: unionDistinct(a.distinct, b.distinct),
        nullFraction: clampFraction((a.nullFraction * L + b.nullFraction * R) / (L + R)),
        min: both ? Math.min(a.min!, b.min!) : null,
        max: both ? Math.max(a.max!, b.max!) : null,
        mostCommon: [],
        avgWidth: (a.avgWidth * L + b.avgWidth * R) / (L + R),
      };
    } else if (node.op === 'intersect') {
      s = { ...a, distinct: Math.min(a.distinct, b.distinct), mostCommon: [] };
    } else {
      s = { ...a, mostCommon: [] };
    }
    out.set(col.id, capDistinct(s, rows));
  });
  return out;
}

/** VALUES: each column's statistics counted from its literals (non-literal cells count as distinct values). */
export function valuesStats(node: ValuesNode): Map<number, DerivedColumnStats> {
  const out = new Map<number, DerivedColumnStats>();
  const n = Math.max(1, node.rows.length);
  node.columns.forEach((col, i) => {
    const counts = new Map<string, number>();
    let nulls = 0;
    let min: number | null = null;
    let max: number | null = null;
    let width = 0;
    node.rows.forEach((row, r) => {
      const cell = row[i];
      const lit = cell ? constantOf(cell) : null;
      const text = lit ? literalText(lit) : `\u0000cell ${r}`;
      if (lit && text === null) {
        nulls++;
        return;
      }
      counts.set(text!, (counts.get(text!) ?? 0) + 1);
      width += lit && typeof lit.value === 'string' && col.type === 'varchar' ? lit.value.length : typeWidth(cell ? exprType(cell) : col.type);
      const v = lit ? valueOnScale(lit, col.type) : null;
      if (v !== null) {
        min = min === null ? v : Math.min(min, v);
        max = max === null ? v : Math.max(max, v);
      }
    });
    const mostCommon = [...counts.entries()]
      .filter(([value]) => !value.startsWith('\u0000'))
      .toSorted((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map(([value, c]) => ({ value, frequency: c / n }));
    const nonNull = n - nulls;
    out.set(col.id, {
      distinct: Math.max(1, counts.size),
      nullFraction: nulls / n,
      min,
      max,
      mostCommon,
      avgWidth: nonNull > 0 ? width / nonNull : typeWidth(col.type),
    });
  });
  return out;
}

