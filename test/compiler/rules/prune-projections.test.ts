import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputColumns } from '../../../compiler/ir/walk.ts';
import type { Plan } from '../../../compiler/ir/plan.ts';
import { pruneProjections } from '../../../compiler/rules/prune-projections.ts';
import { describeRule } from './rule-case.ts';

/** The root's result columns (names and order) must be exactly the input's. */
function sameResultColumns(out: Plan, input: Plan): void {
  assert.deepEqual(
    outputColumns(out).map((c) => [c.id, c.name]),
    outputColumns(input).map((c) => [c.id, c.name]),
  );
}

describeRule(
  pruneProjections,
  [
    {
      name: 'doc-example',
      title: 'an aggregate query reads two of the nine orders columns; the root keeps its names',
      sql: `SELECT o_orderpriority, count(*) AS order_count FROM orders
WHERE o_orderdate >= date '1993-07-01' GROUP BY o_orderpriority`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'count-star-narrowest-column',
      title: 'count(*) needs no column: the scan keeps its narrowest one',
      sql: `SELECT count(*) AS n FROM lineitem`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'derived-table-unused-exprs',
      title: 'unused expressions of a derived table go, the identity project left below the root is removed',
      sql: `SELECT k FROM (SELECT o_orderkey AS k, o_totalprice * 2 AS d, upper(o_comment) AS u FROM orders) AS t`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'unused-aggregates-never-group-keys',
      title: 'aggregate calls nobody reads go; the group key stays although unused (it defines the groups)',
      sql: `SELECT s FROM (SELECT o_custkey, sum(o_totalprice) AS s, max(o_orderdate) AS m, count(*) AS n
  FROM orders GROUP BY o_custkey) AS t`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'unused-window-removed',
      title: 'a window function nobody reads is dropped with its Window node',
      sql: `SELECT o_orderkey FROM (SELECT o_orderkey, row_number() OVER (ORDER BY o_orderdate) AS rn FROM orders) AS t`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'distinct-and-union-keep-inputs',
      title: 'DISTINCT and UNION need every input column; only the scans below shrink',
      sql: `SELECT o_custkey FROM (SELECT DISTINCT o_custkey, o_orderstatus FROM orders) AS t
UNION SELECT l_suppkey FROM lineitem`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'subquery-plans',
      title: 'an EXISTS plan keeps one column, its scan only what the correlation reads; the outer scan keeps the correlated column',
      sql: `SELECT c_name FROM customer WHERE EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)`,
      expect: 'change',
      check: sameResultColumns,
    },
    {
      name: 'root-names-kept',
      title: 'no change: every column is used and the root project renames, so it stays',
      sql: `SELECT r_name AS name, r_regionkey + 1 AS k, r_comment AS c FROM region`,
      expect: 'no-change',
    },
  ],
  { level: 'explain' },
);

test('prune-projections: the root project is removed only when it renames nothing', async () => {
  const { bindSql } = await import('./rule-case.ts');
  const { createRuleContext } = await import('../../../compiler/rules/rule.ts');
  const { TPCH_CATALOG } = await import('../../helpers/tpch-catalog.ts');
  const { maxColumnId } = await import('../../../compiler/ir/walk.ts');
  const same = bindSql('SELECT r_regionkey, r_name, r_comment FROM region');
  const renamed = bindSql('SELECT r_regionkey, r_name AS n, r_comment FROM region');
  const run = (p: Plan) => pruneProjections.apply(p, createRuleContext(TPCH_CATALOG, maxColumnId(p)));
  assert.equal(run(same).kind, 'scan');
  assert.equal(run(renamed), renamed);
});

test('a Project that only reorders columns is dropped off the root path, kept at the root and under set operations', async () => {
  const { tpchCatalog } = await import('../../helpers/tpch-catalog.ts');
  const { createRuleContext } = await import('../../../compiler/rules/rule.ts');
  const { maxColumnId } = await import('../../../compiler/ir/walk.ts');
  const scan: Plan = { kind: 'scan', table: 'nation', alias: 'nation', columns: [{ id: 1, name: 'n_nationkey', type: 'integer' }, { id: 2, name: 'n_name', type: 'varchar' }] };
  const permute: Plan = { kind: 'project', input: scan, exprs: [{ id: 2, name: 'n_name', expr: { kind: 'column', id: 2, name: 'n_name', type: 'varchar' } }, { id: 1, name: 'n_nationkey', expr: { kind: 'column', id: 1, name: 'n_nationkey', type: 'integer' } }] };
  const agg: Plan = { kind: 'aggregate', input: permute, groupBy: [{ id: 2, name: 'n_name', expr: { kind: 'column', id: 2, name: 'n_name', type: 'varchar' } }], aggregates: [{ id: 3, name: 'n', fn: 'sum', args: [{ kind: 'column', id: 1, name: 'n_nationkey', type: 'integer' }], distinct: false, filter: null, type: 'bigint' }] };
  const ctx = createRuleContext(tpchCatalog(), maxColumnId(agg));
  const out = pruneProjections.apply(agg, ctx);
  assert.equal(out.kind === 'aggregate' && out.input.kind, 'scan');
  // at the root the order is the result's: kept
  assert.equal(pruneProjections.apply(permute, ctx), permute);
  // under a set operation columns map by position: kept
  const union: Plan = { kind: 'setop', op: 'union', all: true, left: permute, right: permute, columns: [{ id: 10, name: 'n_name', type: 'varchar' }, { id: 11, name: 'n_nationkey', type: 'integer' }] };
  const u = pruneProjections.apply(union, ctx);
  assert.equal(u.kind === 'setop' && u.left.kind, 'project');
});
