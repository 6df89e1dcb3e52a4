/**
 * Structural equality of expressions, and determinism: the two questions a
 * rule asks before it merges, drops or moves an expression.
 */
import type { Expr, Plan } from '../../ir/plan.ts';
import { forEachExpr, forEachNode, nodeExprs } from '../../ir/walk.ts';

/**
 * True when `a` and `b` are the same expression tree. Column references
 * compare by id; subquery expressions are equal only when they hold the
 * very same plan object.
 */
export function exprEqual(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'column':
      return b.kind === 'column' && a.id === b.id;
    case 'literal':
      return b.kind === 'literal' && a.value === b.value && a.type === b.type;
    case 'compare':
      return b.kind === 'compare' && a.op === b.op && exprEqual(a.left, b.left) && exprEqual(a.right, b.right);
    case 'arith':
      return b.kind === 'arith' && a.op === b.op && a.type === b.type && exprEqual(a.left, b.left) && exprEqual(a.right, b.right);
    case 'and':
    case 'or':
      return b.kind === a.kind && listEqual(a.args, b.args);
    case 'not':
      return b.kind === 'not' && exprEqual(a.arg, b.arg);
    case 'func':
      return b.kind === 'func' && a.name === b.name && a.type === b.type && listEqual(a.args, b.args);
    case 'isNull':
      return b.kind === 'isNull' && a.negated === b.negated && exprEqual(a.arg, b.arg);
    case 'like':
      return (
        b.kind === 'like' && a.negated === b.negated && a.caseInsensitive === b.caseInsensitive &&
        exprEqual(a.arg, b.arg) && exprEqual(a.pattern, b.pattern)
      );
    case 'inList':
      return b.kind === 'inList' && a.negated === b.negated && exprEqual(a.arg, b.arg) && listEqual(a.list, b.list);
    case 'between':
      return (
        b.kind === 'between' && a.negated === b.negated && exprEqual(a.arg, b.arg) &&
        exprEqual(a.low, b.low) && exprEqual(a.high, b.high)
      );
    case 'case':
      return (
        b.kind === 'case' && a.type === b.type && optEqual(a.operand, b.operand) && optEqual(a.else, b.else) &&
        a.whens.length === b.whens.length &&
        a.whens.every((w, i) => exprEqual(w.when, b.whens[i]!.when) && exprEqual(w.then, b.whens[i]!.then))
      );
    case 'cast':
      return b.kind === 'cast' && a.typeText === b.typeText && exprEqual(a.arg, b.arg);
    case 'subquery':
      return (
        b.kind === 'subquery' && a.mode === b.mode && a.negated === b.negated && a.plan === b.plan &&
        optEqual(a.arg, b.arg)
      );
  }
}

function listEqual(a: readonly Expr[], b: readonly Expr[]): boolean {
  return a.length === b.length && a.every((x, i) => exprEqual(x, b[i]!));
}

function optEqual(a: Expr | null, b: Expr | null): boolean {
  return a === null || b === null ? a === b : exprEqual(a, b);
}

/**
 * Functions whose value may differ between two calls with the same
 * arguments, or between the original and the rewritten query: never
 * folded, merged, duplicated or moved.
 */
const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'random', 'rand', 'setseed', 'uuid', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'nextval', 'currval',
  'now', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'today',
  'get_current_time', 'get_current_timestamp', 'transaction_timestamp', 'statement_timestamp', 'clock_timestamp',
]);

export function isVolatileFunction(name: string): boolean {
  return VOLATILE_FUNCTIONS.has(name.toLowerCase());
}

/** True when the expression (and any subquery plan inside it) calls no volatile function. */
export function isDeterministic(e: Expr): boolean {
  let ok = true;
  forEachExpr(e, (x) => {
    if (!ok) return;
    if (x.kind === 'func' && isVolatileFunction(x.name)) ok = false;
    else if (x.kind === 'subquery' && !isPlanDeterministic(x.plan)) ok = false;
  });
  return ok;
}

/** True when no expression anywhere in the plan calls a volatile function. */
export function isPlanDeterministic(plan: Plan): boolean {
  let ok = true;
  forEachNode(plan, (node) => {
    if (!ok) return;
    for (const e of nodeExprs(node)) {
      forEachExpr(e, (x) => {
        if (x.kind === 'func' && isVolatileFunction(x.name)) ok = false;
      });
    }
    if (node.kind === 'aggregate' && node.aggregates.some((a) => isVolatileFunction(a.fn))) ok = false;
    if (node.kind === 'window' && node.functions.some((w) => isVolatileFunction(w.fn))) ok = false;
  });
  return ok;
}
