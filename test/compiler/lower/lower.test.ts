import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../compiler/builds/duckdb-database.ts';
import { lowerPlan, loweredScript } from '../../../compiler/lower/lower.ts';
import { DISABLED_OPTIMIZERS } from '../../../compiler/lower/settings.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { Expr, Plan, TypeName } from '../../../compiler/ir/plan.ts';
import { agg, and, asc, cmp, col, desc, eq, filter, func, join, lit, num, PlanBuilder, sort } from './build-plan.ts';
import { assertLowersLike, openFixture, T_COLUMNS, U_COLUMNS } from './fixture.ts';

let db: Database;
before(async () => {
  db = await openFixture();
});
after(() => db.close());

describe('lowering plan nodes', () => {
  test('scan, filter and project become SELECTs; only the outermost renames to user names', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const f = filter(t, cmp('>', col(t, 'a'), num(1)));
    const p = b.project(f, [
      ['b', col(t, 'b')],
      ['a plus one', { kind: 'arith', op: '+', left: col(t, 'a'), right: num(1), type: 'integer' }],
    ]);
    const lowered = await assertLowersLike(db, p, `SELECT b, a + 1 AS "a plus one" FROM t WHERE a > 1`);
    assert.match(lowered.sql, /^SELECT t\d+\.c\d+ AS "b", t\d+\.c\d+ AS "a plus one" FROM \(/);
    assert.doesNotMatch(lowered.sql.slice(lowered.sql.indexOf('FROM')), /"a plus one"/, 'user names appear only in the outermost SELECT');
  });

  test('a scan whose columns were all pruned still yields one row per table row', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', {});
    const a = b.aggregate(t, [], [agg('count_star', [], 'bigint', { name: 'n' })]);
    await assertLowersLike(db, a, 'SELECT count(*) AS n FROM t');
  });

  for (const [joinType, sqlJoin] of [
    ['inner', 'INNER JOIN'],
    ['left', 'LEFT JOIN'],
    ['right', 'RIGHT JOIN'],
    ['full', 'FULL OUTER JOIN'],
  ] as const) {
    test(`${joinType} join keeps its type and condition`, async () => {
      const b = new PlanBuilder();
      const t = b.scan('t', T_COLUMNS);
      const u = b.scan('u', U_COLUMNS);
      const j = join(joinType, t, u, and(eq(col(t, 'a'), col(u, 'a')), cmp('<>', col(u, 'c'), lit('u3b', 'varchar'))));
      const p = b.project(j, [['tb', col(t, 'b')], ['uc', col(u, 'c')]]);
      await assertLowersLike(db, p, `SELECT t.b AS tb, u.c AS uc FROM t ${sqlJoin} u ON t.a = u.a AND u.c <> 'u3b'`);
    });
  }

  test('cross join lowers to CROSS JOIN', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const u = b.scan('u', U_COLUMNS);
    const p = b.project(join('cross', t, u, null), [['b', col(t, 'b')], ['c', col(u, 'c')]]);
    const lowered = await assertLowersLike(db, p, 'SELECT t.b, u.c FROM t CROSS JOIN u');
    assert.match(lowered.sql, /CROSS JOIN/);
  });

  test('semi and anti joins keep only left rows, with SQL (not NOT IN) semantics', async () => {
    for (const [joinType, ref] of [
      ['semi', 'SELECT b FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)'],
      ['anti', 'SELECT b FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.a = t.a)'],
    ] as const) {
      const b = new PlanBuilder();
      const t = b.scan('t', T_COLUMNS);
      const u = b.scan('u', U_COLUMNS);
      const p = b.project(join(joinType, t, u, eq(col(t, 'a'), col(u, 'a'))), [['b', col(t, 'b')]]);
      const lowered = await assertLowersLike(db, p, ref);
      assert.match(lowered.sql, joinType === 'semi' ? /SEMI JOIN/ : /ANTI JOIN/);
    }
  });

  test('aggregate: group keys, count(*), DISTINCT and FILTER', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const a = b.aggregate(
      t,
      [['a', col(t, 'a')]],
      [
        agg('count_star', [], 'bigint', { name: 'n' }),
        agg('sum', [col(t, 'd')], 'decimal', { name: 'sd' }),
        agg('count', [col(t, 'b')], 'bigint', { name: 'nb', distinct: true }),
        agg('sum', [col(t, 'x')], 'double', { name: 'sx', filter: cmp('>', col(t, 'x'), lit('0.15', 'decimal')) }),
      ],
    );
    await assertLowersLike(
      db,
      a,
      'SELECT a, count(*) AS n, sum(d) AS sd, count(DISTINCT b) AS nb, sum(x) FILTER (WHERE x > 0.15) AS sx FROM t GROUP BY a',
    );
  });

  test('constant group and sort keys are constants, not column positions', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    // GROUP BY 2 / ORDER BY 1 would mean "the second / first column" in SQL
    const a = b.aggregate(t, [['two', num(2)]], [agg('count_star', [], 'bigint', { name: 'n' })]);
    await assertLowersLike(db, a, 'SELECT 2 AS two, count(*) AS n FROM t GROUP BY ()');
    const empty = b.aggregate(filter(t, cmp('>', col(t, 'a'), num(100))), [['two', num(2)]], [agg('count_star', [], 'bigint', { name: 'n' })]);
    await assertLowersLike(db, empty, 'SELECT 2 AS two, count(*) AS n FROM t WHERE a > 100 GROUP BY 1 HAVING false');
    const t2 = b.scan('t', T_COLUMNS);
    const s = sort(b.project(t2, [['b', col(t2, 'b')], ['a', col(t2, 'a')]]), [desc(num(1)), asc(col(t2, 'b'))]);
    await assertLowersLike(db, s, 'SELECT b, a FROM t ORDER BY b', { exactOrder: true });
  });

  test('a global aggregate over no rows still returns one row', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const a = b.aggregate(filter(t, cmp('>', col(t, 'a'), num(100))), [], [agg('count_star', [], 'bigint', { name: 'n' }), agg('sum', [col(t, 'd')], 'decimal', { name: 's' })]);
    await assertLowersLike(db, a, 'SELECT count(*) AS n, sum(d) AS s FROM t WHERE a > 100');
  });

  test('window functions with partitions, order and frames', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const w = b.window(t, [
      { name: 'rn', fn: 'row_number', args: [], partitionBy: [col(t, 'a')], orderBy: [asc(col(t, 'b'))], frame: null, type: 'bigint' },
      {
        name: 'running',
        fn: 'sum',
        args: [col(t, 'd')],
        partitionBy: [],
        orderBy: [asc(col(t, 'dt'), true), asc(col(t, 'b'))],
        frame: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
        type: 'decimal',
      },
      { name: 'cnt', fn: 'count_star', args: [], partitionBy: [col(t, 'a')], orderBy: [], frame: null, type: 'bigint' },
    ]);
    const p = b.project(w, [['b', col(t, 'b')], ['rn', col(w, 'rn')], ['running', col(w, 'running')], ['cnt', col(w, 'cnt')]]);
    await assertLowersLike(
      db,
      p,
      `SELECT b, row_number() OVER (PARTITION BY a ORDER BY b) AS rn,
              sum(d) OVER (ORDER BY dt NULLS FIRST, b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
              count(*) OVER (PARTITION BY a) AS cnt
       FROM t`,
    );
  });

  test('distinct', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const p: Plan = { kind: 'distinct', input: b.project(t, [['a', col(t, 'a')]]) };
    await assertLowersLike(db, p, 'SELECT DISTINCT a FROM t');
  });

  for (const op of ['union', 'intersect', 'except'] as const) {
    for (const all of [false, true]) {
      test(`set operation ${op}${all ? ' all' : ''} aliases columns by position`, async () => {
        const b = new PlanBuilder();
        const t = b.scan('t', T_COLUMNS);
        const u = b.scan('u', U_COLUMNS);
        const left = b.project(t, [['a', col(t, 'a')]]);
        const right = b.project(u, [['ua', col(u, 'a')]]);
        const s = b.setop(op, all, left, right);
        await assertLowersLike(db, s, `SELECT a FROM t ${op.toUpperCase()}${all ? ' ALL' : ''} SELECT a AS ua FROM u`);
      });
    }
  }

  test('values with NULLs, strings with quotes, and user names with spaces and quotes', async () => {
    const b = new PlanBuilder();
    const v = b.values({ 'the "id"': 'integer', "it's": 'varchar' }, [
      [lit(null, 'null'), lit("it's", 'varchar')],
      [num(2), lit(null, 'null')],
      [num(3), lit('plain', 'varchar')],
    ]);
    await assertLowersLike(db, v, `SELECT * FROM (VALUES (NULL::INTEGER, 'it''s'), (2, NULL), (3, 'plain')) AS v("the ""id""", "it's")`);
  });

  test('lowered SQL is a runnable script with its settings', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const script = loweredScript(lowerPlan(b.project(t, [['a', col(t, 'a')]])));
    assert.match(script, /^SET disabled_optimizers = '[a-z_,]+';\nSELECT .*;\n$/s);
    await db.run(script);
    await db.run('RESET disabled_optimizers');
  });

  test('every disabled optimizer is one DuckDB knows', async () => {
    const { rows } = await db.rows('SELECT name FROM duckdb_optimizers()');
    const known = new Set(rows.map((r) => String(r[0])));
    for (const name of DISABLED_OPTIMIZERS) assert.ok(known.has(name), `DuckDB has no optimizer '${name}'`);
  });

  test('a plan referring to a column its input does not produce is a lower-error', () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const u = b.scan('u', U_COLUMNS);
    const bad = filter(t, eq(col(u, 'a'), num(1)));
    assert.throws(() => lowerPlan(bad), (err: unknown) => err instanceof FlightdeckError && err.code === 'lower-error' && /#\d+/.test(err.message));
  });
});

