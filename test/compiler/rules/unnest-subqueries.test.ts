import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Expr, JoinNode, Plan } from '../../../compiler/ir/plan.ts';
import { conjuncts, forEachExpr, forEachNode, maxColumnId, nodeExprs } from '../../../compiler/ir/walk.ts';
import { createRuleContext } from '../../../compiler/rules/rule.ts';
import { unnestSubqueries } from '../../../compiler/rules/unnest-subqueries.ts';
import { TPCH_QUERIES_DIR } from '../../../corpus/tpch/queries.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { bindSql, describeRule, type RuleCase } from './rule-case.ts';

function tpch(n: number): string {
  return readFileSync(`${TPCH_QUERIES_DIR}/q${String(n).padStart(2, '0')}.sql`, 'utf8').replace(/;\s*$/, '');
}

function joins(plan: Plan): JoinNode[] {
  const out: JoinNode[] = [];
  forEachNode(plan, (n) => {
    if (n.kind === 'join') out.push(n);
  });
  return out;
}

/** Subquery expressions left anywhere in the plan, by mode. */
function subqueryModes(plan: Plan): string[] {
  const out: string[] = [];
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) forEachExpr(e, (x) => {
      if (x.kind === 'subquery') out.push(x.mode);
    });
  });
  return out;
}

function printed(e: Expr): string {
  return e.kind === 'compare' && e.left.kind === 'column' && e.right.kind === 'column' ? `${e.left.name} ${e.op} ${e.right.name}` : e.kind;
}

