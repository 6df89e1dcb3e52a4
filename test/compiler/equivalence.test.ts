/**
 * The optimizer is correct: for every workload query, the original SQL run
 * by DuckDB and our optimized plan (default profile) lowered back to SQL and
 * run by DuckDB as planned return the same result on TPC-H scale 0.01 —
 * same column count, same multiset of rows, and the same order of the sort
 * key values when the query is ordered. The `none` profile (the bound plan,
 * no rules) goes through the same check: it proves the binder and the
 * lowering on their own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSql } from '../../compiler/compile.ts';
import { lowerPlan } from '../../compiler/lower/lower.ts';
import type { Plan } from '../../compiler/ir/plan.ts';
import { listWorkloadQueries } from '../../corpus/workloads/index.ts';
import { compareResults, describeDiff, type ResultTable } from '../helpers/compare-results.ts';
import { runLowered } from '../helpers/duckdb-plan.ts';
import { openTpchData, type TpchData } from './lower/tpch-data.ts';

/**
 * Result positions of the root's ORDER BY keys, in key order, as far as the
 * keys are plain output columns (a key that is not in the output, or an
 * expression, ends the list: later keys only order ties of it); undefined
 * when the root is not ordered.
 */
function orderKeyPositions(plan: Plan): number[] | undefined {
  let node: Plan = plan;
  // for each result position, the id it has at the current level (null once computed)
  let ids: (number | null)[] = rootColumnIds(plan);
  while (node.kind === 'project' || node.kind === 'limit') {
    if (node.kind === 'project') {
      const exprs = node.exprs;
      ids = ids.map((id) => {
        const n = exprs.find((e) => e.id === id);
        return n && n.expr.kind === 'column' ? n.expr.id : null;
      });
    }
    node = node.input;
  }
  if (node.kind !== 'sort' && node.kind !== 'topN') return undefined;
  const positions: number[] = [];
  for (const k of node.keys) {
    const pos = k.expr.kind === 'column' ? ids.indexOf(k.expr.id) : -1;
    if (pos < 0) break;
    positions.push(pos);
  }
  return positions;
}

function rootColumnIds(plan: Plan): number[] {
  switch (plan.kind) {
    case 'project':
      return plan.exprs.map((e) => e.id);
    case 'limit':
    case 'sort':
    case 'topN':
      return rootColumnIds(plan.input);
    default:
      return [];
  }
}

let data: TpchData;
before(async () => {
  data = await openTpchData();
});
after(() => data?.close());

const expectedCache = new Map<string, Promise<ResultTable>>();

/** The original SQL's result on DuckDB (its own optimizer), once per query. */
function originalResult(name: string, sql: string): Promise<ResultTable> {
  let p = expectedCache.get(name);
  if (!p) {
    p = data.db.rows(sql);
    expectedCache.set(name, p);
  }
  return p;
}

/** Beyond the workloads: constructs whose lowering is easy to get subtly wrong. */
const EDGE_CASES: readonly { readonly name: string; readonly sql: string }[] = [
  // NULL sorts last both ways when not said (DuckDB's default, which the binder follows)
  // concat() skips NULLs, || propagates them
  { name: 'concat-vs-pipes-with-nulls', sql: "select concat(n_name, null, 'x') as c, n_name || null as d, concat(r_name, n_comment) as e from nation left join region on r_regionkey = n_regionkey and r_name = 'ASIA' order by n_nationkey" },
  { name: 'desc-over-nulls', sql: "select r_name, n_name from region left join nation on r_regionkey = n_regionkey and n_name like 'I%' order by n_name desc, r_name" },
  { name: 'order-by-hidden-expression-limit-offset', sql: 'select n_name from nation order by n_regionkey + 1 desc, n_name limit 5 offset 3' },
  { name: 'user-names-with-spaces-and-duplicates', sql: 'select n_name as "Nation Name", n_name, n_nationkey as "key" from nation order by 3 desc limit 4' },
  { name: 'distinct-order-by', sql: 'select distinct n_regionkey from nation order by n_regionkey desc' },
  { name: 'union-order-limit', sql: 'select r_name from region union select n_name from nation order by 1 limit 7' },
  { name: 'ordered-limit-in-derived-table', sql: 'select * from (select n_name, n_nationkey from nation order by n_nationkey desc limit 3) t order by n_name' },
  { name: 'not-in-subquery', sql: 'select c_custkey from customer where c_custkey not in (select o_custkey from orders) order by c_custkey limit 5' },
  { name: 'empty-global-aggregate', sql: 'select count(*), sum(n_nationkey) from nation where n_nationkey > 100' },
  { name: 'window-lag-and-frame', sql: 'select n_name, lag(n_name) over (order by n_nationkey) as prev, sum(n_nationkey) over (order by n_nationkey rows between 2 preceding and current row) as s3 from nation order by n_nationkey' },
  { name: 'literals-and-functions', sql: "select coalesce(null, n_name) || '-' || cast(n_nationkey as varchar) as x, extract(year from date '2020-03-04') as y, substring(n_name, 1, 3) as s, -n_nationkey as neg, n_nationkey - -1 as plus from nation order by x limit 4" },
];

