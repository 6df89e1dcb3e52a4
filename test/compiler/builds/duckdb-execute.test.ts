/**
 * `Build.execute` on `duckdb@<version>` builds (each version in its own build
 * process, opened on a snapshot file) and on builds that cannot execute:
 * one SELECT runs and is summarised or profiled; anything else is
 * `unsupported` and does not run; engine errors keep DuckDB's code; the time
 * limit interrupts the query and the same process serves the next one; a
 * build's memory_limit gives `resource`; reference and `command:` builds
 * answer `not-executable`, which is no failure of the build.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBuild, openProcessBuild } from '../../../compiler/builds/open-build.ts';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import type { ProcessBuild } from '../../../compiler/builds/process-build.ts';
import type { ExecuteResult } from '../../../flighting/execute/execute-result.ts';
import { checksum } from '../../security/hostile.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-exec-'));
const snapshot = join(dir, 'snapshot.duckdb');
const VERSIONS = ['1.3.2', '1.5.6'] as const;
const builds: Record<string, ProcessBuild> = {};
let snapshotSum = '';
const FAKE_PLANNER = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/command-build/fake_planner.py');

/** a query that runs for minutes unless interrupted */
const LONG = 'select sum(a.i * b.i) from range(200000) a(i), range(200000) b(i)';

before(async () => {
  const db = await openDatabase(snapshot);
  await db.run(`
    create table orders (order_id integer, customer_id integer, status varchar, total decimal(10,2));
    insert into orders select i, i % 50, ['new', 'paid', 'shipped'][1 + i % 3], (i * 1.25)::decimal(10,2) from range(1, 1001) r(i);
    checkpoint;
  `);
  db.close();
  snapshotSum = checksum(snapshot);
  for (const v of VERSIONS) builds[v] = await openProcessBuild(`duckdb@${v}`, { catalogPath: snapshot, timeoutMs: 20_000 });
});

