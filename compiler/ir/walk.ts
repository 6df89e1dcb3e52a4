/**
 * Generic traversal of plans and expressions. Every helper here preserves
 * object identity when nothing changes, so rules built on them return their
 * input unchanged when they do nothing.
 */
import type { ColumnDef, Expr, NamedExpr, Plan, SortKey } from './plan.ts';

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

/** Rewrite every expression a node holds directly; identity preserved when `fn` changes nothing. */
export function mapNodeExprs(plan: Plan, fn: (e: Expr) => Expr): Plan {
  const mapNamed = (xs: readonly NamedExpr[]): readonly NamedExpr[] => sameArray(xs, xs.map((n) => {
    const e = fn(n.expr);
    return e === n.expr ? n : { ...n, expr: e };
  }));
  const mapKeys = (xs: readonly SortKey[]): readonly SortKey[] => sameArray(xs, xs.map((k) => {
    const e = fn(k.expr);
    return e === k.expr ? k : { ...k, expr: e };
  }));
  const mapList = (xs: readonly Expr[]): readonly Expr[] => sameArray(xs, xs.map(fn));
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
      const exprs = mapNamed(plan.exprs);
      return exprs === plan.exprs ? plan : { ...plan, exprs, est: undefined };
    }
    case 'join': {
      if (!plan.condition) return plan;
      const c = fn(plan.condition);
      return c === plan.condition ? plan : { ...plan, condition: c, est: undefined };
    }
    case 'aggregate': {
      const groupBy = mapNamed(plan.groupBy);
      const aggregates = sameArray(plan.aggregates, plan.aggregates.map((a) => {
        const args = mapList(a.args);
        const filter = a.filter ? fn(a.filter) : null;
        return args === a.args && filter === a.filter ? a : { ...a, args, filter };
      }));
      return groupBy === plan.groupBy && aggregates === plan.aggregates ? plan : { ...plan, groupBy, aggregates, est: undefined };
    }
    case 'window': {
      const functions = sameArray(plan.functions, plan.functions.map((w) => {
        const args = mapList(w.args);
        const partitionBy = mapList(w.partitionBy);
        const orderBy = mapKeys(w.orderBy);
        return args === w.args && partitionBy === w.partitionBy && orderBy === w.orderBy ? w : { ...w, args, partitionBy, orderBy };
      }));
      return functions === plan.functions ? plan : { ...plan, functions, est: undefined };
    }
    case 'sort':
    case 'topN': {
      const keys = mapKeys(plan.keys);
      return keys === plan.keys ? plan : ({ ...plan, keys, est: undefined } as Plan);
    }
    case 'values': {
      const rows = sameArray(plan.rows, plan.rows.map(mapList));
      return rows === plan.rows ? plan : { ...plan, rows, est: undefined };
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
  const t = (x: Expr) => transformExpr(x, fn);
  let next: Expr = e;
  switch (e.kind) {
    case 'column':
    case 'literal':
      break;
    case 'compare':
    case 'arith': {
      const l = t(e.left), r = t(e.right);
      if (l !== e.left || r !== e.right) next = { ...e, left: l, right: r } as Expr;
      break;
    }
    case 'and':
    case 'or': {
      const args = sameArray(e.args, e.args.map(t));
      if (args !== e.args) next = { ...e, args };
      break;
    }
    case 'not':
    case 'isNull':
    case 'cast': {
      const a = t(e.arg);
      if (a !== e.arg) next = { ...e, arg: a } as Expr;
      break;
    }
    case 'func': {
      const args = sameArray(e.args, e.args.map(t));
      if (args !== e.args) next = { ...e, args };
      break;
    }
    case 'like': {
      const a = t(e.arg), p = t(e.pattern);
      if (a !== e.arg || p !== e.pattern) next = { ...e, arg: a, pattern: p };
      break;
    }
    case 'inList': {
      const a = t(e.arg);
      const list = sameArray(e.list, e.list.map(t));
      if (a !== e.arg || list !== e.list) next = { ...e, arg: a, list };
      break;
    }
    case 'between': {
      const a = t(e.arg), lo = t(e.low), hi = t(e.high);
      if (a !== e.arg || lo !== e.low || hi !== e.high) next = { ...e, arg: a, low: lo, high: hi };
      break;
    }
    case 'case': {
      const operand = e.operand ? t(e.operand) : null;
      const whens = sameArray(e.whens, e.whens.map((w) => {
        const wh = t(w.when), th = t(w.then);
        return wh === w.when && th === w.then ? w : { when: wh, then: th };
      }));
      const els = e.else ? t(e.else) : null;
      if (operand !== e.operand || whens !== e.whens || els !== e.else) next = { ...e, operand, whens, else: els };
      break;
    }
    case 'subquery': {
      const a = e.arg ? t(e.arg) : null;
      if (a !== e.arg) next = { ...e, arg: a };
      break;
    }
  }
  return fn(next);
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
