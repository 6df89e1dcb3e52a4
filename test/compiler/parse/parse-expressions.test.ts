import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';
import type { AstExpr } from '../../../compiler/ir/ast.ts';
import { arm, bin, col, expr, fn, num, selectBody, str, where, withoutLoc } from './helpers.ts';

const interval = (value: string): AstExpr => ({ kind: 'literal', type: 'interval', value });
const cast = (arg: AstExpr, type: string): AstExpr => ({ kind: 'cast', arg, type });
/** The frame text of the window call in `SELECT <sql> FROM t`. */
function frame(sql: string): string | null {
  const e = expr(sql);
  return e.kind === 'function' ? (e.over?.frame ?? null) : null;
}

test('column references: unqualified, qualified, schema-qualified, quoted', () => {
  assert.deepEqual(expr('a'), col('a'));
  assert.deepEqual(expr('T.B'), col('b', 't'));
  assert.deepEqual(expr('"MixedCase"'), col('MixedCase'));
  assert.deepEqual(withoutLoc(selectBody(parseSql('select "Tb"."Col" from t as "Tb"')).columns[0]!.expr), col('Col', 'Tb'));
  // the schema of a three-part name is dropped; the table qualifier is kept
  assert.deepEqual(expr('main.t.a'), col('a', 't'));
});

test('star and qualified star', () => {
  assert.deepEqual(expr('*'), { kind: 'star', table: null });
  assert.deepEqual(expr('t.*'), { kind: 'star', table: 't' });
  assert.deepEqual(expr('"T".*'), { kind: 'star', table: 'T' });
});

test('number, string, boolean and NULL literals keep their text', () => {
  assert.deepEqual(expr('0.06'), num('0.06'));
  assert.deepEqual(expr('1.50'), num('1.50'));
  assert.deepEqual(expr('42'), num('42'));
  assert.deepEqual(expr('1e3'), num('1e3'));
  assert.deepEqual(expr('12345678901234567890'), num('12345678901234567890'));
  assert.deepEqual(expr("'abc'"), str('abc'));
  assert.deepEqual(expr("'it''s'"), str("it's"));
  assert.deepEqual(expr('true'), { kind: 'literal', type: 'boolean', value: true });
  assert.deepEqual(expr('FALSE'), { kind: 'literal', type: 'boolean', value: false });
  assert.deepEqual(expr('null'), { kind: 'literal', type: 'null', value: null });
});

test('negative numbers become literals; negating anything else stays unary', () => {
  assert.deepEqual(expr('-5'), num('-5'));
  assert.deepEqual(expr('- 5'), num('-5'));
  assert.deepEqual(expr('-0.5'), num('-0.5'));
  assert.deepEqual(expr('-a'), { kind: 'unary', op: '-', arg: col('a') });
  assert.deepEqual(expr('2 - 1'), bin('-', num('2'), num('1')));
});

test('date, timestamp and time literals', () => {
  assert.deepEqual(expr("date '1998-12-01'"), { kind: 'literal', type: 'date', value: '1998-12-01' });
  assert.deepEqual(expr("timestamp '2020-01-01 10:00:00'"), { kind: 'literal', type: 'timestamp', value: '2020-01-01 10:00:00' });
  assert.deepEqual(expr("time '10:00'"), { kind: 'cast', arg: str('10:00'), type: 'time' });
});

test("intervals in both spellings normalise to '<number> <unit>' with a singular lower-case unit", () => {
  assert.deepEqual(expr("interval '90' day"), interval('90 day'));
  assert.deepEqual(expr("interval '90 day'"), interval('90 day'));
  assert.deepEqual(expr("interval '3' month"), interval('3 month'));
  assert.deepEqual(expr("INTERVAL '1' YEAR"), interval('1 year'));
  assert.deepEqual(expr("interval '2 YEARS'"), interval('2 year'));
  assert.deepEqual(expr("interval '1 mons'"), interval('1 month'));
  assert.deepEqual(
    expr("date '1998-12-01' - interval '90' day"),
    bin('-', { kind: 'literal', type: 'date', value: '1998-12-01' }, interval('90 day')),
  );
});

