/**
 * push-down-predicates: move filter conjuncts as close to the scans as the
 * semantics allow.
 *
 * - Adjacent filters merge.
 * - Through Project (substituting the projected expressions, deterministic
 *   ones only), Sort, Distinct, Window (conjuncts over columns every function
 *   partitions by), Aggregate with GROUP BY (conjuncts over group keys only;
 *   never through a global aggregate: it returns a row even when its input is
 *   empty) and set operations (into both sides, columns remapped by position).
 * - Into joins. INNER/CROSS: left-only conjuncts to the left input,
 *   right-only to the right, the rest into the join condition (a cross join
 *   becomes an inner join). LEFT: WHERE conjuncts over the left side only go
 *   to the left input; the rest stay above. RIGHT mirrors. FULL: nothing.
 *   SEMI/ANTI: everything to the left input.
 * - Join conditions: an INNER join's single-side conjuncts go to that input;
 *   a LEFT join's right-only ON conjuncts go to the right input (left-only
 *   ones stay: they do not filter the preserved side); RIGHT mirrors; SEMI:
 *   both; ANTI: right-only ones.
 * - Never below Limit/TopN; nothing non-deterministic moves; a conjunct with
 *   a subquery never becomes part of a join condition, and its correlated
 *   columns count as columns it uses.
 *
 * @example
 * ```sql
 * SELECT o_orderkey, c_name FROM orders LEFT JOIN customer ON o_custkey = c_custkey
 * WHERE o_orderdate >= date '1995-01-01' AND c_acctbal > 0
 * ```
 * becomes
 * ```plan
 * Project(exprs=[o_orderkey, c_name])
 *   Filter(condition=[c_acctbal > 0])
 *     Join(type=[left], condition=[o_custkey = c_custkey])
 *       Filter(condition=[o_orderdate >= DATE '1995-01-01'])
 *         Scan(table=[orders])
 *       Scan(table=[customer])
 * ```
 */
import type { ColumnRef, Expr, FilterNode, JoinNode, Plan, ProjectNode, SetOpNode } from '../ir/plan.ts';
import { andAll, conjuncts, exprColumnIds, hasSubquery, outputColumns, outputIds } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { isDeterministic } from './util/expr-equal.ts';
import { TRUE } from './util/literals.ts';
import { columnRefOf, rewritePlanDeep, substituteColumns } from './util/rewrite.ts';

export const pushDownPredicates: Rule = {
  id: 'push-down-predicates',
  description: 'Pushes filter conjuncts through projections, sorts, aggregates, set operations and into join inputs or join conditions.',
  apply: (plan) => rewritePlanDeep(plan, pushNode),
};

function pushNode(node: Plan): Plan {
  if (node.kind === 'filter') return pushFilter(node);
  if (node.kind === 'join') return pushJoinCondition(node);
  return node;
}

function filterOf(input: Plan, preds: readonly Expr[]): FilterNode {
  return { kind: 'filter', input, predicate: andAll(preds)! };
}

/** A new filter below: pushed on as far as it goes. */
function pushedFilter(input: Plan, preds: readonly Expr[]): Plan {
  return preds.length === 0 ? input : pushFilter(filterOf(input, preds));
}

/** What stays above, over the rewritten input. */
function keepAbove(input: Plan, kept: readonly Expr[]): Plan {
  return kept.length === 0 ? input : filterOf(input, kept);
}

/** Ids `e` uses among `ids` (correlated columns of its subqueries included). */
function usedAmong(e: Expr, ids: ReadonlySet<number>): number[] {
  return [...exprColumnIds(e)].filter((id) => ids.has(id));
}

