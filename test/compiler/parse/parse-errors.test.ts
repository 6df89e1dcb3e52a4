import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { expectError, expectUnsupported } from './helpers.ts';

test('a syntax error reports line, column, the offending token and an excerpt of its line', () => {
  const sql = 'select l_orderkey,\n       sum(l_quantity)\nfrom lineitem FORM orders\ngroup by l_orderkey';
  const err = expectError(() => parseSql(sql), 'parse-error');
  assert.equal(err.location?.line, 3);
  assert.equal(err.location?.column, 20);
  assert.equal(err.message, 'syntax error at line 3, column 20: unexpected "orders" near "from lineitem FORM orders"');
  assert.match(err.describe(), /^parse-error at 3:20: syntax error/);
});

test('a typo inside a WHERE clause on line 3 is located there', () => {
  const err = expectError(() => parseSql('select a\nfrom t\nwhere a = 1 adn b = 2'), 'parse-error');
  assert.deepEqual([err.location?.line, err.location?.column], [3, 13]);
  assert.equal(err.message, 'syntax error at line 3, column 13: unexpected "adn" near "where a = 1 adn b = 2"');
});

test('locations stay exact when the query needed rewriting for the parser', () => {
  const err = expectError(() => parseSql('select sum(distinct b), substring(c from 1 for 2)\nfrom t\nwhere a = 1 adn b = 2'), 'parse-error');
  assert.deepEqual([err.location?.line, err.location?.column], [3, 13]);
  assert.match(err.message, /unexpected "adn"/);
});

test('an unterminated query reports end of input', () => {
  const err = expectError(() => parseSql('select a from t where'), 'parse-error');
  assert.match(err.message, /unexpected end of input/);
  assert.deepEqual([err.location?.line, err.location?.column], [1, 22]);
});

test('an empty query is a parse error', () => {
  expectError(() => parseSql(''), 'parse-error');
  expectError(() => parseSql('  -- nothing here\n'), 'parse-error');
});

test('non-SELECT statements and several statements are unsupported', () => {
  for (const [sql, kind] of [
    ['insert into t values (1)', 'INSERT'],
    ['update t set a = 1', 'UPDATE'],
    ['delete from t', 'DELETE'],
    ['create table t (a int)', 'CREATE'],
    ['explain select 1', 'EXPLAIN'],
    ['drop table t', 'DROP'],
  ] as const) {
    const err = expectError(() => parseSql(sql), 'unsupported');
    assert.equal(err.message, `only SELECT queries can be compiled; got ${kind}`);
  }
  const many = expectError(() => parseSql('select 1; select 2'), 'unsupported');
  assert.match(many.message, /got 2 statements/);
});

test('unsupported constructs are named, never silently dropped', () => {
  const cases: [string, string][] = [
    ['select * from t, lateral (select 1) s', 'LATERAL'],
    ['with recursive r as (select 1) select * from r', 'recursive CTE (WITH RECURSIVE)'],
    ['select a from t group by rollup(a)', 'ROLLUP'],
    ['select a from t group by cube(a)', 'CUBE'],
    ['select a from t group by grouping sets ((a), ())', 'GROUPING SETS'],
    ['select sum(x) over (order by y rows 3 preceding exclude current row) from t', 'window frame EXCLUDE'],
    ['select sum(x) over (order by y groups between 1 preceding and current row) from t', 'window frame GROUPS'],
    ['select sum(x) over (order by y range between 3 preceding and current row) from t', 'window frame RANGE'],
    ['select a from t fetch first 3 rows only', 'FETCH FIRST'],
    ['select distinct on (a) a, b from t', 'DISTINCT ON'],
    ["select a->'x' from t", 'operator ->'],
    ["select a->>'x' from t", 'operator ->>'],
    ['select a @> b from t', 'operator @>'],
    ['select a[1] from t', 'array subscript'],
    ['select array[1, 2]', 'ARRAY constructor'],
    ["select a from t where a similar to 'x'", 'operator SIMILAR TO'],
    ['select a from t where a is distinct from b', 'IS [NOT] DISTINCT FROM'],
    ['select a from t where a is true', 'IS [NOT] TRUE/FALSE'],
    ['select a from t where a = any (select b from u)', 'ANY/SOME/ALL'],
    ["select a from t where a like 'x!%' escape '!'", 'LIKE ... ESCAPE'],
    ['select (a, b) in ((1, 2)) from t', 'row value constructor'],
    ['select * from generate_series(1, 3) g', 'table function in FROM'],
    ['select a into b from t', 'SELECT INTO'],
    ['select a from t for update', 'FOR UPDATE'],
    ["select string_agg(x, ',' order by y) from t", 'ORDER BY inside string_agg'],
    ['select percentile_cont(0.5) within group (order by x) from t', 'WITHIN GROUP'],
    ['values (1, 2)', 'top-level VALUES'],
    ['select a collate "C" from t', 'COLLATE'],
    ['select a from only t', 'FROM ONLY'],
    ["select interval '1 year 2 months'", "interval '1 year 2 months'"],
    ["select interval '1' fortnight", 'interval'],
    ["select trim(both ' ' from a) from t", 'TRIM(... BOTH ...)'],
    ['select * from t tablesample bernoulli (10)', 'TABLESAMPLE'],
    ['select a from t where a = $1', 'query parameter'],
    ['select cast(a as int[]) from t', 'array type'],
    ['select corr(x, y) over (order by a) from t', 'corr(...) OVER (...)'],
    ['select sum(x) filter (where y > 1) over (order by a) from t', 'FILTER (WHERE ...) combined with OVER'],
    ['select rank() over (w order by c) from t window w as (partition by a)', 'extends a named window'],
    ['select a from t window w1 as (partition by a), w2 as (w1 order by b)', 'extends a named window'],
    ['with a as not materialized (select 1) select 1', 'MATERIALIZED'],
    ['select * from a as q natural join b', 'NATURAL JOIN after an aliased table'],
    ['select x from t qualify row_number() over () = 1', 'QUALIFY'],
    ["select position('x' in a) from t", 'POSITION(... IN ...)'],
    ['select count(distinct a, b) from t', 'COUNT(DISTINCT a, b)'],
    ['(select 1 union select 2) union select 3', 'parenthesized set operation'],
    ['select 1 union (select 2 union select 3)', 'parenthesized set operation'],
    ['select * from t1 join t2 on a = b, (select 1) s', ''],
  ];
  for (const [sql, construct] of cases) {
    if (construct === '') {
      // the parser rejects this valid query; it must at least be a located error, not a crash
      const err = expectError(() => parseSql(sql), 'parse-error');
      assert.ok(err.location?.line);
      continue;
    }
    const err = expectUnsupported(sql, construct);
    assert.match(err.message, /^unsupported construct: /, sql);
  }
});