test('arithmetic, concatenation and comparisons; != becomes <>', () => {
  assert.deepEqual(expr('a + b * c'), bin('+', col('a'), bin('*', col('b'), col('c'))));
  assert.deepEqual(expr('(a + b) * c'), bin('*', bin('+', col('a'), col('b')), col('c')));
  assert.deepEqual(expr('a / b % 2'), bin('%', bin('/', col('a'), col('b')), num('2')));
  assert.deepEqual(expr("a || 'x'"), bin('||', col('a'), str('x')));
  for (const op of ['=', '<>', '<', '<=', '>', '>=']) assert.deepEqual(where(`a ${op} 1`), bin(op, col('a'), num('1')));
  assert.deepEqual(where('a != 1'), bin('<>', col('a'), num('1')));
});

test('AND, OR, NOT', () => {
  assert.deepEqual(
    where('a = 1 and (b = 2 or not c)'),
    bin('AND', bin('=', col('a'), num('1')), bin('OR', bin('=', col('b'), num('2')), { kind: 'unary', op: 'NOT', arg: col('c') })),
  );
});

test('IS [NOT] NULL, [NOT] LIKE, ILIKE, [NOT] BETWEEN', () => {
  assert.deepEqual(where('a is null'), { kind: 'isNull', arg: col('a'), negated: false });
  assert.deepEqual(where('a is not null'), { kind: 'isNull', arg: col('a'), negated: true });
  assert.deepEqual(where("a like 'x%'"), { kind: 'like', arg: col('a'), pattern: str('x%'), negated: false, caseInsensitive: false });
  assert.deepEqual(where("a not like '%y'"), { kind: 'like', arg: col('a'), pattern: str('%y'), negated: true, caseInsensitive: false });
  assert.deepEqual(where("a ilike 'z'"), { kind: 'like', arg: col('a'), pattern: str('z'), negated: false, caseInsensitive: true });
  assert.deepEqual(where("a not ilike 'z'"), { kind: 'like', arg: col('a'), pattern: str('z'), negated: true, caseInsensitive: true });
  assert.deepEqual(where('a between 1 and 2'), { kind: 'between', arg: col('a'), low: num('1'), high: num('2'), negated: false });
  assert.deepEqual(where('a not between 1 and 2'), { kind: 'between', arg: col('a'), low: num('1'), high: num('2'), negated: true });
});

test('IN lists and IN / EXISTS / scalar subqueries', () => {
  assert.deepEqual(where("a in (1, 2, 'x')"), { kind: 'inList', arg: col('a'), list: [num('1'), num('2'), str('x')], negated: false });
  assert.deepEqual(where('a not in (3)'), { kind: 'inList', arg: col('a'), list: [num('3')], negated: true });

  const inSub = where('a not in (select b from u)');
  assert.equal(inSub?.kind, 'inSubquery');
  if (inSub?.kind !== 'inSubquery') return;
  assert.equal(inSub.negated, true);
  assert.deepEqual(selectBody(inSub.query).columns, [{ expr: col('b'), alias: null }]);
  assert.deepEqual(selectBody(inSub.query).from, [{ kind: 'table', schema: null, name: 'u', alias: null }]);

  const exists = where('exists (select 1 from u where u.x = t.x)');
  assert.equal(exists?.kind, 'exists');
  if (exists?.kind !== 'exists') return;
  assert.equal(exists.negated, false);
  assert.deepEqual(selectBody(exists.query).where, bin('=', col('x', 'u'), col('x', 't')));

  const notExists = where('not exists (select 1 from u)');
  assert.equal(notExists?.kind === 'exists' && notExists.negated, true);

  const scalar = where('a > (select max(b) from u)');
  assert.equal(scalar?.kind, 'binary');
  if (scalar?.kind !== 'binary') return;
  assert.equal(scalar.right.kind, 'subquery');
  if (scalar.right.kind !== 'subquery') return;
  assert.deepEqual(selectBody(scalar.right.query).columns[0]!.expr, fn('max', [col('b')]));
});

