/**
 * A tiny TPC-H database in memory, for checking that a rule's output plan
 * returns the same rows as its input: the TPC-H tables (types from the test
 * catalog, every column nullable) with a handful of hand-made rows that
 * exercise the corners rules get wrong — NULLs in join keys and filtered
 * columns, customers without orders, orders without customers, dates on
 * both sides of the TPC-H boundaries, duplicate values.
 */
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';

const ROWS: Readonly<Record<string, readonly string[]>> = {
  region: [`(0, 'AFRICA', 'r0')`, `(1, 'EUROPE', NULL)`],
  nation: [`(0, 'ALGERIA', 0, 'n0')`, `(1, 'FRANCE', 1, 'n1')`, `(2, 'GERMANY', NULL, 'n2')`],
  supplier: [
    `(1, 'Supplier#1', 'a1', 0, '10-1', 100.00, 's1')`,
    `(2, 'Supplier#2', 'a2', 1, '11-2', -5.50, 's2')`,
    `(3, 'Supplier#3', 'a3', NULL, '12-3', NULL, 's3')`,
  ],
  customer: [
    `(1, 'Customer#1', 'a', 0, '10-1', 711.56, 'BUILDING', 'c1')`,
    `(2, 'Customer#2', 'b', 1, '11-2', -20.00, 'AUTOMOBILE', 'c2')`,
    `(3, 'Customer#3', 'c', 1, '11-3', NULL, 'BUILDING', 'c3')`,
    `(4, 'Customer#4', 'd', 2, '12-4', 0.00, NULL, 'c4')`,
    `(5, 'Customer#5', 'e', NULL, '13-5', 5000.00, 'MACHINERY', 'c5')`,
  ],
  part: [
    `(1, 'green part', 'M1', 'Brand#12', 'SMALL BRUSHED', 5, 'SM CASE', 901.00, 'p1')`,
    `(2, 'red part', 'M2', 'Brand#23', 'MEDIUM POLISHED', 10, 'MED BAG', 902.00, 'p2')`,
    `(3, 'blue part', 'M3', 'Brand#34', 'LARGE PLATED', 15, 'LG BOX', 903.00, 'p3')`,
    `(4, 'null part', 'M4', NULL, NULL, NULL, NULL, NULL, 'p4')`,
  ],
  partsupp: [`(1, 1, 10, 1.00, 'ps1')`, `(1, 2, 20, 2.00, 'ps2')`, `(2, 1, 30, NULL, 'ps3')`, `(3, 3, NULL, 4.00, 'ps4')`],
  orders: [
    `(1, 1, 'O', 1500.00, DATE '1995-03-10', '1-URGENT', 'Clerk#1', 0, 'o1')`,
    `(2, 1, 'F', 900.00, DATE '1994-12-31', '2-HIGH', 'Clerk#2', 0, 'o2')`,
    `(3, 2, 'F', NULL, DATE '1995-01-01', '1-URGENT', 'Clerk#1', 0, 'o3')`,
    `(4, NULL, 'O', 2500.00, DATE '1993-07-01', '3-MEDIUM', 'Clerk#3', 0, 'o4')`,
    `(5, 9, 'P', 300.00, NULL, NULL, 'Clerk#3', 0, 'o5')`,
    `(6, 3, 'O', 1000.00, DATE '1996-06-06', '2-HIGH', 'Clerk#2', 0, 'o6')`,
    `(7, 1, 'F', 1000.00, DATE '1993-06-30', '1-URGENT', 'Clerk#1', 0, 'o7')`,
  ],
  lineitem: [
    `(1, 1, 1, 1, 5.00, 1000.00, 0.05, 0.01, 'N', 'O', DATE '1998-09-02', DATE '1998-09-01', DATE '1998-09-05', 'NONE', 'AIR', 'l1')`,
    `(1, 2, 2, 2, 12.00, 2000.00, 0.07, 0.02, 'N', 'O', DATE '1998-09-03', DATE '1998-09-10', DATE '1998-09-09', 'NONE', 'MAIL', 'l2')`,
    `(2, 1, 1, 1, 10.00, 500.00, 0.04, 0.00, 'R', 'F', DATE '1995-01-10', DATE '1995-01-05', DATE '1995-01-20', 'DELIVER IN PERSON', 'AIR REG', 'l3')`,
    `(3, 3, 3, 1, 20.00, 750.00, NULL, 0.08, 'A', 'F', DATE '1994-06-01', DATE '1994-06-10', DATE '1994-06-05', 'NONE', 'SHIP', 'l4')`,
    `(3, 2, 1, 2, 11.00, 330.00, 0.06, NULL, NULL, 'F', NULL, DATE '1994-07-01', NULL, NULL, NULL, 'l5')`,
    `(4, 1, 2, 1, 1.00, 100.00, 0.10, 0.05, 'N', 'O', DATE '1993-07-15', DATE '1993-07-10', DATE '1993-07-20', 'NONE', 'AIR', 'l6')`,
    `(8, 4, 3, 1, 30.00, 50.00, 0.00, 0.00, 'N', 'O', DATE '1996-01-01', DATE '1996-01-02', DATE '1996-01-03', 'NONE', 'AIR', 'l7')`,
    `(NULL, NULL, NULL, 1, 7.00, 70.00, 0.05, 0.05, 'R', 'F', DATE '1992-01-01', DATE '1992-01-02', DATE '1992-01-03', 'NONE', 'TRUCK', 'l8')`,
  ],
};

/** An in-memory DuckDB database holding the tiny TPC-H tables. */
export async function openTinyTpch(): Promise<Database> {
  const db = await openDatabase(':memory:');
  for (const table of Object.values(TPCH_CATALOG.tables)) {
    const cols = table.columns.map((c) => `${c.name} ${c.sqlType}`).join(', ');
    await db.run(`CREATE TABLE ${table.name} (${cols})`);
    const rows = ROWS[table.name] ?? [];
    if (rows.length) await db.run(`INSERT INTO ${table.name} VALUES ${rows.join(', ')}`);
  }
  return db;
}
