import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintSql, normalizeSql } from '../../../corpus/fingerprint/fingerprint.ts';

const fp = (sql: string) => fingerprintSql(sql).fingerprint;
const same = (a: string, b: string) => assert.equal(fp(a), fp(b), `expected one template:\n  ${a}\n  ${b}`);
const differ = (a: string, b: string) => assert.notEqual(fp(a), fp(b), `expected two templates:\n  ${a}\n  ${b}`);

test('literal values do not matter', () => {
  same("select * from orders where id = 42 and status = 'paid'", "select * from orders where id = 7 and status = 'refunded'");
  same('select * from t where price > 1.5e3', 'select * from t where price > 0.25');
  same("select * from t where d >= date '2024-01-01'", "select * from t where d >= date '1999-12-31'");
  same("select * from t where s = E'it\\'s'", "select * from t where s = 'x'");
  same('select * from t where s = $$a;b$$', "select * from t where s = 'z'");
  same('select * from t where a = $1', 'select * from t where a = 3');
  same('select * from t where flag = true', 'select * from t where flag = false');
});

test('negative numbers are constants, subtraction is not', () => {
  same('select * from t where a = -5', 'select * from t where a = 5');
  same('select * from t where a in (-1, -2)', 'select * from t where a in (3)');
  differ('select a - 1 from t', 'select a from t');
  assert.equal(normalizeSql('select a-1 from t where b = - 2'), 'select a - ? from t where b = ?');
});

test('whitespace, keyword case, comments and trailing semicolons do not matter', () => {
  same('SELECT  a,\n\tb FROM T WHERE x=1', 'select a, b from t where x = 2');
  same('select a /* why */ from t -- note\n where x = 1;', 'select a from t where x = 1');
  same('select a from t /* nested /* comment */ still */ where x = 1', 'select a from t where x = 1');
  same('select a from t;;', 'select a from t');
});

test('IN-list length does not matter, but IN lists with columns are kept', () => {
  same('select * from t where id in (1, 2, 3, 4)', 'select * from t where id in (9)');
  same("select * from t where s in ('a','b')", "select * from t where s IN ( 'c' )");
  differ('select * from t where id in (1, b)', 'select * from t where id in (1)');
  differ('select * from t where id in (select x from u)', 'select * from t where id in (1)');
  assert.equal(normalizeSql('select * from t where id in (1, b)'), 'select * from t where id in (?, b)');
});

test('structure matters: tables, columns, operators, quoted identifiers', () => {
  differ('select a from t', 'select a from u');
  differ('select a from t', 'select b from t');
  differ('select * from t where a = 1', 'select * from t where a > 1');
  differ('select * from t where a in (1, 2)', 'select * from t where a = 1');
  differ('select "Name" from t', 'select "name" from t');
  differ('select a, b from t', 'select b, a from t');
  same('select "Name" from t where x = 1', 'select "Name" from t where x = 2');
});

test('!= and <> are the same operator', () => {
  same('select * from t where a != 1', 'select * from t where a <> 1');
});

test('normalized text is readable and stable', () => {
  assert.equal(
    normalizeSql("SELECT c.name, count(*) FROM customers c WHERE c.city IN ('Oslo','Rome') AND c.age > 30 GROUP BY c.name;"),
    'select c.name, count(*) from customers c where c.city in (?) and c.age > ? group by c.name',
  );
});

test('statement kinds', () => {
  assert.equal(fingerprintSql('select 1').kind, 'select');
  assert.equal(fingerprintSql('(select 1) union (select 2)').kind, 'select');
  assert.equal(fingerprintSql('with x as (select 1) select * from x').kind, 'select');
  assert.equal(fingerprintSql('with x as (select 1) delete from t where a in (select * from x)').kind, 'delete');
  assert.equal(fingerprintSql('INSERT INTO t VALUES (1)').kind, 'insert');
  assert.equal(fingerprintSql('update t set a = 1').kind, 'update');
  assert.equal(fingerprintSql('create table t (a int)').kind, 'ddl');
  assert.equal(fingerprintSql('BEGIN').kind, 'utility');
  assert.equal(fingerprintSql('  -- only a comment\n').kind, 'empty');
});

