/**
 * Generic traversal of plans and expressions. Every helper here preserves
 * object identity when nothing changes, so rules built on them return their
 * input unchanged when they do nothing.
 */
import type { AggregateCall, ColumnDef, Expr, NamedExpr, Plan, SortKey, WindowCall } from './plan.ts';
import { exprType, forEachExpr } from './expr-walk.ts';

export * from './expr-walk.ts';

/** The columns a node outputs, in order. */
export function outputColumns(plan: Plan): readonly ColumnDef[] {
  switch (plan.kind) {
    case 'scan':
      return plan.columns;
    case 'filter':
    case 'sort':
    case 'limit':
    case 'topN':
    case 'distinct':
      return outputColumns(plan.input);
    case 'project':
      return plan.exprs.map(namedToDef);
    case 'join':
      if (plan.joinType === 'semi' || plan.joinType === 'anti') return outputColumns(plan.left);
      return [...outputColumns(plan.left), ...outputColumns(plan.right)];
    case 'aggregate':
      return [
        ...plan.groupBy.map(namedToDef),
        ...plan.aggregates.map((a) => ({ id: a.id, name: a.name, type: a.type })),
      ];
    case 'window':
      return [...outputColumns(plan.input), ...plan.functions.map((w) => ({ id: w.id, name: w.name, type: w.type }))];
    case 'setop':
    case 'values':
      return plan.columns;
  }
}

function namedToDef(n: NamedExpr): ColumnDef {
  return { id: n.id, name: n.name, type: exprType(n.expr) };
}

/** The set of column ids a node outputs. */
export function outputIds(plan: Plan): Set<number> {
  return new Set(outputColumns(plan).map((c) => c.id));
}

export function children(plan: Plan): readonly Plan[] {
  switch (plan.kind) {
    case 'scan':
    case 'values':
      return [];
    case 'join':
    case 'setop':
      return [plan.left, plan.right];
    default:
      return [plan.input];
  }
}

/** Rebuild `plan` with new children; returns `plan` itself if they are the same objects. */
export function withChildren(plan: Plan, kids: readonly Plan[]): Plan {
  const old = children(plan);
  if (old.length === kids.length && old.every((c, i) => c === kids[i])) return plan;
  switch (plan.kind) {
    case 'scan':
    case 'values':
      return plan;
    case 'join':
    case 'setop':
      return { ...plan, left: kids[0]!, right: kids[1]!, est: undefined };
    default:
      return { ...plan, input: kids[0]!, est: undefined } as Plan;
  }
}

/** Bottom-up plan rewrite (children first). Does not enter subquery expressions. */
export function transformUp(plan: Plan, fn: (node: Plan) => Plan): Plan {
  const kids = children(plan);
  const newKids = kids.map((k) => transformUp(k, fn));
  return fn(withChildren(plan, newKids));
}

/** Top-down plan rewrite: `fn` sees a node before its (rewritten) children. */
export function transformDown(plan: Plan, fn: (node: Plan) => Plan): Plan {
  const top = fn(plan);
  const kids = children(top);
  const newKids = kids.map((k) => transformDown(k, fn));
  return withChildren(top, newKids);
}

/** Visit every node, pre-order, including plans nested in subquery expressions. */
export function forEachNode(plan: Plan, fn: (node: Plan) => void): void {
  fn(plan);
  for (const e of nodeExprs(plan)) forEachExpr(e, (x) => {
    if (x.kind === 'subquery') forEachNode(x.plan, fn);
  });
  for (const k of children(plan)) forEachNode(k, fn);
}

/** The expressions a node holds directly (not its children's). */
export function nodeExprs(plan: Plan): Expr[] {
  switch (plan.kind) {
    case 'scan':
    case 'limit':
    case 'distinct':
    case 'setop':
      return [];
    case 'filter':
      return [plan.predicate];
    case 'project':
      return plan.exprs.map((e) => e.expr);
    case 'join':
      return plan.condition ? [plan.condition] : [];
    case 'aggregate':
      return [
        ...plan.groupBy.map((g) => g.expr),
        ...plan.aggregates.flatMap((a) => (a.filter ? [...a.args, a.filter] : [...a.args])),
      ];
    case 'window':
      return plan.functions.flatMap((w) => [...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr)]);
    case 'sort':
    case 'topN':
      return plan.keys.map((k) => k.expr);
    case 'values':
      return plan.rows.flatMap((r) => [...r]);
  }
}

