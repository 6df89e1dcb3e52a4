/**
 * Window functions: each call with OVER becomes a WindowCall with a fresh
 * id (identical calls once), computed by a Window node above the
 * Aggregate / Filter and referenced from the SELECT list or ORDER BY.
 * Named windows (`WINDOW w AS (...)`, `OVER w`, `OVER (w ORDER BY ...)`)
 * are resolved into the call.
 */
import type { AstExpr, AstOrderItem, AstWindowSpec } from '../ir/ast.ts';
import type { ColumnRef, SortKey, WindowCall } from '../ir/plan.ts';
import { exprType } from '../ir/walk.ts';
import { bindError, columnRef, type BindContext } from './context.ts';
import { bindExpr, type ExprEnv } from './bind-expr.ts';
import { exprKey } from './expr-util.ts';
import { windowType } from './functions.ts';
import { renderExpr } from './names.ts';

type AstFunction = Extract<AstExpr, { kind: 'function' }>;

export class WindowCollector {
  readonly functions: WindowCall[] = [];
  private readonly byKey = new Map<string, WindowCall>();
  private readonly named = new Map<string, AstWindowSpec>();

  constructor(
    private readonly ctx: BindContext,
    windows: readonly { readonly name: string; readonly spec: AstWindowSpec }[],
  ) {
    for (const w of windows) {
      const n = w.name.toLowerCase();
      if (this.named.has(n)) throw bindError('bind-error', `window '${w.name}' is defined more than once`);
      this.named.set(n, w.spec);
    }
  }

  /** Bind a call with OVER; returns a reference to the column the Window node will define. */
  bind(e: AstFunction, env: ExprEnv): ColumnRef {
    const name = e.name.toLowerCase();
    if (e.distinct) throw bindError('unsupported', `DISTINCT in a window function is not supported (${renderExpr(e)})`, e.loc);
    if (e.filter) throw bindError('unsupported', `FILTER in a window function is not supported (${renderExpr(e)})`, e.loc);
    const spec = this.resolveSpec(e.over!, new Set());
    const inner: ExprEnv = {
      ...env,
      clause: `the window function ${name}()`,
      windows: null,
      noWindows: `window function calls cannot be nested (in ${renderExpr(e)})`,
    };
    let fn = name;
    if (e.star || (name === 'count' && e.args.length === 0)) {
      if (name !== 'count') throw bindError('bind-error', `'*' is only allowed in count(*), not ${name}(*)`, e.loc);
      fn = 'count_star';
    }
    const args = fn === 'count_star' ? [] : e.args.map((a) => bindExpr(a, inner));
    const partitionBy = spec.partitionBy.map((p) => bindExpr(p, inner));
    const orderBy = spec.orderBy.map((o) => bindSortKey(o, inner));
    const call = {
      name: renderExpr(e),
      fn,
      args,
      partitionBy,
      orderBy,
      frame: spec.frame,
      type: windowType(fn, args.map(exprType)),
    };
    const key = exprKey({ fn, args, partitionBy, orderBy, frame: spec.frame });
    let found = this.byKey.get(key);
    if (!found) {
      found = { id: this.ctx.newId(), ...call };
      this.byKey.set(key, found);
      this.functions.push(found);
    }
    return columnRef(found);
  }

  /** Merge a spec with the named window it refers to (PostgreSQL's rules, leniently). */
  private resolveSpec(spec: AstWindowSpec, seen: Set<string>): AstWindowSpec {
    if (!spec.name) return spec;
    const n = spec.name.toLowerCase();
    const base = this.named.get(n);
    if (!base) throw bindError('bind-error', `window '${spec.name}' does not exist`);
    if (seen.has(n)) throw bindError('bind-error', `window '${spec.name}' refers to itself`);
    seen.add(n);
    const resolved = this.resolveSpec(base, seen);
    return {
      name: null,
      partitionBy: spec.partitionBy.length ? spec.partitionBy : resolved.partitionBy,
      orderBy: spec.orderBy.length ? spec.orderBy : resolved.orderBy,
      frame: spec.frame ?? resolved.frame,
    };
  }
}

/** ORDER BY item → SortKey; the NULLS default is PostgreSQL/DuckDB's: last for ASC, first for DESC. */
export function bindSortKey(o: AstOrderItem, env: ExprEnv): SortKey {
  return { expr: bindExpr(o.expr, env), desc: o.desc, nullsFirst: o.nullsFirst ?? false };
}
