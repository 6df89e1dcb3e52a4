/**
 * Generic traversal of plans and expressions. Every helper here preserves
 * object identity when nothing changes, so rules built on them return their
 * input unchanged when they do nothing.
 */
import type { AggregateCall, ColumnDef, Expr, NamedExpr, Plan, SortKey, WindowCall } from './plan.ts';

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
export function exprType(e: Expr): import('./types.ts').TypeName {
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

/** The largest column id used anywhere in the plan (subqueries included). */
export function maxColumnId(plan: Plan): number {
  let max = 0;
  forEachNode(plan, (n) => {
    for (const c of outputColumns(n)) if (c.id > max) max = c.id;
    if (n.kind === 'scan') for (const c of n.columns) if (c.id > max) max = c.id;
  });
  return max;
}
