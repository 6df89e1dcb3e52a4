/**
 * `duckdb@<version>` builds: each version in its own process reports its own
 * engine version, EXPLAIN plans come back normalised (no trailing spaces, no
 * qualified table names), settings apply, and errors carry line/column.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild, openProcessBuild } from '../../../compiler/builds/open-build.ts';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import type { DuckdbPlanNode } from '../../../compiler/builds/duckdb-plan.ts';
import type { Build, CompileResult } from '../../../compiler/builds/build.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { assertGolden } from '../../helpers/golden.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-duckdb-build-'));
const catalogPath = join(dir, 'tpch-tiny.duckdb');
const builds: Record<string, Build> = {};

/** Q3 of TPC-H (shipping priority), as written in the specification. */
const Q3 = `select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
from customer, orders, lineitem
where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
group by l_orderkey, o_orderdate, o_shippriority
order by revenue desc, o_orderdate
limit 10`;

/** Q5 of TPC-H (local supplier volume): a six-way join. */
const Q5 = `select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from customer, orders, lineitem, supplier, nation, region
where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
  and c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey
  and r_name = 'ASIA' and o_orderdate >= date '1994-01-01' and o_orderdate < date '1995-01-01'
group by n_name
order by revenue desc`;

before(async () => {
  const db = await openDatabase(catalogPath);
  await db.run(`
    create table region (r_regionkey integer primary key, r_name varchar);
    create table nation (n_nationkey integer primary key, n_name varchar, n_regionkey integer);
    create table supplier (s_suppkey integer primary key, s_name varchar, s_nationkey integer);
    create table customer (c_custkey integer primary key, c_name varchar, c_nationkey integer, c_mktsegment varchar);
    create table orders (o_orderkey integer primary key, o_custkey integer, o_orderdate date, o_shippriority integer, o_totalprice decimal(15,2));
    create table lineitem (l_orderkey integer, l_linenumber integer, l_suppkey integer, l_extendedprice decimal(15,2),
                           l_discount decimal(15,2), l_shipdate date);
    insert into region values (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA');
    insert into nation select i, 'NATION' || i, i % 3 from range(6) t(i);
    insert into supplier select i, 'Supplier#' || i, i % 6 from range(4) t(i);
    insert into customer select i, 'Customer#' || i, i % 6, case when i % 2 = 0 then 'BUILDING' else 'MACHINERY' end from range(12) t(i);
    insert into orders select i, i % 12, date '1994-01-01' + ((i * 37) % 700)::integer, 0, 100 + i from range(30) t(i);
    insert into lineitem select i // 3, i % 3, i % 4, 10.5 * i, 0.05, date '1994-02-01' + ((i * 11) % 700)::integer from range(90) t(i);
  `);
  db.close();
  builds['1.3.2'] = await openBuild('duckdb@1.3.2', { catalogPath, timeoutMs: 10_000 });
  builds['1.5.6'] = await openBuild('duckdb@1.5.6', { catalogPath, timeoutMs: 10_000 });
});

