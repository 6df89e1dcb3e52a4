/**
 * Predicate selectivity: the fraction of its input's rows a predicate keeps,
 * System R / PostgreSQL style, from the input's column statistics.
 *
 * Notation: for the column (or expression) x compared, d = distinct values,
 * nf = null fraction, MCV = most-common values with frequencies f_i. A
 * comparison is never true on NULL, so every estimate of a comparison is a
 * share of the (1 − nf) non-null rows. Results are clamped to 0..1.
 *
 * A side of a comparison is *variable* when it refers to a column of the
 * input; otherwise it is a *constant*: a literal (its value is used), or a
 * value unknown at planning time (an outer column, a parameter, a scalar
 * subquery), for which only formulas without the value apply.
 */
import type { CompareOp, Expr, Literal } from '../ir/plan.ts';
import type { TypeName } from '../ir/types.ts';
import { exprColumnIds, exprType } from '../ir/walk.ts';
import { analyzeLikePattern, LIKE_SELECTIVITY, patternSelectivity } from './like-selectivity.ts';
import { constantOf, isOrderedType, literalText, sameValue, textOnScale, valueOnScale } from './literal-value.ts';
import { clampFraction, exprStats, type DerivedColumnStats, type RelationEstimate } from './stats.ts';

/** The defaults used when statistics cannot answer. */
export const DEFAULT_SELECTIVITY = {
  /** a comparison whose value or column range is unknown (PostgreSQL's DEFAULT_INEQ_SEL) */
  comparison: 1 / 3,
  /** EXISTS / IN (subquery) not yet unnested into a join */
  subquery: 0.5,
  /** any other boolean expression (a function call, a CASE, a boolean column without MCVs) */
  other: 0.5,
} as const;

/**
 * The selectivity of `e` over `rel`:
 * - AND: Π s_i (independence), except that a lower and an upper bound on
 *   one column (`x >= a AND x < b`) form one range: s_lo + s_hi − (1 − nf),
 *   PostgreSQL's range-pair rule, so a one-year window is not taken for the
 *   product of its two halves; of several bounds on one side the most
 *   restrictive counts;
 * - OR: folded s1 + s2 − s1·s2; NOT: 1 − s;
 * - comparisons, BETWEEN, IN lists, LIKE, IS NULL: the functions below;
 * - EXISTS / IN (subquery): DEFAULT_SELECTIVITY.subquery (0.5), negated too;
 * - TRUE 1, FALSE and NULL 0; anything else DEFAULT_SELECTIVITY.other (0.5).
 */
export function predicateSelectivity(e: Expr, rel: RelationEstimate): number {
  return clampFraction(selectivityOf(e, rel), DEFAULT_SELECTIVITY.other);
}

function selectivityOf(e: Expr, rel: RelationEstimate): number {
  switch (e.kind) {
    case 'literal':
      return e.value === true ? 1 : e.value === false || e.value === null ? 0 : DEFAULT_SELECTIVITY.other;
    case 'and':
      return andSelectivity(e.args, rel);
    case 'or':
      return e.args.reduce((s, a) => {
        const t = predicateSelectivity(a, rel);
        return s + t - s * t;
      }, 0);
    case 'not':
      return 1 - predicateSelectivity(e.arg, rel);
    case 'compare':
      return compareSelectivity(e.op, e.left, e.right, rel);
    case 'between':
      return betweenSelectivity(e.arg, e.low, e.high, e.negated, rel);
    case 'inList':
      return inListSelectivity(e.arg, e.list, e.negated, rel);
    case 'like':
      return likeSelectivity(e.arg, e.pattern, e.negated, e.caseInsensitive, rel);
    case 'isNull': {
      const nf = exprStats(e.arg, rel).nullFraction;
      return e.negated ? 1 - nf : nf;
    }
    case 'subquery':
      return DEFAULT_SELECTIVITY.subquery;
    case 'column':
      return booleanColumnSelectivity(exprStats(e, rel));
    default:
      return DEFAULT_SELECTIVITY.other;
  }
}

