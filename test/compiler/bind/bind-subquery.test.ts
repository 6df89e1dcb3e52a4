import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan, ScanNode, SubqueryExpr } from '../../../compiler/ir/plan.ts';
import { forEachExpr, forEachNode, nodeExprs } from '../../../compiler/ir/walk.ts';
import { assertGolden } from '../../helpers/golden.ts';
import { bindSql, checkPlanInvariants, explain } from './bind-helpers.ts';

/** Subquery expressions, outermost first (pre-order). */
function subqueries(plan: Plan): SubqueryExpr[] {
  const out: SubqueryExpr[] = [];
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) forEachExpr(e, (x) => {
      if (x.kind === 'subquery') out.push(x);
    });
  });
  return out;
}

/** column name → id, for the columns of the scan with this alias. */
function scanIds(plan: Plan, alias: string): Record<string, number> {
  let found: ScanNode | undefined;
  forEachNode(plan, (n) => {
    if (n.kind === 'scan' && n.alias === alias) found = n;
  });
  assert.ok(found, `no scan aliased ${alias}`);
  return Object.fromEntries(found.columns.map((c) => [c.name, c.id]));
}

test('correlated lists the outer column ids a subquery uses, transitively, excluding its own', () => {
  const plan = bindSql(
    'select r_name from region r where exists (select 1 from nation n where n.n_regionkey = r.r_regionkey ' +
      'and exists (select 1 from supplier s where s.s_nationkey = n.n_nationkey and s.s_name <> r.r_name))',
  );
  checkPlanInvariants(plan);
  const r = scanIds(plan, 'r');
  const n = scanIds(plan, 'n');
  const [outer, inner] = subqueries(plan);
  assert.equal(outer!.mode, 'exists');
  assert.deepEqual(outer!.correlated, [r.r_regionkey, r.r_name].toSorted((a, b) => a - b));
  assert.deepEqual(inner!.correlated, [r.r_name, n.n_nationkey].toSorted((a, b) => a - b));
});

test('uncorrelated subqueries have an empty correlated list; modes and types', () => {
  const plan = bindSql(
    'select r_name from region where r_regionkey in (select n_regionkey from nation) ' +
      'and r_regionkey > (select avg(s_nationkey) from supplier) and not exists (select * from part)',
  );
  const subs = subqueries(plan);
  assert.deepEqual(subs.map((s) => [s.mode, s.negated, s.type, s.correlated.length]), [
    ['in', false, 'boolean', 0],
    ['scalar', false, 'double', 0],
    ['exists', true, 'boolean', 0],
  ]);
  assert.equal(subs[0]!.arg?.kind, 'column');
});

test('derived tables and CTEs inside a subquery resolve outer references too', () => {
  const sql =
    'select r_name from region r where exists (with x as (select n_name from nation where n_regionkey = r.r_regionkey) select * from x) ' +
    'and r_regionkey not in (select * from (select n_nationkey from nation n where n.n_name = r.r_name) d)';
  const plan = bindSql(sql);
  const r = scanIds(plan, 'r');
  const [exists, notIn] = subqueries(plan);
  assert.deepEqual(exists!.correlated, [r.r_regionkey]);
  assert.equal(notIn!.negated, true);
  assert.deepEqual(notIn!.correlated, [r.r_name]);
  assertGolden('bind/subquery-outer-references.plan', explain(sql));
});

test('a subquery in the SELECT list of a grouped query may refer to group keys only', () => {
  const plan = bindSql(
    'select n_regionkey, (select r_name from region where r_regionkey = n_regionkey) as rn, count(*) ' +
      'from nation group by n_regionkey having count(*) > (select count(*) from region)',
  );
  checkPlanInvariants(plan);
  const [scalar] = subqueries(plan).filter((s) => s.correlated.length > 0);
  assert.deepEqual(scalar!.correlated, [scanIds(plan, 'nation').n_regionkey]);
});

test('an unqualified name resolves in the innermost scope that has it', () => {
  const plan = bindSql('select n_name from nation where n_nationkey in (select n_nationkey from nation inner_n where inner_n.n_regionkey = 1)');
  const [sub] = subqueries(plan);
  assert.deepEqual(sub!.correlated, []);
});
