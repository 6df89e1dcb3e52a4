import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate, createEstimator } from '../../../compiler/cost/annotate.ts';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { children, forEachNode } from '../../../compiler/ir/walk.ts';
import { CATALOG, PlanBuilder, cmp, col, filter, join, num, passThrough, str } from './plan-builders.ts';

/** customers with an urgent order (correlated EXISTS), their orders counted per nation, with a scalar subquery in the projection */
function samplePlan(): Plan {
  const b = new PlanBuilder();
  const customer = b.scan('customer');
  const nation = b.scan('nation');
  const inner = b.scan('orders', ['o_custkey', 'o_orderpriority']);
  const c = col(customer, 'c_custkey');
  const exists: Expr = {
    kind: 'subquery',
    mode: 'exists',
    plan: filter(inner, { kind: 'and', args: [cmp('=', col(inner, 'o_custkey'), c), cmp('=', col(inner, 'o_orderpriority'), str('1-URGENT'))] }),
    arg: null,
    negated: false,
    correlated: [c.id],
    type: 'boolean',
  };
  const withNation = join('inner', filter(customer, exists), nation, cmp('=', col(customer, 'c_nationkey'), col(nation, 'n_nationkey')));
  const name = col(nation, 'n_name');
  const countId = b.id();
  const agg: Plan = {
    kind: 'aggregate',
    input: withNation,
    groupBy: [passThrough(name)],
    aggregates: [{ id: countId, name: 'n', fn: 'count_star', args: [], distinct: false, filter: null, type: 'bigint' }],
  };
  const maxOrders = b.scan('orders', ['o_totalprice']);
  const scalar: Expr = {
    kind: 'subquery',
    mode: 'scalar',
    plan: { kind: 'aggregate', input: maxOrders, groupBy: [], aggregates: [{ id: b.id(), name: 'm', fn: 'max', args: [col(maxOrders, 'o_totalprice')], distinct: false, filter: null, type: 'decimal' }] },
    arg: null,
    negated: false,
    correlated: [],
    type: 'decimal',
  };
  const project: Plan = { kind: 'project', input: agg, exprs: [passThrough(name), { id: b.id(), name: 'top', expr: scalar }] };
  return { kind: 'topN', input: project, keys: [{ expr: { kind: 'column', id: countId, name: 'n', type: 'bigint' }, desc: true, nullsFirst: true }], limit: 10, offset: 0 };
}

test('annotate puts estimates on every node, subquery plans included', () => {
  const plan = samplePlan();
  const out = annotate(plan, CATALOG);
  let nodes = 0;
  forEachNode(out, (n) => {
    nodes++;
    assert.ok(n.est, `${n.kind} has an estimate`);
    assert.ok(Number.isFinite(n.est.rows) && n.est.rows >= 1, `${n.kind} rows ${n.est.rows}`);
    assert.ok(Number.isFinite(n.est.cost) && n.est.cost > 0, `${n.kind} cost ${n.est.cost}`);
  });
  let originalNodes = 0;
  forEachNode(plan, () => originalNodes++);
  assert.equal(nodes, originalNodes, 'the same nodes, subquery plans included');
  assert.equal(nodes, 11);
});

test('annotate does not modify its input and agrees with the estimator', () => {
  const plan = samplePlan();
  const before = JSON.stringify(plan);
  const out = annotate(plan, CATALOG);
  assert.equal(JSON.stringify(plan), before);
  forEachNode(plan, (n) => assert.equal(n.est, undefined));
  const est = createEstimator(CATALOG);
  assert.deepEqual(out.est, { rows: est.rows(plan), cost: est.cost(plan) });
  assert.equal(out.est!.rows, 10, 'TopN 10 over 25 nation groups');
});

test('annotate is deterministic and idempotent', () => {
  const a = annotate(samplePlan(), CATALOG);
  const b = annotate(samplePlan(), CATALOG);
  assert.deepEqual(a, b);
  assert.deepEqual(annotate(a, CATALOG), a, 'annotating an annotated plan gives the same estimates');
});

test('costs are cumulative: no node is cheaper than its children together', () => {
  const out = annotate(samplePlan(), CATALOG);
  forEachNode(out, (n) => {
    const kids = children(n).reduce((s, k) => s + k.est!.cost, 0);
    assert.ok(n.est!.cost >= kids, `${n.kind}: ${n.est!.cost} < children ${kids}`);
  });
});

test('a filter under a join lowers the annotated cost of the whole plan', () => {
  const b = new PlanBuilder();
  const orders = b.scan('orders', ['o_custkey', 'o_totalprice']);
  const customer = b.scan('customer', ['c_custkey']);
  const on = cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey'));
  const pred = cmp('>', col(orders, 'o_totalprice'), num(900));
  const above = filter(join('inner', orders, customer, on), pred);
  const below = join('inner', filter(orders, pred), customer, on);
  assert.ok(annotate(below, CATALOG).est!.cost < annotate(above, CATALOG).est!.cost);
});
