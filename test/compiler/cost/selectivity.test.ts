import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEstimator } from '../../../compiler/cost/estimate.ts';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { CATALOG, PlanBuilder, and, cmp, col, date, days, not, NULL, num, or, str, timestamp } from './plan-builders.ts';

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

const b = new PlanBuilder();
const customer = b.scan('customer');
const orders = b.scan('orders');
const events = b.scan('events');
const est = createEstimator(CATALOG);
const sel = (e: Expr, input: Plan) => est.selectivity(e, input);
const c = (name: string) => col(customer, name);
const o = (name: string) => col(orders, name);

test('col = const without MCVs is 1/distinct; <> is the rest', () => {
  near(sel(cmp('=', c('c_nationkey'), num(7)), customer), 1 / 25, 'c_nationkey = 7');
  near(sel(cmp('<>', c('c_nationkey'), num(7)), customer), 24 / 25, 'c_nationkey <> 7');
  near(sel(cmp('=', num(7), c('c_nationkey')), customer), 1 / 25, '7 = c_nationkey (constant on the left)');
});

test('col = const with a NULL fraction counts only the non-null rows', () => {
  near(sel(cmp('=', o('o_comment'), str('quick')), orders), 0.9 / 1000, 'o_comment = const');
  near(sel(cmp('<>', o('o_comment'), str('quick')), orders), 0.9 - 0.9 / 1000, 'o_comment <> const');
});

test('MCV hit takes the value frequency; a miss shares what the MCVs leave', () => {
  near(sel(cmp('=', c('c_mktsegment'), str('BUILDING')), customer), 0.22, 'MCV hit');
  near(sel(cmp('<>', c('c_mktsegment'), str('BUILDING')), customer), 0.78, 'MCV hit, negated');
  // (1 - 0.3 - 0.25) / (5 - 2)
  near(sel(cmp('=', o('o_orderpriority'), str('3-MEDIUM')), orders), 0.15, 'MCV miss');
  // the MCV list holds every value: a miss matches nothing
  near(sel(cmp('=', c('c_mktsegment'), str('RETAIL')), customer), 0, 'miss on a complete MCV list');
});

test('col = col in one relation is 1/max(distinct)', () => {
  near(sel(cmp('=', c('c_custkey'), c('c_nationkey')), customer), 1 / 150, 'c_custkey = c_nationkey');
});

test('a comparison with NULL keeps nothing', () => {
  near(sel(cmp('=', c('c_nationkey'), NULL), customer), 0, 'col = NULL');
});

test('numeric ranges interpolate between min and max', () => {
  const p = o('o_totalprice'); // 0..1000, 1000 distinct
  near(sel(cmp('<', p, num(250)), orders), 0.25, '<');
  near(sel(cmp('<=', p, num(250)), orders), 0.25 + 1 / 1000, '<=');
  near(sel(cmp('>', p, num(250)), orders), 0.75 - 1 / 1000, '>');
  near(sel(cmp('>=', p, num(250)), orders), 0.75, '>=');
  near(sel(cmp('>', num(250), p), orders), 0.25, 'constant on the left flips the operator');
  near(sel(cmp('<', p, num(-5)), orders), 0, 'below min');
  near(sel(cmp('>', p, num(-5)), orders), 1, 'everything is above a value below min');
  near(sel(cmp('<=', p, num(5000)), orders), 1, 'above max');
});

test('date ranges convert the literal to days since the epoch, as the catalog does', () => {
  const lo = days('1992-01-01');
  const hi = days('1998-12-31');
  const expected = (days('1995-01-01') - lo) / (hi - lo);
  near(sel(cmp('<', o('o_orderdate'), date('1995-01-01')), orders), expected, 'date literal');
  near(sel(cmp('<', o('o_orderdate'), str('1995-01-01')), orders), expected, 'date-looking string literal');
  near(sel(cmp('>=', o('o_orderdate'), date('1995-01-01')), orders), 1 - expected, '>= date');
});

