/**
 * Column statistics as they flow through a plan, by column id.
 *
 * A Scan takes them from the catalog (`ColumnStats`, by table and column
 * name); every operator above derives its output columns' statistics from
 * its input's (see estimate.ts). Everything here is clamped to finite
 * numbers: a distinct count is at least 1 and at most the rows, fractions
 * stay in 0..1, so no estimate downstream can become NaN or Infinity.
 */
import type { ColumnStats } from '../ir/catalog.ts';
import type { Expr } from '../ir/plan.ts';
import type { TypeName } from '../ir/types.ts';
import { exprType } from '../ir/walk.ts';
import { constantOf, isOrderedType, literalText, valueOnScale } from './literal-value.ts';

export interface DerivedColumnStats {
  /** distinct non-null values, 1 ≤ distinct ≤ rows */
  readonly distinct: number;
  /** fraction of rows that are NULL, 0..1 */
  readonly nullFraction: number;
  /** on the catalog's numeric scale (numbers, days, seconds); null when unknown or not orderable */
  readonly min: number | null;
  readonly max: number | null;
  /** most common values with their frequency among all rows, most frequent first */
  readonly mostCommon: readonly { readonly value: string; readonly frequency: number }[];
  /** average width of a value in bytes */
  readonly avgWidth: number;
}

export type StatsMap = ReadonlyMap<number, DerivedColumnStats>;

/** What a predicate is estimated against: the rows of its input and its columns' statistics. */
export interface RelationEstimate {
  readonly rows: number;
  readonly stats: StatsMap;
}

/**
 * The distinct count assumed for a computed value nothing else bounds
 * (PostgreSQL's DEFAULT_NUM_DISTINCT), capped at the rows.
 */
export const DEFAULT_DISTINCT = 200;

/** A finite number ≥ `min`; NaN and ±Infinity become `fallback`. */
export function finiteAtLeast(x: number, min: number, fallback: number = min): number {
  if (!Number.isFinite(x)) return Math.max(min, fallback);
  return Math.max(min, x);
}

/** A row estimate: finite and at least 1 (PostgreSQL's clamp_row_est, without rounding). */
export function clampRows(x: number): number {
  if (Number.isNaN(x)) return 1;
  if (x === Infinity) return Number.MAX_SAFE_INTEGER;
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, x));
}

/** A fraction in 0..1; NaN becomes `fallback`. */
export function clampFraction(x: number, fallback = 0): number {
  if (Number.isNaN(x)) return fallback;
  return Math.min(1, Math.max(0, x));
}

/**
 * The combined distinct count of several columns taken together:
 * d1 · d2^(1/2) · d3^(1/4) · …, with d1 ≥ d2 ≥ … (an exponential back-off,
 * as SQL Server's estimator does for correlated columns). The plain product
 * assumes the columns independent and overshoots badly for correlated keys
 * (`c_custkey, c_name`); the most distinct column counts in full, each
 * further one less. 1 for no columns. Callers cap the result at the rows.
 */
export function dampedProduct(distincts: readonly number[]): number {
  const sorted = distincts.map((d) => finiteAtLeast(d, 1)).toSorted((a, b) => b - a);
  let product = 1;
  let exponent = 1;
  for (const d of sorted) {
    product *= Math.pow(d, exponent);
    exponent /= 2;
  }
  return finiteAtLeast(product, 1, Number.MAX_SAFE_INTEGER);
}

/**
 * The distinct values left of a column with `distinct` values over `rows`
 * rows after keeping a random `fraction` of the rows (Cardenas' formula):
 * d · (1 − (1 − f)^(rows/d)). For a unique column this is d · f, a
 * proportional reduction; a column with few values keeps nearly all of
 * them (a 50% filter on 6M rows leaves all 3 `l_returnflag` values).
 */
export function distinctAfterSampling(distinct: number, rows: number, fraction: number): number {
  const d = finiteAtLeast(distinct, 1);
  const f = clampFraction(fraction, 1);
  if (f >= 1) return d;
  const perValue = finiteAtLeast(rows, 1) / d;
  return Math.max(1, d * (1 - Math.pow(1 - f, Math.max(1, perValue))));
}

