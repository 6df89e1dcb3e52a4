/**
 * A null-aware anti join (from NOT IN) must behave like NOT IN: a NULL on
 * either side of the comparison makes the row disappear, and an empty
 * subquery keeps every row (NULLs included). Checked on DuckDB with tiny
 * VALUES inputs against the NOT IN query itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../compiler/builds/duckdb-database.ts';
import { lowerPlan } from '../../../compiler/lower/lower.ts';
import type { Expr, Plan } from '../../../compiler/ir/plan.ts';
import { compareResults } from '../../helpers/compare-results.ts';
import { runLowered } from '../../helpers/duckdb-plan.ts';
import { and, col, eq, filter, join, lit, num, PlanBuilder } from './build-plan.ts';
import { assertLowersLike, openFixture } from './fixture.ts';

let db: Database;
before(async () => {
  db = await openFixture();
});
after(() => db.close());

type Row = readonly (number | null)[];

function valuesSql(rows: readonly Row[], names: readonly string[]): string {
  if (!rows.length) return `SELECT ${names.map((n) => `NULL::INTEGER AS ${n}`).join(', ')} WHERE FALSE`;
  const text = rows.map((r) => `(${r.map((v, i) => (v === null ? (i === 0 ? 'NULL::INTEGER' : 'NULL') : String(v))).join(', ')})`);
  return `SELECT * FROM (VALUES ${text.join(', ')}) AS v(${names.join(', ')})`;
}

function valuesPlan(b: PlanBuilder, rows: readonly Row[], names: readonly string[]): Plan {
  const columns = Object.fromEntries(names.map((n) => [n, 'integer' as const]));
  return b.values(columns, rows.map((r) => r.map((v) => (v === null ? lit(null, 'null') : num(v)))));
}

const CASES: { name: string; left: Row[]; right: Row[] }[] = [
  { name: 'no NULLs', left: [[1], [2], [3]], right: [[2], [4]] },
  { name: 'NULL on the left only', left: [[1], [null], [3]], right: [[3]] },
  { name: 'NULL on the right: nothing survives', left: [[1], [2], [null]], right: [[2], [null]] },
  { name: 'NULLs on both sides', left: [[null], [5]], right: [[null], [1]] },
  { name: 'empty right side: every row survives, NULL included', left: [[1], [null]], right: [] },
];

describe('null-aware anti join (NOT IN)', () => {
  for (const c of CASES) {
    test(`uncorrelated, ${c.name}`, async () => {
      const b = new PlanBuilder();
      const l = valuesPlan(b, c.left, ['k']);
      const r = valuesPlan(b, c.right, ['k2']);
      const plan = join('anti', l, r, eq(col(l, 'k'), col(r, 'k2')), true);
      const ref = `SELECT k FROM (${valuesSql(c.left, ['k'])}) l WHERE k NOT IN (SELECT k2 FROM (${valuesSql(c.right, ['k2'])}) r)`;
      await assertLowersLike(db, plan, ref);
    });
  }

  // correlated NOT IN: (k, g) NOT IN-ish with a correlation predicate r.g = l.g that may itself be NULL
  const CORRELATED: { name: string; left: Row[]; right: Row[] }[] = [
    { name: 'no NULLs', left: [[1, 10], [2, 10], [3, 20]], right: [[2, 10], [3, 10]] },
    { name: 'NULL key in the right group only affects that group', left: [[1, 10], [2, 20]], right: [[null, 10], [5, 20]] },
    { name: 'NULL key on the left with an empty group survives', left: [[null, 10], [null, 30]], right: [[1, 10]] },
    { name: 'NULL correlation value filters the right row out (not a NULL comparison)', left: [[1, null], [2, 10]], right: [[1, null], [9, 10]] },
  ];
  for (const c of CORRELATED) {
    test(`correlated, ${c.name}`, async () => {
      const b = new PlanBuilder();
      const l = valuesPlan(b, c.left, ['k', 'g']);
      const r = valuesPlan(b, c.right, ['k2', 'g2']);
      // the NOT IN comparison first, then the subquery's correlation predicate
      const plan = join('anti', l, r, and(eq(col(r, 'k2'), col(l, 'k')), eq(col(r, 'g2'), col(l, 'g'))), true);
      const ref =
        `SELECT k, g FROM (${valuesSql(c.left, ['k', 'g'])}) l ` +
        `WHERE k NOT IN (SELECT k2 FROM (${valuesSql(c.right, ['k2', 'g2'])}) r WHERE r.g2 = l.g)`;
      await assertLowersLike(db, plan, ref);
    });
  }

  test('these cases distinguish NOT IN from a plain anti join (the test data has teeth)', async () => {
    const c = CASES[2]!;
    const b = new PlanBuilder();
    const l = valuesPlan(b, c.left, ['k']);
    const r = valuesPlan(b, c.right, ['k2']);
    const plain = join('anti', l, r, eq(col(l, 'k'), col(r, 'k2')));
    const actual = await runLowered(db, lowerPlan(plain));
    const expected = await db.rows(`SELECT k FROM (${valuesSql(c.left, ['k'])}) l WHERE k NOT IN (SELECT k2 FROM (${valuesSql(c.right, ['k2'])}) r)`);
    assert.equal(compareResults(expected, actual).equal, false);
  });

  test('above a filter and below a projection, on real tables', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', { a: 'integer', b: 'varchar' });
    const u = b.scan('u', { a: 'integer', c: 'varchar' });
    const right: Plan = filter(u, { kind: 'compare', op: '<>', left: col(u, 'c'), right: lit('u5', 'varchar') });
    const anti = join('anti', t, right, eq(col(t, 'a'), col(u, 'a')), true);
    const p = b.project(anti, [['b', col(t, 'b')]]);
    await assertLowersLike(db, p, "SELECT b FROM t WHERE a NOT IN (SELECT a FROM u WHERE c <> 'u5')");
    const noNull: Expr = { kind: 'isNull', arg: col(u, 'a'), negated: true };
    const anti2 = join('anti', t, filter(u, noNull), eq(col(t, 'a'), col(u, 'a')), true);
    await assertLowersLike(db, b.project(anti2, [['b', col(t, 'b')]]), 'SELECT b FROM t WHERE a NOT IN (SELECT a FROM u WHERE a IS NOT NULL)');
  });
});
