/**
 * A hand-made Catalog with known statistics and small builders for bound
 * plans, for the cost tests. Every number the tests expect is derived by
 * hand from the statistics written here.
 */
import type { Catalog, CatalogColumn, CatalogTable } from '../../../compiler/ir/catalog.ts';
import type { ColumnRef, CompareOp, Expr, JoinType, Literal, NamedExpr, Plan, ScanNode, TypeName } from '../../../compiler/ir/plan.ts';
import { outputColumns } from '../../../compiler/ir/walk.ts';

/** days since 1970-01-01, as the catalog encodes dates */
export function days(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
}

/** seconds since the epoch, as the catalog encodes timestamps */
export function seconds(iso: string): number {
  return Date.parse(`${iso.replace(' ', 'T')}Z`) / 1000;
}

interface Spec {
  name: string;
  type: TypeName;
  distinct: number;
  nullFraction?: number;
  min?: number;
  max?: number;
  width?: number;
  mostCommon?: { value: string; frequency: number }[];
}

function table(name: string, rowCount: number, specs: Spec[]): CatalogTable {
  const columns: CatalogColumn[] = specs.map((s) => ({
    name: s.name,
    type: s.type,
    sqlType: s.type.toUpperCase(),
    nullable: (s.nullFraction ?? 0) > 0,
    stats: {
      distinct: s.distinct,
      nullFraction: s.nullFraction ?? 0,
      min: s.min ?? null,
      max: s.max ?? null,
      mostCommon: s.mostCommon ?? [],
      avgWidth: s.width ?? 4,
    },
  }));
  return { name, rowCount, columns, primaryKey: [] };
}

export const CATALOG: Catalog = {
  source: 'cost-test (hand-made)',
  tables: {
    customer: table('customer', 150, [
      { name: 'c_custkey', type: 'integer', distinct: 150, min: 1, max: 150 },
      { name: 'c_name', type: 'varchar', distinct: 150, width: 18 },
      {
        name: 'c_mktsegment', type: 'varchar', distinct: 5, width: 10,
        mostCommon: [
          { value: 'BUILDING', frequency: 0.22 },
          { value: 'AUTOMOBILE', frequency: 0.2 },
          { value: 'MACHINERY', frequency: 0.2 },
          { value: 'FURNITURE', frequency: 0.19 },
          { value: 'HOUSEHOLD', frequency: 0.19 },
        ],
      },
      { name: 'c_nationkey', type: 'integer', distinct: 25, min: 0, max: 24 },
      { name: 'c_acctbal', type: 'decimal', distinct: 150, min: -1000, max: 9000, width: 8 },
      { name: 'c_comment', type: 'varchar', distinct: 150, width: 70 },
    ]),
    orders: table('orders', 1500, [
      { name: 'o_orderkey', type: 'integer', distinct: 1500, min: 1, max: 6000 },
      { name: 'o_custkey', type: 'integer', distinct: 100, min: 1, max: 149 },
      { name: 'o_orderdate', type: 'date', distinct: 1400, min: days('1992-01-01'), max: days('1998-12-31') },
      { name: 'o_totalprice', type: 'decimal', distinct: 1000, min: 0, max: 1000, width: 8 },
      {
        name: 'o_orderpriority', type: 'varchar', distinct: 5, width: 8,
        mostCommon: [
          { value: '1-URGENT', frequency: 0.3 },
          { value: '2-HIGH', frequency: 0.25 },
        ],
      },
      { name: 'o_comment', type: 'varchar', distinct: 1000, nullFraction: 0.1, width: 48 },
    ]),
    nation: table('nation', 25, [
      { name: 'n_nationkey', type: 'integer', distinct: 25, min: 0, max: 24 },
      { name: 'n_name', type: 'varchar', distinct: 25, width: 8 },
    ]),
    events: table('events', 1000, [
      { name: 'e_id', type: 'bigint', distinct: 1000, min: 1, max: 1000, width: 8 },
      { name: 'e_ts', type: 'timestamp', distinct: 1000, min: seconds('2024-01-01 00:00:00'), max: seconds('2024-01-02 00:00:00'), width: 8 },
      { name: 'e_flag', type: 'boolean', distinct: 2, width: 1, mostCommon: [{ value: 'true', frequency: 0.7 }, { value: 'false', frequency: 0.3 }] },
    ]),
    empty_t: table('empty_t', 0, [
      { name: 'x', type: 'integer', distinct: 0 },
      { name: 'y', type: 'varchar', distinct: 0, nullFraction: 0 },
    ]),
  },
};

/** Builds plans with plan-unique column ids. */
export class PlanBuilder {
  private next = 1;

  id(): number {
    return this.next++;
  }

  /** Scan `table` reading `columns` (default: all of the catalog's). */
  scan(tableName: string, columns?: string[], alias = tableName): ScanNode {
    const t = CATALOG.tables[tableName]!;
    const names = columns ?? t.columns.map((c) => c.name);
    return {
      kind: 'scan',
      table: tableName,
      alias,
      columns: names.map((n) => ({ id: this.id(), name: n, type: t.columns.find((c) => c.name === n)!.type })),
    };
  }
}

/** A reference to `plan`'s output column `name`. */
export function col(plan: Plan, name: string): ColumnRef {
  const c = outputColumns(plan).find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in ${plan.kind}`);
  return { kind: 'column', id: c.id, name: c.name, type: c.type };
}

export function num(value: number | string): Literal {
  return { kind: 'literal', value: String(value), type: String(value).includes('.') ? 'decimal' : 'integer' };
}

export function str(value: string): Literal {
  return { kind: 'literal', value, type: 'varchar' };
}

export function date(value: string): Literal {
  return { kind: 'literal', value, type: 'date' };
}

export function timestamp(value: string): Literal {
  return { kind: 'literal', value, type: 'timestamp' };
}

export const NULL: Literal = { kind: 'literal', value: null, type: 'null' };

export function cmp(op: CompareOp, left: Expr, right: Expr): Expr {
  return { kind: 'compare', op, left, right };
}

export function and(...args: Expr[]): Expr {
  return { kind: 'and', args };
}

export function or(...args: Expr[]): Expr {
  return { kind: 'or', args };
}

export function not(arg: Expr): Expr {
  return { kind: 'not', arg };
}

export function filter(input: Plan, predicate: Expr): Plan {
  return { kind: 'filter', input, predicate };
}

export function join(joinType: JoinType, left: Plan, right: Plan, condition: Expr | null): Plan {
  return { kind: 'join', joinType, left, right, condition };
}

export function passThrough(c: ColumnRef): NamedExpr {
  return { id: c.id, name: c.name, expr: c };
}
