import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../compiler/builds/duckdb-database.ts';
import { lowerExpr, lowerLiteral } from '../../../compiler/lower/lower-expr.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { Expr } from '../../../compiler/ir/plan.ts';
import { cmp, col, func, lit, num, PlanBuilder } from './build-plan.ts';
import { assertLowersLike, openFixture, T_COLUMNS } from './fixture.ts';

let db: Database;
before(async () => {
  db = await openFixture();
});
after(() => db.close());

const isLowerError = (err: unknown) => err instanceof FlightdeckError && err.code === 'lower-error';
const noSubqueries = { subquery: () => { throw new Error('no subqueries here'); } };

/** Each case: the expression over table t's columns, and the same expression as SQL over t. */
function cases(t: ReturnType<PlanBuilder['scan']>): [string, Expr, string][] {
  const a = col(t, 'a');
  const b = col(t, 'b');
  const d = col(t, 'd');
  const x = col(t, 'x');
  const dt = col(t, 'dt');
  return [
    ['date and interval literals', { kind: 'arith', op: '+', left: dt, right: lit('90 day', 'interval'), type: 'timestamp' }, "dt + INTERVAL '90 day'"],
    ['date comparison', cmp('<', dt, lit('2024-02-10', 'date')), "dt < DATE '2024-02-10'"],
    ['timestamp literal', lit('1998-12-01 10:00:00', 'timestamp'), "TIMESTAMP '1998-12-01 10:00:00'"],
    ['decimal arithmetic stays decimal', { kind: 'arith', op: '*', left: d, right: { kind: 'arith', op: '-', left: num(1), right: lit('0.06', 'decimal'), type: 'decimal' }, type: 'decimal' }, 'd * (1 - 0.06)'],
    ['negative literal after minus', { kind: 'arith', op: '-', left: a, right: num(-1), type: 'integer' }, 'a - (-1)'],
    ['double literal', { kind: 'arith', op: '*', left: x, right: lit('1.5', 'double'), type: 'double' }, 'x * 1.5::DOUBLE'],
    ['integer division is DuckDB division', { kind: 'arith', op: '/', left: a, right: num(2), type: 'double' }, 'a / 2'],
    ['string with a quote', cmp('<>', b, lit("it's", 'varchar')), "b <> 'it''s'"],
    ['extract', func('extract', [lit('year', 'varchar'), dt], 'bigint'), 'extract(year FROM dt)'],
    ['concat is || (NULL in, NULL out)', func('concat', [b, lit('-', 'varchar'), { kind: 'cast', arg: a, type: 'varchar', typeText: 'varchar' }], 'varchar'), "b || '-' || CAST(a AS VARCHAR)"],
    ['negate', func('negate', [d], 'decimal'), '-d'],
    ['substring', func('substring', [b, num(1), num(2)], 'varchar'), 'substring(b, 1, 2)'],
    ['coalesce', func('coalesce', [a, num(0)], 'integer'), 'coalesce(a, 0)'],
    ['cast with precision', { kind: 'cast', arg: x, type: 'decimal', typeText: 'decimal(12,2)' }, 'CAST(x AS DECIMAL(12,2))'],
    // oxlint-disable-next-line unicorn/no-thenable -- `then` is the IR's name for a CASE result
    ['searched case', { kind: 'case', operand: null, whens: [{ when: cmp('>', a, num(1)), then: lit('big', 'varchar') }], else: lit('small', 'varchar'), type: 'varchar' }, "CASE WHEN a > 1 THEN 'big' ELSE 'small' END"],
    // oxlint-disable-next-line unicorn/no-thenable -- `then` is the IR's name for a CASE result
    ['simple case without else', { kind: 'case', operand: a, whens: [{ when: num(2), then: lit('two', 'varchar') }], else: null, type: 'varchar' }, "CASE a WHEN 2 THEN 'two' END"],
    ['like', { kind: 'like', arg: b, pattern: lit('t%', 'varchar'), negated: false, caseInsensitive: false }, "b LIKE 't%'"],
    ['not ilike', { kind: 'like', arg: b, pattern: lit('T%', 'varchar'), negated: true, caseInsensitive: true }, "b NOT ILIKE 'T%'"],
    ['in list', { kind: 'inList', arg: a, list: [num(1), num(3)], negated: false }, 'a IN (1, 3)'],
    ['not in list with NULL operand', { kind: 'inList', arg: a, list: [num(1), num(3)], negated: true }, 'a NOT IN (1, 3)'],
    ['between', { kind: 'between', arg: d, low: num(2), high: lit('4.5', 'decimal'), negated: false }, 'd BETWEEN 2 AND 4.5'],
    ['not between', { kind: 'between', arg: a, low: num(2), high: num(3), negated: true }, 'a NOT BETWEEN 2 AND 3'],
    ['is null / is not null', { kind: 'or', args: [{ kind: 'isNull', arg: x, negated: false }, { kind: 'isNull', arg: dt, negated: true }] }, 'x IS NULL OR dt IS NOT NULL'],
    ['and / or / not nest without precedence surprises', { kind: 'not', arg: { kind: 'and', args: [cmp('>', a, num(1)), { kind: 'or', args: [cmp('=', b, lit('two', 'varchar')), lit(true, 'boolean')] }] } }, "NOT (a > 1 AND (b = 'two' OR TRUE))"],
    ['NULL literal', { kind: 'func', name: 'coalesce', args: [lit(null, 'null'), b], type: 'varchar' }, 'coalesce(NULL, b)'],
  ];
}

