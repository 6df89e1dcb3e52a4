/**
 * fold-constants: evaluate constant subexpressions once, at compile time.
 *
 * Exact integer and decimal arithmetic (scaled bigints, DuckDB's result
 * scales; integer overflow and `/` are left to DuckDB), comparisons of
 * literals, date ± interval of days/weeks/months/years (to a literal of the
 * type the binder gave the operation: DuckDB's `DATE - INTERVAL` is a
 * TIMESTAMP), exact CASTs of literals, `||` of string literals, NULL
 * propagation through strict operators, CASE with constant conditions and
 * COALESCE with a leading literal. Volatile functions (random(), now(),
 * current_date...) are never evaluated.
 *
 * @example
 * ```sql
 * SELECT l_returnflag FROM lineitem
 * WHERE l_shipdate <= date '1998-12-01' - interval '90 day'
 *   AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01
 * ```
 * becomes
 * ```plan
 * Project(exprs=[l_returnflag])
 *   Filter(condition=[(l_shipdate <= TIMESTAMP '1998-09-02 00:00:00') AND (l_discount BETWEEN 0.05 AND 0.07)])
 *     Scan(table=[lineitem])
 * ```
 */
import type { Expr, Literal } from '../ir/plan.ts';
import { exprType, hasSubquery } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { isStrictFunction } from './util/null-rejection.ts';
import { rewriteExprsDeep } from './util/rewrite.ts';
import {
  compareLiterals,
  evaluateArith,
  evaluateCast,
  evaluateLike,
  evaluateNegate,
  isNullConstant,
  literal,
  nullPropagates,
} from './util/literals.ts';

export const foldConstants: Rule = {
  id: 'fold-constants',
  description: 'Evaluates constant subexpressions (exact arithmetic, dates, casts, comparisons, CASE, COALESCE) at compile time.',
  apply: (plan) => rewriteExprsDeep(plan, foldExpr),
};

/** Fold one expression whose children are already folded; returns `e` itself when nothing folds. */
export function foldExpr(e: Expr): Expr {
  switch (e.kind) {
    case 'arith': {
      if (nullPropagates([e.left, e.right])) return literal(null, e.type);
      if (e.left.kind !== 'literal' || e.right.kind !== 'literal') return e;
      return evaluateArith(e.op, e.left, e.right, e.type) ?? e;
    }
    case 'compare': {
      if (nullPropagates([e.left, e.right])) return literal(null, 'boolean');
      if (e.left.kind !== 'literal' || e.right.kind !== 'literal') return e;
      const c = compareLiterals(e.left, e.right);
      return c === null ? e : literal(compareResult(e.op, c), 'boolean');
    }
    case 'not': {
      const v = booleanValue(e.arg);
      return v === undefined ? e : literal(v === null ? null : !v, 'boolean');
    }
    case 'and':
    case 'or':
      return foldLogic(e);
    case 'isNull': {
      if (isNullConstant(e.arg)) return literal(!e.negated, 'boolean');
      if (e.arg.kind === 'literal') return literal(e.negated, 'boolean');
      return e;
    }
    case 'like': {
      if (nullPropagates([e.arg, e.pattern])) return literal(null, 'boolean');
      if (e.arg.kind !== 'literal' || e.pattern.kind !== 'literal') return e;
      const m = evaluateLike(e.arg, e.pattern, e.caseInsensitive);
      return m === null ? e : literal(m !== e.negated, 'boolean');
    }
    case 'inList':
      return foldInList(e);
    case 'between':
      return foldBetween(e);
    case 'case':
      return foldCase(e);
    case 'cast': {
      if (e.arg.kind !== 'literal' || e.arg.value === null) return e;
      return evaluateCast(e.arg, e.type, e.typeText) ?? e;
    }
    case 'func':
      return foldFunction(e);
    default:
      return e;
  }
}

