import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEstimator } from '../../../compiler/cost/estimate.ts';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { CATALOG, PlanBuilder, cmp, col, filter, join, num, passThrough, str } from './plan-builders.ts';

function near(actual: number, expected: number, what: string, eps = 1e-6): void {
  assert.ok(Math.abs(actual - expected) < eps, `${what}: expected ${expected}, got ${actual}`);
}

test('a scan has the table rows; a filter multiplies by the selectivity', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer');
  assert.equal(est.rows(customer), 150);
  near(est.rows(filter(customer, cmp('=', col(customer, 'c_mktsegment'), str('BUILDING')))), 150 * 0.22, 'filter');
});

test('a PK–FK equi-join has the FK side rows, whichever side is which', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const customer = b.scan('customer');
  const on = cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey'));
  near(est.rows(join('inner', orders, customer, on)), 1500, 'orders ⋈ customer');
  near(est.rows(join('inner', customer, orders, on)), 1500, 'customer ⋈ orders');
  // the join key keeps min(ndv) distinct values: only customers with orders remain
  const joined = join('inner', orders, customer, on);
  near(est.columnStats(joined).get(col(customer, 'c_custkey').id)!.distinct, 100, 'c_custkey distinct after the join');
});

test('statistics flow: a filtered dimension shrinks the join by its remaining key values', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const customer = b.scan('customer');
  const building = filter(customer, cmp('=', col(customer, 'c_mktsegment'), str('BUILDING')));
  // 33 customers left, all with distinct keys: 1500 · 33 / max(100, 33)
  near(est.columnStats(building).get(col(customer, 'c_custkey').id)!.distinct, 33, 'c_custkey distinct after the filter');
  near(est.rows(join('inner', orders, building, cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey')))), 495, 'orders ⋈ σ(customer)');
});

test('semi and anti joins are complements of the left input', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer');
  const orders = b.scan('orders');
  const on = cmp('=', col(customer, 'c_custkey'), col(orders, 'o_custkey'));
  const semi = est.rows(join('semi', customer, orders, on));
  const anti = est.rows(join('anti', customer, orders, on));
  near(semi, 150 * (100 / 150), 'semi = |L| · ndv(r.key)/ndv(l.key)');
  near(anti, 50, 'anti = |L| − semi');
  near(semi + anti, 150, 'semi + anti');
  // orders ⋉ customer: every order finds its customer
  near(est.rows(join('semi', orders, customer, on)), 1500, 'FK semi PK');
});

test('outer joins keep at least their preserved side; cross joins multiply', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer');
  const orders = b.scan('orders');
  const nation = b.scan('nation');
  const on = cmp('=', col(customer, 'c_custkey'), col(orders, 'o_custkey'));
  // 1500 matched rows + the 50 customers without orders
  near(est.rows(join('left', customer, orders, on)), 1550, 'customer ⟕ orders');
  near(est.rows(join('right', orders, customer, on)), 1550, 'orders ⟖ customer');
  near(est.rows(join('full', customer, orders, on)), 1550, 'customer ⟗ orders');
  near(est.rows(join('left', orders, customer, on)), 1500, 'orders ⟕ customer');
  const unmatched = filter(nation, cmp('=', col(nation, 'n_nationkey'), num(999)));
  assert.ok(est.rows(join('left', customer, join('inner', orders, unmatched, cmp('=', col(orders, 'o_custkey'), col(nation, 'n_nationkey'))), on)) >= 150, 'left join ≥ preserved side');
  near(est.rows(join('cross', customer, nation, null)), 150 * 25, 'cross');
  // left join pads the right side's columns with NULLs for the 50 unmatched customers
  const left = join('left', customer, orders, on);
  near(est.columnStats(left).get(col(orders, 'o_orderkey').id)!.nullFraction, 50 / 1550, 'padded null fraction');
});

test('a non-equi join multiplies the pairs by the condition selectivity', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer');
  const nation = b.scan('nation');
  near(est.rows(join('inner', customer, nation, cmp('<', col(customer, 'c_nationkey'), col(nation, 'n_nationkey')))), 150 * 25 / 3, 'c_nationkey < n_nationkey');
  // equi key plus a residual: 150 · 25 / 25 · 0.2 (n_name = 'X' over the MCV-less 25 names … 1/25)
  const on: Expr = { kind: 'and', args: [cmp('=', col(customer, 'c_nationkey'), col(nation, 'n_nationkey')), cmp('=', col(nation, 'n_name'), str('X'))] };
  near(est.rows(join('inner', customer, nation, on)), 150 * (1 / 25), 'equi + residual');
});

