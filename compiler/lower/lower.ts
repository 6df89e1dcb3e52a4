/**
 * The plan back to one SQL statement that DuckDB executes as planned.
 *
 * - Every column is `c<id>` inside the statement; only the outermost SELECT
 *   renames to the user-visible names. Ids are plan-unique, so names never
 *   clash and a correlated reference inside a subquery resolves to the outer
 *   column by ordinary SQL scoping.
 * - Each node is one SELECT over its inputs as derived tables `(...) AS t<k>`;
 *   a join is `FROM (left) AS tA <TYPE> JOIN (right) AS tB ON ...`, an
 *   explicit tree that DuckDB keeps once `settings` have switched off its own
 *   join ordering (see settings.ts).
 * - Order survives to the result: the chain of Project / Limit nodes above
 *   the root's Sort or TopN becomes the outermost SELECT's ORDER BY / LIMIT
 *   (the sort key columns are passed through the projections so the
 *   outermost SELECT can still see them). The same holds for a Limit
 *   anywhere: its ORDER BY and LIMIT share one SELECT.
 * - Joins: see lower-join.ts (NOT IN semantics for null-aware anti joins,
 *   and the spellings DuckDB needs inside correlated subqueries).
 */
import { FlightdeckError } from '../errors.ts';
import type { ColumnDef, Expr, LimitNode, NamedExpr, Plan, ProjectNode, SortKey, SortNode, TopNNode } from '../ir/plan.ts';
import { exprColumnIds, forEachNode, nodeExprs, outputColumns, outputIds } from '../ir/walk.ts';
import { type JoinLowering, lowerJoin } from './lower-join.ts';
import {
  columnName,
  type ExprLowering,
  lowerAggregate,
  lowerExpr,
  lowerKey,
  lowerLiteral,
  lowerSortKeys,
  lowerWindow,
  quoteIdent,
} from './lower-expr.ts';
import { loweringSettings } from './settings.ts';

export interface LoweredSql {
  /** one SELECT statement */
  readonly sql: string;
  /** statements to run first, e.g. `SET disabled_optimizers = '...'` */
  readonly settings: readonly string[];
}

export function lowerPlan(plan: Plan): LoweredSql {
  const lowerer = new Lowerer();
  return { sql: lowerer.chain(plan, true), settings: loweringSettings() };
}

/** Settings and SQL as one runnable script, statements ending in `;`. */
export function loweredScript(l: LoweredSql): string {
  return [...l.settings, l.sql].map((s) => `${s};\n`).join('');
}

/** Placeholder column of a SELECT whose node outputs no columns (SQL needs one); never referenced. */
const EMPTY_COLUMN = 'NULL AS _empty';

class Lowerer implements JoinLowering {
  private nextAlias = 0;
  /** ids visible from enclosing queries (for correlated subqueries), innermost last */
  private readonly outer: Set<number>[] = [];
  private readonly exprs: ExprLowering = { subquery: (p) => this.subquery(p) };

  alias(): string {
    return `t${this.nextAlias++}`;
  }

  /** `(<sql of plan>) AS t<k>`, with its alias. */
  derived(plan: Plan): { from: string; alias: string } {
    const alias = this.alias();
    return { from: `(${this.node(plan)}) AS ${alias}`, alias };
  }

  private subquery(plan: Plan): string {
    // the node owning the expression pushed its input's columns; they are visible inside
    return this.node(plan);
  }

  /** Lower expressions of a node whose input columns are `visible`, checking every reference resolves. */
  expr(e: Expr, visible: ReadonlySet<number>, where: string): string {
    this.checkRefs(e, visible, where);
    this.outer.push(new Set(visible));
    try {
      return lowerExpr(e, this.exprs);
    } finally {
      this.outer.pop();
    }
  }

  /** A GROUP BY key (see `lowerKey`). */
  private key(e: Expr, visible: ReadonlySet<number>, where: string): string {
    this.checkRefs(e, visible, where);
    this.outer.push(new Set(visible));
    try {
      return lowerKey(e, this.exprs);
    } finally {
      this.outer.pop();
    }
  }

  private keys(keys: readonly SortKey[], visible: ReadonlySet<number>, where: string, qualifier?: string): string {
    for (const k of keys) this.checkRefs(k.expr, visible, where);
    this.outer.push(new Set(visible));
    try {
      return lowerSortKeys(keys, qualifier ? { ...this.exprs, qualifier } : this.exprs);
    } finally {
      this.outer.pop();
    }
  }

  isOuter(id: number): boolean {
    return this.outer.some((s) => s.has(id));
  }

  refersToOuter(plan: Plan): boolean {
    if (!this.outer.length) return false;
    let found = false;
    forEachNode(plan, (n) => {
      for (const e of nodeExprs(n)) for (const id of exprColumnIds(e)) if (this.isOuter(id)) found = true;
    });
    return found;
  }

