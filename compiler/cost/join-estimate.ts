/**
 * Join cardinality and the statistics of a join's output.
 *
 * The condition splits into equi pairs (`a = b`, a over the left input's
 * columns only, b over the right's, or the other way round) and residual
 * conjuncts (everything else). With L, R the input rows:
 *
 * - Equi pairs form one composite key. Its distinct count on each side is
 *   the product of the key columns' distincts, capped at that side's rows
 *   (a key cannot have more values than rows); with one pair that is just
 *   ndv(key). The classic |L|·|R| / max(ndv(l.key), ndv(r.key)) becomes
 *     inner = L · R · nnL · nnR / max(ndvL, ndvR) · s_res
 *   where nn = the share of rows whose key has no NULL and s_res the
 *   selectivity of the residual conjuncts over both inputs.
 *   Before the caps bind, and with the larger distinct counts on one side,
 *   this is the product of the per-pair selectivities 1/max(ndv) (keys
 *   from unrelated tables, like the transitive `c_nationkey = s_nationkey`
 *   of TPC-H Q5, multiply as independent). The caps bound it where the
 *   plain product collapses: correlated pairs of one composite key (a
 *   self-join on (c_custkey, c_name), lineitem to partsupp on (partkey,
 *   suppkey)) keep at least min(L, R) rows instead of one or two. A chain
 *   of joins gets the same rows whatever the join order.
 * - No equi pair: inner = L · R · s(condition); a cross join L · R.
 * - The share of left rows with at least one match:
 *     equi:  mL = nnL · min(1, ndvR/ndvL) · (1 − (1 − s_res)^(rows per right key))
 *     other: mL = 1 − (1 − s)^R  (some right row satisfies the condition)
 *   and mR the same from the right.
 * - left = max(L, inner + L·(1 − mL)); right symmetric; full = max(L, R, inner + L·(1 − mL) + R·(1 − mR));
 *   semi = L · mL; anti = L · (1 − mL) = L − semi.
 * All rows are clamped to ≥ 1.
 */
import type { Expr, JoinType } from '../ir/plan.ts';
import { conjuncts, exprColumnIds, hasSubquery } from '../ir/walk.ts';
import { predicateSelectivity } from './selectivity.ts';
import {
  capDistinct,
  clampFraction,
  clampRows,
  exprStats,
  sampleStats,
  type DerivedColumnStats,
  type RelationEstimate,
} from './stats.ts';

export interface EquiPair {
  /** over the left input's columns */
  readonly left: Expr;
  /** over the right input's columns */
  readonly right: Expr;
}

export interface JoinShape {
  readonly equi: readonly EquiPair[];
  readonly residual: readonly Expr[];
}

export interface JoinCardinality {
  readonly rows: number;
  /** rows of the inner join of the two inputs under the condition */
  readonly inner: number;
  /** share of left rows with at least one match */
  readonly matchLeft: number;
  /** share of right rows with at least one match */
  readonly matchRight: number;
  readonly shape: JoinShape;
  /** true when the join runs as a hash join (an equi pair exists) */
  readonly hash: boolean;
}

function within(e: Expr, rel: RelationEstimate): boolean {
  const ids = exprColumnIds(e);
  if (ids.size === 0 || hasSubquery(e)) return false;
  for (const id of ids) if (!rel.stats.has(id)) return false;
  return true;
}

/** Split a join condition into equi pairs and residual conjuncts. */
export function splitJoinCondition(condition: Expr | null, left: RelationEstimate, right: RelationEstimate): JoinShape {
  const equi: EquiPair[] = [];
  const residual: Expr[] = [];
  for (const c of conjuncts(condition)) {
    if (c.kind === 'compare' && c.op === '=') {
      if (within(c.left, left) && within(c.right, right)) {
        equi.push({ left: c.left, right: c.right });
        continue;
      }
      if (within(c.right, left) && within(c.left, right)) {
        equi.push({ left: c.right, right: c.left });
        continue;
      }
    }
    residual.push(c);
  }
  return { equi, residual };
}

/** Both inputs side by side, for residual predicates: L · R rows, every column's statistics. */
export function combinedRelation(left: RelationEstimate, right: RelationEstimate): RelationEstimate {
  return { rows: clampRows(left.rows * right.rows), stats: new Map([...left.stats, ...right.stats]) };
}

/** Π values, capped at `cap` (and ≥ 1). */
function cappedProduct(values: readonly number[], cap: number): number {
  let p = 1;
  for (const v of values) p = Math.min(cap, p * Math.max(1, v));
  return Math.max(1, p);
}

/** `1 − (1 − s)^n`: the chance that at least one of n candidates satisfies a predicate of selectivity s. */
function anyOf(s: number, n: number): number {
  if (s >= 1) return 1;
  if (s <= 0) return 0;
  return clampFraction(1 - Math.pow(1 - s, Math.max(1, n)));
}

