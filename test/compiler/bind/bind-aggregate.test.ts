import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AggregateNode, Plan, WindowNode } from '../../../compiler/ir/plan.ts';
import { forEachNode } from '../../../compiler/ir/walk.ts';
import { assertGolden } from '../../helpers/golden.ts';
import { bindSql, explain, lines, resultColumns } from './bind-helpers.ts';

function find<K extends Plan['kind']>(plan: Plan, kind: K): Extract<Plan, { kind: K }>[] {
  const out: Extract<Plan, { kind: K }>[] = [];
  forEachNode(plan, (n) => {
    if (n.kind === kind) out.push(n as Extract<Plan, { kind: K }>);
  });
  return out;
}

test('GROUP BY + aggregates: bare keys reuse their id, identical aggregates are computed once, HAVING filters above', () => {
  assert.equal(
    explain(
      'select n_regionkey, count(*), count(*) as c2, sum(n_nationkey) + 1 as s1, sum(n_nationkey) * 2 as s2 ' +
        'from nation group by n_regionkey having sum(n_nationkey) > 10',
    ),
    lines(
      'Project(exprs=[n_regionkey#0, "count_star()"#1, c2#2="count_star()"#1, s1#3="sum(n_nationkey)"#4 + 1, s2#5="sum(n_nationkey)"#4 * 2])',
      '  Filter(condition=["sum(n_nationkey)"#4 > 10])',
      '    Aggregate(group=[n_regionkey#0], aggs=["count_star()"#1=count(*), "sum(n_nationkey)"#4=sum(n_nationkey#6)])',
      '      Scan(table=[nation], columns=[n_nationkey#6, n_name#7, n_regionkey#0, n_comment#8])',
    ),
  );
  const agg = find(bindSql('select count(*), count(distinct n_name), count(n_name) from nation'), 'aggregate')[0] as AggregateNode;
  assert.deepEqual(agg.aggregates.map((a) => `${a.fn}:${a.distinct}:${a.type}`), ['count_star:false:bigint', 'count:true:bigint', 'count:false:bigint']);
});

test('an expression key gets a fresh id and the SELECT refers to it', () => {
  assert.equal(
    explain('select n_regionkey + 1 as k, max(n_name) from nation group by n_regionkey + 1'),
    lines(
      'Project(exprs=[k#0, "max(n_name)"#1])',
      '  Aggregate(group=["(n_regionkey + 1)"#0=n_regionkey#2 + 1], aggs=["max(n_name)"#1=max(n_name#3)])',
      '    Scan(table=[nation], columns=[n_nationkey#4, n_name#3, n_regionkey#2, n_comment#5])',
    ),
  );
});

test('GROUP BY a select alias or a position stands for that select item', () => {
  assert.equal(
    explain('select upper(n_name) as u, count(*) from nation group by u'),
    lines(
      'Project(exprs=[u#0, "count_star()"#1])',
      '  Aggregate(group=[u#0=upper(n_name#2)], aggs=["count_star()"#1=count(*)])',
      '    Scan(table=[nation], columns=[n_nationkey#3, n_name#2, n_regionkey#4, n_comment#5])',
    ),
  );
  assert.equal(
    explain('select n_regionkey as r, count(*) from nation group by 1 order by 2 desc'),
    lines(
      'Sort(keys=["count_star()"#0 DESC])',
      '  Project(exprs=[r#1, "count_star()"#0])',
      '    Aggregate(group=[n_regionkey#1], aggs=["count_star()"#0=count(*)])',
      '      Scan(table=[nation], columns=[n_nationkey#2, n_name#3, n_regionkey#1, n_comment#4])',
    ),
  );
  // a FROM column wins over a select alias of the same name (PostgreSQL's rule)
  const plan = bindSql('select n_nationkey as n_regionkey, count(*) from nation group by n_regionkey, n_nationkey');
  const agg = find(plan, 'aggregate')[0]!;
  assert.deepEqual(agg.groupBy.map((g) => g.name), ['n_regionkey', 'n_nationkey']);
});

