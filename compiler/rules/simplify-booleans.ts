/**
 * simplify-booleans: normalise predicates with rewrites that hold in SQL's
 * three-valued logic.
 *
 * - `x AND TRUE` → x, `x AND FALSE` → FALSE, OR dually; nested ANDs/ORs
 *   flattened; duplicate (deterministic) conjuncts and disjuncts removed.
 * - `NOT NOT x` → x; NOT pushed into comparisons (`NOT a < b` → `a >= b`),
 *   IS [NOT] NULL, [NOT] LIKE, [NOT] IN, [NOT] BETWEEN, [NOT] EXISTS; De
 *   Morgan when every negated term absorbs its NOT.
 * - Common conjuncts factored out of an OR:
 *   `(a AND b) OR (a AND c)` → `a AND (b OR c)`; `a OR (a AND b)` → a.
 *   (TPC-H Q19: this exposes the join predicate `p_partkey = l_partkey`.)
 * - `Filter(TRUE)` removed; an inner join `ON TRUE` becomes a cross join;
 *   `FILTER (WHERE TRUE)` dropped from aggregates. A Filter that is FALSE or
 *   NULL stays (it returns no rows).
 *
 * @example
 * ```sql
 * SELECT l_orderkey FROM lineitem, part
 * WHERE (p_partkey = l_partkey AND p_brand = 'Brand#12' AND l_quantity <= 11)
 *    OR (p_partkey = l_partkey AND p_brand = 'Brand#23' AND l_quantity >= 10)
 * ```
 * becomes
 * ```plan
 * Project(exprs=[l_orderkey])
 *   Filter(condition=[(p_partkey = l_partkey) AND (((p_brand = 'Brand#12') AND (l_quantity <= 11)) OR ((p_brand = 'Brand#23') AND (l_quantity >= 10)))])
 *     Join(type=[cross])
 *       Scan(table=[lineitem])
 *       Scan(table=[part])
 * ```
 */
import type { CompareOp, Expr, Plan } from '../ir/plan.ts';
import { mapNodeExprs, sameArray, transformExpr } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { exprEqual, isDeterministic } from './util/expr-equal.ts';
import { FALSE, TRUE, isBooleanLiteral } from './util/literals.ts';
import { rewritePlanDeep } from './util/rewrite.ts';

export const simplifyBooleans: Rule = {
  id: 'simplify-booleans',
  description: 'Simplifies predicates in three-valued logic (TRUE/FALSE absorption, NOT push-down, duplicates, common factors of ORs) and drops Filter(TRUE).',
  apply: (plan) => rewritePlanDeep(plan, simplifyNode),
};

function simplifyNode(node: Plan): Plan {
  const n = mapNodeExprs(node, (e) => transformExpr(e, simplifyExpr));
  switch (n.kind) {
    case 'filter':
      return isBooleanLiteral(n.predicate, true) ? n.input : n;
    case 'join':
      if (n.joinType === 'inner' && n.condition && isBooleanLiteral(n.condition, true)) {
        return { ...n, joinType: 'cross', condition: null, est: undefined };
      }
      return n;
    case 'aggregate': {
      const aggregates = sameArray(
        n.aggregates,
        n.aggregates.map((a) => (a.filter && isBooleanLiteral(a.filter, true) ? { ...a, filter: null } : a)),
      );
      return aggregates === n.aggregates ? n : { ...n, aggregates, est: undefined };
    }
    default:
      return n;
  }
}

/** Simplify one expression whose children are already simplified; `e` itself when nothing applies. */
export function simplifyExpr(e: Expr): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return simplifyLogic(e);
    case 'not':
      return negate(e.arg) ?? e;
    default:
      return e;
  }
}

const NEGATED_COMPARE: Readonly<Record<CompareOp, CompareOp>> = {
  '=': '<>',
  '<>': '=',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
};

/**
 * NOT e without a NOT node, when e can absorb it (all equivalences hold for
 * NULL inputs too: both sides are NULL); null when it cannot.
 */
function negate(e: Expr): Expr | null {
  switch (e.kind) {
    case 'literal':
      if (typeof e.value === 'boolean') return e.value ? FALSE : TRUE;
      return null;
    case 'not':
      return e.arg;
    case 'compare':
      return { ...e, op: NEGATED_COMPARE[e.op] };
    case 'isNull':
    case 'like':
    case 'inList':
    case 'between':
      return { ...e, negated: !e.negated };
    case 'subquery':
      return e.mode === 'scalar' ? null : { ...e, negated: !e.negated };
    case 'and':
    case 'or': {
      // De Morgan, only when every term absorbs its NOT (no new NOT nodes)
      const args: Expr[] = [];
      for (const a of e.args) {
        const n = negate(a);
        if (!n || (n.kind === 'not')) return null;
        args.push(n);
      }
      return simplifyLogic({ kind: e.kind === 'and' ? 'or' : 'and', args });
    }
    default:
      return null;
  }
}

function simplifyLogic(e: Extract<Expr, { kind: 'and' | 'or' }>): Expr {
  const isAnd = e.kind === 'and';
  const identity = isAnd ? TRUE : FALSE; // x AND TRUE = x, x OR FALSE = x
  const dominant = isAnd ? FALSE : TRUE; // x AND FALSE = FALSE, x OR TRUE = TRUE
  let changed = false;
  const args: Expr[] = [];
  const flat = e.args.flatMap((a) => {
    if (a.kind === e.kind) {
      changed = true;
      return a.args;
    }
    return [a];
  });
  for (const a of flat) {
    if (isBooleanLiteral(a, dominant.value as boolean)) return dominant;
    if (isBooleanLiteral(a, identity.value as boolean)) {
      changed = true;
      continue;
    }
    if (isDeterministic(a) && args.some((b) => exprEqual(a, b))) {
      changed = true;
      continue;
    }
    args.push(a);
  }
  if (args.length === 0) return identity;
  if (args.length === 1) return args[0]!;
  if (!isAnd) {
    const factored = factorCommonConjuncts(args);
    if (factored) return factored;
  }
  return changed ? { kind: e.kind, args } : e;
}

/**
 * `(a AND b) OR (a AND c)` → `a AND (b OR c)`, and `a OR (a AND b)` → a
 * (distributivity and absorption hold in Kleene logic). Only deterministic
 * conjuncts are factored. Null when no conjunct is common to every term.
 */
function factorCommonConjuncts(disjuncts: readonly Expr[]): Expr | null {
  const terms = disjuncts.map((d) => (d.kind === 'and' ? d.args : [d]));
  const common = terms[0]!.filter(
    (c) => isDeterministic(c) && terms.every((t) => t.some((x) => exprEqual(x, c))),
  );
  if (common.length === 0) return null;
  const rests = terms.map((t) => t.filter((x) => !common.some((c) => exprEqual(x, c))));
  if (rests.some((r) => r.length === 0)) return common.length === 1 ? common[0]! : { kind: 'and', args: common };
  const rest = rests.map((r) => (r.length === 1 ? r[0]! : ({ kind: 'and', args: r } as Expr)));
  const or = simplifyLogic({ kind: 'or', args: rest });
  return simplifyLogic({ kind: 'and', args: [...common, or] });
}