  private checkRefs(e: Expr, visible: ReadonlySet<number>, where: string): void {
    for (const id of exprColumnIds(e)) {
      if (visible.has(id) || this.isOuter(id)) continue;
      throw new FlightdeckError('lower-error', `${where} refers to column #${id}, which its input does not produce (the plan breaks the id invariant)`);
    }
  }

  select(cols: readonly ColumnDef[]): string {
    return cols.length ? cols.map((c) => columnName(c.id)).join(', ') : EMPTY_COLUMN;
  }

  /** One SELECT whose output columns are `c<id>` for `outputColumns(plan)`, in order. */
  node(plan: Plan): string {
    switch (plan.kind) {
      case 'scan': {
        const cols = plan.columns.map((c) => `${quoteIdent(c.name)} AS ${columnName(c.id)}`);
        return `SELECT ${cols.length ? cols.join(', ') : EMPTY_COLUMN} FROM ${quoteIdent(plan.table)} AS ${this.alias()}`;
      }
      case 'filter': {
        const d = this.derived(plan.input);
        const pred = this.expr(plan.predicate, outputIds(plan.input), 'Filter');
        return `SELECT ${this.select(outputColumns(plan))} FROM ${d.from} WHERE ${pred}`;
      }
      case 'project': {
        const d = this.derived(plan.input);
        const visible = outputIds(plan.input);
        return `SELECT ${this.namedList(plan.exprs, visible, 'Project')} FROM ${d.from}`;
      }
      case 'join':
        return lowerJoin(plan, this);
      case 'aggregate': {
        const d = this.derived(plan.input);
        const visible = outputIds(plan.input);
        const items = [
          ...plan.groupBy.map((g) => `${this.expr(g.expr, visible, 'Aggregate group key')} AS ${columnName(g.id)}`),
          ...plan.aggregates.map((a) => {
            for (const x of a.filter ? [...a.args, a.filter] : a.args) this.checkRefs(x, visible, `aggregate ${a.fn}`);
            this.outer.push(new Set(visible));
            try {
              return `${lowerAggregate(a, this.exprs)} AS ${columnName(a.id)}`;
            } finally {
              this.outer.pop();
            }
          }),
        ];
        // an aggregate with neither keys nor calls still yields one row
        const list = items.length ? items.join(', ') : 'count(*) AS _empty';
        const groupBy = plan.groupBy.length ? ` GROUP BY ${plan.groupBy.map((g) => this.key(g.expr, visible, 'Aggregate group key')).join(', ')}` : '';
        return `SELECT ${list} FROM ${d.from}${groupBy}`;
      }
      case 'window': {
        const d = this.derived(plan.input);
        const visible = outputIds(plan.input);
        const fns = plan.functions.map((w) => {
          for (const x of [...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr)]) this.checkRefs(x, visible, `window ${w.fn}`);
          this.outer.push(new Set(visible));
          try {
            return `${lowerWindow(w, this.exprs)} AS ${columnName(w.id)}`;
          } finally {
            this.outer.pop();
          }
        });
        const input = outputColumns(plan.input).map((c) => columnName(c.id));
        return `SELECT ${[...input, ...fns].join(', ') || EMPTY_COLUMN} FROM ${d.from}`;
      }
      case 'sort':
      case 'topN':
      case 'limit':
        return this.chain(plan, false);
      case 'distinct': {
        const d = this.derived(plan.input);
        return `SELECT DISTINCT ${this.select(outputColumns(plan))} FROM ${d.from}`;
      }
      case 'setop': {
        const left = this.derived(plan.left);
        const right = this.derived(plan.right);
        const lcols = outputColumns(plan.left);
        const rcols = outputColumns(plan.right);
        if (lcols.length !== plan.columns.length || rcols.length !== plan.columns.length) {
          throw new FlightdeckError('lower-error', `SetOp has ${plan.columns.length} columns but its inputs have ${lcols.length} and ${rcols.length}`);
        }
        // columns of a set operation take the left branch's names, by position
        const lsel = lcols.map((c, i) => `${columnName(c.id)} AS ${columnName(plan.columns[i]!.id)}`).join(', ');
        const rsel = rcols.map((c) => columnName(c.id)).join(', ');
        const op = `${plan.op.toUpperCase()}${plan.all ? ' ALL' : ''}`;
        return `SELECT ${this.select(plan.columns)} FROM ((SELECT ${lsel} FROM ${left.from}) ${op} (SELECT ${rsel} FROM ${right.from})) AS ${this.alias()}`;
      }
      case 'values':
        return this.values(plan.rows, plan.columns);
    }
  }

  private namedList(exprs: readonly NamedExpr[], visible: ReadonlySet<number>, where: string): string {
    if (!exprs.length) return EMPTY_COLUMN;
    return exprs
      .map((n) => {
        const text = this.expr(n.expr, visible, where);
        return n.expr.kind === 'column' && n.expr.id === n.id ? text : `${text} AS ${columnName(n.id)}`;
      })
      .join(', ');
  }

  private values(rows: readonly (readonly Expr[])[], columns: readonly ColumnDef[]): string {
    const names = columns.map((c) => columnName(c.id));
    if (rows.length === 0) {
      const nulls = columns.map((c) => `${typedNull(c)} AS ${columnName(c.id)}`);
      return `SELECT ${nulls.join(', ') || EMPTY_COLUMN} WHERE FALSE`;
    }
    const none = new Set<number>();
    const text = rows.map((r, i) => {
      if (r.length !== columns.length) throw new FlightdeckError('lower-error', `Values row ${i + 1} has ${r.length} values for ${columns.length} columns`);
      // a NULL in the first row gets the column's type, so DuckDB does not type the column as NULL
      return `(${r.map((e, j) => (i === 0 && e.kind === 'literal' && e.value === null ? typedNull(columns[j]!) : this.expr(e, none, 'Values'))).join(', ')})`;
    });
    const alias = this.alias();
    return `SELECT ${this.select(columns)} FROM (VALUES ${text.join(', ')}) AS ${alias}(${names.join(', ')})`;
  }

  /**
   * A chain of Project / Limit nodes over a Sort or TopN (or over anything,
   * for a Limit) as one SELECT, so ORDER BY and LIMIT apply together and, at
   * the root, ORDER BY is in the outermost SELECT:
   * `SELECT t.c1 AS "name" FROM (<projections over the sort's input>) AS t ORDER BY t.c3 LIMIT n`.
   */
  chain(plan: Plan, root: boolean): string {
    const tops: (ProjectNode | LimitNode)[] = [];
    let node: Plan = plan;
    let order: SortNode | TopNNode | null = null;
    for (;;) {
      if (node.kind === 'project' || node.kind === 'limit') {
        tops.push(node);
        node = node.input;
        continue;
      }
      if (node.kind === 'sort' || node.kind === 'topN') {
        order = node;
        node = node.input;
      }
      break;
    }
    // compose the limits bottom-up: the TopN's first, then each Limit above it
    let limit: number | null = order?.kind === 'topN' ? order.limit : null;
    let offset = order?.kind === 'topN' ? order.offset : 0;
    for (const t of tops.toReversed()) {
      if (t.kind !== 'limit') continue;
      const remaining = limit === null ? null : Math.max(0, limit - t.offset);
      limit = t.limit === null ? remaining : remaining === null ? t.limit : Math.min(t.limit, remaining);
      offset += t.offset;
    }
    // re-stack the projections over the sort's input, passing the sort key columns through
    const baseCols = outputColumns(node);
    const keyIds = new Set<number>();
    for (const k of order?.keys ?? []) for (const id of exprColumnIds(k.expr)) keyIds.add(id);
    const keyCols = baseCols.filter((c) => keyIds.has(c.id));
    let body: Plan = node;
    for (const t of tops.toReversed()) {
      if (t.kind !== 'project') continue;
      const have = new Set(t.exprs.map((e) => e.id));
      const pass: NamedExpr[] = keyCols.filter((c) => !have.has(c.id)).map((c) => ({ id: c.id, name: c.name, expr: { kind: 'column', ...c } }));
      body = { kind: 'project', input: body, exprs: [...t.exprs, ...pass] };
    }
    const d = this.derived(body);
    const cols = outputColumns(plan);
    // qualified, so neither a user-visible alias nor a select-list name can capture a reference
    const list = cols.map((c) => `${d.alias}.${columnName(c.id)}${root ? ` AS ${quoteIdent(c.name)}` : ''}`).join(', ');
    let sql = `SELECT ${list || EMPTY_COLUMN} FROM ${d.from}`;
    if (order && order.keys.length) sql += ` ORDER BY ${this.keys(order.keys, outputIds(node), order.kind === 'sort' ? 'Sort' : 'TopN', d.alias)}`;
    if (limit !== null) sql += ` LIMIT ${limit}`;
    if (offset) sql += ` OFFSET ${offset}`;
    return sql;
  }
}

function typedNull(c: ColumnDef): string {
  const sql: Partial<Record<ColumnDef['type'], string>> = {
    boolean: 'BOOLEAN',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    varchar: 'VARCHAR',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    interval: 'INTERVAL',
  };
  const t = sql[c.type];
  return t ? `CAST(NULL AS ${t})` : lowerLiteral({ kind: 'literal', value: null, type: 'null' });
}