const cases: RuleCase[] = [
  {
    name: 'doc-example',
    title: 'correlated EXISTS becomes a semi join on the correlation predicate',
    sql: "SELECT o_orderpriority FROM orders WHERE o_orderdate >= DATE '1993-07-01' AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate)",
    expect: 'change',
  },
  {
    name: 'tpch-q04',
    title: 'TPC-H Q4: EXISTS under an aggregate query',
    sql: tpch(4),
    expect: 'change',
    check: (out) => {
      assert.deepEqual(subqueryModes(out), []);
      assert.deepEqual(joins(out).map((j) => j.joinType), ['semi']);
    },
  },
  {
    name: 'tpch-q16',
    title: 'TPC-H Q16: NOT IN becomes a null-aware anti join, the comparison first',
    sql: tpch(16),
    expect: 'change',
    check: (out) => {
      const anti = joins(out).filter((j) => j.joinType === 'anti');
      assert.equal(anti.length, 1);
      assert.equal(anti[0]!.nullAware, true);
      assert.deepEqual(conjuncts(anti[0]!.condition).map(printed), ['ps_suppkey = s_suppkey']);
      assert.deepEqual(subqueryModes(out), []);
    },
  },
  {
    name: 'tpch-q18',
    title: 'TPC-H Q18: IN over a grouped, HAVING-filtered subquery becomes a semi join',
    sql: tpch(18),
    expect: 'change',
    check: (out) => {
      const semi = joins(out).filter((j) => j.joinType === 'semi');
      assert.equal(semi.length, 1);
      assert.deepEqual(conjuncts(semi[0]!.condition).map(printed), ['o_orderkey = l_orderkey']);
    },
  },
  {
    name: 'tpch-q20',
    title: 'TPC-H Q20: nested IN both unnested; the correlated scalar subquery is left for decorrelation',
    sql: tpch(20),
    expect: 'change',
    check: (out) => {
      assert.deepEqual(joins(out).filter((j) => j.joinType === 'semi').length, 2);
      assert.deepEqual(subqueryModes(out), ['scalar']);
    },
  },
  {
    name: 'tpch-q21',
    title: 'TPC-H Q21: EXISTS and NOT EXISTS with <> correlation become a semi and an anti join',
    sql: tpch(21),
    expect: 'change',
    check: (out) => {
      const kinds = joins(out).filter((j) => j.joinType === 'semi' || j.joinType === 'anti');
      assert.deepEqual(kinds.map((j) => j.joinType), ['anti', 'semi']);
      for (const j of kinds) {
        assert.deepEqual(conjuncts(j.condition).map(printed), ['l_orderkey = l_orderkey', 'l_suppkey <> l_suppkey']);
        assert.ok(!j.nullAware);
      }
      assert.deepEqual(subqueryModes(out), []);
    },
  },
  {
    name: 'tpch-q22',
    title: 'TPC-H Q22: NOT EXISTS in a derived table becomes an anti join; the uncorrelated scalar stays',
    sql: tpch(22),
    expect: 'change',
    check: (out) => {
      assert.deepEqual(joins(out).map((j) => j.joinType), ['anti']);
      assert.deepEqual(subqueryModes(out), ['scalar']);
    },
  },
  {
    name: 'correlated-not-in',
    title: 'correlated NOT IN: comparison first, correlation predicates after it',
    sql: 'SELECT o_orderkey FROM orders WHERE o_custkey NOT IN (SELECT c_custkey FROM customer WHERE c_nationkey = o_shippriority)',
    expect: 'change',
    check: (out) => {
      const [anti] = joins(out);
      assert.equal(anti?.nullAware, true);
      assert.deepEqual(conjuncts(anti!.condition).map(printed), ['o_custkey = c_custkey', 'c_nationkey = o_shippriority']);
    },
  },
  {
    name: 'not-in-null-in-subquery',
    title: 'NOT IN against a subquery yielding NULL returns no row (null-aware anti join)',
    sql: 'SELECT o_orderkey FROM orders WHERE o_custkey NOT IN (SELECT c_nationkey FROM customer)',
    expect: 'change',
  },
  {
    name: 'correlated-in',
    title: 'correlated IN: the IN comparison and the correlation both go into the semi join condition',
    sql: 'SELECT c_custkey FROM customer WHERE c_nationkey IN (SELECT n_nationkey FROM nation WHERE n_regionkey = c_nationkey)',
    expect: 'change',
  },
  {
    name: 'exists-distinct',
    title: 'a DISTINCT select list under EXISTS is dropped',
    sql: "SELECT c_custkey FROM customer WHERE EXISTS (SELECT DISTINCT o_custkey FROM orders WHERE o_custkey = c_custkey AND o_totalprice > 950)",
    expect: 'change',
  },
  {
    name: 'correlation-above-derived-table',
    title: 'correlation over a derived table column: the projection below is kept and passes it through',
    sql: 'SELECT c_custkey FROM customer WHERE EXISTS (SELECT * FROM (SELECT o_custkey + 0 AS k, o_totalprice FROM orders) t WHERE t.k = c_custkey AND o_totalprice > 1000)',
    expect: 'change',
  },
  {
    name: 'nested-exists-through-semi-join',
    title: 'nested EXISTS: the inner becomes a semi join first, the outer correlation is pulled up through its left input',
    sql: 'SELECT n_name FROM nation n WHERE EXISTS (SELECT * FROM customer c WHERE c.c_nationkey = n.n_nationkey AND EXISTS (SELECT * FROM orders o WHERE o.o_custkey = c.c_custkey))',
    expect: 'change',
    check: (out) => {
      assert.deepEqual(subqueryModes(out), []);
      assert.deepEqual(joins(out).map((j) => j.joinType), ['semi', 'semi']);
    },
  },
  {
    name: 'not-not-in',
    title: 'NOT (x NOT IN q) is x IN q: a semi join',
    sql: 'SELECT o_orderkey FROM orders WHERE NOT (o_custkey NOT IN (SELECT c_custkey FROM customer))',
    expect: 'change',
    check: (out) => assert.deepEqual(joins(out).map((j) => j.joinType), ['semi']),
  },
  {
    name: 'correlated-under-aggregate',
    title: 'a correlation predicate below an Aggregate is left alone',
    sql: 'SELECT c_custkey FROM customer WHERE EXISTS (SELECT o_custkey FROM orders WHERE o_custkey = c_custkey GROUP BY o_custkey HAVING count(*) > 1)',
    expect: 'no-change',
  },
  {
    name: 'correlated-under-limit',
    title: 'a correlation predicate below a Limit is left alone',
    sql: 'SELECT c_custkey FROM customer WHERE EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey LIMIT 1)',
    expect: 'no-change',
  },
  {
    name: 'exists-under-or',
    title: 'EXISTS inside OR stays a subquery',
    sql: 'SELECT c_custkey FROM customer WHERE c_acctbal > 0 OR EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey)',
    expect: 'no-change',
  },
  {
    name: 'exists-in-select-list',
    title: 'EXISTS in a select list stays a subquery',
    sql: 'SELECT c_custkey, EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey) AS has_orders FROM customer',
    expect: 'no-change',
  },
];

describeRule(unnestSubqueries, cases, { level: 'explain' });

test('every EXISTS and IN subquery of the 22 TPC-H queries is unnested; only scalar subqueries remain', () => {
  const remaining: string[] = [];
  for (let q = 1; q <= 22; q++) {
    const plan = bindSql(tpch(q));
    const out = unnestSubqueries.apply(plan, createRuleContext(TPCH_CATALOG, maxColumnId(plan)));
    for (const m of subqueryModes(out)) remaining.push(`q${q}:${m}`);
  }
  assert.deepEqual(remaining, ['q2:scalar', 'q11:scalar', 'q15:scalar', 'q17:scalar', 'q20:scalar', 'q22:scalar']);
});

test('unnesting draws no column ids and leaves the input plan untouched', () => {
  const plan = bindSql(tpch(21));
  const before = JSON.stringify(plan);
  let drawn = 0;
  const ctx = { ...createRuleContext(TPCH_CATALOG, maxColumnId(plan)), newId: () => ++drawn };
  unnestSubqueries.apply(plan, ctx);
  assert.equal(drawn, 0);
  assert.equal(JSON.stringify(plan), before);
});