function pushFilter(f: FilterNode): Plan {
  const preds = conjuncts(f.predicate);
  if (preds.length === 0) return f;
  const input = f.input;
  switch (input.kind) {
    case 'filter':
      return pushFilter(filterOf(input.input, [...conjuncts(input.predicate), ...preds]));
    case 'sort':
    case 'distinct': {
      const [down, kept] = partition(preds, isDeterministic);
      if (down.length === 0) return f;
      return keepAbove({ ...input, input: pushedFilter(input.input, down), est: undefined }, kept);
    }
    case 'project':
      return pushThroughProject(f, input, preds);
    case 'window': {
      const ids = outputIds(input);
      const partitionIds = commonPartitionColumns(input.functions);
      const [down, kept] = partition(preds, (p) => isDeterministic(p) && usedAmong(p, ids).every((id) => partitionIds.has(id)));
      if (down.length === 0) return f;
      return keepAbove({ ...input, input: pushedFilter(input.input, down), est: undefined }, kept);
    }
    case 'aggregate': {
      if (input.groupBy.length === 0) return f;
      const ids = outputIds(input);
      const keys = definitions(input.groupBy);
      const passThrough = new Set(input.groupBy.filter((g) => !keys.has(g.id)).map((g) => g.id));
      const [down, kept] = partition(preds, (p) => substitutable(p, ids, keys, passThrough));
      if (down.length === 0) return f;
      const below = down.map((p) => substituteColumns(p, withInputNames(keys, passThrough, input.input)));
      return keepAbove({ ...input, input: pushedFilter(input.input, below), est: undefined }, kept);
    }
    case 'setop':
      return pushIntoSetOp(f, input, preds);
    case 'join':
      return pushIntoJoin(f, input, preds);
    default:
      return f;
  }
}

function partition<T>(xs: readonly T[], pred: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of xs) (pred(x) ? yes : no).push(x);
  return [yes, no];
}

/**
 * Can `p`, over the node's output columns `ids` (computed ones defined by
 * `defs`, the others in `passThrough`), be restated over the node's input?
 * Deterministic everywhere; a conjunct holding a subquery only over
 * pass-through columns (its plan refers to them by id).
 */
function substitutable(p: Expr, ids: ReadonlySet<number>, defs: ReadonlyMap<number, Expr>, passThrough: ReadonlySet<number>): boolean {
  if (!isDeterministic(p)) return false;
  const subquery = hasSubquery(p);
  return usedAmong(p, ids).every((id) => {
    const def = defs.get(id);
    if (!def) return passThrough.has(id);
    return !subquery && isDeterministic(def) && !hasSubquery(def);
  });
}

/**
 * Output id → defining expression; pass-through columns (same id) are left
 * out, so references to them keep their own name.
 */
function definitions(named: readonly { readonly id: number; readonly expr: Expr }[]): Map<number, Expr> {
  const defs = new Map<number, Expr>();
  for (const n of named) if (!(n.expr.kind === 'column' && n.expr.id === n.id)) defs.set(n.id, n.expr);
  return defs;
}

/** `defs` plus the pass-through columns as the input names them (ids stay; only names change). */
function withInputNames(defs: ReadonlyMap<number, Expr>, passThrough: ReadonlySet<number>, input: Plan): Map<number, Expr> {
  const out = new Map(defs);
  for (const c of outputColumns(input)) if (passThrough.has(c.id)) out.set(c.id, columnRefOf(c));
  return out;
}

function pushThroughProject(f: FilterNode, input: ProjectNode, preds: readonly Expr[]): Plan {
  const ids = outputIds(input);
  const defs = definitions(input.exprs);
  const passThrough = new Set(input.exprs.filter((n) => !defs.has(n.id)).map((n) => n.id));
  const [down, kept] = partition(preds, (p) => substitutable(p, ids, defs, passThrough));
  if (down.length === 0) return f;
  const below = down.map((p) => substituteColumns(p, withInputNames(defs, passThrough, input.input)));
  return keepAbove({ ...input, input: pushedFilter(input.input, below), est: undefined }, kept);
}

/** Columns that every window function partitions by (plain column keys). */
function commonPartitionColumns(functions: readonly { readonly partitionBy: readonly Expr[] }[]): Set<number> {
  const sets = functions.map((w) => new Set(w.partitionBy.flatMap((e) => (e.kind === 'column' ? [e.id] : []))));
  if (sets.length === 0) return new Set();
  return new Set([...sets[0]!].filter((id) => sets.every((s) => s.has(id))));
}