test('a composite equi key is bounded by the rows of each side', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const c1 = b.scan('customer');
  const c2 = b.scan('customer');
  const on: Expr = {
    kind: 'and',
    args: [cmp('=', col(c1, 'c_custkey'), col(c2, 'c_custkey')), cmp('=', col(c1, 'c_name'), col(c2, 'c_name'))],
  };
  // a plain product of 1/150 per pair would give 1 row; the key is unique, so a self-join has 150
  near(est.rows(join('inner', c1, c2, on)), 150, 'self-join on (c_custkey, c_name)');
});

test('a chain of joins gets the same rows in every join order', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const customer = b.scan('customer');
  const nation = b.scan('nation');
  const oc = cmp('=', col(orders, 'o_custkey'), col(customer, 'c_custkey'));
  const cn = cmp('=', col(customer, 'c_nationkey'), col(nation, 'n_nationkey'));
  const orders1 = est.rows(join('inner', join('inner', orders, customer, oc), nation, cn));
  const orders2 = est.rows(join('inner', orders, join('inner', customer, nation, cn), oc));
  const orders3 = est.rows(join('inner', join('inner', nation, customer, cn), orders, oc));
  near(orders1, 1500, '(orders ⋈ customer) ⋈ nation');
  near(orders2, 1500, 'orders ⋈ (customer ⋈ nation)');
  near(orders3, 1500, '(nation ⋈ customer) ⋈ orders');
});

test('aggregates: group count from key distincts, damped for several keys; global = 1', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer');
  const seg = col(customer, 'c_mktsegment');
  const nat = col(customer, 'c_nationkey');
  const agg = (keys: ReturnType<typeof col>[]): Plan => ({ kind: 'aggregate', input: customer, groupBy: keys.map(passThrough), aggregates: [] });
  near(est.rows(agg([seg])), 5, 'GROUP BY c_mktsegment');
  near(est.rows(agg([seg, nat])), 25 * Math.sqrt(5), 'GROUP BY c_mktsegment, c_nationkey');
  near(est.rows(agg([col(customer, 'c_custkey'), col(customer, 'c_name')])), 150, 'capped at the input rows');
  near(est.rows(agg([])), 1, 'global aggregate');
  const grouped = agg([seg]);
  near(est.columnStats(grouped).get(seg.id)!.distinct, 5, 'the group-by column keeps its distinct count');
  // a count per nation spreads around the average group size 150 / 25 = 6: at most 2·6 + 1 values
  const countId = b.id();
  const counted: Plan = {
    kind: 'aggregate', input: customer, groupBy: [passThrough(nat)],
    aggregates: [{ id: countId, name: 'n', fn: 'count_star', args: [], distinct: false, filter: null, type: 'bigint' }],
  };
  near(est.columnStats(counted).get(countId)!.distinct, 13, 'distinct counts');
  const byCount: Plan = { kind: 'aggregate', input: counted, groupBy: [{ id: countId, name: 'n', expr: { kind: 'column', id: countId, name: 'n', type: 'bigint' } }], aggregates: [] };
  near(est.rows(byCount), 13, 'GROUP BY a count (TPC-H Q13)');
  const distinct: Plan = { kind: 'distinct', input: { kind: 'project', input: customer, exprs: [passThrough(nat)] } };
  near(est.rows(distinct), 25, 'DISTINCT c_nationkey');
});

test('limit, topN, sort, window, values and set operations', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const customer = b.scan('customer', ['c_nationkey']);
  const nation = b.scan('nation', ['n_nationkey']);
  const key = { expr: col(customer, 'c_nationkey'), desc: false, nullsFirst: false };
  near(est.rows({ kind: 'limit', input: customer, limit: 10, offset: 0 }), 10, 'LIMIT 10');
  near(est.rows({ kind: 'limit', input: customer, limit: 1000, offset: 0 }), 150, 'LIMIT above the input');
  near(est.rows({ kind: 'limit', input: customer, limit: null, offset: 100 }), 50, 'OFFSET 100');
  near(est.rows({ kind: 'topN', input: customer, keys: [key], limit: 5, offset: 0 }), 5, 'TopN 5');
  near(est.rows({ kind: 'sort', input: customer, keys: [key] }), 150, 'Sort');
  const window: Plan = {
    kind: 'window',
    input: customer,
    functions: [{ id: b.id(), name: 'rn', fn: 'row_number', args: [], partitionBy: [col(customer, 'c_nationkey')], orderBy: [], frame: null, type: 'bigint' }],
  };
  near(est.rows(window), 150, 'Window');
  const valuesId = b.id();
  const values: Plan = { kind: 'values', rows: [[num(1)], [num(2)], [num(2)]], columns: [{ id: valuesId, name: 'v', type: 'integer' }] };
  near(est.rows(values), 3, 'VALUES');
  near(est.columnStats(values).get(valuesId)!.distinct, 2, 'VALUES distinct');
  assert.deepEqual(est.columnStats(values).get(valuesId)!.mostCommon, [{ value: '2', frequency: 2 / 3 }, { value: '1', frequency: 1 / 3 }]);
  const setop = (op: 'union' | 'intersect' | 'except', all: boolean): Plan => ({
    kind: 'setop', op, all, left: customer, right: nation, columns: [{ id: b.id(), name: 'k', type: 'integer' }],
  });
  near(est.rows(setop('union', true)), 175, 'UNION ALL = sum');
  near(est.rows(setop('union', false)), 25 + 0.5 * 25, 'UNION de-duplicates (max + half the smaller)');
  near(est.rows(setop('intersect', false)), 25, 'INTERSECT = min');
  near(est.rows(setop('except', true)), 150, 'EXCEPT ALL = left');
});