after(async () => {
  await Promise.all(Object.values(builds).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

function failed(r: ExecuteResult): { status: string; code: string; message: string } {
  assert.equal(r.ok, false, JSON.stringify(r));
  return r.ok ? (undefined as never) : { status: r.status, code: r.error.code, message: r.error.message };
}

test('a SELECT (also WITH … SELECT and FROM-first) runs on the snapshot and is summarised; the temp result is gone afterwards', async () => {
  for (const v of VERSIONS) {
    const b = builds[v]!;
    const r = await b.execute('select status, count(*) as n, sum(total) as revenue from orders group by status order by status', { mode: 'result', maxRows: 10 });
    assert.ok(r.ok && r.result, JSON.stringify(r));
    if (!r.ok || !r.result) continue;
    assert.equal(r.result.rowCount, 3);
    assert.deepEqual(r.result.rows, [['new', '333', '208541.25'], ['paid', '334', '208958.75'], ['shipped', '333', '208125.00']]);
    assert.deepEqual(r.result.columns.map((c) => c.type), ['VARCHAR', 'BIGINT', 'DECIMAL(38,2)']);
    assert.ok(r.latencyMs >= 0);
    const withCte = await b.execute('with paid as (select * from orders where status = \'paid\') select count(*) from paid', { mode: 'result', maxRows: 1 });
    assert.deepEqual(withCte.ok && withCte.result?.rows, [['334']]);
    const fromFirst = await b.execute('from orders select max(order_id)', { mode: 'result', maxRows: 1 });
    assert.deepEqual(fromFirst.ok && fromFirst.result?.rows, [['1000']]);
    // profiled (mode time materializes nothing): the root's actual rows are the temp tables left
    const temps = await b.execute('select table_name from duckdb_tables() where temporary', { mode: 'time' });
    assert.equal(temps.ok && temps.profile?.operators[0]?.rows, 0, `the materialized result was dropped: ${JSON.stringify(temps)}`);
  }
  assert.equal(checksum(snapshot), snapshotSum);
});

test('mode time: EXPLAIN ANALYZE profile, operators in pre-order with actual rows', async () => {
  for (const v of VERSIONS) {
    const r = await builds[v]!.execute('select customer_id, count(*) from orders where status = \'paid\' group by customer_id', { mode: 'time' });
    assert.ok(r.ok && r.profile, JSON.stringify(r));
    if (!r.ok || !r.profile) continue;
    assert.equal(r.result, undefined);
    assert.equal(r.latencyMs, r.profile.latencyMs);
    assert.ok(r.profile.latencyMs > 0);
    const ops = r.profile.operators;
    assert.deepEqual(ops.map((o) => o.id), ops.map((_, i) => i));
    assert.equal(ops[0]!.depth, 0);
    assert.equal(ops[0]!.rows, 50, `${v}: the root's actual rows are the result's`);
    assert.ok(ops.some((o) => /GROUP_BY/.test(o.name)), JSON.stringify(ops));
    const scan = ops.find((o) => /SCAN/.test(o.name));
    assert.ok(scan && scan.depth > 0 && scan.rows >= 334, JSON.stringify(ops));
    if (v === '1.5.6') assert.ok(r.profile.cpuMs !== undefined && r.profile.peakMemoryBytes !== undefined, '1.5.6 reports cpu time and memory');
  }
});

test('not one SELECT: unsupported, and nothing of it ran', async () => {
  for (const v of VERSIONS) {
    const b = builds[v]!;
    for (const sql of [
      'delete from orders',
      'create table x as select 1',
      'insert into orders values (1, 1, \'x\', 1)',
      'select 1; delete from orders',
      'set threads = 1',
      "copy orders to '" + join(dir, 'out.csv') + "'",
      'explain analyze select 1',
    ]) {
      const f = failed(await b.execute(sql, { mode: 'result' }));
      assert.equal(f.status, 'unsupported', `${v}: ${sql}: ${JSON.stringify(f)}`);
    }
    // DuckDB types these as SELECT, but they cannot be materialized: unsupported for a result
    // (profiled, some of them run: a harmless read of the catalog's metadata)
    for (const sql of ['pragma database_list', 'describe orders', 'show tables', 'summarize orders']) {
      const f = failed(await b.execute(sql, { mode: 'result' }));
      assert.equal(f.status, 'unsupported', `${v}: ${sql}: ${JSON.stringify(f)}`);
      const p = await b.execute(sql, { mode: 'time' });
      assert.ok(p.ok ? p.profile !== undefined : p.status === 'unsupported', `${v} time: ${sql}: ${JSON.stringify(p)}`);
    }
    // a real syntax error of the query stays an error
    const typo = failed(await b.execute('select * form orders', { mode: 'result' }));
    assert.deepEqual([typo.status, typo.code], ['error', 'parse-error']);
    const count = await b.execute('select count(*) from orders', { mode: 'result', maxRows: 1 });
    assert.deepEqual(count.ok && count.result?.rows, [['1000']]);
  }
  assert.equal(checksum(snapshot), snapshotSum);
  assert.deepEqual(readdirSync(dir).sort(), ['snapshot.duckdb']);
});

test('a write (write: true) runs on a scratch copy in the build\'s own version: the written table summarised or the write profiled; the snapshot untouched', async () => {
  for (const v of VERSIONS) {
    const b = builds[v]!;
    const written = await b.execute("delete from orders where status = 'new'", { mode: 'result', write: true, maxRows: 1 });
    assert.ok(written.ok && written.result, `${v}: ${JSON.stringify(written)}`);
    const left = await b.execute("select * from orders where status <> 'new'", { mode: 'result' });
    assert.ok(left.ok && left.result);
    if (!written.ok || !left.ok) continue;
    assert.equal(written.result!.rowCount, 667);
    assert.deepEqual(written.result!.columnChecksums, left.result!.columnChecksums);
    const profiled = await b.execute("update orders set status = 'x' where order_id < 10", { mode: 'time', write: true });
    assert.ok(profiled.ok && profiled.profile && profiled.profile.operators[0]!.name === 'UPDATE', `${v}: ${JSON.stringify(profiled)}`);
    const notAWrite = failed(await b.execute('select 1', { mode: 'result', write: true }));
    assert.equal(notAWrite.status, 'unsupported');
    const unflagged = failed(await b.execute("delete from orders where status = 'new'", { mode: 'result' }));
    assert.equal(unflagged.status, 'unsupported', 'a write without write: true does not run');
    const count = await b.execute('select count(*) from orders', { mode: 'result', maxRows: 1 });
    assert.deepEqual(count.ok && count.result?.rows, [['1000']], 'the build\'s own catalog still has every row');
  }
  assert.equal(checksum(snapshot), snapshotSum);
  assert.deepEqual(readdirSync(dir).sort(), ['snapshot.duckdb']);
});

test('engine errors are `error` with DuckDB\'s mapped code', async () => {
  for (const v of VERSIONS) {
    const f = failed(await builds[v]!.execute('select nope from orders', { mode: 'result' }));
    assert.deepEqual([f.status, f.code], ['error', 'unknown-column']);
    const cast = failed(await builds[v]!.execute("select 'x'::integer", { mode: 'time' }));
    assert.deepEqual([cast.status, cast.code], ['error', 'type-error']);
  }
});

test('over the time limit: timeout, and the same process runs the next query', async () => {
  for (const v of VERSIONS) {
    const b = builds[v]!;
    const pid = b.pid;
    for (const mode of ['result', 'time'] as const) {
      const f = failed(await b.execute(LONG, { mode, timeoutMs: 300 }));
      assert.deepEqual([f.status, f.code], ['timeout', 'execute-timeout'], `${v} ${mode}`);
      const next = await b.execute('select count(*) from orders', { mode: 'result', maxRows: 1 });
      assert.deepEqual(next.ok && next.result?.rows, [['1000']], `${v}: ${JSON.stringify(next)}`);
    }
    assert.equal(b.pid, pid, 'interrupted, not killed');
  }
});

test('over memory_limit: resource (nothing spills to disk in the sandbox), and the build lives on', async () => {
  for (const v of VERSIONS) {
    const b = await openBuild(`duckdb@${v}?memory_limit=50MB&threads=1`, { catalogPath: snapshot, timeoutMs: 60_000 });
    try {
      const f = failed(await b.execute!("select count(distinct i::varchar || 'some padding to make it wide') from range(10000000) r(i)", { mode: 'result' }));
      assert.deepEqual([f.status, f.code], ['resource', 'out-of-memory'], `${v}: ${f.message}`);
      assert.match(f.message, /Out of Memory Error/);
      const next = await b.execute!('select count(*) from orders', { mode: 'result', maxRows: 1 });
      assert.deepEqual(next.ok && next.result?.rows, [['1000']]);
    } finally {
      await b.close();
    }
    assert.equal(existsSync(`${snapshot}.tmp`), false, 'no spill folder next to the snapshot');
  }
});

test('builds that cannot execute answer not-executable (reference, a command: build without execute), and keep compiling', async () => {
  const reference = await openBuild('reference', { catalogPath: snapshot, timeoutMs: 20_000 });
  const command = await openBuild(`command:python3 ${FAKE_PLANNER}`, { catalogPath: snapshot, timeoutMs: 20_000 });
  try {
    for (const b of [reference, command]) {
      const f = failed(await b.execute!('select 1', { mode: 'result' }));
      assert.deepEqual([f.status, f.code], ['not-executable', 'not-executable'], JSON.stringify(f));
      assert.match(f.message, /cannot execute/);
      const again = failed(await b.execute!('select 2', { mode: 'time' }));
      assert.equal(again.status, 'not-executable');
      const compiled = await b.compile('select order_id from orders');
      assert.equal(compiled.ok, true, `${b.spec}: ${JSON.stringify(compiled)}`);
    }
  } finally {
    await Promise.all([reference.close(), command.close()]);
  }
});