describe('order survives to the result', () => {
  test('a Project dropping a hidden sort column above the Sort keeps the order', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const inner = b.project(t, [['b', col(t, 'b')], ['x', col(t, 'x')]]);
    const s = sort(inner, [desc(col(inner, 'x'), false)]);
    const top = b.project(s, [['b', col(inner, 'b')]]);
    const lowered = await assertLowersLike(db, top, 'SELECT b FROM t ORDER BY x DESC NULLS LAST', { exactOrder: true });
    assert.match(lowered.sql, /ORDER BY t\d+\.c\d+ DESC NULLS LAST$/, 'ORDER BY is in the outermost SELECT');
  });

  test('two projections above the sort, the top one computing from the sort key', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const s = sort(t, [asc(col(t, 'b'))]);
    const p1 = b.project(s, [['b', col(t, 'b')], ['a', col(t, 'a')]]);
    const p2 = b.project(p1, [['label', { kind: 'func', name: 'concat', args: [col(p1, 'b'), lit('!', 'varchar')], type: 'varchar' }]]);
    await assertLowersLike(db, p2, "SELECT b || '!' AS label FROM t ORDER BY b", { exactOrder: true });
  });

  test('a user column named like an internal column does not capture the sort key', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const xId = col(t, 'x').id;
    // the visible column is called c<id of x>: an unqualified ORDER BY c<id> would bind to it
    const s = sort(t, [asc(col(t, 'x'), false)]);
    const top = b.project(s, [[`c${xId}`, col(t, 'b')]]);
    await assertLowersLike(db, top, `SELECT b AS c${xId} FROM t ORDER BY x NULLS LAST`, { exactOrder: true });
  });

  test('TopN with offset, and Limit over Sort, keep ORDER BY and LIMIT in one SELECT', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const top: Plan = { kind: 'topN', input: t, keys: [asc(col(t, 'b'))], limit: 2, offset: 1 };
    await assertLowersLike(db, b.project(top, [['b', col(t, 'b')]]), 'SELECT b FROM t ORDER BY b LIMIT 2 OFFSET 1', { exactOrder: true });
    const t2 = b.scan('t', T_COLUMNS);
    const lim: Plan = { kind: 'limit', input: sort(t2, [desc(col(t2, 'b'))]), limit: 3, offset: 0 };
    await assertLowersLike(db, b.project(lim, [['b', col(t2, 'b')]]), 'SELECT b FROM t ORDER BY b DESC LIMIT 3', { exactOrder: true });
  });

  test('a Limit over a TopN composes offsets and limits', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const top: Plan = { kind: 'topN', input: t, keys: [asc(col(t, 'b'))], limit: 4, offset: 0 };
    const lim: Plan = { kind: 'limit', input: b.project(top, [['b', col(t, 'b')]]), limit: 10, offset: 2 };
    await assertLowersLike(db, lim, 'SELECT b FROM (SELECT b FROM t ORDER BY b LIMIT 4) ORDER BY b LIMIT 10 OFFSET 2', { exactOrder: true });
  });

  test('a TopN below a join picks its rows by the order (ORDER BY and LIMIT together)', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const top: Plan = { kind: 'limit', input: sort(t, [desc(col(t, 'x'), false)]), limit: 2, offset: 0 };
    const u = b.scan('u', U_COLUMNS);
    const j = join('inner', top, u, eq(col(t, 'a'), col(u, 'a')));
    await assertLowersLike(
      db,
      b.project(j, [['b', col(t, 'b')], ['c', col(u, 'c')]]),
      'SELECT t2.b, u.c FROM (SELECT * FROM t ORDER BY x DESC NULLS LAST LIMIT 2) t2 JOIN u ON t2.a = u.a',
    );
  });
});

