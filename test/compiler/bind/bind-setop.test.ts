import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindFailure, explain, lines, resultColumns } from './bind-helpers.ts';

test('a set operation has fresh output columns named from the left side; ORDER BY by name or position applies to it', () => {
  assert.equal(
    explain('select r_regionkey, r_name from region union select n_nationkey, n_comment from nation order by r_name desc, 1 limit 3'),
    lines(
      'Limit(limit=[3])',
      '  Sort(keys=[r_name#0 DESC, r_regionkey#1])',
      '    SetOp(op=[union], columns=[r_regionkey#1, r_name#0])',
      '      Project(exprs=[r_regionkey#2, r_name#3])',
      '        Scan(table=[region], columns=[r_regionkey#2, r_name#3, r_comment#4])',
      '      Project(exprs=[n_nationkey#5, n_comment#6])',
      '        Scan(table=[nation], columns=[n_nationkey#5, n_name#7, n_regionkey#8, n_comment#6])',
    ),
  );
});

test('ORDER BY an expression over a set operation\'s outputs adds a hidden column, dropped after the Sort', () => {
  assert.equal(
    explain('select r_regionkey as k from region union all select n_nationkey from nation order by k % 2, k'),
    lines(
      'Project(exprs=[k#0])',
      '  Sort(keys=["(k % 2)"#1, k#0])',
      '    Project(exprs=[k#0, "(k % 2)"#1=k#0 % 2])',
      '      SetOp(op=[union all], columns=[k#0])',
      '        Project(exprs=[k#2])',
      '          Scan(table=[region], columns=[r_regionkey#2, r_name#3, r_comment#4])',
      '        Project(exprs=[n_nationkey#5])',
      '          Scan(table=[nation], columns=[n_nationkey#5, n_name#6, n_regionkey#7, n_comment#8])',
    ),
  );
  assert.equal(bindFailure('select r_name from region union select n_name from nation order by region.r_name').code, 'unknown-table');
  assert.equal(bindFailure('select r_name from region union select n_name from nation order by 2').code, 'bind-error');
});

test('INTERSECT binds tighter than EXCEPT; parenthesised sides keep their own ORDER BY / LIMIT', () => {
  assert.equal(
    explain('select r_regionkey from region intersect select n_regionkey from nation except select s_nationkey from supplier'),
    lines(
      'SetOp(op=[except], columns=[r_regionkey#0])',
      '  SetOp(op=[intersect], columns=[r_regionkey#1])',
      '    Project(exprs=[r_regionkey#2])',
      '      Scan(table=[region], columns=[r_regionkey#2, r_name#3, r_comment#4])',
      '    Project(exprs=[n_regionkey#5])',
      '      Scan(table=[nation], columns=[n_nationkey#6, n_name#7, n_regionkey#5, n_comment#8])',
      '  Project(exprs=[s_nationkey#9])',
      '    Scan(table=[supplier], columns=[s_suppkey#10, s_name#11, s_address#12, s_nationkey#9, s_phone#13, s_acctbal#14, s_comment#15])',
    ),
  );
  assert.equal(
    explain('(select r_name from region order by r_name limit 2) union all (select n_name from nation limit 1)'),
    lines(
      'SetOp(op=[union all], columns=[r_name#0])',
      '  Limit(limit=[2])',
      '    Sort(keys=[r_name#1])',
      '      Project(exprs=[r_name#1])',
      '        Scan(table=[region], columns=[r_regionkey#2, r_name#1, r_comment#3])',
      '  Limit(limit=[1])',
      '    Project(exprs=[n_name#4])',
      '      Scan(table=[nation], columns=[n_nationkey#5, n_name#4, n_regionkey#6, n_comment#7])',
    ),
  );
});

test('set operation column types are the common type of both sides', () => {
  assert.deepEqual(resultColumns('select 1 as a union all select 2.5 union all select null'), ['a:decimal']);
  assert.deepEqual(resultColumns('select null as a, n_name from nation union select 3000000000, null'), ['a:bigint', 'n_name:varchar']);
});

test('VALUES: a Values node with col0, col1... typed by the common type of each column', () => {
  assert.equal(
    explain('select * from (values (1, \'a\'), (2.5, null)) as v(x, y) where x > 1'),
    lines(
      'Project(exprs=[x#0, y#1])',
      '  Filter(condition=[x#0 > 1])',
      '    Values(columns=[col0#0, col1#1], rows=[(1, \'a\'), (2.5, NULL)])',
    ),
  );
  assert.deepEqual(resultColumns('select * from (values (1, \'a\'), (2.5, null)) as v'), ['col0:decimal', 'col1:varchar']);
});