/** A bound `x op c` on a bare column with a known range and a constant that can be placed in it. */
function rangeBound(e: Expr, rel: RelationEstimate): { id: number; upper: boolean; sel: number; nullFraction: number } | null {
  if (e.kind !== 'compare' || e.op === '=' || e.op === '<>') return null;
  const [x, c, op] = e.left.kind === 'column' ? [e.left, e.right, e.op] : [e.right, e.left, FLIPPED[e.op]];
  if (x.kind !== 'column' || isVariable(c, rel)) return null;
  const s = rel.stats.get(x.id);
  const lit = constantOf(c);
  if (!s || !lit || s.min === null || s.max === null || valueOnScale(lit, x.type) === null) return null;
  return { id: x.id, upper: op === '<' || op === '<=', sel: predicateSelectivity(e, rel), nullFraction: s.nullFraction };
}

function andSelectivity(args: readonly Expr[], rel: RelationEstimate): number {
  let product = 1;
  const ranges = new Map<number, { lo: number | null; hi: number | null; nullFraction: number }>();
  for (const a of args) {
    const bound = rangeBound(a, rel);
    if (!bound) {
      product *= predicateSelectivity(a, rel);
      continue;
    }
    const r = ranges.get(bound.id) ?? { lo: null, hi: null, nullFraction: bound.nullFraction };
    if (bound.upper) r.hi = r.hi === null ? bound.sel : Math.min(r.hi, bound.sel);
    else r.lo = r.lo === null ? bound.sel : Math.min(r.lo, bound.sel);
    ranges.set(bound.id, r);
  }
  for (const r of ranges.values()) {
    product *= r.lo !== null && r.hi !== null ? clampFraction(r.lo + r.hi - (1 - r.nullFraction)) : (r.lo ?? r.hi)!;
  }
  return product;
}

/** True when `e` refers to a column of the relation (directly, or through a correlated subquery). */
export function isVariable(e: Expr, rel: RelationEstimate): boolean {
  for (const id of exprColumnIds(e)) if (rel.stats.has(id)) return true;
  return false;
}

const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * A comparison `left op right`:
 * - x = c: the MCV frequency when c is a most-common value; otherwise
 *   (1 − Σf_i − nf) / (d − |MCV|), capped at the least MCV frequency;
 *   without MCVs (1 − nf) / d (= 1/d with no NULLs); c unknown: (1 − nf) / d;
 * - x <> c: (1 − nf) − sel(x = c);
 * - x <, <=, >, >= c: {@link rangeSelectivity};
 * - x = y, both variable: (1 − nf_x)(1 − nf_y) / max(d_x, d_y); x <> y: the rest of the non-null pairs;
 *   x < y etc.: 1/3;
 * - comparing NULL: 0; two constants: evaluated when both are literals, else 1/3.
 */
export function compareSelectivity(op: CompareOp, left: Expr, right: Expr, rel: RelationEstimate): number {
  const lv = isVariable(left, rel);
  const rv = isVariable(right, rel);
  if (!lv && !rv) return constantComparison(op, left, right);
  if (lv && rv) {
    const a = exprStats(left, rel);
    const b = exprStats(right, rel);
    const nonNull = (1 - a.nullFraction) * (1 - b.nullFraction);
    const eq = nonNull / Math.max(a.distinct, b.distinct);
    if (op === '=') return eq;
    if (op === '<>') return nonNull - eq;
    return DEFAULT_SELECTIVITY.comparison;
  }
  const [x, c, o] = lv ? [left, right, op] : [right, left, FLIPPED[op]];
  const s = exprStats(x, rel);
  const lit = constantOf(c);
  if (lit && lit.value === null) return 0;
  const type = exprType(x);
  if (o === '=') return equalitySelectivity(s, lit, type);
  if (o === '<>') return 1 - s.nullFraction - equalitySelectivity(s, lit, type);
  return rangeSelectivity(o, s, lit, type);
}

/** `x = c` for statistics s; `c` null when the value is unknown. See {@link compareSelectivity}. */
export function equalitySelectivity(s: DerivedColumnStats, c: Literal | null, type: TypeName): number {
  const nonNull = 1 - s.nullFraction;
  const text = c ? literalText(c) : null;
  if (c && text === null) return 0;
  if (text === null || s.mostCommon.length === 0) return clampFraction(nonNull / s.distinct);
  let sum = 0;
  let least = 1;
  for (const m of s.mostCommon) {
    if (sameValue(m.value, text, type)) return m.frequency;
    sum += m.frequency;
    least = Math.min(least, m.frequency);
  }
  const others = Math.max(1, s.distinct - s.mostCommon.length);
  return clampFraction(Math.min(least, (1 - sum - s.nullFraction) / others));
}

