import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputColumns } from '../../../compiler/ir/walk.ts';
import type { Plan, ScanNode } from '../../../compiler/ir/plan.ts';
import { forEachNode } from '../../../compiler/ir/walk.ts';
import { assertGolden } from '../../helpers/golden.ts';
import { bindFailure, bindSql, checkPlanInvariants, explain, lines, resultColumns } from './bind-helpers.ts';

function scans(plan: Plan): ScanNode[] {
  const out: ScanNode[] = [];
  forEachNode(plan, (n) => {
    if (n.kind === 'scan') out.push(n);
  });
  return out;
}

test('a table scan reads every catalog column with ids from 1, in catalog order', () => {
  const plan = bindSql('select * from region');
  assert.deepEqual(
    scans(plan)[0]!.columns.map((c) => `${c.name}#${c.id}:${c.type}`),
    ['r_regionkey#1:integer', 'r_name#2:varchar', 'r_comment#3:varchar'],
  );
  assert.equal(
    explain('select * from region'),
    lines(
      'Project(exprs=[r_regionkey#0, r_name#1, r_comment#2])',
      '  Scan(table=[region], columns=[r_regionkey#0, r_name#1, r_comment#2])',
    ),
  );
});

test('table names are case-insensitive and the main. schema prefix is accepted', () => {
  assert.equal(explain('select r_name from REGION'), explain('select r_name from main.region'));
  const failure = bindFailure('select * from other.region');
  assert.equal(failure.code, 'unknown-table');
  assert.match(failure.message, /unknown table 'other\.region'/);
});

test('aliases name the scan and qualify columns; t.* expands one table', () => {
  assert.equal(
    explain('select r.*, n.n_name from region r, nation n where r.r_regionkey = 1'),
    lines(
      'Project(exprs=[r_regionkey#0, r_name#1, r_comment#2, n_name#3])',
      '  Filter(condition=[r_regionkey#0 = 1])',
      '    Join(type=[cross])',
      '      Scan(table=[region], alias=[r], columns=[r_regionkey#0, r_name#1, r_comment#2])',
      '      Scan(table=[nation], alias=[n], columns=[n_nationkey#4, n_name#3, n_regionkey#5, n_comment#6])',
    ),
  );
});

test('comma-separated FROM items become left-deep cross joins in written order; * expands in FROM order', () => {
  const plan = bindSql('select * from region, nation, supplier');
  assert.equal(plan.kind, 'project');
  const join = (plan as Extract<Plan, { kind: 'project' }>).input;
  assert.equal(join.kind, 'join');
  if (join.kind !== 'join') return;
  assert.equal(join.joinType, 'cross');
  assert.equal(join.left.kind, 'join');
  assert.equal(join.right.kind, 'scan');
  assert.deepEqual(scans(plan).map((s) => s.table), ['region', 'nation', 'supplier']);
  assert.deepEqual(
    outputColumns(plan).map((c) => c.name).slice(0, 5),
    ['r_regionkey', 'r_name', 'r_comment', 'n_nationkey', 'n_name'],
  );
});

test('every join type binds with its ON condition', () => {
  assertGolden(
    'bind/join-types.plan',
    explain(
      'select a.r_name, b.r_name from region a join region b on a.r_regionkey = b.r_regionkey ' +
        'left join nation on n_regionkey = a.r_regionkey ' +
        'right join nation n2 on n2.n_nationkey = nation.n_nationkey ' +
        'full join region c on c.r_regionkey = n2.n_regionkey cross join supplier',
    ),
  );
});

test('a JOIN ON sees only its two sides, not later FROM items', () => {
  const failure = bindFailure('select 1 from region r join nation n on n.n_regionkey = s.s_nationkey join supplier s on true');
  assert.equal(failure.code, 'unknown-table');
  assert.match(failure.message, /unknown table 's'/);
});

test('a derived table with column aliases renames its columns (same ids)', () => {
  assert.equal(
    explain('select x, y from (select r_regionkey, r_name from region) as t(x, y) where t.x > 1'),
    lines(
      'Project(exprs=[x#0, y#1])',
      '  Filter(condition=[x#0 > 1])',
      '    Project(exprs=[r_regionkey#0, r_name#1])',
      '      Scan(table=[region], columns=[r_regionkey#0, r_name#1, r_comment#2])',
    ),
  );
  assert.equal(bindFailure('select * from (select 1) t(a, b)').code, 'bind-error');
  assert.equal(bindFailure('select r_name from (select r_regionkey from region) t').code, 'unknown-column');
});

test('a CTE referenced twice is inlined as two independent copies with fresh ids', () => {
  const sql =
    'with big as (select n_nationkey, n_regionkey from nation where n_nationkey > 5) ' +
    'select a.n_nationkey, b.n_nationkey from big a join big b on a.n_regionkey = b.n_regionkey';
  const plan = bindSql(sql);
  checkPlanInvariants(plan);
  const [first, second] = scans(plan);
  assert.equal(scans(plan).length, 2);
  const firstIds = new Set(first!.columns.map((c) => c.id));
  assert.ok(second!.columns.every((c) => !firstIds.has(c.id)), 'the second copy reuses no id of the first');
  assert.equal(
    explain(sql),
    lines(
      'Project(exprs=[n_nationkey#0, n_nationkey#1])',
      '  Join(type=[inner], condition=[n_regionkey#2 = n_regionkey#3])',
      '    Project(exprs=[n_nationkey#0, n_regionkey#2])',
      '      Filter(condition=[n_nationkey#0 > 5])',
      '        Scan(table=[nation], columns=[n_nationkey#0, n_name#4, n_regionkey#2, n_comment#5])',
      '    Project(exprs=[n_nationkey#1, n_regionkey#3])',
      '      Filter(condition=[n_nationkey#1 > 5])',
      '        Scan(table=[nation], columns=[n_nationkey#1, n_name#6, n_regionkey#3, n_comment#7])',
    ),
  );
});

