/**
 * The binder over the repository's query corpus: the 22 TPC-H queries and
 * the analytics workload. Every query binds, keeps the plan invariants,
 * binds deterministically, and yields the result columns (names and type
 * families) DuckDB gives for the same SQL on the same schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { printPlan } from '../../../compiler/print/print.ts';
import { typeFromSql } from '../../../compiler/ir/types.ts';
import { outputColumns } from '../../../compiler/ir/walk.ts';
import { TPCH_DDL } from '../../../corpus/tpch/schema.ts';
import { assertGolden } from '../../helpers/golden.ts';
import { bindSql, checkPlanInvariants } from './bind-helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TPCH_DIR = join(ROOT, 'corpus', 'tpch', 'queries');
const ANALYTICS_DIR = join(ROOT, 'corpus', 'workloads', 'analytics');

function sqlFiles(dir: string): { name: string; sql: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .toSorted()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

const TPCH = sqlFiles(TPCH_DIR);
const ANALYTICS = sqlFiles(ANALYTICS_DIR);

test('all 22 TPC-H queries bind and keep the plan invariants', () => {
  assert.equal(TPCH.length, 22);
  for (const q of TPCH) {
    const plan = bindSql(q.sql);
    assert.doesNotThrow(() => checkPlanInvariants(plan), `${q.name}`);
  }
});

test('every analytics workload query binds and keeps the plan invariants', () => {
  assert.ok(ANALYTICS.length > 0, 'corpus/workloads/analytics has queries');
  for (const q of ANALYTICS) {
    const plan = bindSql(q.sql);
    assert.doesNotThrow(() => checkPlanInvariants(plan), `${q.name}`);
  }
});

test('binding is deterministic: the same query twice gives byte-identical explain output and the same ids', () => {
  for (const q of [...TPCH, ...ANALYTICS]) {
    const a = bindSql(q.sql);
    const b = bindSql(q.sql);
    assert.equal(printPlan(a, 'explain'), printPlan(b, 'explain'), q.name);
    assert.deepEqual(a, b, `${q.name}: the plans are deep-equal, raw ids included`);
  }
});

test('result column names and types agree with DuckDB on the same schema', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const ddl of Object.values(TPCH_DDL)) await connection.run(ddl);
    for (const q of [...TPCH, ...ANALYTICS]) {
      const reader = await connection.runAndReadAll(q.sql);
      const duckdb = reader.columnNames().map((name, i) => `${name}:${typeFromSql(reader.columnTypes()[i]!.toString().replace(/\(.*$/, ''))}`);
      const ours = outputColumns(bindSql(q.sql)).map((c) => `${c.name}:${c.type}`);
      assert.deepEqual(ours, duckdb, q.name);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

for (const name of ['q01', 'q02', 'q13', 'q15', 'q17', 'q20', 'q21', 'q22']) {
  test(`TPC-H ${name} bound plan matches its golden file`, () => {
    const q = TPCH.find((x) => x.name === name);
    assert.ok(q, `${name}.sql exists`);
    assertGolden(`bind/tpch-${name}.plan`, printPlan(bindSql(q.sql), 'explain'));
  });
}

for (const name of ['a03-monthly-revenue-running-total', 'a11-nation-activity-full-join', 'a15-supplier-sets-intersect-except', 'a26-moving-average-frame']) {
  test(`analytics ${name} bound plan matches its golden file`, () => {
    const q = ANALYTICS.find((x) => x.name === name);
    assert.ok(q, `${name}.sql exists`);
    assertGolden(`bind/analytics-${name}.plan`, printPlan(bindSql(q.sql), 'explain'));
  });
}
