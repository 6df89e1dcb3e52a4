/**
 * FROM clauses → plan + scope. Tables come from the catalog (or a CTE of
 * the same name, which shadows it), derived tables and CTE references are
 * bound as queries of their own, comma-separated items become left-deep
 * cross joins in written order, and USING / NATURAL joins become equality
 * conditions plus merged columns (coalesced for FULL joins).
 */
import type { AstFrom, AstJoinType } from '../ir/ast.ts';
import { findTable } from '../ir/catalog.ts';
import type { ColumnDef, Expr, JoinType, NamedExpr, Plan } from '../ir/plan.ts';
import { andAll, outputColumns } from '../ir/walk.ts';
import { bindError, columnRef, type BindContext } from './context.ts';
import { findCte, type CteEntry, type CteEnv } from './cte.ts';
import { bindExpr } from './bind-expr.ts';
import { bindQueryAst } from './bind-query.ts';
import { commonType } from './functions.ts';
import { nearest, Scope, treeRelations, visibleColumns, type FromTree, type MergedColumn, type Relation, type ScopeColumn } from './scope.ts';

interface BoundItem {
  readonly plan: Plan;
  readonly tree: FromTree;
}

/** Bind a whole FROM clause; `outer` is the enclosing query's scope (for correlation). */
export function bindFrom(ctx: BindContext, items: readonly AstFrom[], outer: Scope | null, ctes: CteEnv): { plan: Plan; scope: Scope } {
  if (items.length === 0) {
    return { plan: { kind: 'values', rows: [[]], columns: [] }, scope: Scope.empty(outer) };
  }
  const bound = items.map((item) => bindFromItem(ctx, item, outer, ctes));
  checkDuplicateNames(bound.flatMap((b) => treeRelations(b.tree)));
  let plan = bound[0]!.plan;
  for (const b of bound.slice(1)) plan = { kind: 'join', joinType: 'cross', left: plan, right: b.plan, condition: null };
  return { plan, scope: new Scope(bound.map((b) => b.tree), outer) };
}

function bindFromItem(ctx: BindContext, item: AstFrom, outer: Scope | null, ctes: CteEnv): BoundItem {
  switch (item.kind) {
    case 'table':
      return bindTable(ctx, item, outer, ctes);
    case 'subquery': {
      const plan = bindQueryAst(ctx, item.query, outer, ctes);
      const label = item.alias ?? '(subquery)';
      const columns = renameColumns(outputColumns(plan), item.columnAliases, `derived table '${label}'`);
      return relationItem(plan, item.alias ?? '', label, columns);
    }
    case 'join':
      return bindJoin(ctx, item, outer, ctes);
    default:
      throw bindError('unsupported', `unsupported FROM item '${(item as { kind: string }).kind}'`);
  }
}

function bindTable(ctx: BindContext, item: Extract<AstFrom, { kind: 'table' }>, outer: Scope | null, ctes: CteEnv): BoundItem {
  const cte = item.schema === null ? findCte(ctes, item.name) : undefined;
  if (cte) {
    const plan = bindCteReference(ctx, cte);
    const alias = item.alias ?? item.name;
    const columns = renameColumns(outputColumns(plan), cte.def.columns, `WITH query '${cte.def.name}'`);
    return relationItem(plan, alias, alias, columns);
  }
  const qualified = item.schema === null ? item.name : `${item.schema}.${item.name}`;
  const table = item.schema === null || item.schema.toLowerCase() === 'main' ? findTable(ctx.catalog, item.name) : undefined;
  if (!table) {
    const near = nearest(item.name, [...Object.values(ctx.catalog.tables).map((t) => t.name), ...ctes.map((c) => c.name)]);
    throw bindError('unknown-table', `unknown table '${qualified}'${near ? `; did you mean '${near}'?` : ''}`, item.loc);
  }
  const alias = item.alias ?? table.name;
  const columns: ColumnDef[] = table.columns.map((c) => ({ id: ctx.newId(), name: c.name, type: c.type }));
  return relationItem({ kind: 'scan', table: table.name, alias, columns }, alias, alias, columns);
}

/** A fresh copy of the CTE's plan: its query bound again, so every id is new. */
function bindCteReference(ctx: BindContext, cte: CteEntry): Plan {
  cte.used = true;
  return bindQueryAst(ctx, cte.def.query, cte.outer, cte.visible);
}

function relationItem(plan: Plan, name: string, label: string, columns: readonly ScopeColumn[]): BoundItem {
  const relation: Relation = { name: name.toLowerCase(), label, columns };
  return { plan, tree: { kind: 'relation', relation } };
}

/** Apply a column-alias list (`t(a, b)`, `WITH x(a, b)`): renames the first columns, keeps ids. */
function renameColumns(columns: readonly ColumnDef[], aliases: readonly string[] | null, what: string): ScopeColumn[] {
  if (!aliases) return [...columns];
  if (aliases.length > columns.length) {
    throw bindError('bind-error', `${what} has ${columns.length} columns available but ${aliases.length} column names were specified`);
  }
  return columns.map((c, i) => (i < aliases.length ? { ...c, name: aliases[i]! } : c));
}