test('CTE names shadow tables, CTE column lists rename, later CTEs see earlier ones', () => {
  assert.equal(
    explain('with region as (select 7 as r_name), r2 (label) as (select r_name from region) select label from r2'),
    lines(
      'Project(exprs=[label#0])',
      '  Project(exprs=[r_name#0])',
      '    Project(exprs=[r_name#0=7])',
      '      Values(columns=[], rows=[()])',
    ),
  );
  assert.equal(bindFailure('with a (x, y) as (select 1) select * from a').code, 'bind-error');
  const dup = bindFailure('with a as (select 1), a as (select 2) select * from a');
  assert.equal(dup.code, 'bind-error');
  assert.match(dup.message, /'a' specified more than once/);
});

test('an unreferenced CTE is still checked, without consuming ids of the plan', () => {
  assert.equal(bindFailure('with unused as (select nope from region) select 1').code, 'unknown-column');
  assert.equal(explain('with unused as (select r_name from region) select 1 as one'), explain('select 1 as one'));
});

test('USING joins on equal names; the USING column resolves unambiguously and appears once in *', () => {
  assert.equal(
    explain('select * from (select n_regionkey as k, n_name from nation) a join (select r_regionkey as k, r_name from region) b using (k) where k > 1'),
    lines(
      'Project(exprs=[k#0, n_name#1, r_name#2])',
      '  Filter(condition=[k#0 > 1])',
      '    Join(type=[inner], condition=[k#0 = k#3])',
      '      Project(exprs=[k#0, n_name#1])',
      '        Scan(table=[nation], columns=[n_nationkey#4, n_name#1, n_regionkey#0, n_comment#5])',
      '      Project(exprs=[k#3, r_name#2])',
      '        Scan(table=[region], columns=[r_regionkey#3, r_name#2, r_comment#6])',
    ),
  );
  // qualified references still reach each side's own column
  assert.deepEqual(
    resultColumns('select b.k, k from (select 1 as k) a right join (select 2 as k) b using (k)'),
    ['k:integer', 'k:integer'],
  );
  const missing = bindFailure('select * from region join nation using (n_name)');
  assert.equal(missing.code, 'unknown-column');
  assert.match(missing.message, /'n_name' specified in USING does not exist in the left table/);
});

test('FULL JOIN USING coalesces the two sides into a new column', () => {
  assert.equal(
    explain('select * from (select n_nationkey as k from nation) a full join (select r_regionkey as k from region) b using (k)'),
    lines(
      'Project(exprs=[k#0])',
      '  Project(exprs=[k#1, k#2, k#0=coalesce(k#1, k#2)])',
      '    Join(type=[full], condition=[k#1 = k#2])',
      '      Project(exprs=[k#1])',
      '        Scan(table=[nation], columns=[n_nationkey#1, n_name#3, n_regionkey#4, n_comment#5])',
      '      Project(exprs=[k#2])',
      '        Scan(table=[region], columns=[r_regionkey#2, r_name#6, r_comment#7])',
    ),
  );
});

test('NATURAL JOIN joins on every common column name, in the left side\'s order', () => {
  assert.equal(
    explain(
      'with a as (select n_nationkey as k, n_name as name, n_comment from nation), ' +
        'b as (select r_name as name, r_regionkey as k from region) select * from a natural left join b',
    ),
    lines(
      'Project(exprs=[k#0, name#1, n_comment#2])',
      '  Join(type=[left], condition=[(k#0 = k#3) AND (name#1 = name#4)])',
      '    Project(exprs=[k#0, name#1, n_comment#2])',
      '      Scan(table=[nation], columns=[n_nationkey#0, n_name#1, n_regionkey#5, n_comment#2])',
      '    Project(exprs=[name#4, k#3])',
      '      Scan(table=[region], columns=[r_regionkey#3, r_name#4, r_comment#6])',
    ),
  );
  // no common column: a cross join
  assert.match(explain('select * from region natural join supplier'), /Join\(type=\[cross\]\)/);
});

test('the same table name twice in one FROM needs an alias', () => {
  const failure = bindFailure('select 1 from nation, nation');
  assert.equal(failure.code, 'bind-error');
  assert.match(failure.message, /table name 'nation' specified more than once/);
  assert.equal(bindFailure('select 1 from nation join nation on true').code, 'bind-error');
});

test('SELECT without FROM reads one empty row', () => {
  assert.equal(
    explain('select 1 as one'),
    lines('Project(exprs=[one#0=1])', '  Values(columns=[], rows=[()])'),
  );
  assert.equal(bindFailure('select *').code, 'bind-error');
});
