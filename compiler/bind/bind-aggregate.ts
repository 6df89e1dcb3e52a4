/**
 * Aggregation: collecting aggregate calls (deduplicated, fresh ids),
 * binding GROUP BY keys, and rewriting the expressions evaluated after the
 * Aggregate (SELECT, HAVING, ORDER BY, window arguments) so they refer only
 * to its output columns.
 */
import type { AstExpr } from '../ir/ast.ts';
import type { AggregateCall, ColumnRef, Expr, NamedExpr } from '../ir/plan.ts';
import { exprType } from '../ir/walk.ts';
import { bindError, columnRef, plural, type BindContext } from './context.ts';
import { bindExpr, type ExprEnv } from './bind-expr.ts';
import { exprKey, mapExprChildren } from './expr-util.ts';
import { aggregateType } from './functions.ts';
import { defaultName, renderExpr } from './names.ts';
import type { Scope } from './scope.ts';

type AstFunction = Extract<AstExpr, { kind: 'function' }>;

export class AggregateCollector {
  readonly calls: AggregateCall[] = [];
  private readonly byKey = new Map<string, AggregateCall>();

  constructor(private readonly ctx: BindContext) {}

  /** Bind an aggregate call (no OVER) and return a reference to its output column. */
  bind(e: AstFunction, env: ExprEnv): ColumnRef {
    const name = e.name.toLowerCase();
    const inner: ExprEnv = {
      ...env,
      clause: `the arguments of ${name}()`,
      aggregates: null,
      noAggregates: `aggregate function calls cannot be nested (in ${renderExpr(e)})`,
      windows: null,
      noWindows: `window functions are not allowed inside an aggregate function (in ${renderExpr(e)})`,
    };
    let fn = name;
    if (e.star || (name === 'count' && e.args.length === 0)) {
      if (name !== 'count') throw bindError('bind-error', `'*' is only allowed in count(*), not ${name}(*)`, e.loc);
      fn = 'count_star';
    }
    const args = fn === 'count_star' ? [] : e.args.map((a) => bindExpr(a, inner));
    const filter = e.filter ? bindExpr(e.filter, { ...inner, clause: 'FILTER' }) : null;
    const call = {
      name: renderExpr(e),
      fn,
      args,
      distinct: e.distinct,
      filter,
      type: aggregateType(fn, args.map(exprType)),
    };
    const key = exprKey({ fn: call.fn, args: call.args, distinct: call.distinct, filter: call.filter });
    let found = this.byKey.get(key);
    if (!found) {
      found = { id: this.ctx.newId(), ...call };
      this.byKey.set(key, found);
      this.calls.push(found);
    }
    return columnRef(found);
  }
}

/**
 * Bind GROUP BY items: ordinals (`group by 1`) and select-list aliases (when
 * no FROM column has the name) stand for the select item's expression. A bare
 * column key reuses the column's id; any other key gets a fresh id.
 * Identical keys are kept once.
 */
export function bindGroupBy(
  items: readonly AstExpr[],
  select: readonly SelectItem[],
  env: ExprEnv,
): NamedExpr[] {
  const keys: NamedExpr[] = [];
  const seen = new Set<string>();
  const groupEnv: ExprEnv = { ...env, clause: 'GROUP BY', aggregates: null, windows: null };
  for (const item of items) {
    let bound: Expr;
    let name: string;
    const position = ordinal(item);
    const target = position !== null ? select[position - 1] : aliasTarget(item, select, env.scope);
    if (position !== null && !target) {
      throw bindError('bind-error', `GROUP BY position ${position} is not in select list (it has ${plural(select.length, 'item')})`);
    }
    if (target) {
      bound = target.star ?? bindExpr(target.ast, groupEnv);
      name = target.name;
    } else {
      bound = bindExpr(item, groupEnv);
      name = defaultName(item);
    }
    const key = exprKey(bound);
    if (seen.has(key)) continue;
    seen.add(key);
    if (bound.kind === 'column') keys.push({ id: bound.id, name: bound.name, expr: bound });
    else keys.push({ id: env.ctx.newId(), name, expr: bound });
  }
  return keys;
}

/** One SELECT-list entry after `*` expansion. */
export interface SelectItem {
  readonly ast: AstExpr;
  /** the bound column when the item came from `*` / `t.*` */
  readonly star: ColumnRef | null;
  readonly alias: string | null;
  /** the user-visible output name */
  readonly name: string;
}

/** An unqualified name no FROM column has but a select-list alias does. */
function aliasTarget(item: AstExpr, select: readonly SelectItem[], scope: Scope): SelectItem | undefined {
  if (item.kind !== 'column' || item.table !== null || scope.tryResolve(null, item.name, item.loc)) return undefined;
  const n = item.name.toLowerCase();
  return select.find((s) => s.alias !== null && s.alias.toLowerCase() === n);
}

/** A positive integer literal used as a position (`group by 1`, `order by 2`). */
export function ordinal(e: AstExpr): number | null {
  if (e.kind !== 'literal' || e.type !== 'number' || typeof e.value !== 'string') return null;
  if (!/^\d+$/.test(e.value.trim())) return null;
  return Number(e.value);
}

/**
 * Rewrites expressions evaluated above an Aggregate: a subtree equal to a
 * group key becomes a reference to the key's column; aggregate references
 * stay; any other column of the FROM clause is an error.
 */
export class PostAggregateRewriter {
  private readonly byKey = new Map<string, NamedExpr>();
  private readonly keyIds = new Set<number>();

  constructor(
    groupKeys: readonly NamedExpr[],
    private readonly inputIds: ReadonlySet<number>,
    private readonly scope: Scope,
  ) {
    for (const k of groupKeys) {
      this.byKey.set(exprKey(k.expr), k);
      this.keyIds.add(k.id);
    }
  }

  rewrite(e: Expr): Expr {
    const key = this.byKey.get(exprKey(e));
    if (key) return columnRef({ id: key.id, name: key.name, type: exprType(key.expr) });
    if (e.kind === 'column') {
      this.check(e.id, e.name);
      return e;
    }
    if (e.kind === 'subquery') for (const id of e.correlated) this.check(id, this.scope.nameOf(id) ?? `#${id}`);
    return mapExprChildren(e, (x) => this.rewrite(x));
  }

  private check(id: number, name: string): void {
    if (this.inputIds.has(id) && !this.keyIds.has(id)) {
      throw bindError('bind-error', `column '${name}' must appear in the GROUP BY clause or be used in an aggregate function`);
    }
  }
}