export function estimateJoin(joinType: JoinType, condition: Expr | null, left: RelationEstimate, right: RelationEstimate): JoinCardinality {
  const L = clampRows(left.rows);
  const R = clampRows(right.rows);
  const shape = joinType === 'cross' && !condition ? { equi: [], residual: [] } : splitJoinCondition(condition, left, right);
  const residualSel = shape.residual.length === 0 ? 1 : predicateSelectivity({ kind: 'and', args: shape.residual }, combinedRelation(left, right));
  let inner: number;
  let matchLeft: number;
  let matchRight: number;
  if (shape.equi.length > 0) {
    const keysL = shape.equi.map((p) => exprStats(p.left, left));
    const keysR = shape.equi.map((p) => exprStats(p.right, right));
    const ndvL = cappedProduct(keysL.map((s) => s.distinct), L);
    const ndvR = cappedProduct(keysR.map((s) => s.distinct), R);
    const nnL = keysL.reduce((p, s) => p * (1 - s.nullFraction), 1);
    const nnR = keysR.reduce((p, s) => p * (1 - s.nullFraction), 1);
    inner = (L * R * nnL * nnR * residualSel) / Math.max(ndvL, ndvR);
    matchLeft = nnL * Math.min(1, ndvR / ndvL) * anyOf(residualSel, (R * nnR) / ndvR);
    matchRight = nnR * Math.min(1, ndvL / ndvR) * anyOf(residualSel, (L * nnL) / ndvL);
  } else {
    inner = L * R * residualSel;
    matchLeft = anyOf(residualSel, R);
    matchRight = anyOf(residualSel, L);
  }
  let rows: number;
  switch (joinType) {
    case 'inner':
    case 'cross':
      rows = inner;
      break;
    case 'left':
      rows = Math.max(L, inner + L * (1 - matchLeft));
      break;
    case 'right':
      rows = Math.max(R, inner + R * (1 - matchRight));
      break;
    case 'full':
      rows = Math.max(L, R, inner + L * (1 - matchLeft) + R * (1 - matchRight));
      break;
    case 'semi':
      rows = L * matchLeft;
      break;
    case 'anti':
      rows = L * (1 - matchLeft);
      break;
  }
  return { rows: clampRows(rows), inner: clampRows(inner), matchLeft: clampFraction(matchLeft), matchRight: clampFraction(matchRight), shape, hash: shape.equi.length > 0 };
}

/**
 * Statistics of a join's output columns:
 * - each side's columns keep the distinct values of the share of its rows
 *   that find a match (all of them for a preserved side of an outer join;
 *   the unmatched share for an anti join), capped at the output rows;
 * - the two columns of a bare `a = b` pair of an inner or semi join keep min(d_a, d_b);
 * - the columns of a side an outer join pads with NULLs get
 *   nf' = nf · (1 − u) + u, u = the share of output rows that are padded.
 */
export function joinStats(joinType: JoinType, card: JoinCardinality, left: RelationEstimate, right: RelationEstimate): Map<number, DerivedColumnStats> {
  const rows = card.rows;
  const keepLeft = joinType === 'left' || joinType === 'full' ? 1 : joinType === 'anti' ? 1 - card.matchLeft : card.matchLeft;
  const out = sampleStats(left.stats, left.rows, keepLeft, rows);
  if (joinType === 'semi' || joinType === 'anti') {
    if (joinType === 'semi') narrowKeys(card, left, right, out, false);
    return out;
  }
  const keepRight = joinType === 'right' || joinType === 'full' ? 1 : card.matchRight;
  for (const [id, s] of sampleStats(right.stats, right.rows, keepRight, rows)) out.set(id, s);
  if (joinType === 'inner' || joinType === 'cross') narrowKeys(card, left, right, out, true);
  if (joinType === 'left' || joinType === 'full') {
    const u = (clampRows(left.rows) * (1 - card.matchLeft)) / rows;
    for (const id of right.stats.keys()) out.set(id, padWithNulls(out.get(id)!, u));
  }
  if (joinType === 'right' || joinType === 'full') {
    const u = (clampRows(right.rows) * (1 - card.matchRight)) / rows;
    for (const id of left.stats.keys()) out.set(id, padWithNulls(out.get(id)!, u));
  }
  return out;
}

/** Bare column pairs of the equi key: both sides keep min(d_left, d_right) distinct values. */
function narrowKeys(card: JoinCardinality, left: RelationEstimate, right: RelationEstimate, out: Map<number, DerivedColumnStats>, both: boolean): void {
  for (const p of card.shape.equi) {
    if (p.left.kind !== 'column' || p.right.kind !== 'column') continue;
    const l = out.get(p.left.id) ?? left.stats.get(p.left.id);
    const r = out.get(p.right.id) ?? right.stats.get(p.right.id);
    if (!l || !r) continue;
    const d = Math.min(l.distinct, r.distinct);
    out.set(p.left.id, capDistinct({ ...l, distinct: d, nullFraction: 0 }, card.rows));
    if (both) out.set(p.right.id, capDistinct({ ...r, distinct: d, nullFraction: 0 }, card.rows));
  }
}

/** Statistics of a column whose rows are a share u of NULL padding: nf' = nf · (1 − u) + u, MCV frequencies scaled by 1 − u. */
function padWithNulls(s: DerivedColumnStats, share: number): DerivedColumnStats {
  const u = clampFraction(share);
  return { ...s, nullFraction: clampFraction(s.nullFraction * (1 - u) + u), mostCommon: s.mostCommon.map((m) => ({ ...m, frequency: m.frequency * (1 - u) })) };
}