for (const profile of ['default', 'none'] as const) {
  describe(`the optimizer is correct: lowered ${profile}-profile plans return what DuckDB returns`, () => {
    const queries = [
      ...(['tpch', 'analytics'] as const).flatMap((w) => listWorkloadQueries(w).map((q) => ({ name: `${w}/${q.name}`, sql: q.sql }))),
      ...EDGE_CASES.map((q) => ({ name: `edge/${q.name}`, sql: q.sql })),
    ];
    for (const q of queries) {
      test(q.name, async () => {
        const compiled = compileSql(q.sql, data.catalog, { profile });
        const lowered = lowerPlan(compiled.plan);
        const expected = await originalResult(q.name, q.sql);
        let actual: ResultTable;
        try {
          actual = await runLowered(data.db, lowered);
        } catch (err) {
          assert.fail(`the lowered plan failed on DuckDB: ${(err as Error).message}\nplan:\n${compiled.simplified}\nlowered SQL:\n${lowered.sql}`);
        }
        // the order the query asks for, read from the bound plan (a rule must not lose it)
        const orderBy = orderKeyPositions(compiled.logical);
        const diff = compareResults(expected, actual, orderBy ? { orderBy } : {});
        assert.ok(diff.equal, `${describeDiff(diff)}\nplan:\n${compiled.simplified}\nlowered SQL:\n${lowered.sql}`);
        assert.deepEqual(actual.columns, expected.columns, 'result column names');
      });
    }
  });
}

describe('the result comparison itself', () => {
  const cols = ['k', 'v'];
  test('equal multisets in another order are equal when unordered', () => {
    const d = compareResults({ columns: cols, rows: [[1, 'a'], [2, 'b'], [2, 'b']] }, { columns: cols, rows: [[2, 'b'], [1, 'a'], [2, 'b']] });
    assert.ok(d.equal);
  });

  test('a duplicate row missing is a difference, with the missing row listed', () => {
    const d = compareResults({ columns: cols, rows: [[1, 'a'], [2, 'b'], [2, 'b']] }, { columns: cols, rows: [[1, 'a'], [2, 'b'], [3, 'c']] });
    assert.equal(d.equal, false);
    assert.deepEqual(d.missingRows, [[2, 'b']]);
    assert.deepEqual(d.extraRows, [[3, 'c']]);
    assert.deepEqual(d.firstDifference, { index: 2, expected: [2, 'b'], actual: [3, 'c'] });
  });

  test('ordered: ties on the sort key may come in any order, other order changes may not', () => {
    const expected = { columns: cols, rows: [[1, 'a'], [1, 'b'], [2, 'c']] };
    assert.ok(compareResults(expected, { columns: cols, rows: [[1, 'b'], [1, 'a'], [2, 'c']] }, { orderBy: [0] }).equal);
    const d = compareResults(expected, { columns: cols, rows: [[2, 'c'], [1, 'a'], [1, 'b']] }, { orderBy: [0] });
    assert.equal(d.equal, false);
    assert.equal(d.missingCount + d.extraCount, 0);
    assert.deepEqual(d.firstDifference, { index: 0, expected: [1, 'a'], actual: [2, 'c'] });
  });

  test('doubles within 1e-9 relative are equal, decimals must be exact, NULLs equal NULLs', () => {
    const one = ['x'];
    assert.ok(compareResults({ columns: one, rows: [[0.1 + 0.2], [null]] }, { columns: one, rows: [[0.3], [null]] }).equal);
    assert.equal(compareResults({ columns: one, rows: [[1.0]] }, { columns: one, rows: [[1.0 + 1e-8]] }).equal, false);
    assert.ok(compareResults({ columns: one, rows: [['12.50']] }, { columns: one, rows: [['12.5']] }).equal);
    assert.equal(compareResults({ columns: one, rows: [['12.50']] }, { columns: one, rows: [['12.51']] }).equal, false);
    assert.equal(compareResults({ columns: one, rows: [[null]] }, { columns: one, rows: [[0]] }).equal, false);
  });

  test('a different column count is reported before anything else', () => {
    const d = compareResults({ columns: ['a', 'b'], rows: [[1, 2]] }, { columns: ['a'], rows: [[1]] });
    assert.deepEqual(d.columnCount, { expected: 2, actual: 1 });
    assert.equal(d.equal, false);
  });
});
