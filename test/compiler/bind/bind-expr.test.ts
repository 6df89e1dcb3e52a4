import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { bindSql, resultColumns } from './bind-helpers.ts';

/** The bound expressions of the root Project (the select list). */
function selectExprs(sql: string): Expr[] {
  const plan: Plan = bindSql(sql);
  assert.equal(plan.kind, 'project');
  return plan.kind === 'project' ? plan.exprs.map((n) => n.expr) : [];
}

/** The WHERE predicate of a `select ... from t where ...` query. */
function wherePredicate(sql: string): Expr {
  const plan = bindSql(sql);
  assert.ok(plan.kind === 'project' && plan.input.kind === 'filter');
  return plan.kind === 'project' && plan.input.kind === 'filter' ? plan.input.predicate : { kind: 'literal', value: null, type: 'null' };
}

function types(sql: string): string[] {
  return resultColumns(sql).map((c) => c.slice(c.lastIndexOf(':') + 1));
}

test('AND / OR are flattened; comparison operators are normalised', () => {
  const p = wherePredicate('select 1 from nation where n_nationkey = 1 and (n_regionkey != 2 and (n_name < \'b\' or n_name >= \'x\' or n_name <> \'q\'))');
  assert.equal(p.kind, 'and');
  if (p.kind !== 'and') return;
  assert.equal(p.args.length, 3);
  assert.deepEqual(p.args.slice(0, 2).map((a) => (a.kind === 'compare' ? a.op : a.kind)), ['=', '<>']);
  const or = p.args[2]!;
  assert.equal(or.kind, 'or');
  if (or.kind === 'or') assert.deepEqual(or.args.map((a) => (a.kind === 'compare' ? a.op : a.kind)), ['<', '>=', '<>']);
});

test('operator shapes: || → concat, unary minus → negative literal or negate, NOT, EXTRACT → func extract', () => {
  const [concat, negLiteral, negate, not, extract] = selectExprs(
    "select n_name || 'x', -5, -n_nationkey, not (n_nationkey > 1), extract(year from date '1995-03-04') from nation",
  );
  assert.deepEqual(concat, {
    kind: 'func',
    name: 'concat',
    args: [{ kind: 'column', id: 2, name: 'n_name', type: 'varchar' }, { kind: 'literal', value: 'x', type: 'varchar' }],
    type: 'varchar',
  });
  assert.deepEqual(negLiteral, { kind: 'literal', value: '-5', type: 'integer' });
  assert.equal(negate!.kind === 'func' && negate!.name, 'negate');
  assert.equal(not!.kind, 'not');
  assert.deepEqual(extract, {
    kind: 'func',
    name: 'extract',
    args: [{ kind: 'literal', value: 'year', type: 'varchar' }, { kind: 'literal', value: '1995-03-04', type: 'date' }],
    type: 'bigint',
  });
});

test('predicate kinds: IN list, BETWEEN, LIKE / ILIKE, IS [NOT] NULL, all boolean', () => {
  const exprs = selectExprs(
    "select n_nationkey not in (1, 2), n_nationkey between 1 and 3, n_name like 'a%', n_name not ilike 'B%', n_comment is not null from nation",
  );
  assert.deepEqual(exprs.map((e) => e.kind), ['inList', 'between', 'like', 'like', 'isNull']);
  assert.ok(exprs[0]!.kind === 'inList' && exprs[0]!.negated && exprs[0]!.list.length === 2);
  assert.ok(exprs[3]!.kind === 'like' && exprs[3]!.negated && exprs[3]!.caseInsensitive);
  assert.ok(exprs[4]!.kind === 'isNull' && exprs[4]!.negated);
  assert.deepEqual(types('select n_nationkey in (1), n_nationkey between 1 and 3, n_name like \'a\', n_name is null, 1 < 2 from nation'), [
    'boolean', 'boolean', 'boolean', 'boolean', 'boolean',
  ]);
});

test('literal types: integer / bigint by size, decimal with a point, double with an exponent', () => {
  assert.deepEqual(
    types("select 24, 3000000000, 0.06, 1e3, 'x', date '1998-12-01', timestamp '1998-12-01 10:00:00', interval '90' day, null, true"),
    ['integer', 'bigint', 'decimal', 'double', 'varchar', 'date', 'timestamp', 'interval', 'null', 'boolean'],
  );
  const [interval] = selectExprs("select interval '3' month");
  assert.deepEqual(interval, { kind: 'literal', value: '3 month', type: 'interval' });
});

test('arithmetic types mirror DuckDB', () => {
  assert.deepEqual(
    types(
      'select l_linenumber + 1, l_orderkey * 2, l_quantity * 2, l_quantity + 1.5e0, l_linenumber / 2, l_quantity / l_tax, l_linenumber % 2, ' +
        "l_shipdate - interval '90' day, l_shipdate + interval '1' month, l_shipdate + 1, l_shipdate - l_commitdate, " +
        "timestamp '2020-01-01 00:00:00' - timestamp '2019-01-01 00:00:00' from lineitem",
    ),
    ['integer', 'bigint', 'decimal', 'double', 'double', 'double', 'integer', 'timestamp', 'timestamp', 'date', 'bigint', 'interval'],
  );
});

test('CASE takes the common type of its branches; CAST the named type with its text', () => {
  assert.deepEqual(
    types("select case when n_nationkey > 1 then 1 else 2.5 end, case when true then null else 'a' end, case n_regionkey when 1 then n_name end from nation"),
    ['decimal', 'varchar', 'varchar'],
  );
  const [cast] = selectExprs('select cast(n_name as decimal(10,2)) from nation');
  assert.deepEqual(cast, { kind: 'cast', arg: { kind: 'column', id: 2, name: 'n_name', type: 'varchar' }, type: 'decimal', typeText: 'decimal(10,2)' });
});

test('scalar function return types; an unknown function binds with type unknown', () => {
  assert.deepEqual(
    types(
      "select substring(p_name, 1, 2), upper(p_name), trim(p_name), length(p_name), year(date '2020-01-01'), abs(p_size), " +
        "round(p_retailprice), coalesce(p_size, 2.5), date_trunc('month', date '2020-01-05'), " +
        'no_such_function(p_name), sqrt(p_size), starts_with(p_name, \'a\') from part',
    ),
    ['varchar', 'varchar', 'varchar', 'bigint', 'bigint', 'integer', 'decimal', 'decimal', 'timestamp', 'unknown', 'double', 'boolean'],
  );
  const [unknown] = selectExprs('select no_such_function(p_name, 1) from part');
  assert.equal(unknown!.kind === 'func' && unknown!.name, 'no_such_function');
});

function names(sql: string): string[] {
  return resultColumns(sql).map((c) => c.slice(0, c.lastIndexOf(':')));
}

test('default names: column name, DuckDB-like text for expressions, count(*) → count_star()', () => {
  assert.deepEqual(
    names("select l.l_quantity, l_extendedprice * (1 - l_discount), upper(l_comment), cast(l_tax as varchar), 'a', 7, -l_tax from lineitem l"),
    ['l_quantity', '(l_extendedprice * (1 - l_discount))', 'upper(l_comment)', 'CAST(l_tax AS VARCHAR)', "'a'", '7', '-(l_tax)'],
  );
  assert.deepEqual(
    names('select sum(l.l_quantity), count(*), count(distinct l_suppkey), sum(l_tax) as total from lineitem l'),
    ['sum(l.l_quantity)', 'count_star()', 'count(DISTINCT l_suppkey)', 'total'],
  );
});
