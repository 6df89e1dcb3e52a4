/**
 * The join that replaces a scalar aggregate subquery (see
 * decorrelate-scalar-aggregates.ts for the rule and its semantics).
 */
import type { AggregateCall, Expr, JoinType, NamedExpr, Plan, SubqueryExpr } from '../../ir/plan.ts';
import { isNumeric } from '../../ir/types.ts';
import { andAll, exprColumnIds, exprType, hasSubquery, outputColumns, outputIds, transformExpr } from '../../ir/walk.ts';
import type { RuleContext } from '../rule.ts';
import { columnRefTo, freeColumnIds, refersOnlyTo } from './free-columns.ts';
import { pullCorrelatedPredicates } from './pull-correlated.ts';

export interface ScalarJoin {
  /** `cross` for an uncorrelated subquery (one row), `left` for a decorrelated one */
  readonly joinType: Extract<JoinType, 'left' | 'cross'>;
  readonly right: Plan;
  readonly condition: Expr | null;
  /** what the subquery expression becomes, over the join's output */
  readonly replacement: Expr;
}

/**
 * What each aggregate function returns over no rows: `zero` for the
 * counts, `null` for the others listed. Functions not listed are not
 * decorrelated (their empty-input value is not known here).
 */
const EMPTY_VALUE: Readonly<Record<string, 'zero' | 'null'>> = {
  count: 'zero',
  count_star: 'zero',
  sum: 'null',
  avg: 'null',
  min: 'null',
  max: 'null',
  stddev: 'null',
  stddev_samp: 'null',
  stddev_pop: 'null',
  variance: 'null',
  var_samp: 'null',
  var_pop: 'null',
  bool_and: 'null',
  bool_or: 'null',
  any_value: 'null',
  median: 'null',
};

/** Scalar functions that return NULL when any argument is NULL. */
const STRICT_FUNCTIONS: ReadonlySet<string> = new Set([
  'negate', 'abs', 'round', 'floor', 'ceil', 'ceiling', 'trunc', 'sign', 'sqrt', 'ln', 'log', 'log10', 'exp', 'power', 'pow',
  'upper', 'lower', 'length', 'substring',
]);

/**
 * The join replacing `sub` when it is a scalar aggregate subquery whose
 * outer references are all in `outerIds` and of the supported form; null
 * otherwise (the subquery stays as it is).
 */
export function planScalarJoin(sub: SubqueryExpr, outerIds: ReadonlySet<number>, ctx: RuleContext): ScalarJoin | null {
  if (sub.mode !== 'scalar') return null;
  const columns = outputColumns(sub.plan);
  if (columns.length !== 1) return null;
  const free = freeColumnIds(sub.plan);
  if (free.size === 0) {
    if (!yieldsExactlyOneRow(sub.plan)) return null;
    return { joinType: 'cross', right: sub.plan, condition: null, replacement: columnRefTo(columns[0]!) };
  }
  for (const id of free) if (!outerIds.has(id)) return null;
  return decorrelate(sub.plan, outerIds, ctx);
}

/** A global aggregate (no GROUP BY), possibly under projections: always exactly one row. */
function yieldsExactlyOneRow(plan: Plan): boolean {
  let p = plan;
  while (p.kind === 'project') p = p.input;
  return p.kind === 'aggregate' && p.groupBy.length === 0;
}

interface KeyPair {
  readonly outer: Expr;
  readonly inner: Expr;
}

