/**
 * The static shape of a template: the top-level order on output columns,
 * LIMIT with and without a total order, nondeterministic constructs
 * anywhere, writes; SQL the parser rejects gets a conservative shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeQueryShape } from '../../../flighting/compare/query-shape.ts';

const write = (sql: string): string | undefined => analyzeQueryShape(sql).write?.statement;
const kinds = (sql: string): string[] => analyzeQueryShape(sql).nondeterministic.map((s) => `${s.kind}:${s.what}`);

test('ORDER BY keys become output positions: ordinals, aliases (before expressions), columns, expressions in the list', () => {
  const s = analyzeQueryShape('select a, b + 1 as c, sum(d) from t group by a, b order by 2 desc, a, c nulls first, sum(d)');
  assert.deepEqual(s.order, {
    kind: 'keys',
    keys: [
      { position: 1, desc: true, nullsFirst: null },
      { position: 0, desc: false, nullsFirst: null },
      { position: 1, desc: false, nullsFirst: true },
      { position: 2, desc: false, nullsFirst: null },
    ],
  });
  // an alias wins over an output column of the same name
  const aliased = analyzeQueryShape('select a as x, b as a from t order by a');
  assert.deepEqual(aliased.order.kind === 'keys' && aliased.order.keys.map((k) => k.position), [1]);
  // a set operation's ORDER BY refers to the first operand's names
  const setop = analyzeQueryShape('select a from t union all select b from u order by a desc');
  assert.deepEqual(setop.order.kind === 'keys' && setop.order.keys, [{ position: 0, desc: true, nullsFirst: null }]);
  assert.equal(s.deterministic, 'yes');
  assert.equal(s.parsed, true);
});

test('a sort key that is not an output column (or hides behind *) cannot be checked by value', () => {
  const hidden = analyzeQueryShape('select a from t order by b');
  assert.equal(hidden.order.kind, 'unverifiable');
  assert.match(hidden.order.kind === 'unverifiable' ? hidden.order.reason : '', /b is not an output column/);
  assert.equal(analyzeQueryShape('select a from t order by a + 1').order.kind, 'unverifiable');
  assert.equal(analyzeQueryShape('select * from t order by a').order.kind, 'unverifiable');
  // a position before any * is still known
  const star = analyzeQueryShape('select a, * from t order by a, 1');
  assert.deepEqual(star.order.kind === 'keys' && star.order.keys.map((k) => k.position), [0, 0]);
  assert.equal(analyzeQueryShape('select a from t').order.kind, 'none');
});

test('LIMIT: without ORDER BY it is nondeterministic (not over a one-row aggregate); with ORDER BY it may tie', () => {
  const bare = analyzeQueryShape('select a from t limit 5');
  assert.equal(bare.limitWithoutOrder, true);
  assert.equal(bare.limitMayTie, false);
  assert.equal(bare.deterministic, 'no');
  assert.deepEqual(kinds('select a from t offset 5'), ['limit-without-order:limit']);

  const ordered = analyzeQueryShape('select a from t order by a limit 5 offset 2');
  assert.equal(ordered.hasLimit, true);
  assert.equal(ordered.hasOffset, true);
  assert.equal(ordered.limitWithoutOrder, false);
  assert.equal(ordered.limitMayTie, true);
  assert.equal(ordered.deterministic, 'yes');

  const oneRow = analyzeQueryShape('select count(*), sum(a) from t limit 1');
  assert.equal(oneRow.limitWithoutOrder, false);
  assert.equal(oneRow.deterministic, 'yes');
  assert.equal(analyzeQueryShape('select a, count(*) from t group by a limit 1').limitWithoutOrder, true);
  // LIMIT ALL is no limit
  assert.equal(analyzeQueryShape('select a from t limit all').hasLimit, false);
});

test('a LIMIT inside a subquery: without ORDER BY nondeterministic, with ORDER BY a possible tie', () => {
  assert.deepEqual(kinds('select * from (select a from t limit 3) s'), ['limit-without-order:limit']);
  assert.deepEqual(kinds('select a from t where a in (select b from u limit 3)'), ['limit-without-order:limit']);
  assert.deepEqual(kinds('select a from t where exists (select 1 from u where u.b = t.a limit 1)'), []);
  const tied = analyzeQueryShape('with top as (select a from t order by a limit 3) select a from top');
  assert.equal(tied.nestedLimitMayTie, true);
  assert.equal(tied.deterministic, 'yes');
});

test('nondeterministic functions anywhere, clock keywords, sampling, order-dependent aggregates and windows', () => {
  assert.deepEqual(kinds('select a from t where b > random()'), ['function:random()']);
  assert.deepEqual(kinds('select uuid(), gen_random_uuid(), setseed(0.5)'), ['function:uuid()', 'function:gen_random_uuid()', 'function:setseed()']);
  assert.deepEqual(kinds('select * from t where d < current_date and e < now() and f < today()'), ['clock:current_date', 'clock:now()', 'clock:today()']);
  assert.deepEqual(kinds('select current_timestamp, get_current_time()'), ['clock:current_timestamp', 'clock:get_current_time()']);
  assert.deepEqual(kinds('select a from t tablesample 10%'), ['sampling:tablesample']);
  assert.deepEqual(kinds('select a from t using sample 10 rows'), ['sampling:using sample']);
  assert.deepEqual(kinds('select string_agg(a, \',\') from t'), ['order-dependent:string_agg()']);
  assert.deepEqual(kinds('select version(), hash(a) from t'), ['build-dependent:version()', 'build-dependent:hash()']);
  assert.deepEqual(kinds('select row_number() over (partition by a) from t'), ['order-dependent:row_number() over (...)']);
  // the same constructs made deterministic, or not constructs at all
  assert.deepEqual(kinds('select string_agg(a, \',\' order by a) from t'), []);
  assert.deepEqual(kinds('select list_sort(array_agg(a)) from t'), []);
  assert.deepEqual(kinds('select row_number() over (order by a), sum(a) over () from t'), []);
  assert.deepEqual(kinds('select \'random()\' as s, "now", now from t order by a nulls first'), []);
  const line = analyzeQueryShape('select a\nfrom t\nwhere b < random()').nondeterministic[0];
  assert.equal(line?.line, 3);
});

test('writes are named, through WITH and SELECT INTO; several statements are looked at one by one', () => {
  assert.equal(write('insert into t select * from u'), 'INSERT');
  assert.equal(write('update t set a = 1'), 'UPDATE');
  assert.equal(write('delete from t where a = 1'), 'DELETE');
  assert.equal(write('create table x as select * from t'), 'CREATE TABLE AS');
  assert.equal(write('create or replace temp table x as select 1'), 'CREATE TABLE AS');
  assert.equal(write('with s as (select 1 as a) insert into t select a from s'), 'INSERT');
  assert.equal(write('select a into newtab from t'), 'SELECT INTO');
  assert.equal(write('select 1; drop table t'), 'DROP');
  assert.equal(write('explain analyze delete from t'), 'DELETE');
  assert.equal(write('explain select * from t'), undefined);
  assert.equal(write('with s as (select 1) select * from s'), undefined);
  assert.equal(write('select replace(a, \'x\', \'y\') from t'), undefined);
});

test('data-modifying CTEs, SELECT INTO TEMP and row locks are not read-only queries', () => {
  assert.equal(write('with d as (delete from t where a < 3 returning *) select count(*) from d'), 'WITH DELETE');
  assert.equal(write('with s as (select 1 as a), u as (update t set a = 1 returning a) select * from u'), 'WITH UPDATE');
  assert.equal(write('WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i'), 'WITH INSERT');
  assert.equal(write('select * into temp t2 from t'), 'SELECT INTO');
  assert.equal(write('select * into temporary table t2 from t where a > 1'), 'SELECT INTO');
  assert.equal(write('select * from t where a = 1 for update'), 'SELECT FOR UPDATE');
  assert.equal(write('select * from t for no key update skip locked'), 'SELECT FOR UPDATE');
  assert.equal(write('select * from t for share'), 'SELECT FOR SHARE');
  assert.equal(write('select * from (select * from t for key share) s'), 'SELECT FOR SHARE');
  assert.match(analyzeQueryShape('select * from t for update').reasons.join('\n'), /row locks/);
  // look-alikes stay read-only
  assert.equal(write('with s as (select update_count from t) select * from s'), undefined);
  assert.equal(write("select substring(s from 1 for 2), 'for update' from t"), undefined);
  assert.equal(write('with s as (select (select 1) as delete_me) select * from s'), undefined);
});

test('SQL the parser rejects: a conservative shape with the reason, never a throw', () => {
  const s = analyzeQueryShape('select a from t order by all');
  assert.equal(s.parsed, false);
  assert.match(s.parseError ?? '', /parse-error/);
  assert.equal(s.order.kind, 'unknown');
  assert.equal(s.deterministic, 'unknown');
  assert.equal(s.limitWithoutOrder, false);

  // tokens still see a top-level LIMIT without ORDER BY, and sampling
  const fromFirst = analyzeQueryShape('from t select a limit 3');
  assert.equal(fromFirst.parsed, false);
  assert.equal(fromFirst.limitWithoutOrder, true);
  assert.equal(fromFirst.deterministic, 'no');
  assert.equal(analyzeQueryShape('from t select a order by a limit 3').limitMayTie, true);
  assert.equal(analyzeQueryShape('select * from t tablesample system (10)').deterministic, 'no');

  for (const junk of ['', ';;', 'selec', '((((', 'select \'unterminated', 'insert into t values (1)']) {
    const shape = analyzeQueryShape(junk);
    assert.equal(shape.parsed, false, junk);
    assert.ok(shape.reasons.length > 0, junk);
  }
});
