/**
 * Join nodes back to SQL: `FROM (left) AS tA <TYPE> JOIN (right) AS tB ON ...`,
 * an explicit tree DuckDB keeps (settings.ts), with three exceptions where
 * DuckDB needs another spelling of the same join:
 * - a null-aware anti join (from NOT IN) gets NOT IN semantics;
 * - inside a correlated subquery, DuckDB 1.5 cannot decorrelate an explicit
 *   SEMI / ANTI / FULL join whose inputs refer to the outer query ("Unsupported
 *   join type for flattening correlated subquery"): semi and anti joins are
 *   spelt `WHERE [NOT] EXISTS (...)`, a full join as a left join plus the
 *   unmatched right rows.
 */
import { FlightdeckError } from '../errors.ts';
import type { ColumnDef, Expr, JoinNode, Plan } from '../ir/plan.ts';
import { conjuncts, exprColumnIds, outputColumns, outputIds } from '../ir/walk.ts';

export interface JoinLowering {
  /** a fresh table alias `t<k>` */
  alias(): string;
  /** `(<sql of plan>) AS t<k>`, with its alias */
  derived(plan: Plan): { readonly from: string; readonly alias: string };
  /** an expression whose columns come from `visible` (or an enclosing query), checked */
  expr(e: Expr, visible: ReadonlySet<number>, where: string): string;
  /** the select list `c<id>, ...` of these columns */
  select(cols: readonly ColumnDef[]): string;
  /** true if `id` is a column of an enclosing query (a correlated reference) */
  isOuter(id: number): boolean;
  /** true if the subtree refers to a column of an enclosing query */
  refersToOuter(plan: Plan): boolean;
}

const JOIN_SQL: Record<JoinNode['joinType'], string> = {
  inner: 'INNER JOIN',
  left: 'LEFT JOIN',
  right: 'RIGHT JOIN',
  full: 'FULL OUTER JOIN',
  cross: 'CROSS JOIN',
  semi: 'SEMI JOIN',
  anti: 'ANTI JOIN',
};

export function lowerJoin(plan: JoinNode, cx: JoinLowering): string {
  const correlated = cx.refersToOuter(plan.left) || cx.refersToOuter(plan.right);
  if (plan.joinType === 'anti' && plan.nullAware) return lowerNullAwareAnti(plan, cx, correlated);
  if (correlated && (plan.joinType === 'semi' || plan.joinType === 'anti')) return lowerAsExists(plan, cx);
  if (correlated && plan.joinType === 'full') return lowerFullAsUnion(plan, cx);
  const left = cx.derived(plan.left);
  const right = cx.derived(plan.right);
  const visible = new Set([...outputIds(plan.left), ...outputIds(plan.right)]);
  const out = cx.select(outputColumns(plan));
  const on = plan.condition ? cx.expr(plan.condition, visible, `${plan.joinType} join condition`) : null;
  if (on === null) {
    if (plan.joinType === 'cross' || plan.joinType === 'inner') return `SELECT ${out} FROM ${left.from} CROSS JOIN ${right.from}`;
    return `SELECT ${out} FROM ${left.from} ${JOIN_SQL[plan.joinType]} ${right.from} ON TRUE`;
  }
  const type = plan.joinType === 'cross' ? 'INNER JOIN' : JOIN_SQL[plan.joinType];
  return `SELECT ${out} FROM ${left.from} ${type} ${right.from} ON ${on}`;
}

/** `SELECT left FROM (L) WHERE [NOT] EXISTS (SELECT 1 FROM (R) WHERE cond)`: the same rows as a semi / anti join. */
function lowerAsExists(plan: JoinNode, cx: JoinLowering): string {
  const left = cx.derived(plan.left);
  const right = cx.derived(plan.right);
  const visible = new Set([...outputIds(plan.left), ...outputIds(plan.right)]);
  const where = plan.condition ? ` WHERE ${cx.expr(plan.condition, visible, `${plan.joinType} join condition`)}` : '';
  const not = plan.joinType === 'anti' ? 'NOT ' : '';
  return `SELECT ${cx.select(outputColumns(plan))} FROM ${left.from} WHERE ${not}EXISTS (SELECT 1 FROM ${right.from}${where})`;
}