describe('lowering expressions', () => {
  const b0 = new PlanBuilder();
  for (const [name, , sql] of cases(b0.scan('t', T_COLUMNS))) {
    test(`${name}: ${sql}`, async () => {
      const b = new PlanBuilder();
      const t = b.scan('t', T_COLUMNS);
      const expr = cases(t).find((c) => c[0] === name)![1];
      await assertLowersLike(db, b.project(t, [['v', expr]]), `SELECT ${sql} AS v FROM t`);
    });
  }

  test('a decimal literal stays DECIMAL, so decimal arithmetic stays exact', async () => {
    const sql = lowerLiteral({ kind: 'literal', value: '0.06', type: 'decimal' });
    assert.equal(sql, '0.06');
    const { rows } = await db.rows(`SELECT typeof(${sql})`);
    assert.match(String(rows[0]![0]), /^DECIMAL/);
  });

  test('a negative literal cannot form a comment', () => {
    const text = lowerExpr({ kind: 'arith', op: '-', left: { kind: 'column', id: 1, name: 'a', type: 'integer' }, right: num(-1), type: 'integer' }, noSubqueries);
    assert.equal(text, '(c1 - (-1))');
  });

  test('an empty IN list is FALSE (NOT IN: TRUE), not a syntax error', () => {
    const a: Expr = { kind: 'column', id: 1, name: 'a', type: 'integer' };
    assert.equal(lowerExpr({ kind: 'inList', arg: a, list: [], negated: false }, noSubqueries), 'FALSE');
    assert.equal(lowerExpr({ kind: 'inList', arg: a, list: [], negated: true }, noSubqueries), 'TRUE');
  });

  test('text that would inject SQL is a lower-error', () => {
    const a: Expr = { kind: 'column', id: 1, name: 'a', type: 'integer' };
    assert.throws(() => lowerExpr(lit('1; DROP TABLE t', 'integer'), noSubqueries), isLowerError);
    assert.throws(() => lowerExpr({ kind: 'cast', arg: a, type: 'integer', typeText: 'int); DROP TABLE t; --' }, noSubqueries), isLowerError);
    assert.throws(() => lowerExpr(func('extract', [lit('year from a); --', 'varchar'), a]), noSubqueries), isLowerError);
    assert.throws(() => lowerExpr(func('evil(); --', [a]), noSubqueries), isLowerError);
  });
});