function plus(left: Expr, right: Expr, type: 'date' | 'timestamp' | 'decimal'): Expr {
  return { kind: 'arith', op: '+', left, right, type };
}

function interval(value: string): Expr {
  return { kind: 'literal', value, type: 'interval' };
}

test('arithmetic on constants is evaluated, so unfolded plans estimate like folded ones', () => {
  const folded = sel(cmp('<', o('o_orderdate'), date('1995-01-01')), orders);
  near(sel(cmp('<', o('o_orderdate'), plus(date('1994-01-01'), interval('1 year'), 'timestamp')), orders), folded, 'date + interval year');
  near(sel(cmp('<', o('o_orderdate'), plus(date('1994-12-01'), interval('1 month'), 'date')), orders), folded, 'date + interval month');
  near(sel(cmp('<', o('o_orderdate'), plus(date('1994-12-22'), interval('10 days'), 'date')), orders), folded, 'date + interval days');
  near(sel(cmp('<', o('o_totalprice'), plus(num(200), num(50), 'decimal')), orders), 0.25, '200 + 50');
  const negated: Expr = { kind: 'func', name: 'negate', args: [num(5)], type: 'integer' };
  near(sel(cmp('>', o('o_totalprice'), negated), orders), 1, '> -5');
});

test('timestamp ranges convert the literal to seconds since the epoch', () => {
  near(sel(cmp('>=', col(events, 'e_ts'), timestamp('2024-01-01 18:00:00')), events), 0.25, 'ts >= 18:00 of a one-day range');
});

test('BETWEEN is the share of the range between the bounds', () => {
  const p = o('o_totalprice');
  const between = (lo: number, hi: number, negated = false): Expr => ({ kind: 'between', arg: p, low: num(lo), high: num(hi), negated });
  near(sel(between(100, 300), orders), 0.3 + 1 / 1000 - 0.1, 'BETWEEN 100 AND 300');
  near(sel(between(100, 300, true), orders), 1 - (0.3 + 1 / 1000 - 0.1), 'NOT BETWEEN');
  near(sel(between(300, 100), orders), 0, 'empty range');
  const dates: Expr = { kind: 'between', arg: o('o_orderdate'), low: date('1993-01-01'), high: date('1993-12-31'), negated: false };
  const span = days('1998-12-31') - days('1992-01-01');
  near(sel(dates, orders), (days('1993-12-31') - days('1993-01-01')) / span + 1 / 1400, 'date BETWEEN');
});

test('ranges without a usable min/max default to 1/3', () => {
  near(sel(cmp('<', c('c_name'), str('M')), customer), 1 / 3, 'string range');
  const between: Expr = { kind: 'between', arg: c('c_name'), low: str('A'), high: str('M'), negated: false };
  near(sel(between, customer), 1 / 3, 'string BETWEEN');
});

test('IN lists sum the equality selectivities of distinct items; NOT IN is the rest', () => {
  const inList = (list: Expr[], negated = false): Expr => ({ kind: 'inList', arg: c('c_nationkey'), list, negated });
  near(sel(inList([num(1), num(2), num(3)]), customer), 3 / 25, 'IN (1, 2, 3)');
  near(sel(inList([num(1), num(1), num(2)]), customer), 2 / 25, 'duplicates count once');
  near(sel(inList([num(1), num(2), num(3)], true), customer), 22 / 25, 'NOT IN');
  near(sel(inList([num(1), NULL], true), customer), 0, 'NOT IN with a NULL is never true');
  const mcv: Expr = { kind: 'inList', arg: c('c_mktsegment'), list: [str('BUILDING'), str('AUTOMOBILE')], negated: false };
  near(sel(mcv, customer), 0.42, 'IN over MCVs');
  const many: Expr = { kind: 'inList', arg: c('c_mktsegment'), list: ['BUILDING', 'AUTOMOBILE', 'MACHINERY', 'FURNITURE', 'HOUSEHOLD', 'X'].map(str), negated: false };
  near(sel(many, customer), 1, 'capped at 1');
});