function toVarchar(e: Expr): Expr {
  return { kind: 'cast', arg: e, type: 'varchar', typeText: 'varchar' };
}

function subq(mode: 'scalar' | 'exists' | 'in', plan: Plan, arg: Expr | null, negated: boolean, correlated: number[], type: TypeName = 'bigint'): Expr {
  return { kind: 'subquery', mode, plan, arg, negated, correlated, type: mode === 'scalar' ? type : 'boolean' };
}

describe('subquery expressions left in place', () => {

  test('a correlated scalar subquery resolves the outer column by name', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const u = b.scan('u', U_COLUMNS);
    const inner = b.aggregate(filter(u, eq(col(u, 'a'), col(t, 'a'))), [], [agg('count_star', [], 'bigint', { name: 'n' })]);
    const p = b.project(t, [['b', col(t, 'b')], ['n', subq('scalar', inner, null, false, [col(t, 'a').id])]]);
    await assertLowersLike(db, p, 'SELECT b, (SELECT count(*) FROM u WHERE u.a = t.a) AS n FROM t');
  });

  // DuckDB 1.5 cannot decorrelate an explicit SEMI / ANTI / FULL join whose inputs refer to the outer query
  for (const [joinType, nullAware, ref] of [
    ['semi', false, 'EXISTS (SELECT 1 FROM u WHERE u.a = c.a)'],
    ['anti', false, 'NOT EXISTS (SELECT 1 FROM u WHERE u.a = c.a)'],
    ['anti', true, 'c.a NOT IN (SELECT u.a FROM u)'],
  ] as const) {
    test(`a ${nullAware ? 'null-aware ' : ''}${joinType} join inside a correlated subquery`, async () => {
      const b = new PlanBuilder();
      const t = b.scan('t', T_COLUMNS);
      const c = b.scan('t', T_COLUMNS, 'c');
      const u = b.scan('u', U_COLUMNS);
      // count the rows c of t with c.b <> t.b that have (semi) / lack (anti) a partner in u
      const inner = join(joinType, filter(c, cmp('<>', col(c, 'b'), col(t, 'b'))), u, eq(col(c, 'a'), col(u, 'a')), nullAware);
      const n = b.aggregate(inner, [], [agg('count_star', [], 'bigint', { name: 'n' })]);
      const p = b.project(t, [['b', col(t, 'b')], ['n', subq('scalar', n, null, false, [col(t, 'b').id])]]);
      await assertLowersLike(db, p, `SELECT b, (SELECT count(*) FROM t c WHERE c.b <> t.b AND ${ref}) AS n FROM t`);
    });
  }

  test('a full join inside a correlated subquery', async () => {
    const b = new PlanBuilder();
    const t = b.scan('t', T_COLUMNS);
    const c = b.scan('t', T_COLUMNS, 'c');
    const u = b.scan('u', U_COLUMNS);
    const inner = join('full', filter(c, cmp('<>', col(c, 'b'), col(t, 'b'))), u, eq(col(c, 'a'), col(u, 'a')));
    const n = b.aggregate(inner, [], [agg('count_star', [], 'bigint', { name: 'n' }), agg('count', [col(u, 'c')], 'bigint', { name: 'nu' }), agg('count', [col(c, 'b')], 'bigint', { name: 'nc' })]);
    const slash = lit('/', 'varchar');
    const packed = b.project(n, [['s', func('concat', [toVarchar(col(n, 'n')), slash, toVarchar(col(n, 'nu')), slash, toVarchar(col(n, 'nc'))], 'varchar')]]);
    const p = b.project(t, [['b', col(t, 'b')], ['s', subq('scalar', packed, null, false, [col(t, 'b').id], 'varchar')]]);
    await assertLowersLike(
      db,
      p,
      // DuckDB cannot run the correlated form itself: the same full join per outer row, keyed by the outer b
      `WITH l AS (SELECT o.b AS ob, c.* FROM t o JOIN t c ON c.b <> o.b),
            r AS (SELECT o.b AS ob, u.* FROM t o CROSS JOIN u),
            x AS (SELECT coalesce(l.ob, r.ob) AS ob, count(*) || '/' || count(r.c) || '/' || count(l.b) AS s
                  FROM l FULL JOIN r ON l.ob = r.ob AND l.a = r.a GROUP BY 1)
       SELECT t.b, x.s FROM t JOIN x ON x.ob = t.b`,
    );
  });

  test('EXISTS, NOT EXISTS, IN and NOT IN subqueries', async () => {
    for (const [mode, negated, ref] of [
      ['exists', false, 'SELECT b FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)'],
      ['exists', true, 'SELECT b FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.a = t.a)'],
      ['in', false, 'SELECT b FROM t WHERE a IN (SELECT a FROM u)'],
      ['in', true, 'SELECT b FROM t WHERE a NOT IN (SELECT a FROM u)'],
    ] as const) {
      const b = new PlanBuilder();
      const t = b.scan('t', T_COLUMNS);
      const u = b.scan('u', U_COLUMNS);
      const sub =
        mode === 'exists'
          ? subq('exists', filter(u, eq(col(u, 'a'), col(t, 'a'))), null, negated, [col(t, 'a').id])
          : subq('in', b.project(u, [['a', col(u, 'a')]]), col(t, 'a'), negated, []);
      await assertLowersLike(db, b.project(filter(t, sub), [['b', col(t, 'b')]]), ref);
    }
  });
});
