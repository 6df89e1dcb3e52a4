/**
 * Generic traversal of expressions: children, visits, identity-preserving
 * rewrites, the columns they read, their type, and AND-lists. Plan
 * traversal is in walk.ts (which re-exports this file).
 */
import type { Expr } from './plan.ts';
import type { TypeName } from './types.ts';

export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'column':
    case 'literal':
      return [];
    case 'compare':
    case 'arith':
      return [e.left, e.right];
    case 'and':
    case 'or':
      return e.args;
    case 'not':
    case 'isNull':
    case 'cast':
      return [e.arg];
    case 'func':
      return e.args;
    case 'like':
      return [e.arg, e.pattern];
    case 'inList':
      return [e.arg, ...e.list];
    case 'between':
      return [e.arg, e.low, e.high];
    case 'case': {
      const out: Expr[] = [];
      if (e.operand) out.push(e.operand);
      for (const w of e.whens) out.push(w.when, w.then);
      if (e.else) out.push(e.else);
      return out;
    }
    case 'subquery':
      return e.arg ? [e.arg] : [];
  }
}

/** Pre-order visit of an expression tree (does not enter subquery plans). */
export function forEachExpr(e: Expr, fn: (x: Expr) => void): void {
  fn(e);
  for (const c of exprChildren(e)) forEachExpr(c, fn);
}

/** Bottom-up expression rewrite; identity preserved when nothing changes. Does not enter subquery plans. */
export function transformExpr(e: Expr, fn: (x: Expr) => Expr): Expr {
  let next: Expr = e;
  switch (e.kind) {
    case 'column':
    case 'literal':
      break;
    case 'compare':
    case 'arith': {
      const l = transformExpr(e.left, fn);
      const r = transformExpr(e.right, fn);
      if (l !== e.left || r !== e.right) next = { ...e, left: l, right: r } as Expr;
      break;
    }
    case 'and':
    case 'or':
    case 'func': {
      const args = transformList(e.args, fn);
      if (args !== e.args) next = { ...e, args } as Expr;
      break;
    }
    case 'not':
    case 'isNull':
    case 'cast': {
      const a = transformExpr(e.arg, fn);
      if (a !== e.arg) next = { ...e, arg: a } as Expr;
      break;
    }
    case 'like': {
      const a = transformExpr(e.arg, fn);
      const p = transformExpr(e.pattern, fn);
      if (a !== e.arg || p !== e.pattern) next = { ...e, arg: a, pattern: p };
      break;
    }
    case 'inList': {
      const a = transformExpr(e.arg, fn);
      const list = transformList(e.list, fn);
      if (a !== e.arg || list !== e.list) next = { ...e, arg: a, list };
      break;
    }
    case 'between': {
      const a = transformExpr(e.arg, fn);
      const lo = transformExpr(e.low, fn);
      const hi = transformExpr(e.high, fn);
      if (a !== e.arg || lo !== e.low || hi !== e.high) next = { ...e, arg: a, low: lo, high: hi };
      break;
    }
    case 'case': {
      const operand = e.operand ? transformExpr(e.operand, fn) : null;
      let whens: { when: Expr; then: Expr }[] | null = null;
      for (let i = 0; i < e.whens.length; i++) {
        const w = e.whens[i]!;
        const wh = transformExpr(w.when, fn);
        const th = transformExpr(w.then, fn);
        if (wh !== w.when || th !== w.then) {
          whens ??= e.whens.slice();
          whens[i] = { when: wh, then: th };
        }
      }
      const els = e.else ? transformExpr(e.else, fn) : null;
      if (operand !== e.operand || whens || els !== e.else) next = { ...e, operand, whens: whens ?? e.whens, else: els };
      break;
    }
    case 'subquery': {
      const a = e.arg ? transformExpr(e.arg, fn) : null;
      if (a !== e.arg) next = { ...e, arg: a };
      break;
    }
  }
  return fn(next);
}

function transformList(xs: readonly Expr[], fn: (x: Expr) => Expr): readonly Expr[] {
  let out: Expr[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const x = transformExpr(xs[i]!, fn);
    if (x !== xs[i]) {
      out ??= xs.slice();
      out[i] = x;
    }
  }
  return out ?? xs;
}

/** Column ids an expression refers to (not counting ids inside subquery plans, but counting their correlations). */
export function exprColumnIds(e: Expr, into: Set<number> = new Set()): Set<number> {
  forEachExpr(e, (x) => {
    if (x.kind === 'column') into.add(x.id);
    else if (x.kind === 'subquery') for (const id of x.correlated) into.add(id);
  });
  return into;
}

/** The type an expression evaluates to. */
export function exprType(e: Expr): TypeName {
  switch (e.kind) {
    case 'column':
    case 'literal':
    case 'arith':
    case 'func':
    case 'case':
    case 'cast':
    case 'subquery':
      return e.kind === 'subquery' && e.mode !== 'scalar' ? 'boolean' : e.type;
    default:
      return 'boolean';
  }
}

/** Split a predicate into its AND-ed conjuncts. */
export function conjuncts(e: Expr | null): Expr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap((a) => conjuncts(a));
  if (e.kind === 'literal' && e.value === true) return [];
  return [e];
}

/** AND the given predicates together; null when there are none. */
export function andAll(es: readonly Expr[]): Expr | null {
  if (es.length === 0) return null;
  if (es.length === 1) return es[0]!;
  return { kind: 'and', args: es.flatMap((x) => (x.kind === 'and' ? x.args : [x])) };
}

/** True if the expression contains a subquery expression anywhere. */
export function hasSubquery(e: Expr): boolean {
  let found = false;
  forEachExpr(e, (x) => {
    if (x.kind === 'subquery') found = true;
  });
  return found;
}