test('malformed text still fingerprints deterministically and says what is wrong', () => {
  const a = fingerprintSql("select * from t where s = 'unterminated");
  assert.equal(a.problem, 'unterminated-string');
  assert.equal(a.fingerprint, fingerprintSql("select * from t where s = 'unterminated").fingerprint);
  assert.equal(fingerprintSql('select /* open comment').problem, 'unterminated-comment');
  assert.equal(fingerprintSql('select "open from t').problem, 'unterminated-identifier');
  assert.equal(fingerprintSql('select 1').problem, null);
});

test('the fingerprint is 16 hex digits', () => {
  assert.match(fp('select 1'), /^[0-9a-f]{16}$/);
});

test('both hash streams keep the whole query: queries differing only early do not collide', () => {
  // an even multiplier once made the second stream forget all but the last ~32 characters
  differ("SELECT miq, vda, ugm, t35435 FROM orders WHERE status = 'x' ORDER BY order_id, created_at", "SELECT kpb, dzl, oka, t95737 FROM orders WHERE status = 'x' ORDER BY order_id, created_at");
  const seen = new Map<string, string>();
  for (let i = 0; i < 20000; i++) {
    const sql = `select c${i} from t${i % 7} where a = 1 order by some_long_trailing_column_name, another_one`;
    const f = fp(sql);
    assert.equal(seen.get(f), undefined, `collision: ${seen.get(f)} / ${sql}`);
    seen.set(f, sql);
  }
});

test('constants in more shapes: hex integers, unary plus, signs across newlines and after ] or keywords, ? placeholders', () => {
  same('select * from t where x = 0x1F', 'select * from t where x = 0xFF');
  same('select * from t where a = +1', 'select * from t where a = 1');
  same('select * from t where a = -\n1', 'select * from t where a = 1');
  same('select arr[1] - 1 from t', 'select arr[1] - -1 from t');
  assert.equal(normalizeSql('select arr[1] - 1 from t'), 'select arr [ ? ] - ? from t');
  same('insert into t values (default, -1)', 'insert into t values (default, 2)');
  same('select * from t where a in (?, ?, ?)', 'select * from t where a in (?)');
  differ('select * from t where j ?| array[1]', 'select * from t where j = ?');
});

test('trailing semicolons followed by comments, and -- comments ended by a carriage return', () => {
  same('SELECT 1;', 'SELECT 1; -- done');
  same('select 1 -- c\rfrom t', 'select 1 from t');
});

test('statement kinds: leading comments before parentheses, utility verbs', () => {
  assert.equal(fingerprintSql('/* c */ (select 1) union (select 2)').kind, 'select');
  assert.equal(fingerprintSql('((select 1))').kind, 'select');
  for (const s of ['SAVEPOINT a', 'RELEASE a', 'DISCARD ALL', 'DEALLOCATE p', 'LISTEN x', 'DO $$ begin end $$']) assert.equal(fingerprintSql(s).kind, 'utility', s);
});

