/**
 * A hand-built Catalog for the TPC-H schema, for tests that need one
 * without opening a database. Table and column names and SQL types are those
 * of corpus/tpch/schema.ts (the specification's; order keys BIGINT) as
 * DuckDB reports them (CHAR(n) / VARCHAR(n) → VARCHAR); row counts are TPC-H
 * scale factor 0.01;
 * the column statistics are made up but plausible (distinct counts, ranges
 * in the spec's domains). Do not use it to check estimates against DuckDB.
 */
import type { Catalog, CatalogColumn, CatalogTable, ColumnStats } from '../../compiler/ir/catalog.ts';
import { typeFromSql } from '../../compiler/ir/types.ts';

interface ColumnSpec {
  readonly name: string;
  readonly sqlType: string;
  readonly distinct: number;
  readonly min?: number;
  readonly max?: number;
  readonly width?: number;
  readonly mostCommon?: readonly { readonly value: string; readonly frequency: number }[];
}

/** days since 1970-01-01 */
function day(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

function column(spec: ColumnSpec): CatalogColumn {
  const type = typeFromSql(spec.sqlType);
  const stats: ColumnStats = {
    distinct: spec.distinct,
    nullFraction: 0,
    min: spec.min ?? null,
    max: spec.max ?? null,
    mostCommon: spec.mostCommon ?? [],
    avgWidth: spec.width ?? (type === 'varchar' ? 16 : type === 'date' ? 4 : 8),
  };
  return { name: spec.name, type, sqlType: spec.sqlType, nullable: false, stats };
}

function table(name: string, rowCount: number, primaryKey: readonly string[], columns: readonly ColumnSpec[]): CatalogTable {
  return { name, rowCount, primaryKey, columns: columns.map(column) };
}

const INT = 'INTEGER';
const BIGINT = 'BIGINT';
const DEC = 'DECIMAL(15,2)';
const STR = 'VARCHAR';
const DATE = 'DATE';

const TABLES: readonly CatalogTable[] = [
  table('region', 5, ['r_regionkey'], [
    { name: 'r_regionkey', sqlType: INT, distinct: 5, min: 0, max: 4 },
    {
      name: 'r_name', sqlType: STR, distinct: 5, width: 6,
      mostCommon: ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'].map((value) => ({ value, frequency: 0.2 })),
    },
    { name: 'r_comment', sqlType: STR, distinct: 5, width: 66 },
  ]),
  table('nation', 25, ['n_nationkey'], [
    { name: 'n_nationkey', sqlType: INT, distinct: 25, min: 0, max: 24 },
    { name: 'n_name', sqlType: STR, distinct: 25, width: 8 },
    { name: 'n_regionkey', sqlType: INT, distinct: 5, min: 0, max: 4 },
    { name: 'n_comment', sqlType: STR, distinct: 25, width: 75 },
  ]),
  table('supplier', 100, ['s_suppkey'], [
    { name: 's_suppkey', sqlType: INT, distinct: 100, min: 1, max: 100 },
    { name: 's_name', sqlType: STR, distinct: 100, width: 18 },
    { name: 's_address', sqlType: STR, distinct: 100, width: 25 },
    { name: 's_nationkey', sqlType: INT, distinct: 25, min: 0, max: 24 },
    { name: 's_phone', sqlType: STR, distinct: 100, width: 15 },
    { name: 's_acctbal', sqlType: DEC, distinct: 100, min: -999.99, max: 9999.99 },
    { name: 's_comment', sqlType: STR, distinct: 100, width: 63 },
  ]),
  table('customer', 1500, ['c_custkey'], [
    { name: 'c_custkey', sqlType: INT, distinct: 1500, min: 1, max: 1500 },
    { name: 'c_name', sqlType: STR, distinct: 1500, width: 18 },
    { name: 'c_address', sqlType: STR, distinct: 1500, width: 25 },
    { name: 'c_nationkey', sqlType: INT, distinct: 25, min: 0, max: 24 },
    { name: 'c_phone', sqlType: STR, distinct: 1500, width: 15 },
    { name: 'c_acctbal', sqlType: DEC, distinct: 1499, min: -999.99, max: 9999.99 },
    {
      name: 'c_mktsegment', sqlType: STR, distinct: 5, width: 9,
      mostCommon: ['BUILDING', 'AUTOMOBILE', 'MACHINERY', 'HOUSEHOLD', 'FURNITURE'].map((value) => ({ value, frequency: 0.2 })),
    },
    { name: 'c_comment', sqlType: STR, distinct: 1500, width: 73 },
  ]),
  table('part', 2000, ['p_partkey'], [
    { name: 'p_partkey', sqlType: INT, distinct: 2000, min: 1, max: 2000 },
    { name: 'p_name', sqlType: STR, distinct: 2000, width: 33 },
    { name: 'p_mfgr', sqlType: STR, distinct: 5, width: 14 },
    { name: 'p_brand', sqlType: STR, distinct: 25, width: 8 },
    { name: 'p_type', sqlType: STR, distinct: 150, width: 20 },
    { name: 'p_size', sqlType: INT, distinct: 50, min: 1, max: 50 },
    { name: 'p_container', sqlType: STR, distinct: 40, width: 8 },
    { name: 'p_retailprice', sqlType: DEC, distinct: 1099, min: 901, max: 2098.99 },
    { name: 'p_comment', sqlType: STR, distinct: 1800, width: 13 },
  ]),
  table('partsupp', 8000, ['ps_partkey', 'ps_suppkey'], [
    { name: 'ps_partkey', sqlType: INT, distinct: 2000, min: 1, max: 2000 },
    { name: 'ps_suppkey', sqlType: INT, distinct: 100, min: 1, max: 100 },
    { name: 'ps_availqty', sqlType: INT, distinct: 5000, min: 1, max: 9999 },
    { name: 'ps_supplycost', sqlType: DEC, distinct: 7000, min: 1, max: 1000 },
    { name: 'ps_comment', sqlType: STR, distinct: 8000, width: 124 },
  ]),
  table('orders', 15000, ['o_orderkey'], [
    { name: 'o_orderkey', sqlType: BIGINT, distinct: 15000, min: 1, max: 60000 },
    { name: 'o_custkey', sqlType: INT, distinct: 1000, min: 1, max: 1499 },
    {
      name: 'o_orderstatus', sqlType: STR, distinct: 3, width: 1,
      mostCommon: [{ value: 'F', frequency: 0.49 }, { value: 'O', frequency: 0.49 }, { value: 'P', frequency: 0.02 }],
    },
    { name: 'o_totalprice', sqlType: DEC, distinct: 14990, min: 874.89, max: 466001.28 },
    { name: 'o_orderdate', sqlType: DATE, distinct: 2400, min: day('1992-01-01'), max: day('1998-08-02') },
    { name: 'o_orderpriority', sqlType: STR, distinct: 5, width: 8 },
    { name: 'o_clerk', sqlType: STR, distinct: 1000, width: 15 },
    { name: 'o_shippriority', sqlType: INT, distinct: 1, min: 0, max: 0 },
    { name: 'o_comment', sqlType: STR, distinct: 15000, width: 49 },
  ]),
  table('lineitem', 60175, ['l_orderkey', 'l_linenumber'], [
    { name: 'l_orderkey', sqlType: BIGINT, distinct: 15000, min: 1, max: 60000 },
    { name: 'l_partkey', sqlType: INT, distinct: 2000, min: 1, max: 2000 },
    { name: 'l_suppkey', sqlType: INT, distinct: 100, min: 1, max: 100 },
    { name: 'l_linenumber', sqlType: INT, distinct: 7, min: 1, max: 7 },
    { name: 'l_quantity', sqlType: DEC, distinct: 50, min: 1, max: 50 },
    { name: 'l_extendedprice', sqlType: DEC, distinct: 35000, min: 901, max: 104949.5 },
    { name: 'l_discount', sqlType: DEC, distinct: 11, min: 0, max: 0.1 },
    { name: 'l_tax', sqlType: DEC, distinct: 9, min: 0, max: 0.08 },
    {
      name: 'l_returnflag', sqlType: STR, distinct: 3, width: 1,
      mostCommon: [{ value: 'N', frequency: 0.5 }, { value: 'A', frequency: 0.25 }, { value: 'R', frequency: 0.25 }],
    },
    {
      name: 'l_linestatus', sqlType: STR, distinct: 2, width: 1,
      mostCommon: [{ value: 'O', frequency: 0.5 }, { value: 'F', frequency: 0.5 }],
    },
    { name: 'l_shipdate', sqlType: DATE, distinct: 2500, min: day('1992-01-02'), max: day('1998-12-01') },
    { name: 'l_commitdate', sqlType: DATE, distinct: 2450, min: day('1992-01-31'), max: day('1998-10-31') },
    { name: 'l_receiptdate', sqlType: DATE, distinct: 2550, min: day('1992-01-03'), max: day('1998-12-31') },
    { name: 'l_shipinstruct', sqlType: STR, distinct: 4, width: 12 },
    { name: 'l_shipmode', sqlType: STR, distinct: 7, width: 5 },
    { name: 'l_comment', sqlType: STR, distinct: 50000, width: 27 },
  ]),
];

/** A fresh TPC-H Catalog (plain data; safe to share, nothing mutates it). */
export function tpchCatalog(): Catalog {
  const tables: Record<string, CatalogTable> = {};
  for (const t of TABLES) tables[t.name] = t;
  return { tables, source: 'test/helpers/tpch-catalog.ts' };
}

/** The same catalog as a shared constant, for tests that only read it. */
export const TPCH_CATALOG: Catalog = tpchCatalog();
