import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';
import type { AstExpr, AstFrom, AstQuery, AstQueryBody } from '../../../compiler/ir/ast.ts';
import { bin, col, fn, num, selectBody, str, withoutLoc } from './helpers.ts';

const parse = (sql: string): AstQuery => withoutLoc(parseSql(sql));
const from = (sql: string): readonly AstFrom[] => selectBody(parse(sql)).from;
const table = (name: string, alias: string | null = null, schema: string | null = null): AstFrom => ({ kind: 'table', schema, name, alias });

const on = (l: string, r: string): AstExpr => bin('=', col('x', l), col('x', r));
/** `SELECT <name> FROM <t>` as a query body. */
const sel = (name: string, t: string): AstQueryBody => ({
  kind: 'select', distinct: false, columns: [{ expr: col(name), alias: null }], from: [table(t)], where: null, groupBy: [], having: null, windows: [],
});

test('a whole simple query, with a trailing semicolon', () => {
  assert.deepEqual(parse('SELECT a AS x, b FROM t WHERE a > 1;'), {
    kind: 'query',
    with: [],
    body: {
      kind: 'select',
      distinct: false,
      columns: [
        { expr: col('a'), alias: 'x' },
        { expr: col('b'), alias: null },
      ],
      from: [table('t')],
      where: bin('>', col('a'), num('1')),
      groupBy: [],
      having: null,
      windows: [],
    },
    orderBy: [],
    limit: null,
    offset: null,
  });
});

test('identifiers are lower-cased unless double-quoted, for tables, schemas and aliases too', () => {
  const q = parse('SELECT A AS Total, "Keep" AS "Alias" FROM Main.Orders AS O, "Sales"."Items" "It"');
  const body = selectBody(q);
  assert.deepEqual(body.columns, [
    { expr: col('a'), alias: 'total' },
    { expr: col('Keep'), alias: 'Alias' },
  ]);
  assert.deepEqual(body.from, [table('orders', 'o', 'main'), table('Items', 'It', 'Sales')]);
});

test('FROM: comma joins, aliases, schema-qualified tables', () => {
  assert.deepEqual(from('select * from lineitem l, orders as o, main.nation'), [
    table('lineitem', 'l'),
    table('orders', 'o'),
    table('nation', null, 'main'),
  ]);
});

test('FROM: derived tables with aliases and column aliases, VALUES', () => {
  const items = from('select * from (select a from t) as s(b), (select 1) x, (values (1, \'a\'), (2, \'b\')) as v(n, s)');
  assert.equal(items.length, 3);
  const [s, x, v] = items;
  assert.equal(s!.kind, 'subquery');
  if (s!.kind === 'subquery') {
    assert.equal(s!.alias, 's');
    assert.deepEqual(s!.columnAliases, ['b']);
    assert.deepEqual(selectBody(s!.query).columns, [{ expr: col('a'), alias: null }]);
  }
  assert.equal(x!.kind === 'subquery' && x!.alias === 'x' && x!.columnAliases === null, true);
  assert.equal(v!.kind, 'subquery');
  if (v!.kind === 'subquery') {
    assert.deepEqual(v!.columnAliases, ['n', 's']);
    assert.deepEqual(v!.query.body, { kind: 'values', rows: [[num('1'), str('a')], [num('2'), str('b')]] });
  }
});

test('JOIN types with ON and USING build a left-deep tree', () => {
  const [j] = from('select * from a join b on a.x = b.x left outer join c using (y, z) right join d on true full join e on 1 = 1 cross join f');
  const ab: AstFrom = { kind: 'join', joinType: 'inner', left: table('a'), right: table('b'), on: on('a', 'b'), using: null, natural: false };
  const abc: AstFrom = { kind: 'join', joinType: 'left', left: ab, right: table('c'), on: null, using: ['y', 'z'], natural: false };
  const abcd: AstFrom = { kind: 'join', joinType: 'right', left: abc, right: table('d'), on: { kind: 'literal', type: 'boolean', value: true }, using: null, natural: false };
  const abcde: AstFrom = { kind: 'join', joinType: 'full', left: abcd, right: table('e'), on: bin('=', num('1'), num('1')), using: null, natural: false };
  assert.deepEqual(j, { kind: 'join', joinType: 'cross', left: abcde, right: table('f'), on: null, using: null, natural: false });
});

test('CROSS JOIN and NATURAL JOIN after an unaliased table (the parser reads the keyword as an alias)', () => {
  assert.deepEqual(from('select * from a cross join b cross join c'), [
    {
      kind: 'join',
      joinType: 'cross',
      left: { kind: 'join', joinType: 'cross', left: table('a'), right: table('b'), on: null, using: null, natural: false },
      right: table('c'),
      on: null,
      using: null,
      natural: false,
    },
  ]);
  assert.deepEqual(from('select * from a natural join b'), [
    { kind: 'join', joinType: 'inner', left: table('a'), right: table('b'), on: null, using: null, natural: true },
  ]);
  assert.deepEqual(from('select * from a natural left join b'), [
    { kind: 'join', joinType: 'left', left: table('a'), right: table('b'), on: null, using: null, natural: true },
  ]);
  // a quoted "natural" is a real alias
  assert.deepEqual(from('select * from a "natural", b'), [table('a', 'natural'), table('b')]);
});