test('spellings PostgreSQL parses as one query share a fingerprint: CAST and ::, typed literals, the default schema', () => {
  same('select cast(o_orderdate as date) from orders', 'select o_orderdate::date from orders');
  same('select CAST ( o.d AS timestamp with time zone ) from orders o', 'select o.d::timestamp with time zone from orders o');
  same("select * from t where d >= cast('2024-01-01' as date)", "select * from t where d >= date '2024-01-01'");
  same("select * from t where d >= '2024-01-01'::date", "select * from t where d >= DATE '1999-12-31'");
  same("select * from t where ts < timestamp with time zone '2024-01-01 00:00+00'", "select * from t where ts < '2020-01-01'::timestamp with time zone");
  same("select now() - interval '3 days'", "select now() - cast('1 day' as interval)");
  same('select cast(a + b as bigint) from t', 'select (a + b)::bigint from t');
  same('select cast(cast(a as int) as text) from t', 'select a::int::text from t');
  same('select * from public.orders o join main.customers c on c.id = o.cid', 'select * from orders o join customers c on c.id = o.cid');
  same('select * from "public".orders', 'select * from orders');
  same('select public.orders.id from public.orders', 'select orders.id from orders');
  assert.equal(normalizeSql("SELECT CAST(x AS date), DATE '2024-01-01' FROM public.t"), 'select x::date, ?::date from t');
  assert.equal(normalizeSql('select cast(a + 1 as int) from t'), 'select (a + ?)::int from t');
});

test('one-word type synonyms after :: are one type: integer/int4/int, int8/bigint, bool/boolean, timestamptz, float8, varchar', () => {
  same('select cast(a as integer) from t', 'select a::int4 from t');
  same('select a::int from t', 'select a::INTEGER from t');
  same('select a::int8, b::bool from t', 'select a::bigint, b::boolean from t');
  same('select a::timestamptz from t', 'select cast(a as timestamp with time zone) from t');
  same("select timestamptz '2024-01-01'", "select '2024-01-01'::timestamp with time zone");
  same('select a::float8, b::varchar from t', 'select a::double precision, b::character varying from t');
  differ('select a::int from t', 'select a::bigint from t');
  differ('select a::timestamp from t', 'select a::timestamptz from t');
  // only in a type's place: a column called integer is a column
  differ('select integer from t', 'select int from t');
  assert.equal(normalizeSql('select a::INT4, b::timestamptz from t'), 'select a::int, b::timestamp with time zone from t');
});

test('what the normalisation leaves apart: other types, other schemas, a literal without its type, names that only look alike', () => {
  differ('select cast(a as int) from t', 'select cast(a as bigint) from t');
  differ("select * from t where d >= date '2024-01-01'", "select * from t where d >= timestamp '2024-01-01'");
  differ('select * from sales.orders', 'select * from orders');
  differ('select * from "Public".orders', 'select * from orders');
  differ('select t.public from t', 'select t from t');
  // an untyped literal keeps its own template (pg_stat_statements merges it after type resolution; libpg_query does not)
  differ("select * from t where d >= '2024-01-01'", "select * from t where d >= date '2024-01-01'");
  // `at time zone` is not a typed literal
  assert.equal(normalizeSql("select ts at time zone 'UTC' from t"), 'select ts at time zone ? from t');
  // a column called date is a column
  assert.equal(normalizeSql('select date, count(*) from t group by date'), 'select date, count(*) from t group by date');
});

test('malformed casts and cut-off text still fingerprint deterministically', () => {
  for (const sql of ['select cast(a) from t', 'select cast(a as', 'select cast', 'select date', 'select public.', 'select * from public', 'select timestamp with']) {
    assert.equal(fp(sql), fp(sql), sql);
    assert.equal(typeof normalizeSql(sql), 'string');
  }
  assert.equal(normalizeSql('select cast(a) from t'), 'select cast(a) from t');
  differ('select cast(a) from t', 'select a from t');
});

const kind = (sql: string) => fingerprintSql(sql).kind;

