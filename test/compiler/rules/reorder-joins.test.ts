import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEstimator } from '../../../compiler/cost/estimate.ts';
import type { JoinNode, Plan } from '../../../compiler/ir/plan.ts';
import { forEachNode, hasSubquery, maxColumnId, outputColumns } from '../../../compiler/ir/walk.ts';
import { printPlan } from '../../../compiler/print/print.ts';
import { crossJoinToInner } from '../../../compiler/rules/cross-join-to-inner.ts';
import { DP_LEAF_LIMIT } from '../../../compiler/rules/join-order/dp.ts';
import { enumerateGreedy } from '../../../compiler/rules/join-order/greedy.ts';
import { buildJoinGraph, canonicalOrder, leafPlans } from '../../../compiler/rules/join-order/join-graph.ts';
import { extractRegion, isRegionTop } from '../../../compiler/rules/join-order/join-region.ts';
import { samePlan } from '../../../compiler/rules/join-order/same-plan.ts';
import { pushDownPredicates } from '../../../compiler/rules/push-down-predicates.ts';
import { reorderJoins } from '../../../compiler/rules/reorder-joins.ts';
import { createRuleContext, type RuleContext } from '../../../compiler/rules/rule.ts';
import { unnestSubqueries } from '../../../compiler/rules/unnest-subqueries.ts';
import { TPCH_QUERIES_DIR } from '../../../corpus/tpch/queries.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { bindSql, describeRule, type RuleCase } from './rule-case.ts';

function tpch(n: number): string {
  return readFileSync(`${TPCH_QUERIES_DIR}/q${String(n).padStart(2, '0')}.sql`, 'utf8').replace(/;\s*$/, '');
}

const PREPARE = [pushDownPredicates, crossJoinToInner];

function joinsOf(plan: Plan): JoinNode[] {
  const out: JoinNode[] = [];
  forEachNode(plan, (n) => {
    if (n.kind === 'join') out.push(n);
  });
  return out;
}

function prepared(sql: string): { plan: Plan; ctx: RuleContext } {
  let plan = bindSql(sql);
  const ctx = createRuleContext(TPCH_CATALOG, maxColumnId(plan));
  for (const r of PREPARE) plan = r.apply(plan, ctx);
  return { plan, ctx };
}

const semiAndAntiJoins = (p: Plan) => joinsOf(p).filter((j) => j.joinType === 'semi' || j.joinType === 'anti').map((j) => j.joinType);

const cheaperOrEqual = (out: Plan, input: Plan) => {
  const est = createEstimator(TPCH_CATALOG);
  assert.ok(est.cost(out) <= est.cost(input), `estimated cost ${est.cost(out)} > written order's ${est.cost(input)}`);
};

const cases: RuleCase[] = [
  {
    name: 'doc-example',
    title: 'a written cross product is replaced by connected joins, small inputs on the build side',
    sql: "SELECT s_name FROM region, supplier, nation WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA'",
    before: [pushDownPredicates],
    expect: 'change',
  },
  {
    name: 'tpch-q05',
    title: 'TPC-H Q5 (six relations, a cycle through nation keys): cheaper than written',
    sql: tpch(5),
    before: PREPARE,
    expect: 'change',
    check: cheaperOrEqual,
  },
  {
    name: 'tpch-q08',
    title: 'TPC-H Q8 (eight relations, nation twice): cheaper than written',
    sql: tpch(8),
    before: PREPARE,
    expect: 'change',
    check: cheaperOrEqual,
  },
  {
    name: 'tpch-q09',
    title: 'TPC-H Q9 (six relations, a composite partsupp key)',
    sql: tpch(9),
    before: PREPARE,
    expect: 'change',
    check: cheaperOrEqual,
  },
  {
    name: 'written-cross-product',
    title: 'nation × lineitem as written: the cross product disappears, the fact table probes',
    sql: 'SELECT n_name, count(*) AS n FROM nation, lineitem, customer, orders WHERE c_nationkey = n_nationkey AND l_orderkey = o_orderkey AND o_custkey = c_custkey GROUP BY n_name',
    before: PREPARE,
    expect: 'change',
    check: (out) => assert.deepEqual(joinsOf(out).map((j) => j.joinType), ['inner', 'inner', 'inner']),
  },
  {
    name: 'disconnected-graph',
    title: 'region shares no predicate with the rest: one cross product, at the top',
    sql: 'SELECT s_name, r_name FROM region, supplier, nation WHERE s_nationkey = n_nationkey',
    before: PREPARE,
    expect: 'change',
    check: (out) => {
      const joins = joinsOf(out);
      assert.deepEqual(joins.map((j) => j.joinType), ['cross', 'inner']);
    },
  },
  {
    name: 'already-best',
    title: 'a join tree already in the best order does not fire',
    sql: 'SELECT o_orderdate FROM lineitem JOIN (orders JOIN customer ON o_custkey = c_custkey) ON l_orderkey = o_orderkey',
    before: PREPARE,
    expect: 'no-change',
  },
  {
    name: 'already-best-with-filter',
    title: 'best order with a pushed-down filter on a leaf does not fire',
    sql: "SELECT n_name FROM customer JOIN (nation JOIN region ON n_regionkey = r_regionkey) ON c_nationkey = n_nationkey WHERE r_name = 'ASIA'",
    before: PREPARE,
    expect: 'no-change',
  },
  {
    name: 'outer-join-is-a-leaf',
    title: 'a LEFT JOIN is a leaf: reordered around, never through',
    sql: 'SELECT c_name, o_orderkey, n_name FROM region, customer LEFT JOIN orders ON c_custkey = o_custkey, nation WHERE c_nationkey = n_nationkey AND n_regionkey = r_regionkey',
    before: PREPARE,
    expect: 'change',
    check: (out) => {
      const left = joinsOf(out).filter((j) => j.joinType === 'left');
      assert.equal(left.length, 1);
      assert.equal(printPlan(left[0]!, 'simplified'), 'Join(type=[left], condition=[c_custkey = o_custkey])\n  Scan(table=[customer])\n  Scan(table=[orders])\n');
    },
  },
  {
    name: 'semi-and-anti-joins-are-barriers',
    title: 'TPC-H Q21 after unnesting: the inner joins below the semi / anti joins are ordered, the semi / anti joins stay',
    sql: tpch(21),
    before: [unnestSubqueries, ...PREPARE],
    expect: 'change',
    check: (out, input) => {
      assert.deepEqual(semiAndAntiJoins(out), semiAndAntiJoins(input));
      cheaperOrEqual(out, input);
    },
  },
  {
    name: 'three-leaf-predicate',
    title: 'a predicate over three leaves (written above a cross product) goes to the first join covering all three',
    sql: 'SELECT r_name FROM nation n1, region, nation n2 WHERE n1.n_regionkey = n2.n_regionkey AND n1.n_nationkey + n2.n_nationkey = r_regionkey',
    before: PREPARE,
    expect: 'change',
  },
  {
    name: 'subquery-predicate-stays-above',
    title: 'a conjunct holding a subquery goes into a Filter above the first join covering its relations, not into a join condition',
    sql: 'SELECT s_name FROM region, supplier, nation WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_regionkey + s_suppkey > (SELECT count(*) FROM orders)',
    before: PREPARE,
    expect: 'change',
    check: (out) => {
      let p = out;
      while (p.kind === 'project') p = p.input;
      assert.equal(p.kind, 'filter');
      assert.ok(hasSubquery((p as Plan & { kind: 'filter' }).predicate));
      assert.deepEqual(joinsOf(out).map((j) => j.joinType), ['inner', 'inner']);
    },
  },
  {
    name: 'inside-subquery',
    title: 'joins inside a subquery plan are ordered too',
    sql: 'SELECT c_custkey, (SELECT count(*) FROM region, supplier, nation WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND s_suppkey = c_custkey) AS n FROM customer',
    before: PREPARE,
    expect: 'change',
  },
];