function decorrelate(plan: Plan, outerIds: ReadonlySet<number>, ctx: RuleContext): ScalarJoin | null {
  const top = plan.kind === 'project' ? plan : null;
  const agg = top ? top.input : plan;
  if (agg.kind !== 'aggregate' || agg.groupBy.length > 0) return null;
  const aggIds = new Set(agg.aggregates.map((a) => a.id));
  const inputIds = outputIds(agg.input);
  for (const a of agg.aggregates) {
    if (!EMPTY_VALUE[a.fn]) return null;
    if (!a.args.every((x) => refersOnlyTo(x, inputIds)) || (a.filter && !refersOnlyTo(a.filter, inputIds))) return null;
  }
  let value: Expr;
  if (top) {
    if (top.exprs.length !== 1) return null;
    value = top.exprs[0]!.expr;
    if (hasSubquery(value) || !refersOnlyTo(value, aggIds)) return null;
  } else {
    if (agg.aggregates.length !== 1) return null;
    value = columnRefTo(agg.aggregates[0]!);
  }

  const pulled = pullCorrelatedPredicates(agg.input, outerIds, { drop: new Set(), dropLeadingProjects: false, keep: [] });
  if (!pulled || pulled.pulled.length === 0) return null;
  const pairs: KeyPair[] = [];
  for (const p of pulled.pulled) {
    const pair = equalityPair(p, outerIds);
    if (!pair) return null;
    pairs.push(pair);
  }

  // group by the inner side of each correlation equality
  const keys: NamedExpr[] = [];
  const keyOf = new Map<number, NamedExpr>();
  const keyRefs: Expr[] = [];
  for (const { inner } of pairs) {
    let key = inner.kind === 'column' ? keyOf.get(inner.id) : undefined;
    if (!key) {
      key = inner.kind === 'column' ? { id: inner.id, name: inner.name, expr: inner } : { id: ctx.newId(), name: 'key', expr: inner };
      if (inner.kind === 'column') keyOf.set(inner.id, key);
      keys.push(key);
    }
    keyRefs.push({ kind: 'column', id: key.id, name: key.name, type: exprType(inner) });
  }
  const grouped: Plan = { kind: 'aggregate', input: pulled.plan, groupBy: keys, aggregates: agg.aggregates };
  const condition = andAll(pairs.map((p, i): Expr => ({ kind: 'compare', op: '=', left: p.outer, right: keyRefs[i]! })));

  const counts = new Map<number, AggregateCall>();
  for (const a of agg.aggregates) if (EMPTY_VALUE[a.fn] === 'zero') counts.set(a.id, a);
  const usesCount = [...exprColumnIds(value)].some((id) => counts.has(id));
  if (!usesCount && isStrict(value)) {
    // NULL over no rows, as a missing match of the left join gives
    if (!top) return { joinType: 'left', right: grouped, condition, replacement: value };
    const out = top.exprs[0]!;
    const keyColumns = keys.map((k): NamedExpr => ({ id: k.id, name: k.name, expr: { kind: 'column', id: k.id, name: k.name, type: exprType(k.expr) } }));
    const right: Plan = { kind: 'project', input: grouped, exprs: [...keyColumns, out] };
    return { joinType: 'left', right, condition, replacement: { kind: 'column', id: out.id, name: out.name, type: exprType(out.expr) } };
  }
  // computed above the join, a missing match reading as the counts' 0
  const replacement = transformExpr(value, (x) => {
    if (x.kind !== 'column' || !counts.has(x.id)) return x;
    return { kind: 'func', name: 'coalesce', args: [x, { kind: 'literal', value: '0', type: x.type }], type: x.type };
  });
  return { joinType: 'left', right: grouped, condition, replacement };
}

/** `outer = inner` (either way round) with each side over one scope only and comparable types; null otherwise. */
function equalityPair(p: Expr, outerIds: ReadonlySet<number>): KeyPair | null {
  if (p.kind !== 'compare' || p.op !== '=') return null;
  const side = (e: Expr): 'outer' | 'inner' | null => {
    const ids = [...exprColumnIds(e)];
    if (ids.length === 0) return null;
    if (ids.every((id) => outerIds.has(id))) return 'outer';
    if (ids.every((id) => !outerIds.has(id))) return 'inner';
    return null;
  };
  const l = side(p.left);
  const r = side(p.right);
  let pair: KeyPair;
  if (l === 'outer' && r === 'inner') pair = { outer: p.left, inner: p.right };
  else if (l === 'inner' && r === 'outer') pair = { outer: p.right, inner: p.left };
  else return null;
  const to = exprType(pair.outer);
  const ti = exprType(pair.inner);
  // grouping must not merge or split what `=` tells apart: same type family (or both numeric)
  if (to !== ti && !(isNumeric(to) && isNumeric(ti))) return null;
  return pair;
}

/** True when `e` is NULL whenever the aggregate columns it reads are NULL. */
function isStrict(e: Expr): boolean {
  switch (e.kind) {
    case 'column':
      return true;
    case 'literal':
      return e.value === null;
    case 'arith':
    case 'compare':
      return isStrict(e.left) || isStrict(e.right);
    case 'cast':
      return isStrict(e.arg);
    case 'func':
      return STRICT_FUNCTIONS.has(e.name) && e.args.some(isStrict);
    default:
      return false;
  }
}