test('queries that write or lock are not select: SELECT INTO, data-modifying WITH, FOR UPDATE/SHARE', () => {
  assert.equal(kind('select * into temp t2 from t'), 'select-into');
  assert.equal(kind('SELECT a, b INTO UNLOGGED TABLE t2 FROM t WHERE a > 1'), 'select-into');
  assert.equal(kind('with x as (select 1 as a) select a into t2 from x'), 'select-into');
  const dml = fingerprintSql('WITH d AS (DELETE FROM t WHERE a < 3 RETURNING *) SELECT count(*) FROM d');
  assert.deepEqual([dml.kind, dml.dataModifyingWith], ['delete', true]);
  assert.equal(kind('with a as (select 1), u as (update t set x = 1 returning x) select * from u'), 'update');
  assert.equal(kind('with i as (insert into t values (1) returning *) select * from i'), 'insert');
  assert.equal(kind('select * from t where id = 1 for update'), 'lock');
  assert.equal(kind('select * from t for no key update skip locked'), 'lock');
  assert.equal(kind('select * from t for key share'), 'lock');
  assert.equal(kind('select * from (select * from t for share) s'), 'lock');
  assert.equal(kind('(select * from t) for update'), 'lock');
  // words in strings, names and other clauses do not count
  assert.equal(kind("select 'select 1 into t' as s, \"into\" from t"), 'select');
  assert.equal(kind('select substring(s from 1 for 3), updated_at from t'), 'select');
  assert.equal(kind('select * from t where a in (select b from u)'), 'select');
  assert.equal(kind("select 'for update' from t"), 'select');
  assert.equal(kind('select substring(s from 1 for no) from t'), 'select');
  assert.equal(kind('select overlay(s placing x from 1 for key) from t'), 'select');
  assert.equal(fingerprintSql('insert into t select * from u').kind, 'insert');
  assert.equal(fingerprintSql('with x as (select 1) select * from x').dataModifyingWith, false);
});

test('token soup never throws, and nothing held back leaks into the next statement', () => {
  const words = ['cast', '(', ')', 'as', 'date', "'x'", 'public', 'main', '.', '::', 'timestamp', 'with', 'time', 'zone', 'int', 'a', 'select', 'for', 'update', 'into', 'in', '1', ',', '"public"', 'interval'];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % words.length;
  const reference = 'select cast(a as date) from public.t where d = date \'x\'';
  const expected = fp(reference);
  const expectedText = normalizeSql(reference);
  for (let n = 0; n < 2000; n++) {
    const soup = Array.from({ length: 1 + (n % 17) }, () => words[next()]).join(' ');
    const first = fingerprintSql(soup);
    assert.equal(fingerprintSql(soup).fingerprint, first.fingerprint, soup);
    normalizeSql(soup);
    assert.equal(fp(reference), expected, `after: ${soup}`);
    assert.equal(normalizeSql(reference), expectedText, `after: ${soup}`);
  }
});

test('review: SELECTs that change state are writes (side-effect-select), never plain selects', () => {
  for (const sql of [
    "select nextval('orders_id_seq')",
    "SELECT setval('s', 42, true)",
    'select pg_advisory_lock(1)',
    'select pg_try_advisory_xact_lock(1, 2)',
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
    "select pg_notify('ch', 'x')",
    "select lo_unlink(17)",
    "select set_config('search_path', 'app', false)",
    "select dblink_exec('dbname=x', 'delete from t')",
    "select * from t where id = nextval ('s')",
  ]) assert.equal(kind(sql), 'side-effect-select', sql);
  // the names as columns, in strings or quoted are nothing of the kind
  assert.equal(kind("select nextval, 'setval(1)', \"pg_notify\" from t"), 'select');
  assert.equal(kind('select currval(1) from t'), 'select');
  // a write in a WITH wins
  assert.equal(kind("with d as (delete from t returning *) select nextval('s') from d"), 'delete');
});

test('review 2: pg_logical_emit_message and lowrite change state; a quoted function name is still a call', () => {
  for (const sql of [
    "select pg_logical_emit_message(true, 'app', 'x')",
    "select lowrite(0, 'x')",
    "select \"nextval\"('s')",
    "select pg_catalog.\"setval\"('s', 1)",
    "select x from t where id = \"pg_advisory_lock\" (1)",
  ]) assert.equal(kind(sql), 'side-effect-select', sql);
  // a quoted column of the name, or another case (a quoted name keeps its case), is not
  assert.equal(kind('select "nextval" from t'), 'select');
  assert.equal(kind('select "NEXTVAL"(1) from t'), 'select');
});