function mapNamedList(xs: readonly NamedExpr[], fn: (e: Expr) => Expr): readonly NamedExpr[] {
  let out: NamedExpr[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const n = xs[i]!;
    const e = fn(n.expr);
    if (e !== n.expr) {
      out ??= xs.slice();
      out[i] = { ...n, expr: e };
    }
  }
  return out ?? xs;
}

function mapKeyList(xs: readonly SortKey[], fn: (e: Expr) => Expr): readonly SortKey[] {
  let out: SortKey[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const k = xs[i]!;
    const e = fn(k.expr);
    if (e !== k.expr) {
      out ??= xs.slice();
      out[i] = { ...k, expr: e };
    }
  }
  return out ?? xs;
}

function mapExprList(xs: readonly Expr[], fn: (e: Expr) => Expr): readonly Expr[] {
  let out: Expr[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const e = fn(xs[i]!);
    if (e !== xs[i]) {
      out ??= xs.slice();
      out[i] = e;
    }
  }
  return out ?? xs;
}

/** Rewrite every expression a node holds directly; identity preserved when `fn` changes nothing. */
export function mapNodeExprs(plan: Plan, fn: (e: Expr) => Expr): Plan {
  switch (plan.kind) {
    case 'scan':
    case 'limit':
    case 'distinct':
    case 'setop':
      return plan;
    case 'filter': {
      const p = fn(plan.predicate);
      return p === plan.predicate ? plan : { ...plan, predicate: p, est: undefined };
    }
    case 'project': {
      const exprs = mapNamedList(plan.exprs, fn);
      return exprs === plan.exprs ? plan : { ...plan, exprs, est: undefined };
    }
    case 'join': {
      if (!plan.condition) return plan;
      const c = fn(plan.condition);
      return c === plan.condition ? plan : { ...plan, condition: c, est: undefined };
    }
    case 'aggregate': {
      const groupBy = mapNamedList(plan.groupBy, fn);
      let aggregates: AggregateCall[] | null = null;
      for (let i = 0; i < plan.aggregates.length; i++) {
        const a = plan.aggregates[i]!;
        const args = mapExprList(a.args, fn);
        const filter = a.filter ? fn(a.filter) : null;
        if (args !== a.args || filter !== a.filter) {
          aggregates ??= plan.aggregates.slice();
          aggregates[i] = { ...a, args, filter };
        }
      }
      return groupBy === plan.groupBy && !aggregates ? plan : { ...plan, groupBy, aggregates: aggregates ?? plan.aggregates, est: undefined };
    }
    case 'window': {
      let functions: WindowCall[] | null = null;
      for (let i = 0; i < plan.functions.length; i++) {
        const w = plan.functions[i]!;
        const args = mapExprList(w.args, fn);
        const partitionBy = mapExprList(w.partitionBy, fn);
        const orderBy = mapKeyList(w.orderBy, fn);
        if (args !== w.args || partitionBy !== w.partitionBy || orderBy !== w.orderBy) {
          functions ??= plan.functions.slice();
          functions[i] = { ...w, args, partitionBy, orderBy };
        }
      }
      return functions ? { ...plan, functions, est: undefined } : plan;
    }
    case 'sort':
    case 'topN': {
      const keys = mapKeyList(plan.keys, fn);
      return keys === plan.keys ? plan : ({ ...plan, keys, est: undefined } as Plan);
    }
    case 'values': {
      let rows: (readonly Expr[])[] | null = null;
      for (let i = 0; i < plan.rows.length; i++) {
        const r = mapExprList(plan.rows[i]!, fn);
        if (r !== plan.rows[i]) {
          rows ??= plan.rows.slice();
          rows[i] = r;
        }
      }
      return rows ? { ...plan, rows, est: undefined } : plan;
    }
  }
}

/** Returns `old` if every element of `next` is identical to `old`'s, else `next`. */
export function sameArray<T>(old: readonly T[], next: readonly T[]): readonly T[] {
  if (old.length !== next.length) return next;
  for (let i = 0; i < old.length; i++) if (old[i] !== next[i]) return next;
  return old;
}

/** The largest column id used anywhere in the plan (subqueries included). */
export function maxColumnId(plan: Plan): number {
  let max = 0;
  forEachNode(plan, (n) => {
    for (const c of outputColumns(n)) if (c.id > max) max = c.id;
    if (n.kind === 'scan') for (const c of n.columns) if (c.id > max) max = c.id;
  });
  return max;
}