describeRule(reorderJoins, cases);

/** A chain n0 – n1 – … – n(k-1), listed in the FROM clause evens first so the written order is full of cross products. */
function chainSql(k: number): string {
  const order = [...Array.from({ length: k }, (_, i) => i).filter((i) => i % 2 === 0), ...Array.from({ length: k }, (_, i) => i).filter((i) => i % 2 === 1)];
  const from = order.map((i) => `nation n${i}`).join(', ');
  const where = Array.from({ length: k - 1 }, (_, i) => `n${i}.n_nationkey = n${i + 1}.n_regionkey`).join(' AND ');
  return `SELECT n0.n_name FROM ${from} WHERE ${where}`;
}

/** The topmost join of a plan, below Projects and Filters. */
function topJoin(plan: Plan): Plan {
  let p = plan;
  while (p.kind === 'project' || p.kind === 'filter') p = p.input;
  return p;
}

// its speed is measured in bench/planner-limits.ts, not asserted here (shared machines are noisy)
test('a 12-relation chain is ordered by the greedy enumerator, without cross products', () => {
  assert.ok(12 > DP_LEAF_LIMIT);
  const { plan, ctx } = prepared(chainSql(12));
  const out = reorderJoins.apply(plan, ctx);
  assert.notEqual(out, plan);
  assert.ok(joinsOf(plan).some((j) => j.joinType === 'cross'), 'the written order has cross products');
  assert.deepEqual(new Set(joinsOf(out).map((j) => j.joinType)), new Set(['inner']));
  assert.equal(joinsOf(out).length, 11);

  // the rule's tree is what the greedy enumerator builds for this region
  let top = plan;
  while (!isRegionTop(top)) top = (top as Plan & { input: Plan }).input;
  const estimator = createEstimator(TPCH_CATALOG);
  const graph = buildJoinGraph(extractRegion(top, (n) => n, (l) => l));
  const greedy = enumerateGreedy(graph, canonicalOrder(leafPlans(graph, estimator)), estimator);
  assert.ok(samePlan(topJoin(out), greedy.plan), 'the rule output is the greedy plan');
});

test('TPC-H Q5 and Q8: the chosen order costs no more than the written one, and less', () => {
  for (const q of [5, 8]) {
    const { plan, ctx } = prepared(tpch(q));
    const out = reorderJoins.apply(plan, ctx);
    const est = createEstimator(TPCH_CATALOG);
    assert.ok(est.cost(out) < est.cost(plan), `q${q}: ${est.cost(out)} vs written ${est.cost(plan)}`);
  }
});

test('deterministic: the same SQL twice gives the identical plan', () => {
  for (const sql of [tpch(8), tpch(9), chainSql(12)]) {
    const a = prepared(sql);
    const b = prepared(sql);
    assert.equal(printPlan(reorderJoins.apply(a.plan, a.ctx), 'explain'), printPlan(reorderJoins.apply(b.plan, b.ctx), 'explain'));
  }
});

test('on every TPC-H query: same output columns in the same order, never costlier, idempotent', () => {
  for (let q = 1; q <= 22; q++) {
    const { plan, ctx } = prepared(tpch(q));
    const out = reorderJoins.apply(plan, ctx);
    assert.deepEqual(outputColumns(out), outputColumns(plan), `q${q} output columns`);
    const est = createEstimator(TPCH_CATALOG);
    assert.ok(est.cost(out) <= est.cost(plan), `q${q} got costlier`);
    assert.equal(reorderJoins.apply(out, ctx), out, `q${q} fires again on its own output`);
  }
});
