import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import type { Expr, Literal, ProjectNode } from '../../../compiler/ir/plan.ts';
import { maxColumnId } from '../../../compiler/ir/walk.ts';
import { foldConstants } from '../../../compiler/rules/fold-constants.ts';
import { createRuleContext } from '../../../compiler/rules/rule.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { bindSql, describeRule } from './rule-case.ts';

describeRule(foldConstants, [
  {
    name: 'doc-example',
    title: 'TPC-H Q1/Q6 bounds: date - interval to the binder\'s TIMESTAMP, exact decimal BETWEEN bounds',
    sql: `SELECT l_returnflag FROM lineitem
WHERE l_shipdate <= date '1998-12-01' - interval '90 day'
  AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01`,
    expect: 'change',
  },
  {
    name: 'null-propagation',
    title: 'x + NULL and strict functions of NULL become typed NULLs; x = NULL becomes NULL; decimal 1 + 0.5 is 1.5',
    sql: `SELECT l_orderkey + NULL AS a, upper(NULL) AS b, l_quantity * (1 + 0.5) AS c FROM lineitem
WHERE l_tax = NULL OR l_discount > 0.05`,
    expect: 'change',
  },
  {
    name: 'case-and-coalesce',
    title: 'CASE with constant conditions picks its branch; WHEN NULL never matches; COALESCE takes its leading literal',
    sql: `SELECT CASE WHEN 1 > 2 THEN 'x' WHEN 2 = 2 THEN 'y' ELSE 'z' END AS c,
  coalesce(NULL, 5, o_custkey) AS d,
  CASE o_orderstatus WHEN NULL THEN 1 WHEN 'F' THEN 2 END AS e
FROM orders`,
    expect: 'change',
  },
  {
    name: 'casts-concat-calendar',
    title: 'exact CASTs, || of literals, month arithmetic clamps to the month end, date + integer days',
    sql: `SELECT o_orderkey FROM orders
WHERE o_orderdate < CAST('1995-03-15' AS DATE) AND o_comment <> 'a' || 'b'
  AND o_totalprice > CAST(5 AS DECIMAL(15,2))
  AND o_orderdate >= date '2000-01-31' + interval '1 month' - interval '1 year'
  AND o_orderdate < date '1995-01-01' + 30`,
    expect: 'change',
  },
  {
    name: 'literal-predicates',
    title: 'integer arithmetic, LIKE, IN and comparisons of literals evaluate to TRUE/FALSE',
    sql: `SELECT o_orderkey FROM orders
WHERE o_shippriority = 2 * 3 - 6 AND 'abc' LIKE 'a%' AND 3 IN (1, 2, 3) AND -5 < 0 AND 2 NOT BETWEEN 3 AND 4`,
    expect: 'change',
  },
  {
    name: 'inside-subquery',
    title: 'constants inside a subquery plan are folded too',
    sql: `SELECT o_orderkey FROM orders
WHERE o_totalprice > (SELECT avg(l_extendedprice) FROM lineitem WHERE l_shipdate < date '1995-01-01' + interval '1 month')`,
    expect: 'change',
  },
  {
    name: 'volatile-and-inexact',
    title: 'no change: random(), current_date, integer / (a DOUBLE in DuckDB) and an INT32 overflow are left to DuckDB',
    sql: `SELECT o_orderkey / 2 AS half, random() < 0.5 AS coin, current_date AS today, 7 / 2 AS d FROM orders
WHERE o_orderdate > current_date - interval '1 year' AND o_shippriority < 2147483647 + 1`,
    expect: 'no-change',
  },
]);

/**
 * Every folded literal is exactly what DuckDB computes for the original
 * expression (same text: decimal scale, clamped month ends, timestamps);
 * the expressions DuckDB evaluates differently from exact arithmetic
 * (integer division, overflow) must stay unfolded.
 */
describe('fold-constants agrees with DuckDB', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.close());

  const folded = [
    `0.06 + 0.01`, `0.06 * 2.00`, `1 - 0.06`, `2 * 0.5`, `1.50 + 1`, `-7 % 3`, `2147483646 + 1`, `3 * -4`,
    `date '1998-12-01' - interval '90 day'`, `date '2000-01-31' + interval '1 month'`, `date '2000-03-31' - interval '1 month'`,
    `date '2000-02-29' + interval '1 year'`, `date '1998-12-01' + 5`, `date '1995-01-01' + interval '2 weeks'`,
    `timestamp '2000-02-29 10:11:12' - interval '1 year'`, `CAST('1995-03-15' AS DATE)`, `CAST(5 AS DECIMAL(15,2))`,
    `CAST(0.5 AS DECIMAL(10,3))`, `CAST('42' AS INTEGER)`, `CAST(12 AS VARCHAR)`, `'a' || 'b' || 'c'`,
    `1 < 1.5`, `'b' < 'a'`, `date '1995-01-01' >= date '1994-12-31'`, `3 IN (1, 2, 3)`, `4 IN (1, NULL)`, `4 NOT IN (1, 2)`,
    `5 BETWEEN 1 AND 10`, `'abc' LIKE 'a_c'`, `'ABC' ILIKE 'a%'`, `NULL + 1`, `upper(NULL)`, `1 = NULL`,
    `CASE WHEN 1 > 2 THEN 'x' WHEN 2 = 2 THEN 'y' END`, `CASE 2 WHEN 1 THEN 10 WHEN 2 THEN 20 ELSE 30 END`,
    `coalesce(NULL, 7, 8)`, `NULL IS NULL`, `NOT (1 = 1)`, `TRUE AND NULL`, `FALSE AND NULL`, `TRUE OR NULL`,
  ];
  const unfolded = [`7 / 2`, `2147483647 + 1`, `5 % 0`, `CAST(1.005 AS DECIMAL(15,2))`, `random() < 2`, `current_date`];

  for (const text of folded) {
    test(`${text} folds to DuckDB's value`, async () => {
      const e = foldedSelect(text);
      assert.equal(e.kind, 'literal', `${text} did not fold: ${JSON.stringify(e)}`);
      const { rows } = await db.rows(`SELECT ${text}`);
      const expected = rows[0]![0];
      const value = (e as Literal).value;
      assert.equal(value === null ? null : String(value), expected === null ? null : String(expected), text);
    });
  }

  test('integer division, INT32 overflow, modulo by zero, rounding casts and volatile calls are not folded', () => {
    for (const text of unfolded) assert.notEqual(foldedSelect(text).kind, 'literal', text);
  });
});

function foldedSelect(text: string): Expr {
  const plan = bindSql(`SELECT ${text} AS x`);
  const out = foldConstants.apply(plan, createRuleContext(TPCH_CATALOG, maxColumnId(plan)));
  assert.equal(out.kind, 'project');
  return (out as ProjectNode).exprs[0]!.expr;
}