test('projections pass statistics through and derive computed ones', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const date = col(orders, 'o_orderdate');
  const yearId = b.id();
  const constId = b.id();
  const project: Plan = {
    kind: 'project',
    input: orders,
    exprs: [
      passThrough(date),
      { id: yearId, name: 'y', expr: { kind: 'func', name: 'extract', args: [str('year'), date], type: 'integer' } },
      { id: constId, name: 'one', expr: num(1) },
    ],
  };
  const stats = est.columnStats(project);
  assert.deepEqual(stats.get(date.id), est.columnStats(orders).get(date.id), 'pass-through keeps the statistics');
  near(stats.get(yearId)!.distinct, 7, 'EXTRACT(year) over 1992..1998');
  assert.equal(stats.get(yearId)!.min, 1992);
  near(stats.get(constId)!.distinct, 1, 'a constant');
});

test('a filter narrows the predicate column: equality to one value, ranges to their bounds', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const orders = b.scan('orders');
  const price = col(orders, 'o_totalprice');
  const cheap = filter(orders, cmp('<', price, num(250)));
  const s = est.columnStats(cheap).get(price.id)!;
  assert.equal(s.max, 250);
  assert.equal(s.min, 0);
  near(s.distinct, 250, 'a quarter of the values');
  // a further filter on the narrowed column interpolates in the new range
  near(est.selectivity(cmp('<', price, num(125)), cheap), 0.5, 'half of 0..250');
  const urgent = filter(orders, cmp('=', col(orders, 'o_orderpriority'), str('1-URGENT')));
  const p = est.columnStats(urgent).get(col(orders, 'o_orderpriority').id)!;
  assert.equal(p.distinct, 1);
  assert.deepEqual(p.mostCommon, [{ value: '1-URGENT', frequency: 1 }]);
  // a low-cardinality column keeps its values under an unrelated filter
  near(est.columnStats(cheap).get(col(orders, 'o_orderpriority').id)!.distinct, 5, 'o_orderpriority keeps 5 values');
  near(est.columnStats(urgent).get(col(orders, 'o_orderkey').id)!.distinct, 450, 'a unique column shrinks with the rows');
});

test('an empty table and zero distinct counts give finite estimates of at least one row', () => {
  const b = new PlanBuilder();
  const est = createEstimator(CATALOG);
  const empty = b.scan('empty_t');
  const customer = b.scan('customer');
  const x = col(empty, 'x');
  const plans: Plan[] = [
    empty,
    filter(empty, cmp('=', x, num(5))),
    { kind: 'aggregate', input: empty, groupBy: [passThrough(x)], aggregates: [] },
    join('inner', customer, empty, cmp('=', col(customer, 'c_custkey'), x)),
    join('anti', customer, empty, cmp('=', col(customer, 'c_custkey'), x)),
    { kind: 'distinct', input: empty },
  ];
  for (const p of plans) {
    const rows = est.rows(p);
    const cost = est.cost(p);
    assert.ok(Number.isFinite(rows) && rows >= 1, `${p.kind}: rows ${rows}`);
    assert.ok(Number.isFinite(cost) && cost >= 0, `${p.kind}: cost ${cost}`);
    for (const s of est.columnStats(p).values()) assert.ok(Number.isFinite(s.distinct) && s.distinct >= 1);
  }
});

test('a scan of a table missing from the catalog is a catalog-error naming it', () => {
  const est = createEstimator(CATALOG);
  const scan: Plan = { kind: 'scan', table: 'lineitem', alias: 'lineitem', columns: [] };
  assert.throws(() => est.rows(scan), (err: unknown) => err instanceof FlightdeckError && err.code === 'catalog-error' && /lineitem/.test(err.message));
});