function checkDuplicateNames(relations: readonly Relation[]): void {
  const seen = new Set<string>();
  for (const r of relations) {
    if (!r.name) continue;
    if (seen.has(r.name)) {
      throw bindError('bind-error', `table name '${r.name}' specified more than once in FROM; give one of them an alias`);
    }
    seen.add(r.name);
  }
}

function bindJoin(ctx: BindContext, item: Extract<AstFrom, { kind: 'join' }>, outer: Scope | null, ctes: CteEnv): BoundItem {
  const left = bindFromItem(ctx, item.left, outer, ctes);
  const right = bindFromItem(ctx, item.right, outer, ctes);
  checkDuplicateNames([...treeRelations(left.tree), ...treeRelations(right.tree)]);
  const joinType: JoinType = item.joinType;
  const using = item.natural ? naturalColumns(left.tree, right.tree) : item.using;

  if (using) return bindUsingJoin(ctx, item.joinType, left, right, using, item.natural);
  if (item.joinType === 'cross') {
    const plan: Plan = { kind: 'join', joinType: 'cross', left: left.plan, right: right.plan, condition: null };
    return { plan, tree: { kind: 'join', left: left.tree, right: right.tree, merged: [] } };
  }
  if (!item.on) throw bindError('bind-error', `${item.joinType.toUpperCase()} JOIN requires an ON or USING clause`);
  const tree: FromTree = { kind: 'join', left: left.tree, right: right.tree, merged: [] };
  const condition = bindExpr(item.on, {
    ctx,
    scope: new Scope([tree], outer),
    ctes,
    clause: 'JOIN ... ON',
    aggregates: null,
    windows: null,
  });
  return { plan: { kind: 'join', joinType, left: left.plan, right: right.plan, condition }, tree };
}

/** The column names both sides show (in the left side's order), for NATURAL JOIN. */
function naturalColumns(left: FromTree, right: FromTree): string[] {
  const rightNames = new Set(visibleColumns(right).map((c) => c.name.toLowerCase()));
  const common: string[] = [];
  for (const c of visibleColumns(left)) {
    const n = c.name.toLowerCase();
    if (rightNames.has(n) && !common.includes(n)) common.push(n);
  }
  return common;
}

function bindUsingJoin(
  ctx: BindContext,
  joinType: AstJoinType,
  left: BoundItem,
  right: BoundItem,
  names: readonly string[],
  natural: boolean,
): BoundItem {
  const what = natural ? 'NATURAL JOIN' : 'USING';
  const conditions: Expr[] = [];
  const merged: MergedColumn[] = [];
  const coalesced: NamedExpr[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (seen.has(name)) throw bindError('bind-error', `column '${raw}' appears more than once in the USING clause`);
    seen.add(name);
    const l = usingSide(left.tree, raw, 'left', what);
    const r = usingSide(right.tree, raw, 'right', what);
    conditions.push({ kind: 'compare', op: '=', left: columnRef(l.column), right: columnRef(r.column) });
    let column: ScopeColumn;
    if (joinType === 'full') {
      column = { id: ctx.newId(), name: l.column.name, type: commonType([l.column.type, r.column.type]) };
      coalesced.push({
        id: column.id,
        name: column.name,
        expr: { kind: 'func', name: 'coalesce', args: [columnRef(l.column), columnRef(r.column)], type: column.type },
      });
    } else {
      column = joinType === 'right' ? r.column : l.column;
    }
    const covers = new Set<number>([l.column.id, r.column.id, ...l.covers, ...r.covers]);
    merged.push({ name, column, covers, label: joinType === 'right' ? r.label : l.label });
  }
  const tree: FromTree = { kind: 'join', left: left.tree, right: right.tree, merged };
  const condition = andAll(conditions);
  let plan: Plan;
  if (condition === null) {
    // NATURAL JOIN without common columns: a cross join (outer joins keep their type, always matching).
    plan = joinType === 'inner' || joinType === 'cross'
      ? { kind: 'join', joinType: 'cross', left: left.plan, right: right.plan, condition: null }
      : { kind: 'join', joinType, left: left.plan, right: right.plan, condition: { kind: 'literal', value: true, type: 'boolean' } };
  } else {
    plan = { kind: 'join', joinType: joinType === 'cross' ? 'inner' : joinType, left: left.plan, right: right.plan, condition };
  }
  if (coalesced.length) {
    const passThrough: NamedExpr[] = outputColumns(plan).map((c) => ({ id: c.id, name: c.name, expr: columnRef(c) }));
    plan = { kind: 'project', input: plan, exprs: [...passThrough, ...coalesced] };
  }
  return { plan, tree };
}

/** Find a USING column on one side: it must exist there exactly once. */
function usingSide(tree: FromTree, name: string, side: 'left' | 'right', what: string): { column: ScopeColumn; covers: readonly number[]; label: string } {
  const scope = new Scope([tree], null);
  const ref = scope.tryResolve(null, name);
  if (!ref) {
    throw bindError('unknown-column', `column '${name}' specified in ${what} does not exist in the ${side} table`);
  }
  const m = scope.merged.findLast((x) => x.column.id === ref.id);
  if (m) return { column: m.column, covers: [...m.covers], label: m.label };
  const rel = scope.relations.find((r) => r.columns.some((c) => c.id === ref.id))!;
  const column = rel.columns.find((c) => c.id === ref.id)!;
  return { column, covers: [], label: rel.label };
}