/** The comparison `a op b` on numbers. */
export function satisfies(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** Share of the non-MCV values of s below v (`lt`), and the share equal to v (`eq`, 0 outside min..max), by linear interpolation. */
function interpolate(s: DerivedColumnStats, v: number): { lt: number; eq: number } {
  const min = s.min!;
  const max = s.max!;
  const lt = max > min ? clampFraction((v - min) / (max - min)) : v > min ? 1 : 0;
  const eq = v >= min && v <= max ? 1 / Math.max(1, s.distinct - s.mostCommon.length) : 0;
  return { lt, eq };
}

/** The MCVs of s that have a value on the numeric scale, and their total frequency. */
function numericMcvs(s: DerivedColumnStats, type: TypeName): { values: { v: number; f: number }[]; total: number } {
  const values: { v: number; f: number }[] = [];
  let total = 0;
  for (const m of s.mostCommon) {
    const v = textOnScale(m.value, type);
    if (v === null) continue;
    values.push({ v, f: m.frequency });
    total += m.frequency;
  }
  return { values, total };
}

/**
 * `x op c` for op in <, <=, >, >= on a numeric, date or timestamp x with a
 * known min and max (dates in days, timestamps in seconds, as the catalog
 * keeps them): MCVs are tested exactly, the other rows interpolate
 * linearly:
 *   sel = Σ{f_i : mcv_i op c} + (1 − Σf − nf) · r,
 *   with lt = (c − min)/(max − min) clamped to 0..1, eq = 1/(d − |MCV|) when min ≤ c ≤ max,
 *   r = lt (<), lt + eq (<=), 1 − lt − eq (>), 1 − lt (>=).
 * Unknown value, range or type (strings): DEFAULT_SELECTIVITY.comparison (1/3).
 */
export function rangeSelectivity(op: CompareOp, s: DerivedColumnStats, c: Literal | null, type: TypeName): number {
  const v = c && isOrderedType(type) ? valueOnScale(c, type) : null;
  if (v === null || s.min === null || s.max === null) return DEFAULT_SELECTIVITY.comparison;
  const mcv = numericMcvs(s, type);
  const { lt, eq } = interpolate(s, v);
  const r = op === '<' ? lt : op === '<=' ? lt + eq : op === '>' ? 1 - lt - eq : 1 - lt;
  const fromMcv = mcv.values.reduce((sum, m) => sum + (satisfies(op, m.v, v) ? m.f : 0), 0);
  return clampFraction(fromMcv + clampFraction(1 - mcv.total - s.nullFraction) * clampFraction(r));
}

/**
 * `x [NOT] BETWEEN lo AND hi`: with known bounds and range,
 *   sel = Σ{f_i : lo ≤ mcv_i ≤ hi} + (1 − Σf − nf) · (lt(hi) + eq(hi) − lt(lo)), 0 when lo > hi;
 * otherwise DEFAULT_SELECTIVITY.comparison (1/3). NOT BETWEEN: (1 − nf) − sel.
 */
export function betweenSelectivity(arg: Expr, low: Expr, high: Expr, negated: boolean, rel: RelationEstimate): number {
  if (!isVariable(arg, rel) || isVariable(low, rel) || isVariable(high, rel)) return DEFAULT_SELECTIVITY.comparison;
  const s = exprStats(arg, rel);
  const type = exprType(arg);
  const lo = constantOf(low);
  const hi = constantOf(high);
  if ((lo && lo.value === null) || (hi && hi.value === null)) return 0;
  const vl = lo && isOrderedType(type) ? valueOnScale(lo, type) : null;
  const vh = hi && isOrderedType(type) ? valueOnScale(hi, type) : null;
  let sel: number;
  if (vl === null || vh === null || s.min === null || s.max === null) {
    sel = DEFAULT_SELECTIVITY.comparison;
  } else if (vl > vh) {
    sel = 0;
  } else {
    const mcv = numericMcvs(s, type);
    const a = interpolate(s, vl);
    const b = interpolate(s, vh);
    const fromMcv = mcv.values.reduce((sum, m) => sum + (m.v >= vl && m.v <= vh ? m.f : 0), 0);
    sel = fromMcv + clampFraction(1 - mcv.total - s.nullFraction) * clampFraction(b.lt + b.eq - a.lt);
  }
  return negated ? 1 - s.nullFraction - clampFraction(sel) : sel;
}

/**
 * `x [NOT] IN (v1, v2, …)`: Σ sel(x = v_i) over the distinct items, capped at
 * 1 − nf. NOT IN: (1 − nf) − that, and 0 when the list holds a NULL
 * (NOT IN with a NULL is never true).
 */
export function inListSelectivity(arg: Expr, list: readonly Expr[], negated: boolean, rel: RelationEstimate): number {
  const nf = exprStats(arg, rel).nullFraction;
  const seen = new Set<string>();
  let sum = 0;
  let hasNull = false;
  for (const item of list) {
    const lit = constantOf(item);
    if (lit) {
      const text = literalText(lit);
      if (text === null) {
        hasNull = true;
        continue;
      }
      if (seen.has(text)) continue;
      seen.add(text);
    }
    sum += compareSelectivity('=', arg, item, rel);
  }
  const sel = Math.min(1 - nf, sum);
  if (!negated) return sel;
  return hasNull ? 0 : 1 - nf - sel;
}

/**
 * `x [NOT] [I]LIKE pattern`: LIKE without wildcards is x = pattern; anything
 * else is {@link patternSelectivity} (MCVs matched, a documented heuristic
 * by prefix length for the rest); a pattern not known
 * at planning time keeps LIKE_SELECTIVITY.unknownPattern (0.1) of the
 * non-null rows. NOT LIKE: (1 − nf) − sel.
 */
export function likeSelectivity(arg: Expr, pattern: Expr, negated: boolean, caseInsensitive: boolean, rel: RelationEstimate): number {
  if (!isVariable(arg, rel)) return DEFAULT_SELECTIVITY.other;
  const s = exprStats(arg, rel);
  const lit = constantOf(pattern);
  let sel: number;
  if (lit && lit.value === null) return 0;
  if (!lit || typeof lit.value !== 'string' || isVariable(pattern, rel)) {
    sel = LIKE_SELECTIVITY.unknownPattern * (1 - s.nullFraction);
  } else {
    const p = analyzeLikePattern(lit.value, caseInsensitive);
    sel = p.exact !== null && !caseInsensitive
      ? equalitySelectivity(s, { kind: 'literal', value: p.exact, type: 'varchar' }, 'varchar')
      : patternSelectivity(s, p);
  }
  return negated ? 1 - s.nullFraction - clampFraction(sel) : sel;
}

/** A boolean column used as a predicate: the frequency of `true` among its MCVs, else half its non-null rows (or 0.5). */
function booleanColumnSelectivity(s: DerivedColumnStats): number {
  const t = s.mostCommon.find((m) => m.value.toLowerCase() === 'true');
  if (t) return t.frequency;
  const f = s.mostCommon.find((m) => m.value.toLowerCase() === 'false');
  if (f) return 1 - s.nullFraction - f.frequency;
  return DEFAULT_SELECTIVITY.other * (1 - s.nullFraction);
}

/** Two constants: evaluated when both are literals with comparable values, else the default. */
function constantComparison(op: CompareOp, left: Expr, right: Expr): number {
  const a = constantOf(left);
  const b = constantOf(right);
  if (!a || !b) return DEFAULT_SELECTIVITY.comparison;
  if (a.value === null || b.value === null) return 0;
  const type: TypeName = isOrderedType(a.type) ? a.type : b.type;
  const x = typeof a.value === 'string' ? textOnScale(a.value, type) : null;
  const y = typeof b.value === 'string' ? textOnScale(b.value, type) : null;
  if (x !== null && y !== null) return satisfies(op, x, y) ? 1 : 0;
  if (typeof a.value === typeof b.value && (op === '=' || op === '<>')) return (a.value === b.value) === (op === '=') ? 1 : 0;
  return DEFAULT_SELECTIVITY.comparison;
}