/** The same statistics with distinct ≤ rows (and ≥ 1). */
export function capDistinct(s: DerivedColumnStats, rows: number): DerivedColumnStats {
  const distinct = Math.max(1, Math.min(s.distinct, clampRows(rows)));
  return distinct === s.distinct ? s : { ...s, distinct };
}

/** Every column's statistics as if a random `fraction` of `rowsIn` rows were kept, capped at `rowsOut`. */
export function sampleStats(stats: StatsMap, rowsIn: number, fraction: number, rowsOut: number): Map<number, DerivedColumnStats> {
  const out = new Map<number, DerivedColumnStats>();
  const cap = clampRows(rowsOut);
  // hot in join enumeration: allocate only for the columns whose count changes
  for (const [id, s] of stats) {
    const distinct = Math.max(1, Math.min(distinctAfterSampling(s.distinct, rowsIn, fraction), cap));
    out.set(id, distinct === s.distinct ? s : { ...s, distinct });
  }
  return out;
}

/** Bytes a value of a type takes, for computed columns (strings: a guess of 16). */
export function typeWidth(type: TypeName): number {
  switch (type) {
    case 'boolean':
      return 1;
    case 'integer':
    case 'date':
      return 4;
    case 'bigint':
    case 'decimal':
    case 'double':
    case 'timestamp':
      return 8;
    case 'interval':
      return 16;
    case 'varchar':
      return 16;
    default:
      return 8;
  }
}

/** Statistics for a value nothing is known about: DEFAULT_DISTINCT values, no NULLs. */
export function unknownStats(type: TypeName, rows: number): DerivedColumnStats {
  return { distinct: Math.min(DEFAULT_DISTINCT, clampRows(rows)), nullFraction: 0, min: null, max: null, mostCommon: [], avgWidth: typeWidth(type) };
}

/**
 * A Scan column's statistics from the catalog, sanitised (a catalog is
 * plain data and may come from another process): non-finite numbers get
 * defaults, distinct is clamped to 1..rows, fractions to 0..1, min/max kept
 * only when both are finite and min ≤ max.
 */
export function statsFromCatalog(col: ColumnStats, type: TypeName, rows: number): DerivedColumnStats {
  const nullFraction = clampFraction(col.nullFraction);
  const rawDistinct = Number.isFinite(col.distinct) && col.distinct > 0 ? col.distinct : clampRows(rows) * (1 - nullFraction);
  const distinct = Math.max(1, Math.min(rawDistinct, clampRows(rows)));
  const orderable = isOrderedType(type) && typeof col.min === 'number' && typeof col.max === 'number'
    && Number.isFinite(col.min) && Number.isFinite(col.max) && col.min <= col.max;
  const mostCommon = (Array.isArray(col.mostCommon) ? col.mostCommon : [])
    .filter((m) => m && typeof m.value === 'string' && Number.isFinite(m.frequency) && m.frequency > 0)
    .map((m) => ({ value: m.value, frequency: clampFraction(m.frequency) }));
  return {
    distinct,
    nullFraction,
    min: orderable ? col.min : null,
    max: orderable ? col.max : null,
    mostCommon,
    avgWidth: Number.isFinite(col.avgWidth) && col.avgWidth >= 0 ? col.avgWidth : typeWidth(type),
  };
}

