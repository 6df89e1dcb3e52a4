/**
 * Small expression utilities the binder needs beyond compiler/ir/walk.ts:
 * a structural key (to match GROUP BY keys, deduplicate aggregates and find
 * ORDER BY expressions in the select list), a one-level child map for
 * top-down rewrites, and the outer columns a subquery plan refers to.
 */
import type { Expr, Plan } from '../ir/plan.ts';
import { forEachExpr, forEachNode, nodeExprs, outputColumns } from '../ir/walk.ts';

/**
 * A canonical text for an expression: equal for structurally equal
 * expressions whatever order their object keys were built in. Columns are
 * keyed by id only (their names are for people).
 */
const keyCache = new WeakMap<object, string>();

export function exprKey(e: unknown): string {
  // expressions are immutable: the key of an object never changes
  if (typeof e === 'object' && e !== null) {
    const hit = keyCache.get(e);
    if (hit !== undefined) return hit;
    const key = computeKey(e);
    keyCache.set(e, key);
    return key;
  }
  return computeKey(e);
}

function computeKey(e: unknown): string {
  return JSON.stringify(e, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const obj = value as Record<string, unknown>;
    if (obj.kind === 'column' && typeof obj.id === 'number') return `#${obj.id}`;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(obj).toSorted()) sorted[k] = obj[k];
    return sorted;
  });
}

/** Rebuild `e` with `fn` applied to each direct child expression (not into subquery plans). */
export function mapExprChildren(e: Expr, fn: (x: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'column':
    case 'literal':
      return e;
    case 'compare':
    case 'arith':
      return { ...e, left: fn(e.left), right: fn(e.right) } as Expr;
    case 'and':
    case 'or':
      return { ...e, args: e.args.map(fn) };
    case 'not':
    case 'isNull':
    case 'cast':
      return { ...e, arg: fn(e.arg) } as Expr;
    case 'func':
      return { ...e, args: e.args.map(fn) };
    case 'like':
      return { ...e, arg: fn(e.arg), pattern: fn(e.pattern) };
    case 'inList':
      return { ...e, arg: fn(e.arg), list: e.list.map(fn) };
    case 'between':
      return { ...e, arg: fn(e.arg), low: fn(e.low), high: fn(e.high) };
    case 'case':
      return {
        ...e,
        operand: e.operand ? fn(e.operand) : null,
        // oxlint-disable-next-line unicorn/no-thenable -- `then` is the IR's name for a CASE result
        whens: e.whens.map((w) => ({ when: fn(w.when), then: fn(w.then) })),
        else: e.else ? fn(e.else) : null,
      };
    case 'subquery':
      return e.arg ? { ...e, arg: fn(e.arg) } : e;
  }
}

/**
 * The ids of columns `plan` refers to but does not define — its outer
 * references — including those of subqueries nested in it, ascending.
 * Exact because column ids are unique across the whole plan.
 */
export function outerReferences(plan: Plan): number[] {
  const defined = new Set<number>();
  const used = new Set<number>();
  forEachNode(plan, (node) => {
    for (const c of outputColumns(node)) defined.add(c.id);
    for (const e of nodeExprs(node)) {
      forEachExpr(e, (x) => {
        if (x.kind === 'column') used.add(x.id);
      });
    }
  });
  return [...used].filter((id) => !defined.has(id)).toSorted((a, b) => a - b);
}