test('a name written both quoted and unquoted with the same spelling is refused rather than guessed', () => {
  expectUnsupported('select "Foo".a from Foo', 'identifier Foo');
  // different spellings are fine: Foo unquoted is foo
  assert.doesNotThrow(() => parseSql('select "Foo".a from "Foo", foo'));
});

test('an unknown dialect is a usage error', () => {
  const err = expectError(() => parseSql('select 1', { dialect: 'nosuchsql' }), 'usage-error');
  assert.match(err.message, /unknown SQL dialect "nosuchsql"/);
});

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_SEEDS = [
  'select l_returnflag, sum(l_quantity * (1 - l_discount)) as s, count(*) from lineitem where l_shipdate <= date \'1998-12-01\' - interval \'90\' day group by l_returnflag order by 1 desc nulls last limit 10',
  'with c(x) as (select a from t where a in (select b from u) and exists (select 1 from v where v.k = t.k)) select x, case when x > 1 then \'big\' else \'small\' end from c union all select 1, null',
  'select o_year, sum(case when nation = \'BRAZIL\' then volume else 0 end) / sum(volume) from (select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation from part, supplier, lineitem l join orders o on l.l_orderkey = o.o_orderkey left join nation n2 using (n_nationkey)) as all_nations group by o_year',
  'select substring(c_phone from 1 for 2) as cntrycode, count(distinct c_custkey), sum(c_acctbal) filter (where c_acctbal > 0.00), rank() over (partition by c_nationkey order by c_acctbal desc rows between unbounded preceding and current row) from customer where c_phone::varchar(20) not like \'1%\' and c_acctbal between -5 and 5',
];

test('fuzz: truncations and token drops of valid queries give parse-error/unsupported or parse, never a crash', () => {
  const next = random(20240601);
  let parsed = 0;
  let rejected = 0;
  const inputs: string[] = [];
  for (const sql of FUZZ_SEEDS) {
    for (let cut = 0; cut <= sql.length; cut += 3) inputs.push(sql.slice(0, cut));
    for (let k = 0; k < 60; k++) {
      const a = Math.floor(next() * sql.length);
      const b = Math.min(sql.length, a + 1 + Math.floor(next() * 12));
      inputs.push(sql.slice(0, a) + sql.slice(b));
      const c = Math.floor(next() * sql.length);
      inputs.push(sql.slice(0, c) + '()\'",;.*'[Math.floor(next() * 8)] + sql.slice(c));
    }
  }
  for (const input of inputs) {
    try {
      parseSql(input);
      parsed++;
    } catch (err) {
      assert.ok(err instanceof FlightdeckError, `raw ${String(err)} for: ${input}`);
      assert.ok(err.code === 'parse-error' || err.code === 'unsupported', `${err.code} (${err.message}) for: ${input}`);
      rejected++;
    }
  }
  assert.ok(parsed > 20, `some variants should still parse (${parsed})`);
  assert.ok(rejected > 100, `most variants should be rejected (${rejected})`);
});

test('fuzz: the TPC-H queries truncated at every 7th character never crash', () => {
  const dir = join(import.meta.dirname, '../../../corpus/tpch/queries');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const sql = readFileSync(join(dir, file), 'utf8');
    for (let cut = 1; cut < sql.length; cut += 7) {
      try {
        parseSql(sql.slice(0, cut));
      } catch (err) {
        assert.ok(err instanceof FlightdeckError && (err.code === 'parse-error' || err.code === 'unsupported'), `${file} cut at ${cut}: ${String(err)}`);
      }
    }
  }
});
