import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEstimator } from '../../../compiler/cost/estimate.ts';
import { COST } from '../../../compiler/cost/cost-model.ts';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { CATALOG, PlanBuilder, and, cmp, col, filter, join, num } from './plan-builders.ts';

test('a scan costs its rows times (1 + bytes read / 64): pruning columns lowers it', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const all = b.scan('customer');
  const one = b.scan('customer', ['c_custkey']);
  // widths 4 + 18 + 10 + 4 + 8 + 70 = 114 bytes
  assert.equal(est.cost(all), 150 * (1 + 114 / COST.scanBytesPerUnit));
  assert.equal(est.cost(one), 150 * (1 + 4 / COST.scanBytesPerUnit));
  assert.ok(est.cost(one) < est.cost(all));
});

test('a hash join with the small relation on the right (the build side) is cheaper', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders', ['o_custkey']);
  const customer = b.scan('customer', ['c_custkey']);
  const on = cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey'));
  const smallRight = est.cost(join('inner', orders, customer, on));
  const smallLeft = est.cost(join('inner', customer, orders, on));
  assert.ok(smallRight < smallLeft, `small right ${smallRight} < small left ${smallLeft}`);
  // the difference is exactly the build/probe asymmetry over the row difference
  assert.equal(smallLeft - smallRight, (1500 - 150) * (COST.hashBuild - COST.hashProbe));
});

test('a nested-loop join is much costlier than a hash join over the same inputs', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders', ['o_custkey']);
  const customer = b.scan('customer', ['c_custkey']);
  const o = col(orders, 'o_custkey');
  const c = col(customer, 'c_custkey');
  const hash = join('inner', orders, customer, cmp('=', o, c));
  // the same relation without an equality the hash join can use
  const loop = join('inner', orders, customer, and(cmp('<=', o, c), cmp('>=', o, c)));
  assert.ok(est.cost(loop) > 10 * est.cost(hash), `nested loop ${est.cost(loop)} vs hash ${est.cost(hash)}`);
  assert.ok(est.cost(join('cross', orders, customer, null)) > 10 * est.cost(hash), 'a cross join pays for every pair');
});

test('joinCost agrees with the estimate of the join node it would build', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const customer = b.scan('customer');
  const on = cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey'));
  for (const type of ['inner', 'left', 'semi', 'anti'] as const) {
    const node = join(type, orders, customer, on);
    assert.deepEqual(est.joinCost(type, orders, customer, on), { rows: est.rows(node), cost: est.cost(node) }, type);
  }
});

test('costs are cumulative and follow the documented formulas', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer', ['c_nationkey']);
  const key = { expr: col(customer, 'c_nationkey'), desc: false, nullsFirst: false };
  const scan = est.cost(customer);
  const filtered = filter(customer, cmp('<', col(customer, 'c_nationkey'), num(12)));
  assert.equal(est.cost(filtered), scan + 150 * COST.predicate);
  const sort: Plan = { kind: 'sort', input: customer, keys: [key] };
  assert.equal(est.cost(sort), scan + 150 * Math.log2(150));
  const topN: Plan = { kind: 'topN', input: customer, keys: [key], limit: 8, offset: 0 };
  assert.equal(est.cost(topN), scan + 150 * 3);
  const agg: Plan = { kind: 'aggregate', input: customer, groupBy: [{ id: key.expr.id, name: 'c_nationkey', expr: key.expr }], aggregates: [] };
  assert.equal(est.cost(agg), scan + 150 * COST.hashAggregate + 25);
  assert.ok(est.cost(topN) < est.cost(sort), 'a TopN is cheaper than a full sort');
});

test('a correlated subquery costs its plan once per row; unnested it costs far less', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer', ['c_custkey']);
  const orders = b.scan('orders', ['o_custkey']);
  const c = col(customer, 'c_custkey');
  const o = col(orders, 'o_custkey');
  const inner = filter(orders, cmp('=', o, c));
  const exists: Expr = { kind: 'subquery', mode: 'exists', plan: inner, arg: null, negated: false, correlated: [c.id], type: 'boolean' };
  const correlated = filter(customer, exists);
  const uncorrelated = filter(customer, { ...exists, plan: orders, correlated: [] } as Expr);
  const semi = join('semi', customer, orders, cmp('=', c, o));
  assert.equal(est.cost(correlated), est.cost(customer) + 150 * COST.predicate + 150 * est.cost(inner));
  assert.equal(est.cost(uncorrelated), est.cost(customer) + 150 * COST.predicate + est.cost(orders));
  assert.ok(est.cost(semi) * 10 < est.cost(correlated), 'the semi join is much cheaper than the correlated EXISTS');
});

test('estimates are memoised per node object and deterministic across estimators', () => {
  const b = new PlanBuilder();
  const orders = b.scan('orders');
  const customer = b.scan('customer');
  const plan = join('inner', filter(orders, cmp('>', col(orders, 'o_totalprice'), num(500))), customer, cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey')));
  const e1 = createEstimator(CATALOG);
  const e2 = createEstimator(CATALOG);
  assert.equal(e1.columnStats(plan), e1.columnStats(plan), 'the same map object for the same node');
  assert.equal(e1.rows(plan), e2.rows(plan));
  assert.equal(e1.cost(plan), e2.cost(plan));
  assert.deepEqual([...e1.columnStats(plan)], [...e2.columnStats(plan)]);
});