test('aggregates without GROUP BY make a global Aggregate; HAVING alone does too', () => {
  assert.equal(
    explain('select sum(n_nationkey), avg(n_nationkey) from nation'),
    lines(
      'Project(exprs=["sum(n_nationkey)"#0, "avg(n_nationkey)"#1])',
      '  Aggregate(group=[], aggs=["sum(n_nationkey)"#0=sum(n_nationkey#2), "avg(n_nationkey)"#1=avg(n_nationkey#2)])',
      '    Scan(table=[nation], columns=[n_nationkey#2, n_name#3, n_regionkey#4, n_comment#5])',
    ),
  );
  assert.equal(
    explain('select 1 as one from nation having count(*) > 1'),
    lines(
      'Project(exprs=[one#0=1])',
      '  Filter(condition=["count_star()"#1 > 1])',
      '    Aggregate(group=[], aggs=["count_star()"#1=count(*)])',
      '      Scan(table=[nation], columns=[n_nationkey#2, n_name#3, n_regionkey#4, n_comment#5])',
    ),
  );
});

test('aggregate FILTER and DISTINCT are kept on the call', () => {
  assert.equal(
    explain('select count(*) filter (where n_nationkey > 3) as c, count(distinct n_regionkey) as d from nation'),
    lines(
      'Project(exprs=[c#0, d#1])',
      '  Aggregate(group=[], aggs=["count_star() FILTER (WHERE (n_nationkey > 3))"#0=count(*) FILTER (WHERE n_nationkey#2 > 3), "count(DISTINCT n_regionkey)"#1=count(DISTINCT n_regionkey#3)])',
      '    Scan(table=[nation], columns=[n_nationkey#2, n_name#4, n_regionkey#3, n_comment#5])',
    ),
  );
});

test('aggregate result types follow DuckDB (sum int → bigint, sum decimal → decimal, avg → double, min/max → arg)', () => {
  assert.deepEqual(
    resultColumns(
      'select count(*) as a, sum(l_linenumber) as b, sum(l_quantity) as c, avg(l_quantity) as d, ' +
        'min(l_shipdate) as e, max(l_comment) as f, sum(l_quantity * 1.5e0) as g, stddev_samp(l_tax) as h from lineitem',
    ),
    ['a:bigint', 'b:bigint', 'c:decimal', 'd:double', 'e:date', 'f:varchar', 'g:double', 'h:double'],
  );
});

test('window functions and aggregates in one query: Window above Aggregate, named windows resolved', () => {
  assert.equal(
    explain(
      'select n_regionkey, count(*) as c, sum(count(*)) over (order by n_regionkey) as running, rank() over w as rk ' +
        'from nation group by n_regionkey window w as (order by count(*) desc)',
    ),
    lines(
      'Project(exprs=[n_regionkey#0, c#1, running#2, rk#3])',
      '  Window(functions=["sum(count_star()) OVER (ORDER BY n_regionkey)"#2=sum("count_star()"#1) OVER (ORDER BY n_regionkey#0), "rank() OVER (w)"#3=rank() OVER (ORDER BY "count_star()"#1 DESC)])',
      '    Aggregate(group=[n_regionkey#0], aggs=["count_star()"#1=count(*)])',
      '      Scan(table=[nation], columns=[n_nationkey#4, n_name#5, n_regionkey#0, n_comment#6])',
    ),
  );
});

test('window functions: types, partitions, frames, a window in ORDER BY becomes a hidden column', () => {
  assertGolden(
    'bind/window-functions.plan',
    explain(
      'select n_name, row_number() over (partition by n_regionkey order by n_name desc) as rn, ' +
        'lag(n_name) over (order by n_nationkey) as prev, ' +
        'avg(n_nationkey) over (partition by n_regionkey order by n_nationkey rows between 1 preceding and current row) as mov, ' +
        'count(*) over () as total ' +
        'from nation where n_nationkey > 2 order by dense_rank() over (order by n_regionkey), n_name',
    ),
  );
  const plan = bindSql('select row_number() over (), lag(n_name) over (), count(*) over (), percent_rank() over () from nation');
  const window = find(plan, 'window')[0] as WindowNode;
  assert.deepEqual(window.functions.map((f) => `${f.fn}:${f.type}`), ['row_number:bigint', 'lag:varchar', 'count_star:bigint', 'percent_rank:double']);
});

test('identical window calls are computed once', () => {
  const plan = bindSql('select rank() over (order by n_name) as a, rank() over (order by n_name) as b from nation');
  assert.equal((find(plan, 'window')[0] as WindowNode).functions.length, 1);
});