test('CASE, simple and searched', () => {
  assert.deepEqual(expr("case when a = 1 then 'x' when a = 2 then 'y' else 'z' end"), {
    kind: 'case',
    operand: null,
    whens: [
      arm(bin('=', col('a'), num('1')), str('x')),
      arm(bin('=', col('a'), num('2')), str('y')),
    ],
    else: str('z'),
  });
  assert.deepEqual(expr('case a when 1 then 2 end'), { kind: 'case', operand: col('a'), whens: [arm(num('1'), num('2'))], else: null });
});

test('CAST and :: with normalised lower-case type text', () => {
  assert.deepEqual(expr('cast(a as decimal(15,2))'), cast(col('a'), 'decimal(15,2)'));
  assert.deepEqual(expr('cast(a as DECIMAL(15, 2))'), cast(col('a'), 'decimal(15,2)'));
  assert.deepEqual(expr('a::integer'), cast(col('a'), 'integer'));
  assert.deepEqual(expr('cast(a as varchar)'), cast(col('a'), 'varchar'));
  assert.deepEqual(expr('cast(a as varchar(10))'), cast(col('a'), 'varchar(10)'));
  assert.deepEqual(expr("'1998-12-01'::date"), cast(str('1998-12-01'), 'date'));
  assert.deepEqual(expr('a::double precision'), cast(col('a'), 'double precision'));
  assert.deepEqual(expr('cast(a as timestamp with time zone)'), cast(col('a'), 'timestamp with time zone'));
  assert.deepEqual(expr('a::int::text'), cast(cast(col('a'), 'int'), 'text'));
});

test('EXTRACT, SUBSTRING in both forms, COALESCE, NULLIF, GREATEST, LEAST', () => {
  assert.deepEqual(expr('extract(year from o_orderdate)'), { kind: 'extract', field: 'year', arg: col('o_orderdate') });
  assert.deepEqual(expr("extract(MONTH from date '2020-03-01')"), {
    kind: 'extract',
    field: 'month',
    arg: { kind: 'literal', type: 'date', value: '2020-03-01' },
  });
  const sub = fn('substring', [col('c_phone'), num('1'), num('2')]);
  assert.deepEqual(expr('substring(c_phone from 1 for 2)'), sub);
  assert.deepEqual(expr('SUBSTRING(c_phone FROM 1 FOR 2)'), { ...sub });
  assert.deepEqual(expr('substring(c_phone, 1, 2)'), sub);
  assert.deepEqual(expr('substring(c_phone from 3)'), fn('substring', [col('c_phone'), num('3')]));
  assert.deepEqual(expr('substring(c_phone for 2)'), sub);
  assert.deepEqual(expr('substring(substring(a from 2) from 1 for 3)'), fn('substring', [fn('substring', [col('a'), num('2')]), num('1'), num('3')]));
  assert.deepEqual(expr('coalesce(a, b, 0)'), fn('coalesce', [col('a'), col('b'), num('0')]));
  assert.deepEqual(expr('NULLIF(a, 0)'), fn('nullif', [col('a'), num('0')]));
  assert.deepEqual(expr('greatest(a, b)'), fn('greatest', [col('a'), col('b')]));
  assert.deepEqual(expr('least(a, b)'), fn('least', [col('a'), col('b')]));
  assert.deepEqual(expr('Upper(a)'), fn('upper', [col('a')]));
  assert.deepEqual(expr('current_date'), fn('current_date', []));
});

test('aggregates: count(*), count(distinct x), sum(distinct x), FILTER (WHERE ...)', () => {
  assert.deepEqual(expr('count(*)'), fn('count', [], { star: true }));
  assert.deepEqual(expr('count(distinct x)'), fn('count', [col('x')], { distinct: true }));
  assert.deepEqual(expr('sum(distinct x)'), fn('sum', [col('x')], { distinct: true }));
  assert.deepEqual(expr('AVG(DISTINCT x + 1)'), fn('avg', [bin('+', col('x'), num('1'))], { distinct: true }));
  assert.deepEqual(expr('sum(all x)'), fn('sum', [col('x')]));
  assert.deepEqual(expr('min(x)'), fn('min', [col('x')]));
  assert.deepEqual(expr('stddev(x)'), fn('stddev', [col('x')]));
  assert.deepEqual(expr("string_agg(x, ',')"), fn('string_agg', [col('x'), str(',')]));
  assert.deepEqual(expr('sum(x) filter (where y > 1)'), fn('sum', [col('x')], { filter: bin('>', col('y'), num('1')) }));
  assert.deepEqual(expr('count(*) filter (where y)'), fn('count', [], { star: true, filter: col('y') }));
});

