import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Expr, JoinNode, Plan } from '../../../compiler/ir/plan.ts';
import { forEachExpr, forEachNode, maxColumnId, nodeExprs, outputColumns } from '../../../compiler/ir/walk.ts';
import { createRuleContext } from '../../../compiler/rules/rule.ts';
import { decorrelateScalarAggregates } from '../../../compiler/rules/decorrelate-scalar-aggregates.ts';
import { unnestSubqueries } from '../../../compiler/rules/unnest-subqueries.ts';
import { TPCH_QUERIES_DIR } from '../../../corpus/tpch/queries.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { bindSql, describeRule, type RuleCase } from './rule-case.ts';

function tpch(n: number): string {
  return readFileSync(`${TPCH_QUERIES_DIR}/q${String(n).padStart(2, '0')}.sql`, 'utf8').replace(/;\s*$/, '');
}

function joinTypes(plan: Plan): string[] {
  const out: string[] = [];
  forEachNode(plan, (n) => {
    if (n.kind === 'join') out.push(n.joinType);
  });
  return out;
}

function subqueryCount(plan: Plan): number {
  let count = 0;
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) forEachExpr(e, (x) => {
      if (x.kind === 'subquery') count++;
    });
  });
  return count;
}

function exprs(plan: Plan): Expr[] {
  const out: Expr[] = [];
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) forEachExpr(e, (x) => out.push(x));
  });
  return out;
}

/** The aggregates' grouping of each left join's right input. */
function leftJoinGroupKeys(plan: Plan): string[][] {
  const out: string[][] = [];
  forEachNode(plan, (n) => {
    if (n.kind !== 'join' || n.joinType !== 'left') return;
    let r: Plan = (n as JoinNode).right;
    while (r.kind === 'project') r = r.input;
    if (r.kind === 'aggregate') out.push(r.groupBy.map((g) => g.name));
  });
  return out;
}

const crosses = (p: Plan) => joinTypes(p).filter((t) => t === 'cross').length;

const coalescedCount = (plan: Plan) =>
  exprs(plan).some((x) => x.kind === 'func' && x.name === 'coalesce' && x.args[0]?.kind === 'column' && x.args[1]?.kind === 'literal' && x.args[1].value === '0');

const cases: RuleCase[] = [
  {
    name: 'doc-example',
    title: 'correlated count: left join with the grouped count, read as coalesce(count, 0)',
    sql: "SELECT r_name FROM region WHERE 4 < (SELECT count(*) FROM nation WHERE n_regionkey = r_regionkey AND n_name <> 'PERU')",
    expect: 'change',
  },
  {
    name: 'tpch-q02',
    title: 'TPC-H Q2: correlated min over a four-way join, grouped by ps_partkey',
    sql: tpch(2),
    expect: 'change',
    check: (out) => {
      assert.equal(subqueryCount(out), 0);
      assert.deepEqual(leftJoinGroupKeys(out), [['ps_partkey']]);
    },
  },
  {
    name: 'tpch-q17',
    title: 'TPC-H Q17: 0.2 * avg stays on the right side (NULL over no rows either way)',
    sql: tpch(17),
    expect: 'change',
    check: (out) => {
      assert.equal(subqueryCount(out), 0);
      assert.deepEqual(leftJoinGroupKeys(out), [['l_partkey']]);
    },
  },
  {
    name: 'tpch-q20',
    title: 'TPC-H Q20 (after unnest-subqueries): the scalar inside the semi join input, grouped by two keys',
    sql: tpch(20),
    before: [unnestSubqueries],
    expect: 'change',
    check: (out) => {
      assert.equal(subqueryCount(out), 0);
      assert.deepEqual(leftJoinGroupKeys(out), [['l_partkey', 'l_suppkey']]);
    },
  },
  {
    name: 'tpch-q11',
    title: 'TPC-H Q11: uncorrelated global sum in HAVING becomes a cross join',
    sql: tpch(11),
    expect: 'change',
    check: (out, input) => {
      assert.equal(subqueryCount(out), 0);
      assert.equal(crosses(out), crosses(input) + 1, 'one cross join more (subquery plans counted in both)');
    },
  },
  {
    name: 'tpch-q15',
    title: 'TPC-H Q15: uncorrelated max over the revenue CTE becomes a cross join',
    sql: tpch(15),
    expect: 'change',
    check: (out) => assert.equal(subqueryCount(out), 0),
  },
  {
    name: 'tpch-q22',
    title: 'TPC-H Q22 (after unnest-subqueries): uncorrelated avg becomes a cross join',
    sql: tpch(22),
    before: [unnestSubqueries],
    expect: 'change',
    check: (out) => {
      assert.equal(subqueryCount(out), 0);
      assert.deepEqual(joinTypes(out), ['anti', 'cross']);
    },
  },
  {
    name: 'count-in-expression',
    title: 'count(*) + 1 is computed above the join from coalesce(count, 0)',
    sql: 'SELECT c_custkey, (SELECT count(*) + 1 FROM orders WHERE o_custkey = c_custkey) AS n FROM customer',
    expect: 'change',
    check: (out) => assert.ok(coalescedCount(out)),
  },
  {
    name: 'non-strict-expression',
    title: 'coalesce(sum, -1) is not NULL over no rows: computed above the join',
    sql: 'SELECT c_custkey, (SELECT coalesce(sum(o_totalprice), -1) FROM orders WHERE o_custkey = c_custkey) AS total FROM customer',
    expect: 'change',
    check: (out) => {
      const root = out as Plan & { kind: 'project' };
      assert.equal(root.kind, 'project');
      const total = root.exprs.find((e) => e.name === 'total')!;
      assert.ok(total.expr.kind === 'func' && total.expr.name === 'coalesce', 'the coalesce is evaluated above the left join');
    },
  },
  {
    name: 'scalar-in-select-list',
    title: 'correlated max in the select list: left join, the expression becomes a column',
    sql: 'SELECT c_custkey, (SELECT max(o_totalprice) FROM orders WHERE o_custkey = c_custkey) AS top FROM customer',
    expect: 'change',
    check: (out) => assert.deepEqual(outputColumns(out).map((c) => c.name), ['c_custkey', 'top']),
  },
  {
    name: 'uncorrelated-empty-aggregate',
    title: 'uncorrelated max over no rows still yields its one NULL row: cross join',
    sql: 'SELECT c_custkey, (SELECT max(o_totalprice) FROM orders WHERE o_totalprice > 99999) AS m FROM customer',
    expect: 'change',
    check: (out) => assert.deepEqual(joinTypes(out), ['cross']),
  },
  {
    name: 'count-with-local-predicate',
    title: 'count with a local predicate compared with 1: customers without matching orders count 0',
    sql: "SELECT c_custkey FROM customer WHERE (SELECT count(*) FROM orders WHERE o_custkey = c_custkey AND o_orderstatus = 'F') < 1",
    expect: 'change',
    check: (out) => assert.ok(coalescedCount(out)),
  },
  {
    name: 'count-over-anti-join',
    title: 'count of customers without orders per nation (after unnest-subqueries): the correlation is pulled up through the anti join',
    sql: 'SELECT n_name, (SELECT count(*) FROM customer c WHERE c.c_nationkey = n.n_nationkey AND NOT EXISTS (SELECT * FROM orders o WHERE o.o_custkey = c.c_custkey)) AS idle FROM nation n',
    before: [unnestSubqueries],
    expect: 'change',
    check: (out) => {
      assert.equal(subqueryCount(out), 0);
      assert.deepEqual(joinTypes(out), ['left', 'anti']);
      assert.ok(coalescedCount(out));
    },
  },
  {
    name: 'non-aggregate-scalar',
    title: 'a scalar subquery without an aggregate (zero or many rows) is left alone',
    sql: 'SELECT c_custkey, (SELECT o_totalprice FROM orders WHERE o_orderkey = c_custkey) AS p FROM customer',
    expect: 'no-change',
  },
  {
    name: 'non-equality-correlation',
    title: 'a correlation that is not an equality is left alone',
    sql: 'SELECT c_custkey FROM customer WHERE (SELECT count(*) FROM orders WHERE o_custkey < c_custkey) > 2',
    expect: 'no-change',
  },
  {
    name: 'grouped-aggregate',
    title: 'an aggregate with GROUP BY (zero or many rows) is left alone',
    sql: 'SELECT c_custkey, (SELECT max(o_totalprice) FROM orders WHERE o_custkey = c_custkey GROUP BY o_orderstatus) AS m FROM customer',
    expect: 'no-change',
  },
  {
    name: 'correlation-under-limit',
    title: 'a correlation predicate below a Limit is left alone',
    sql: 'SELECT c_custkey, (SELECT max(t.o_totalprice) FROM (SELECT o_totalprice FROM orders WHERE o_custkey = c_custkey LIMIT 2) t) AS m FROM customer',
    expect: 'no-change',
  },
];