/** The distinct values of EXTRACT(field FROM x) given x's min / max (days or seconds), or null. */
function extractDistinct(field: string, arg: DerivedColumnStats, argType: TypeName): { distinct: number; min: number | null; max: number | null } | null {
  const fixed: Record<string, number> = { month: 12, quarter: 4, day: 31, dow: 7, isodow: 7, week: 53, doy: 366, hour: 24, minute: 60, second: 60 };
  if (fixed[field] !== undefined) return { distinct: fixed[field]!, min: null, max: null };
  if (field !== 'year' || arg.min === null || arg.max === null) return null;
  const toYear = (v: number) => new Date((argType === 'timestamp' ? v : v * 86_400) * 1000).getUTCFullYear();
  const lo = toYear(arg.min);
  const hi = toYear(arg.max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  return { distinct: hi - lo + 1, min: lo, max: hi };
}

/**
 * Statistics of any expression over a relation's columns.
 * - a column: its statistics (a column not in the relation is an outer
 *   reference, constant for one evaluation: 1 value);
 * - a constant: 1 value (min = max when it has a numeric value);
 * - CAST: its argument's;
 * - EXTRACT: 12 months, 4 quarters …, or the years between min and max;
 * - any other deterministic function, arithmetic or CASE of arguments with
 *   d1, d2, … values: at most the damped product of those (a function of
 *   one column has at most that column's distinct values);
 * - a boolean-valued expression: 2 values;
 * - anything else (scalar subqueries that are correlated): DEFAULT_DISTINCT.
 * Always capped at the relation's rows.
 */
/** Statistics of a computed value: `distinct` capped at the rows, nothing else known but the range given. */
function computedStats(rows: number, type: TypeName, distinct: number, nullFraction = 0, min: number | null = null, max: number | null = null): DerivedColumnStats {
  return { distinct: Math.max(1, Math.min(distinct, rows)), nullFraction: clampFraction(nullFraction), min, max, mostCommon: [], avgWidth: typeWidth(type) };
}

export function exprStats(e: Expr, rel: RelationEstimate): DerivedColumnStats {
  const rows = clampRows(rel.rows);
  const type = exprType(e);
  const lit = constantOf(e);
  if (lit) {
    const v = valueOnScale(lit, type);
    const text = literalText(lit);
    return { ...computedStats(rows, type, 1, text === null ? 1 : 0, v, v), mostCommon: text === null ? [] : [{ value: text, frequency: 1 }] };
  }
  switch (e.kind) {
    case 'column': {
      const s = rel.stats.get(e.id);
      return s ? capDistinct(s, rows) : computedStats(rows, type, 1);
    }
    case 'cast': {
      const s = exprStats(e.arg, rel);
      const keepRange = isOrderedType(type) && isOrderedType(exprType(e.arg)) && (type === 'date') === (exprType(e.arg) === 'date');
      return { ...s, min: keepRange ? s.min : null, max: keepRange ? s.max : null, mostCommon: [], avgWidth: typeWidth(type) };
    }
    case 'func': {
      if (e.name === 'extract' && e.args.length === 2) {
        const field = constantOf(e.args[0]!);
        const arg = exprStats(e.args[1]!, rel);
        const ex = typeof field?.value === 'string' ? extractDistinct(field.value.toLowerCase(), arg, exprType(e.args[1]!)) : null;
        if (ex) return computedStats(rows, type, Math.min(ex.distinct, arg.distinct), arg.nullFraction, ex.min, ex.max);
        return computedStats(rows, type, arg.distinct, arg.nullFraction);
      }
      if (e.name === 'random' || e.name === 'gen_random_uuid' || e.name === 'uuid') return computedStats(rows, type, rows);
      return combined(e.args, rel, rows, type, e.name === 'coalesce');
    }
    case 'arith':
      return combined([e.left, e.right], rel, rows, type, false);
    case 'case': {
      const branches = [...e.whens.map((w) => w.then), ...(e.else ? [e.else] : [])];
      const ds = branches.map((b) => exprStats(b, rel).distinct);
      const sum = ds.reduce((a, b) => a + b, 0) + (e.else ? 0 : 1);
      return computedStats(rows, type, sum);
    }
    case 'subquery':
      return e.mode === 'scalar' && e.correlated.length === 0 ? computedStats(rows, type, 1) : e.mode === 'scalar' ? unknownStats(type, rows) : computedStats(rows, type, 2);
    default:
      return computedStats(rows, type, 2);
  }
}

/** A function of several arguments: the damped product of their distinct counts; NULL if any is (unless `coalesce`). */
function combined(
  args: readonly Expr[],
  rel: RelationEstimate,
  rows: number,
  type: TypeName,
  coalesce: boolean,
): DerivedColumnStats {
  if (args.length === 0) return computedStats(rows, type, 1);
  const stats = args.map((a) => exprStats(a, rel));
  const nullFraction = coalesce
    ? stats.reduce((p, s) => p * s.nullFraction, 1)
    : 1 - stats.reduce((p, s) => p * (1 - s.nullFraction), 1);
  return computedStats(rows, type, dampedProduct(stats.map((s) => s.distinct)), nullFraction);
}