/** A full join as the left join plus the right rows no left row matches. */
function lowerFullAsUnion(plan: JoinNode, cx: JoinLowering): string {
  const visible = new Set([...outputIds(plan.left), ...outputIds(plan.right)]);
  const cond = () => (plan.condition ? cx.expr(plan.condition, visible, 'full join condition') : 'TRUE');
  const lcols = outputColumns(plan.left);
  const rcols = outputColumns(plan.right);
  const l1 = cx.derived(plan.left);
  const r1 = cx.derived(plan.right);
  const leftJoin = `SELECT ${cx.select([...lcols, ...rcols])} FROM ${l1.from} LEFT JOIN ${r1.from} ON ${cond()}`;
  const r2 = cx.derived(plan.right);
  const l2 = cx.derived(plan.left);
  const unmatched = [...lcols.map(() => 'NULL'), ...rcols.map((c) => `c${c.id}`)].join(', ') || 'NULL';
  const rightOnly = `SELECT ${unmatched} FROM ${r2.from} WHERE NOT EXISTS (SELECT 1 FROM ${l2.from} WHERE ${cond()})`;
  return `SELECT ${cx.select(outputColumns(plan))} FROM ((${leftJoin}) UNION ALL (${rightOnly})) AS ${cx.alias()}`;
}

/**
 * NOT IN semantics for an anti join made from `a NOT IN (SELECT b FROM R
 * WHERE rest)`. Convention (kept by the unnesting rule): the condition's
 * first conjunct is the NOT IN comparison `a = b` (either side may be the
 * left input's); the remaining conjuncts are the subquery's correlation
 * predicates. A left row survives iff no right row satisfying `rest` has
 * `a = b` TRUE or NULL (so a NULL `a` survives only an empty right side):
 * - no correlation predicates (or inside a correlated subquery):
 *   `WHERE NOT (a IN (SELECT b FROM (R) WHERE rest))`, which DuckDB runs as
 *   a null-aware MARK join of left and right (the tree is kept);
 * - otherwise `ANTI JOIN ON rest AND (a = b OR a IS NULL OR b IS NULL)`,
 *   an explicit join of our two inputs.
 */
function lowerNullAwareAnti(plan: JoinNode, cx: JoinLowering, correlated: boolean): string {
  const [first, ...rest] = conjuncts(plan.condition);
  const leftIds = outputIds(plan.left);
  const rightIds = outputIds(plan.right);
  const within = (e: Expr, ids: ReadonlySet<number>) => [...exprColumnIds(e)].every((id) => ids.has(id) || cx.isOuter(id));
  if (!first || first.kind !== 'compare' || first.op !== '=') {
    throw new FlightdeckError('lower-error', 'a null-aware anti join needs the NOT IN comparison `a = b` as the first conjunct of its condition');
  }
  let a: Expr, b: Expr;
  if (within(first.left, leftIds) && within(first.right, rightIds)) [a, b] = [first.left, first.right];
  else if (within(first.right, leftIds) && within(first.left, rightIds)) [a, b] = [first.right, first.left];
  else throw new FlightdeckError('lower-error', 'the NOT IN comparison of a null-aware anti join must compare a left-input expression with a right-input expression');
  const out = cx.select(outputColumns(plan));
  const left = cx.derived(plan.left);
  const right = cx.derived(plan.right);
  const visible = new Set([...leftIds, ...rightIds]);
  if (rest.length === 0 || correlated) {
    const aText = cx.expr(a, leftIds, 'null-aware anti join');
    const bText = cx.expr(b, rightIds, 'null-aware anti join');
    const where = rest.length ? ` WHERE ${cx.expr({ kind: 'and', args: rest }, visible, 'null-aware anti join condition')}` : '';
    return `SELECT ${out} FROM ${left.from} WHERE NOT (${aText} IN (SELECT ${bText} FROM ${right.from}${where}))`;
  }
  const comparison: Expr = {
    kind: 'or',
    args: [first, { kind: 'isNull', arg: a, negated: false }, { kind: 'isNull', arg: b, negated: false }],
  };
  const on = cx.expr({ kind: 'and', args: [...rest, comparison] }, visible, 'null-aware anti join condition');
  return `SELECT ${out} FROM ${left.from} ANTI JOIN ${right.from} ON ${on}`;
}