after(async () => {
  await Promise.all(Object.values(builds).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

function ok(r: CompileResult): Extract<CompileResult, { ok: true }> {
  assert.equal(r.ok, true, `expected success, got ${JSON.stringify(r)}`);
  return r as Extract<CompileResult, { ok: true }>;
}

function walk(node: DuckdbPlanNode, visit: (n: DuckdbPlanNode) => void): void {
  visit(node);
  node.children.forEach((c) => walk(c, visit));
}

test('each DuckDB build runs its own engine and says so', () => {
  assert.match(builds['1.3.2']!.description, /^DuckDB v1\.3\.2 \(duckdb-old 1\.3\.2-alpha\.26\)$/);
  assert.match(builds['1.5.6']!.description, /^DuckDB v1\.5\.6 \(@duckdb\/node-api 1\.5\.6[^)]*\)$/);
  assert.equal(builds['1.3.2']!.kind, 'duckdb');
});

test('plain duckdb is the newest version', async () => {
  const b = await openBuild('duckdb', { catalogPath });
  try {
    assert.match(b.description, /^DuckDB v1\.5\.6 /);
  } finally {
    await b.close();
  }
});

for (const version of ['1.3.2', '1.5.6']) {
  test(`duckdb@${version}: TPC-H Q3 and Q5 give normalised plans (golden)`, async () => {
    for (const [name, sql] of [
      ['q3', Q3],
      ['q5', Q5],
    ] as const) {
      const r = ok(await builds[version]!.compile(sql));
      for (const text of [r.plan.simplified, r.plan.explain]) {
        assert.doesNotMatch(text, /[ \t]$/m, 'no trailing spaces');
        assert.doesNotMatch(text, /^\s*[A-Z_]+ \(/m, 'operator names are trimmed');
        assert.doesNotMatch(text, /table=\[[^\]]*\./, 'table names are unqualified');
        assert.doesNotMatch(text, /memory\.main|\.main\./);
      }
      assert.doesNotMatch(r.plan.simplified, /estimated_cardinality|__internal_/, 'simplified: no estimates, no compression projections');
      assert.match(r.plan.explain, /estimated_cardinality=\[\d+\]/);
      assert.match(r.plan.simplified, /SEQ_SCAN\(table=\[lineitem\]/);
      // cost = the sum of the estimated cardinalities of the (non-internal) operators; rows = the root's estimate
      const root = r.plan.json as DuckdbPlanNode;
      let sum = 0;
      walk(root, (n) => {
        assert.equal(n.op, n.op.trim());
        if (!n.internal && n.details.estimated_cardinality !== undefined) sum += Number(n.details.estimated_cardinality);
      });
      assert.equal(r.cost, sum);
      assert.ok(r.cost > 0);
      assert.deepEqual(r.rulesFired, []);
      assert.ok(r.timingMs > 0);
      assertGolden(`builds/duckdb-${version}/${name}.simplified`, r.plan.simplified);
      assertGolden(`builds/duckdb-${version}/${name}.explain`, r.plan.explain);
    }
  });
}

test('settings are applied: disabled join_order keeps the joins as written', async () => {
  const b = await openBuild('duckdb@1.5.6?disabled_optimizers=join_order', { catalogPath });
  try {
    assert.match(b.description, /settings: disabled_optimizers=join_order$/);
    const written = ok(await b.compile(Q5));
    const optimized = ok(await builds['1.5.6']!.compile(Q5));
    assert.notEqual(written.plan.simplified, optimized.plan.simplified, 'join ordering changes Q5 when enabled');
    assertGolden('builds/duckdb-1.5.6/q5-no-join-order.simplified', written.plan.simplified);
  } finally {
    await b.close();
  }
});

test('a bad setting fails at open with a clear build-error', async () => {
  await assert.rejects(openBuild('duckdb@1.3.2?no_such_setting=1', { catalogPath }), (err: unknown) => {
    assert.ok(err instanceof FlightdeckError);
    assert.equal(err.code, 'build-error');
    assert.match(err.message, /^build 'duckdb@1\.3\.2\?no_such_setting=1' failed to start: .*cannot apply setting no_such_setting=1: Catalog Error: unrecognized configuration parameter "no_such_setting"/);
    return true;
  });
});

test('SQL errors come back located, with mapped codes, from both versions', async () => {
  for (const b of Object.values(builds)) {
    const binder = await b.compile('select c_name\nfrom customer\nwhere c_nme = 1');
    assert.equal(binder.ok, false);
    if (binder.ok) continue;
    assert.equal(binder.status, 'error');
    assert.equal(binder.error.code, 'unknown-column');
    assert.match(binder.error.message, /^Binder Error: Referenced column "c_nme" not found/);
    assert.doesNotMatch(binder.error.message, /LINE \d/);
    assert.equal(binder.error.line, 3);
    assert.equal(binder.error.column, 7);

    const parse = await b.compile('select 1\n  from customer\n  wher c_name = 1');
    assert.equal(!parse.ok && parse.error.code, 'parse-error');
    assert.equal(!parse.ok && parse.error.line, 3);
    assert.equal(!parse.ok && parse.error.column, 8);

    const table = await b.compile('select * from custmer');
    assert.equal(!table.ok && table.error.code, 'unknown-table');
    assert.equal(!table.ok && table.error.column, 15);

    // a long line: DuckDB shows a cut excerpt; the column still points into the query
    const pad = "'" + 'x'.repeat(150) + "'";
    const long = `select * from customer where c_name = ${pad} and c_nme = 1 and c_name = ${pad}`;
    const cut = await b.compile(long);
    assert.equal(!cut.ok && cut.error.line, 1);
    assert.equal(!cut.ok && cut.error.column, long.indexOf('c_nme') + 1);
  }
});

test('a text with a second statement is refused before DuckDB runs any of it', async () => {
  const r = await builds['1.3.2']!.compile(`select 1; copy region to '${join(dir, 'leak.csv')}'`);
  assert.equal(!r.ok && r.error.code, 'unsupported');
  assert.equal(existsSync(join(dir, 'leak.csv')), false);
});

test('the catalog is opened read-only and the build survives a failed compile', async () => {
  const b = builds['1.5.6']!;
  const write = await b.compile('insert into region values (9, \'X\')');
  assert.equal(write.ok, false);
  ok(await b.compile('select count(*) from region'));
});

test('a missing catalog file is a not-found error before anything starts', async () => {
  await assert.rejects(openProcessBuild('duckdb', { catalogPath: join(dir, 'nope.duckdb') }), (err: unknown) => {
    return err instanceof FlightdeckError && err.code === 'not-found' && /nope\.duckdb/.test(err.message);
  });
});