function like(arg: Expr, pattern: string, negated = false): Expr {
  return { kind: 'like', arg, pattern: str(pattern), negated, caseInsensitive: false };
}

test('LIKE: MCVs matched exactly, the documented heuristic for the rest', () => {
  near(sel(like(c('c_mktsegment'), 'AUTO%'), customer), 0.2, 'prefix over a complete MCV list');
  near(sel(like(c('c_mktsegment'), '%ING'), customer), 0.22, 'suffix over MCVs');
  near(sel(like(c('c_comment'), 'a%'), customer), 0.1, "'a%': one prefix character");
  near(sel(like(c('c_comment'), 'abc%'), customer), 0.1 * 0.8 * 0.8, "'abc%': each further prefix character keeps 0.8");
  near(sel(like(c('c_comment'), '%x%'), customer), 0.1, "'%x%'");
  near(sel(like(c('c_comment'), '%green%'), customer), 0.1 * 0.9 ** 4, "'%green%'");
  near(sel(like(c('c_comment'), '%x%', true), customer), 0.9, 'NOT LIKE');
  near(sel(like(c('c_comment'), 'exact'), customer), 1 / 150, 'no wildcard: equality');
  near(sel(like(c('c_comment'), '%'), customer), 1, "'%' matches every non-null value");
  // a long prefix is floored at one value's share
  near(sel(like(c('c_comment'), 'abcdefghijklmnopqrstuvwxyz%'), customer), 1 / 150, 'floor at 1/distinct');
  const ilike: Expr = { kind: 'like', arg: c('c_mktsegment'), pattern: str('auto%'), negated: false, caseInsensitive: true };
  near(sel(ilike, customer), 0.2, 'ILIKE matches MCVs ignoring case');
  near(sel({ ...ilike, pattern: str('building') } as Expr, customer), 0.22, 'ILIKE without wildcards: one value in any case');
  near(sel({ ...ilike, arg: c('c_comment'), pattern: str('exact') } as Expr, customer), 1 / 150, 'ILIKE without wildcards and MCVs: 1/distinct');
  assert.ok(sel(like(c('c_comment'), 'abc%'), customer) < sel(like(c('c_comment'), '%x%'), customer), 'a prefix narrows more than a containment');
});

test('a lower and an upper bound on one column form one range', () => {
  const p = o('o_totalprice'); // 0..1000, 1000 distinct
  near(sel(and(cmp('>=', p, num(100)), cmp('<', p, num(300))), orders), 0.2, '100 <= price < 300');
  near(sel(and(cmp('<', num(100), p), cmp('<', p, num(300)), cmp('=', o('o_orderpriority'), str('1-URGENT'))), orders), (0.2 - 1 / 1000) * 0.3, 'with a flipped bound and another conjunct');
  near(sel(and(cmp('>', p, num(100)), cmp('>', p, num(500))), orders), 0.5 - 1 / 1000, 'two lower bounds: the more restrictive');
  near(sel(and(cmp('>', p, num(800)), cmp('<', p, num(100))), orders), 0, 'contradictory bounds');
  const lo = days('1992-01-01');
  const span = days('1998-12-31') - lo;
  const window = and(cmp('>=', o('o_orderdate'), date('1994-01-01')), cmp('<', o('o_orderdate'), date('1995-01-01')));
  near(sel(window, orders), 365 / span, 'a one-year date window');
});

test('IS NULL is the null fraction; IS NOT NULL the rest', () => {
  near(sel({ kind: 'isNull', arg: o('o_comment'), negated: false }, orders), 0.1, 'IS NULL');
  near(sel({ kind: 'isNull', arg: o('o_comment'), negated: true }, orders), 0.9, 'IS NOT NULL');
  near(sel({ kind: 'isNull', arg: o('o_custkey'), negated: false }, orders), 0, 'IS NULL on a column without NULLs');
});

