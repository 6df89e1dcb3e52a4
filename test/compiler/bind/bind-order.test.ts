import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SortNode } from '../../../compiler/ir/plan.ts';
import { forEachNode } from '../../../compiler/ir/walk.ts';
import { bindSql, explain, lines, resultColumns } from './bind-helpers.ts';

test('ORDER BY aliases, positions and hidden columns: Sort above the Project, Limit above the Sort, hidden columns dropped last', () => {
  assert.equal(
    explain('select n_name as name, n_regionkey from nation order by name desc, 2, n_nationkey nulls first limit 5 offset 2'),
    lines(
      'Project(exprs=[name#0, n_regionkey#1])',
      '  Limit(limit=[5], offset=[2])',
      '    Sort(keys=[name#0 DESC, n_regionkey#1, n_nationkey#2 NULLS FIRST])',
      '      Project(exprs=[name#0, n_regionkey#1, n_nationkey#2])',
      '        Scan(table=[nation], columns=[n_nationkey#2, n_name#0, n_regionkey#1, n_comment#3])',
    ),
  );
  assert.deepEqual(resultColumns('select n_name as name, n_regionkey from nation order by n_nationkey'), ['name:varchar', 'n_regionkey:integer']);
});

test('NULLS defaults are resolved as DuckDB does: NULLS LAST for ASC and DESC', () => {
  let sort: SortNode | undefined;
  forEachNode(bindSql('select n_name from nation order by n_name, n_nationkey desc, n_regionkey asc nulls first, n_comment desc nulls last'), (n) => {
    if (n.kind === 'sort') sort = n;
  });
  assert.deepEqual(sort!.keys.map((k) => [k.desc, k.nullsFirst]), [[false, false], [true, false], [false, true], [true, false]]);
});

test('an ORDER BY expression equal to a select item sorts by that item; a repeated hidden expression is computed once', () => {
  assert.equal(
    explain('select n_name as x from nation order by n_name'),
    lines(
      'Sort(keys=[x#0])',
      '  Project(exprs=[x#0])',
      '    Scan(table=[nation], columns=[n_nationkey#1, n_name#0, n_regionkey#2, n_comment#3])',
    ),
  );
  assert.equal(
    explain('select n_name from nation order by n_nationkey % 3, n_nationkey % 3 desc'),
    lines(
      'Project(exprs=[n_name#0])',
      '  Sort(keys=["(n_nationkey % 3)"#1, "(n_nationkey % 3)"#1 DESC])',
      '    Project(exprs=[n_name#0, "(n_nationkey % 3)"#1=n_nationkey#2 % 3])',
      '      Scan(table=[nation], columns=[n_nationkey#2, n_name#0, n_regionkey#3, n_comment#4])',
    ),
  );
});

test('a select alias can be used inside an ORDER BY expression (DuckDB)', () => {
  assert.equal(
    explain('select n_name as x from nation order by length(x) limit 1'),
    lines(
      'Project(exprs=[x#0])',
      '  Limit(limit=[1])',
      '    Sort(keys=["length(x)"#1])',
      '      Project(exprs=[x#0, "length(x)"#1=length(n_name#0)])',
      '        Scan(table=[nation], columns=[n_nationkey#2, n_name#0, n_regionkey#3, n_comment#4])',
    ),
  );
});

test('DISTINCT sits above the Project and below the Sort', () => {
  assert.equal(
    explain('select distinct n_regionkey, n_name from nation order by n_name'),
    lines(
      'Sort(keys=[n_name#0])',
      '  Distinct',
      '    Project(exprs=[n_regionkey#1, n_name#0])',
      '      Scan(table=[nation], columns=[n_nationkey#2, n_name#0, n_regionkey#1, n_comment#3])',
    ),
  );
});

test('LIMIT / OFFSET alone', () => {
  assert.equal(
    explain('select n_name from nation offset 5'),
    lines(
      'Limit(offset=[5])',
      '  Project(exprs=[n_name#0])',
      '    Scan(table=[nation], columns=[n_nationkey#1, n_name#0, n_regionkey#2, n_comment#3])',
    ),
  );
  assert.match(explain('select n_name from nation limit 0'), /^Limit\(limit=\[0\]\)\n/);
  assert.doesNotMatch(explain('select n_name from nation limit all'), /Limit/);
});

test('a repeated column gets a fresh id the second time; the root keeps user-visible names in order', () => {
  assert.equal(
    explain('select n_name, n_name as again, n_nationkey + 1 from nation'),
    lines(
      'Project(exprs=[n_name#0, again#1=n_name#0, "(n_nationkey + 1)"#2=n_nationkey#3 + 1])',
      '  Scan(table=[nation], columns=[n_nationkey#3, n_name#0, n_regionkey#4, n_comment#5])',
    ),
  );
});