test('comma items after JOIN ... ON stay FROM items', () => {
  const items = from('select * from t1 left join t2 on t1.a = t2.a, t3, s.t4 where 1 = 1');
  assert.deepEqual(items, [
    { kind: 'join', joinType: 'left', left: table('t1'), right: table('t2'), on: bin('=', col('a', 't1'), col('a', 't2')), using: null, natural: false },
    table('t3'),
    table('t4', null, 's'),
  ]);
  const mixed = from('select * from t1 join t2 using (a), t3 join t4 on t3.b = t4.b');
  assert.equal(mixed.length, 2);
  assert.deepEqual(mixed[1], { kind: 'join', joinType: 'inner', left: table('t3'), right: table('t4'), on: bin('=', col('b', 't3'), col('b', 't4')), using: null, natural: false });
});

test('parenthesised joins', () => {
  const [j] = from('select * from t1 join (t2 join t3 on t2.b = t3.b) on t1.a = t2.a');
  assert.equal(j!.kind, 'join');
  if (j!.kind !== 'join') return;
  assert.deepEqual(j!.left, table('t1'));
  assert.deepEqual(j!.right, { kind: 'join', joinType: 'inner', left: table('t2'), right: table('t3'), on: bin('=', col('b', 't2'), col('b', 't3')), using: null, natural: false });
  assert.deepEqual(j!.on, bin('=', col('a', 't1'), col('a', 't2')));
});

test('GROUP BY expressions and ordinals, HAVING, DISTINCT', () => {
  const body = selectBody(parse('select distinct a, b + 1, count(*) from t group by 1, b + 1 having count(*) > 2'));
  assert.equal(body.distinct, true);
  assert.deepEqual(body.groupBy, [num('1'), bin('+', col('b'), num('1'))]);
  assert.deepEqual(body.having, bin('>', fn('count', [], { star: true }), num('2')));
  assert.equal(selectBody(parse('select a from t')).distinct, false);
});

test('ORDER BY with ASC/DESC and NULLS FIRST/LAST; LIMIT and OFFSET in every order', () => {
  const q = parse('select a, b, c from t order by 1 desc nulls first, b asc, c nulls last, a limit 10 offset 5');
  assert.deepEqual(q.orderBy, [
    { expr: num('1'), desc: true, nullsFirst: true },
    { expr: col('b'), desc: false, nullsFirst: null },
    { expr: col('c'), desc: false, nullsFirst: false },
    { expr: col('a'), desc: false, nullsFirst: null },
  ]);
  assert.deepEqual([q.limit, q.offset], [num('10'), num('5')]);
  const limitOnly = parse('select a from t limit 3');
  assert.deepEqual([limitOnly.limit, limitOnly.offset], [num('3'), null]);
  const offsetOnly = parse('select a from t offset 7');
  assert.deepEqual([offsetOnly.limit, offsetOnly.offset], [null, num('7')]);
  const offsetFirst = parse('select a from t offset 2 limit 5');
  assert.deepEqual([offsetFirst.limit, offsetFirst.offset], [num('5'), num('2')]);
  const all = parse('select a from t limit all');
  assert.equal(all.limit, null);
});

test('WITH: several CTEs, column lists, CTEs referring to earlier ones', () => {
  const q = parse('with c(x, "Y") as (select 1, 2), d as (select x from c) select * from d');
  assert.equal(q.with.length, 2);
  assert.equal(q.with[0]!.name, 'c');
  assert.deepEqual(q.with[0]!.columns, ['x', 'Y']);
  assert.equal(q.with[1]!.name, 'd');
  assert.equal(q.with[1]!.columns, null);
  assert.deepEqual(selectBody(q.with[1]!.query).from, [table('c')]);
  assert.deepEqual(selectBody(q).from, [table('d')]);
});

test('set operations: UNION [ALL], INTERSECT binds tighter, EXCEPT; ORDER BY/LIMIT apply to the whole', () => {
  const q = parse('select a from t union all select b from u intersect select c from v except select d from w order by 1 limit 2');
  assert.deepEqual(q.body, {
    kind: 'setop',
    op: 'except',
    all: false,
    left: {
      kind: 'setop',
      op: 'union',
      all: true,
      left: sel('a', 't'),
      right: { kind: 'setop', op: 'intersect', all: false, left: sel('b', 'u'), right: sel('c', 'v') },
    },
    right: sel('d', 'w'),
  });
  assert.deepEqual(q.orderBy, [{ expr: num('1'), desc: false, nullsFirst: null }]);
  assert.deepEqual(q.limit, num('2'));
});

test('a parenthesised set-operation operand keeps its own ORDER BY / LIMIT', () => {
  const q = parse('(select a from t order by a limit 1) union (select b from u)');
  assert.equal(q.body.kind, 'setop');
  if (q.body.kind !== 'setop') return;
  assert.equal(q.body.left.kind, 'query');
  if (q.body.left.kind === 'query') {
    assert.deepEqual(q.body.left.limit, num('1'));
    assert.deepEqual(q.body.left.orderBy, [{ expr: col('a'), desc: false, nullsFirst: null }]);
  }
  assert.equal(q.body.right.kind, 'select');
  assert.equal(q.limit, null);
});

test('WITH before a set operation belongs to the whole query', () => {
  const q = parse('with c as (select 1 as x) select x from c union select x from c');
  assert.equal(q.with.length, 1);
  assert.equal(q.body.kind, 'setop');
});

test('subqueries inside CTEs, derived tables and expressions nest fully', () => {
  const q = parse('with c as (select * from (select a from t where a in (select b from u)) s) select * from c');
  const inner = selectBody(q.with[0]!.query).from[0]!;
  assert.equal(inner.kind, 'subquery');
  if (inner.kind === 'subquery') assert.equal(selectBody(inner.query).where?.kind, 'inSubquery');
});

test('other dialects load on demand', () => {
  const q = parseSql('select `Col` from t limit 3', { dialect: 'mysql' });
  assert.deepEqual(q.limit, num('3'));
  assert.equal(selectBody(q).from.length, 1);
});