describeRule(decorrelateScalarAggregates, cases, { level: 'explain' });

test('every scalar subquery of the 22 TPC-H queries is turned into a join (after unnest-subqueries)', () => {
  const fired: number[] = [];
  for (let q = 1; q <= 22; q++) {
    const plan = bindSql(tpch(q));
    const ctx = createRuleContext(TPCH_CATALOG, maxColumnId(plan));
    const unnested = unnestSubqueries.apply(plan, ctx);
    const out = decorrelateScalarAggregates.apply(unnested, ctx);
    if (out !== unnested) fired.push(q);
    assert.equal(subqueryCount(out), 0, `q${q} keeps a subquery`);
  }
  assert.deepEqual(fired, [2, 11, 15, 17, 20, 22]);
});

test('an aggregate whose value over no rows is not known here (string_agg) is left alone', () => {
  const plan = bindSql("SELECT c_custkey, (SELECT string_agg(o_clerk, ',') FROM orders WHERE o_custkey = c_custkey) AS clerks FROM customer");
  assert.equal(decorrelateScalarAggregates.apply(plan, createRuleContext(TPCH_CATALOG, maxColumnId(plan))), plan);
});

test('fresh ids only come from ctx.newId(); grouping by columns draws none', () => {
  const plan = bindSql(tpch(17));
  let drawn = 0;
  const base = createRuleContext(TPCH_CATALOG, maxColumnId(plan));
  const ctx = { ...base, newId: () => (drawn++, base.newId()) };
  const out = decorrelateScalarAggregates.apply(plan, ctx);
  assert.notEqual(out, plan);
  assert.equal(drawn, 0);
  const keyed = bindSql('SELECT c_custkey FROM customer WHERE (SELECT count(*) FROM orders WHERE o_custkey + 1 = c_custkey) > 1');
  const base2 = createRuleContext(TPCH_CATALOG, maxColumnId(keyed));
  const ids: number[] = [];
  const out2 = decorrelateScalarAggregates.apply(keyed, { ...base2, newId: () => {
    const id = base2.newId();
    ids.push(id);
    return id;
  } });
  assert.notEqual(out2, keyed);
  assert.deepEqual(ids, [maxColumnId(keyed) + 1], 'one id for the computed group key o_custkey + 1');
});