test('AND multiplies, OR adds minus the overlap, NOT complements', () => {
  const a = cmp('=', c('c_nationkey'), num(7)); // 0.04
  const m = cmp('=', c('c_mktsegment'), str('BUILDING')); // 0.22
  near(sel(and(a, m), customer), 0.04 * 0.22, 'AND');
  near(sel(or(a, m), customer), 0.04 + 0.22 - 0.04 * 0.22, 'OR');
  near(sel(not(m), customer), 0.78, 'NOT');
  near(sel(or(a, m, a), customer), 1 - 0.96 * 0.78 * 0.96, 'OR of three folds pairwise');
});

test('subquery predicates, unknown values and other expressions take the documented defaults', () => {
  const inner = b.scan('orders', ['o_custkey']);
  const exists: Expr = { kind: 'subquery', mode: 'exists', plan: inner, arg: null, negated: false, correlated: [], type: 'boolean' };
  near(sel(exists, customer), 0.5, 'EXISTS');
  near(sel({ ...exists, negated: true } as Expr, customer), 0.5, 'NOT EXISTS');
  const inSub: Expr = { kind: 'subquery', mode: 'in', plan: inner, arg: c('c_custkey'), negated: false, correlated: [], type: 'boolean' };
  near(sel(inSub, customer), 0.5, 'IN (subquery)');
  const scalar: Expr = { kind: 'subquery', mode: 'scalar', plan: inner, arg: null, negated: false, correlated: [], type: 'integer' };
  near(sel(cmp('>', c('c_acctbal'), scalar), customer), 1 / 3, 'range against a scalar subquery');
  near(sel(cmp('=', c('c_nationkey'), scalar), customer), 1 / 25, 'equality with an unknown value is 1/distinct');
  const fn: Expr = { kind: 'func', name: 'starts_with', args: [c('c_name'), str('C')], type: 'boolean' };
  near(sel(fn, customer), 0.5, 'a boolean function');
  near(sel(cmp('<', c('c_acctbal'), c('c_custkey')), customer), 1 / 3, 'column < column');
  near(sel(col(events, 'e_flag'), events), 0.7, 'a boolean column: the frequency of true');
});

test('constant predicates evaluate', () => {
  near(sel({ kind: 'literal', value: true, type: 'boolean' }, customer), 1, 'TRUE');
  near(sel({ kind: 'literal', value: false, type: 'boolean' }, customer), 0, 'FALSE');
  near(sel(cmp('=', num(1), num(1)), customer), 1, '1 = 1');
  near(sel(cmp('<', num(2), num(1)), customer), 0, '2 < 1');
});

test('a computed expression compares by its derived statistics', () => {
  const year: Expr = { kind: 'func', name: 'extract', args: [str('year'), o('o_orderdate')], type: 'integer' };
  near(sel(cmp('=', year, num(1995)), orders), 1 / 7, 'EXTRACT(year) spans 1992..1998');
  const doubled: Expr = { kind: 'arith', op: '*', left: o('o_totalprice'), right: num(2), type: 'decimal' };
  near(sel(cmp('=', doubled, num(10)), orders), 1 / 1000, 'price * 2 has as many values as price');
});

test('every selectivity stays in 0..1 on columns with odd statistics', () => {
  const empty = b.scan('empty_t');
  for (const e of [
    cmp('=', col(empty, 'x'), num(1)),
    cmp('<', col(empty, 'x'), num(1)),
    cmp('=', col(empty, 'x'), col(empty, 'x')),
    { kind: 'like', arg: col(empty, 'y'), pattern: str('%a%'), negated: true, caseInsensitive: false } as Expr,
    { kind: 'inList', arg: col(empty, 'x'), list: [num(1), num(2)], negated: true } as Expr,
  ]) {
    const s = sel(e, empty);
    assert.ok(Number.isFinite(s) && s >= 0 && s <= 1, `${JSON.stringify(e).slice(0, 80)} → ${s}`);
  }
});
