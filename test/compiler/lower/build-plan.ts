/**
 * Small builders for hand-made plans in lowering tests: each builder hands
 * out fresh plan-unique column ids, so the plans keep the IR's invariants.
 */
import type {
  AggregateCall,
  ColumnRef,
  Expr,
  JoinNode,
  NamedExpr,
  Plan,
  ScanNode,
  SortKey,
  TypeName,
  WindowCall,
} from '../../../compiler/ir/plan.ts';
import { exprType, outputColumns } from '../../../compiler/ir/walk.ts';

export class PlanBuilder {
  private next = 1;

  id(): number {
    return this.next++;
  }

  scan(table: string, columns: Record<string, TypeName>, alias = table): ScanNode {
    return { kind: 'scan', table, alias, columns: Object.entries(columns).map(([name, type]) => ({ id: this.id(), name, type })) };
  }

  project(input: Plan, exprs: readonly (readonly [string, Expr])[]): Plan {
    return { kind: 'project', input, exprs: exprs.map(([name, expr]) => this.named(name, expr)) };
  }

  /** a NamedExpr: a pass-through when `expr` is a column of the same name, else a fresh id */
  named(name: string, expr: Expr): NamedExpr {
    if (expr.kind === 'column' && expr.name === name) return { id: expr.id, name, expr };
    return { id: this.id(), name, expr };
  }

  aggregate(input: Plan, groupBy: readonly (readonly [string, Expr])[], aggs: readonly Omit<AggregateCall, 'id'>[]): Plan {
    return {
      kind: 'aggregate',
      input,
      groupBy: groupBy.map(([name, expr]) => this.named(name, expr)),
      aggregates: aggs.map((a) => ({ ...a, id: this.id() })),
    };
  }

  window(input: Plan, fns: readonly Omit<WindowCall, 'id'>[]): Plan {
    return { kind: 'window', input, functions: fns.map((w) => ({ ...w, id: this.id() })) };
  }

  setop(op: 'union' | 'intersect' | 'except', all: boolean, left: Plan, right: Plan): Plan {
    const columns = outputColumns(left).map((c) => ({ id: this.id(), name: c.name, type: c.type }));
    return { kind: 'setop', op, all, left, right, columns };
  }

  values(columns: Record<string, TypeName>, rows: readonly (readonly Expr[])[]): Plan {
    return { kind: 'values', rows, columns: Object.entries(columns).map(([name, type]) => ({ id: this.id(), name, type })) };
  }
}

/** The output column of `plan` called `name` (must be unique). */
export function col(plan: Plan, name: string): ColumnRef {
  const found = outputColumns(plan).filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`${found.length} columns named ${name} in ${plan.kind}`);
  const c = found[0]!;
  return { kind: 'column', id: c.id, name: c.name, type: c.type };
}

export function lit(value: string | boolean | null, type: TypeName): Expr {
  return { kind: 'literal', value, type };
}

export function num(n: number): Expr {
  return { kind: 'literal', value: String(n), type: Number.isInteger(n) ? 'integer' : 'decimal' };
}

export function eq(left: Expr, right: Expr): Expr {
  return { kind: 'compare', op: '=', left, right };
}

export function cmp(op: '=' | '<>' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr): Expr {
  return { kind: 'compare', op, left, right };
}

export function and(...args: Expr[]): Expr {
  return { kind: 'and', args };
}

export function filter(input: Plan, predicate: Expr): Plan {
  return { kind: 'filter', input, predicate };
}

export function join(joinType: JoinNode['joinType'], left: Plan, right: Plan, condition: Expr | null, nullAware = false): Plan {
  return { kind: 'join', joinType, left, right, condition, ...(nullAware ? { nullAware } : {}) };
}

export function asc(expr: Expr, nullsFirst = false): SortKey {
  return { expr, desc: false, nullsFirst };
}

export function desc(expr: Expr, nullsFirst = false): SortKey {
  return { expr, desc: true, nullsFirst };
}

export function sort(input: Plan, keys: readonly SortKey[]): Plan {
  return { kind: 'sort', input, keys };
}

export function func(name: string, args: readonly Expr[], type?: TypeName): Expr {
  return { kind: 'func', name, args, type: type ?? (args[0] ? exprType(args[0]) : 'unknown') };
}

export function agg(fn: string, args: readonly Expr[], type: TypeName, extra: { distinct?: boolean; filter?: Expr | null; name?: string } = {}): Omit<AggregateCall, 'id'> {
  return { name: extra.name ?? fn, fn, args, distinct: extra.distinct ?? false, filter: extra.filter ?? null, type };
}