test('functions carry their source location', () => {
  const q = parseSql('select a,\n  sum(b)\nfrom t');
  const e = selectBody(q).columns[1]!.expr;
  assert.equal(e.kind, 'function');
  if (e.kind === 'function') assert.deepEqual(e.loc, { line: 2, column: 3 });
});

test('window functions: PARTITION BY, ORDER BY, frames, named windows', () => {
  assert.deepEqual(expr('row_number() over (partition by a order by b desc nulls last)'), fn('row_number', [], {
    over: { name: null, partitionBy: [col('a')], orderBy: [{ expr: col('b'), desc: true, nullsFirst: false }], frame: null },
  }));
  assert.deepEqual(expr('sum(x) over (order by y rows between unbounded preceding and current row)'), fn('sum', [col('x')], {
    over: { name: null, partitionBy: [], orderBy: [{ expr: col('y'), desc: false, nullsFirst: null }], frame: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' },
  }));
  assert.equal(frame('sum(x) over (order by y rows 3 preceding)'), 'ROWS BETWEEN 3 PRECEDING AND CURRENT ROW');
  assert.equal(frame('avg(x) over (order by y rows between 1 preceding and 1 following)'), 'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING');
  // RANGE frames equal to the default, or to the whole partition, are read exactly
  assert.equal(frame('sum(x) over (order by y range between unbounded preceding and current row)'), null);
  assert.equal(frame('sum(x) over (order by y RANGE UNBOUNDED PRECEDING)'), null);
  assert.equal(
    frame('last_value(x) over (order by y range between unbounded preceding and unbounded following)'),
    'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
  );
  assert.deepEqual(expr('count(*) over ()'), fn('count', [], { star: true, over: { name: null, partitionBy: [], orderBy: [], frame: null } }));
  assert.deepEqual(expr('lag(x, 1) over (order by y)'), fn('lag', [col('x'), num('1')], {
    over: { name: null, partitionBy: [], orderBy: [{ expr: col('y'), desc: false, nullsFirst: null }], frame: null },
  }));
  // functions node-sql-parser only accepts by name before OVER are read too
  for (const name of ['percent_rank', 'cume_dist']) {
    assert.deepEqual(expr(`${name}() over (order by a)`), fn(name, [], {
      over: { name: null, partitionBy: [], orderBy: [{ expr: col('a'), desc: false, nullsFirst: null }], frame: null },
    }));
  }
  assert.deepEqual(expr('stddev(x) over (partition by a)'), fn('stddev', [col('x')], {
    over: { name: null, partitionBy: [col('a')], orderBy: [], frame: null },
  }));

  const named = withoutLoc(selectBody(parseSql('select sum(x) over w, rank() over (w) from t window w as (partition by a order by b)')));
  const byName = { name: 'w', partitionBy: [], orderBy: [], frame: null };
  assert.deepEqual(named.columns[0]!.expr, fn('sum', [col('x')], { over: byName }));
  assert.deepEqual(named.columns[1]!.expr, fn('rank', [], { over: byName }));
  assert.deepEqual(named.windows, [
    { name: 'w', spec: { name: null, partitionBy: [col('a')], orderBy: [{ expr: col('b'), desc: false, nullsFirst: null }], frame: null } },
  ]);
});

test('rewrites for the parser keep identifiers and strings intact', () => {
  // words the rewrites look for, inside strings, comments and quoted names, are left alone
  assert.deepEqual(expr("'substring(x from 1 for 2)'"), str('substring(x from 1 for 2)'));
  assert.deepEqual(
    withoutLoc(selectBody(parseSql('select "range" /* range between unbounded preceding and current row */ from t')).columns[0]!.expr),
    col('range'),
  );
});
