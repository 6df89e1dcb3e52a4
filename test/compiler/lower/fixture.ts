/**
 * A tiny in-memory DuckDB database for lowering tests, and the check they
 * all make: the lowered plan, run with its settings, returns what a
 * hand-written reference query returns.
 */
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import { lowerPlan, type LoweredSql } from '../../../compiler/lower/lower.ts';
import type { Plan, TypeName } from '../../../compiler/ir/plan.ts';
import { compareResults, describeDiff } from '../../helpers/compare-results.ts';
import { runLowered } from '../../helpers/duckdb-plan.ts';

export const T_COLUMNS: Record<string, TypeName> = { a: 'integer', b: 'varchar', d: 'decimal', x: 'double', dt: 'date' };
export const U_COLUMNS: Record<string, TypeName> = { a: 'integer', c: 'varchar' };

export async function openFixture(): Promise<Database> {
  const db = await openDatabase(':memory:', { threads: 1 });
  await db.run(`
    CREATE TABLE t (a INTEGER, b VARCHAR, d DECIMAL(10,2), x DOUBLE, dt DATE);
    INSERT INTO t VALUES
      (1, 'one', 1.50, 0.1, DATE '2024-01-01'),
      (2, 'two', 2.25, 0.2, DATE '2024-02-01'),
      (3, 'three', NULL, NULL, DATE '2024-03-01'),
      (NULL, 'null a', 4.00, 0.4, NULL),
      (2, 'two again', 5.00, 0.5, DATE '2024-02-15');
    CREATE TABLE u (a INTEGER, c VARCHAR);
    INSERT INTO u VALUES (2, 'u2'), (3, 'u3'), (3, 'u3b'), (5, 'u5'), (NULL, 'unull');
  `);
  return db;
}

export interface CheckOptions {
  /** result positions the reference query orders by: the order of those values must match */
  readonly orderBy?: readonly number[];
  /** compare the rows exactly in order (for results with no ties) */
  readonly exactOrder?: boolean;
}

/** Lower `plan`, run it, and assert it returns what `referenceSql` returns (names included). */
export async function assertLowersLike(db: Database, plan: Plan, referenceSql: string, options: CheckOptions = {}): Promise<LoweredSql> {
  const lowered = lowerPlan(plan);
  let actual;
  try {
    actual = await runLowered(db, lowered);
  } catch (err) {
    throw new Error(`lowered SQL failed: ${(err as Error).message}\n${lowered.sql}`, { cause: err });
  }
  const expected = await db.rows(referenceSql);
  const diff = compareResults(expected, actual, options.orderBy ? { orderBy: options.orderBy } : {});
  assert.ok(diff.equal, `${describeDiff(diff)}\nlowered SQL:\n${lowered.sql}`);
  assert.deepEqual(actual.columns, expected.columns, `column names differ\nlowered SQL:\n${lowered.sql}`);
  if (options.exactOrder) assert.deepEqual(actual.rows, expected.rows, `row order differs\nlowered SQL:\n${lowered.sql}`);
  return lowered;
}