function compareResult(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** true / false / null for a boolean (or NULL) literal; undefined for anything else. */
function booleanValue(e: Expr): boolean | null | undefined {
  if (e.kind !== 'literal') return undefined;
  if (typeof e.value === 'boolean') return e.value;
  return e.value === null ? null : undefined;
}

/** AND / OR whose arguments are all literals, in Kleene's three-valued logic. */
function foldLogic(e: Extract<Expr, { kind: 'and' | 'or' }>): Expr {
  const values = e.args.map(booleanValue);
  if (values.some((v) => v === undefined)) return e;
  const dominant = e.kind !== 'and';
  if (values.includes(dominant)) return literal(dominant, 'boolean');
  if (values.includes(null)) return literal(null, 'boolean');
  return literal(!dominant, 'boolean');
}

/** Kleene AND of two truth values. */
function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function foldInList(e: Extract<Expr, { kind: 'inList' }>): Expr {
  if (isNullConstant(e.arg) && nullPropagates([e.arg, ...e.list])) return literal(null, 'boolean');
  if (e.arg.kind !== 'literal' || e.arg.value === null) return e;
  let found = false;
  let sawNull = false;
  for (const item of e.list) {
    if (isNullConstant(item)) {
      sawNull = true;
      continue;
    }
    if (item.kind !== 'literal') return e;
    const c = compareLiterals(e.arg, item);
    if (c === null) return e;
    if (c === 0) found = true;
  }
  if (found) return literal(!e.negated, 'boolean');
  return literal(sawNull ? null : e.negated, 'boolean');
}

function foldBetween(e: Extract<Expr, { kind: 'between' }>): Expr {
  if (isNullConstant(e.arg) && nullPropagates([e.arg, e.low, e.high])) return literal(null, 'boolean');
  if (e.arg.kind !== 'literal' || e.low.kind !== 'literal' || e.high.kind !== 'literal') return e;
  const side = (bound: Literal, ok: (c: number) => boolean): boolean | null | undefined => {
    if (bound.value === null) return null;
    const c = compareLiterals(e.arg as Literal, bound);
    return c === null ? undefined : ok(c);
  };
  const lo = side(e.low, (c) => c >= 0);
  const hi = side(e.high, (c) => c <= 0);
  if (lo === undefined || hi === undefined) return e;
  const v = and3(lo, hi);
  return literal(v === null ? null : v !== e.negated, 'boolean');
}

/**
 * CASE: drop WHEN branches that can never be taken, stop at one that is
 * always taken. The result replaces the CASE only when its type is the
 * CASE's own (a NULL literal is retyped), so the folded query returns the
 * same type.
 */
function foldCase(e: Extract<Expr, { kind: 'case' }>): Expr {
  // dropping every branch would also drop the operand's evaluation (and any error a subquery raises)
  if (e.operand && hasSubquery(e.operand)) return e;
  const whens: { when: Expr; then: Expr }[] = [];
  let elseExpr: Expr | null = e.else;
  let changed = false;
  for (const w of e.whens) {
    const taken = branchTaken(e.operand, w.when);
    if (taken === false) {
      changed = true;
      continue;
    }
    if (taken === true) {
      elseExpr = w.then;
      changed = true;
      break;
    }
    whens.push(w);
  }
  if (!changed) return e;
  if (whens.length > 0) return { ...e, whens, else: elseExpr };
  return retype(elseExpr ?? literal(null, e.type), e.type) ?? e;
}

/** true: this branch is always taken (when reached); false: never; null: unknown. */
function branchTaken(operand: Expr | null, when: Expr): boolean | null {
  if (operand === null) {
    const v = booleanValue(when);
    if (v === undefined) return null;
    return v === true;
  }
  if (isNullConstant(when)) return false; // operand = NULL is never TRUE
  if (operand.kind !== 'literal' || when.kind !== 'literal') return null;
  if (operand.value === null) return false;
  const c = compareLiterals(operand, when);
  return c === null ? null : c === 0;
}

/** `x` if it already has `type`; a NULL literal retyped; null when the types differ. */
function retype(x: Expr, type: Literal['type']): Expr | null {
  if (x.kind === 'literal' && x.value === null) return literal(null, type);
  return exprType(x) === type ? x : null;
}

function foldFunction(e: Extract<Expr, { kind: 'func' }>): Expr {
  const name = e.name.toLowerCase();
  if (name === 'coalesce' || name === 'ifnull') {
    let first = 0;
    while (first < e.args.length && isNullConstant(e.args[first]!)) first++;
    if (first === e.args.length) return literal(null, e.type);
    const head = e.args[first]!;
    if (head.kind === 'literal' || first === e.args.length - 1) return retype(head, e.type) ?? (first ? { ...e, args: e.args.slice(first) } : e);
    return first ? { ...e, args: e.args.slice(first) } : e;
  }
  if (name === 'concat' && e.type === 'varchar' && e.args.length > 0) {
    if (e.args.every((a) => a.kind === 'literal' && a.type === 'varchar' && typeof a.value === 'string')) {
      return literal(e.args.map((a) => (a as Literal).value).join(''), 'varchar');
    }
    return e;
  }
  if (name === 'negate' && e.args.length === 1) {
    const a = e.args[0]!;
    if (isNullConstant(a)) return literal(null, e.type);
    return a.kind === 'literal' ? (evaluateNegate(a, e.type) ?? e) : e;
  }
  if (isStrictFunction(name) && e.type !== 'unknown' && nullPropagates(e.args)) return literal(null, e.type);
  return e;
}
