/**
 * DuckDB's physical join tree for the lowered SQL matches ours: with the
 * lowering's settings, DuckDB executes exactly the join tree (order, sides
 * and join types) our optimizer chose, for every TPC-H query (and every
 * analytics query without set operations or subqueries left in place).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSql } from '../../../compiler/compile.ts';
import { lowerPlan } from '../../../compiler/lower/lower.ts';
import { listWorkloadQueries } from '../../../corpus/workloads/index.ts';
import { compareResults, describeDiff } from '../../helpers/compare-results.ts';
import {
  countJoins,
  explainPhysical,
  formatJoinShape,
  formatJoinTree,
  formatJoinTreeWithOps,
  hasSetOp,
  hasSubqueryExpr,
  physicalJoinTree,
  planJoinTree,
  runLowered,
} from '../../helpers/duckdb-plan.ts';
import { col, eq, join, PlanBuilder } from './build-plan.ts';
import { openTpchData, type TpchData } from './tpch-data.ts';

let data: TpchData;
before(async () => {
  data = await openTpchData();
});
after(() => data?.close());

describe("DuckDB's physical join tree for the lowered SQL matches ours", () => {
  for (const workload of ['tpch', 'analytics'] as const) {
    for (const q of listWorkloadQueries(workload)) {
      test(`${workload}/${q.name}`, async (t) => {
        const compiled = compileSql(q.sql, data.catalog);
        // DuckDB plans a subquery we left in place with joins of its own (MARK, DELIM, ...),
        // and INTERSECT / EXCEPT as semi / anti joins: no tree of ours to compare with
        if (hasSubqueryExpr(compiled.plan)) return t.skip('a subquery expression remains in the plan');
        if (hasSetOp(compiled.plan)) return t.skip('the plan has a set operation');
        const lowered = lowerPlan(compiled.plan);
        const ours = planJoinTree(compiled.plan);
        const physical = physicalJoinTree(await explainPhysical(data.db, lowered.sql, lowered.settings));
        assert.equal(
          formatJoinTree(physical),
          formatJoinTree(ours),
          `DuckDB executes ${formatJoinTreeWithOps(physical)}\nour plan:\n${compiled.simplified}\nlowered SQL:\n${lowered.sql}`,
        );
      });
    }
  }
});

// region ⋈ nation ⋈ customer ⋈ orders, smallest table first and probing: DuckDB would not choose this
function smallFirstPlan() {
  const b = new PlanBuilder();
  const r = b.scan('region', { r_regionkey: 'integer', r_name: 'varchar' });
  const n = b.scan('nation', { n_nationkey: 'integer', n_regionkey: 'integer', n_name: 'varchar' });
  const c = b.scan('customer', { c_custkey: 'integer', c_nationkey: 'integer' });
  const o = b.scan('orders', { o_orderkey: 'bigint', o_custkey: 'integer' });
  const rn = join('inner', r, n, eq(col(r, 'r_regionkey'), col(n, 'n_regionkey')));
  const rnc = join('inner', rn, c, eq(col(n, 'n_nationkey'), col(c, 'c_nationkey')));
  const all = join('inner', rnc, o, eq(col(c, 'c_custkey'), col(o, 'o_custkey')));
  const agg = b.aggregate(all, [['r_name', col(r, 'r_name')]], [{ name: 'orders', fn: 'count_star', args: [], distinct: false, filter: null, type: 'bigint' }]);
  return agg;
}

describe('the settings are what keeps our join order', () => {

  test('without the settings DuckDB picks another tree; with them it keeps ours, same rows', async () => {
    const plan = smallFirstPlan();
    const lowered = lowerPlan(plan);
    const ours = planJoinTree(plan);
    assert.equal(formatJoinTree(ours), '(((region ⋈ nation) ⋈ customer) ⋈ orders)');
    const kept = physicalJoinTree(await explainPhysical(data.db, lowered.sql, lowered.settings));
    assert.equal(formatJoinTree(kept), formatJoinTree(ours));
    const free = physicalJoinTree(await explainPhysical(data.db, lowered.sql));
    assert.equal(countJoins(free), 3);
    assert.notEqual(formatJoinShape(free), formatJoinShape(ours), `DuckDB on its own chose our tree ${formatJoinTreeWithOps(free)}`);
    const asPlanned = await runLowered(data.db, lowered);
    const replanned = await data.db.rows(lowered.sql);
    const diff = compareResults(replanned, asPlanned);
    assert.ok(diff.equal, describeDiff(diff));
    assert.equal(asPlanned.rows.length, 5);
  });
});