function pushIntoSetOp(f: FilterNode, input: SetOpNode, preds: readonly Expr[]): Plan {
  const ids = outputIds(input);
  const leftCols = outputColumns(input.left);
  const rightCols = outputColumns(input.right);
  const leftMap = new Map<number, ColumnRef>();
  const rightMap = new Map<number, ColumnRef>();
  input.columns.forEach((c, i) => {
    const l = leftCols[i];
    const r = rightCols[i];
    // only where both sides have exactly the output's type: the predicate means the same there
    if (l && r && l.type === c.type && r.type === c.type) {
      leftMap.set(c.id, columnRefOf(l));
      rightMap.set(c.id, columnRefOf(r));
    }
  });
  const [down, kept] = partition(
    preds,
    (p) => isDeterministic(p) && !hasSubquery(p) && usedAmong(p, ids).every((id) => leftMap.has(id)),
  );
  if (down.length === 0) return f;
  const left = pushedFilter(input.left, down.map((p) => substituteColumns(p, leftMap)));
  const right = pushedFilter(input.right, down.map((p) => substituteColumns(p, rightMap)));
  return keepAbove({ ...input, left, right, est: undefined }, kept);
}

type Side = 'left' | 'right' | 'condition' | 'keep';

function pushIntoJoin(f: FilterNode, join: JoinNode, preds: readonly Expr[]): Plan {
  const leftIds = outputIds(join.left);
  const rightIds = outputIds(join.right);
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const toCondition: Expr[] = [];
  const kept: Expr[] = [];
  for (const p of preds) {
    const side = isDeterministic(p) ? filterSide(join, p, leftIds, rightIds) : 'keep';
    ({ left: toLeft, right: toRight, condition: toCondition, keep: kept })[side].push(p);
  }
  if (toLeft.length + toRight.length + toCondition.length === 0) return f;
  let joined: JoinNode = {
    ...join,
    left: pushedFilter(join.left, toLeft),
    right: pushedFilter(join.right, toRight),
    est: undefined,
  };
  if (toCondition.length > 0) {
    joined = { ...joined, joinType: 'inner', condition: andAll([...conjuncts(join.condition), ...toCondition]) };
  }
  return keepAbove(pushJoinCondition(joined), kept);
}

/** Where a WHERE conjunct above `join` may go. */
function filterSide(join: JoinNode, p: Expr, leftIds: ReadonlySet<number>, rightIds: ReadonlySet<number>): Side {
  const inLeft = usedAmong(p, leftIds).length > 0;
  const inRight = usedAmong(p, rightIds).length > 0;
  switch (join.joinType) {
    case 'inner':
    case 'cross':
      if (!inRight) return 'left';
      if (!inLeft) return 'right';
      return hasSubquery(p) ? 'keep' : 'condition';
    case 'left':
      return inRight ? 'keep' : 'left';
    case 'right':
      return inLeft ? 'keep' : 'right';
    case 'semi':
    case 'anti':
      return inRight ? 'keep' : 'left';
    case 'full':
      return 'keep';
  }
}

/** Where a conjunct of the join's own condition may go. */
function conditionSide(join: JoinNode, p: Expr, leftIds: ReadonlySet<number>, rightIds: ReadonlySet<number>): Side {
  const inLeft = usedAmong(p, leftIds).length > 0;
  const inRight = usedAmong(p, rightIds).length > 0;
  if (inLeft === inRight) return 'keep'; // both sides, or constants
  switch (join.joinType) {
    case 'inner':
    case 'semi':
      return inLeft ? 'left' : 'right';
    case 'left':
    case 'anti':
      return inRight ? 'right' : 'keep';
    case 'right':
      return inLeft ? 'left' : 'keep';
    default:
      return 'keep';
  }
}

function pushJoinCondition(join: JoinNode): Plan {
  if (!join.condition || join.nullAware) return join;
  const leftIds = outputIds(join.left);
  const rightIds = outputIds(join.right);
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const kept: Expr[] = [];
  for (const p of conjuncts(join.condition)) {
    const side = isDeterministic(p) ? conditionSide(join, p, leftIds, rightIds) : 'keep';
    (side === 'left' ? toLeft : side === 'right' ? toRight : kept).push(p);
  }
  if (toLeft.length + toRight.length === 0) return join;
  const left = pushedFilter(join.left, toLeft);
  const right = pushedFilter(join.right, toRight);
  if (kept.length === 0 && join.joinType === 'inner') return { ...join, joinType: 'cross', condition: null, left, right, est: undefined };
  return { ...join, condition: andAll(kept) ?? TRUE, left, right, est: undefined };
}
