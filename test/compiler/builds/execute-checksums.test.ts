/**
 * Result checksums (`execute`, mode `result`) are what flighting compares
 * builds by without moving rows, so they must mean what execute-result.ts
 * says: the same multiset gives the same column and row checksums in any
 * order, the ordered checksum follows the order, a value swapped between
 * rows changes the row checksum only, floats count to FLOAT_CHECK_DIGITS
 * significant digits — and DuckDB 1.3.2 and 1.5.6 give IDENTICAL checksums
 * for the same data (one snapshot file, each version in its own build process).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../../compiler/builds/open-build.ts';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import type { Build } from '../../../compiler/builds/build.ts';
import type { ExecuteResult, ResultSummary } from '../../../flighting/execute/execute-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-exec-sums-'));
const snapshot = join(dir, 'snapshot.duckdb');
const VERSIONS = ['1.3.2', '1.5.6'] as const;
const builds: Record<string, Build> = {};

before(async () => {
  const db = await openDatabase(snapshot);
  await db.run(`
    create table v (id integer, d double, r real, dec decimal(18,3), dt date, ts timestamp, s varchar, b blob,
      l double[], st struct(x double, y varchar, z integer[]), m map(varchar, integer), e varchar[], big hugeint, i interval);
    insert into v values
      (1, 0.1, 0.1, 1.500, date '2024-02-29', timestamp '2024-01-02 03:04:05.123456', 'héllo ✓ 雪', '\\x00\\xFFab'::blob,
        [1.5, null, 'nan'::double], {'x': 2.25, 'y': 'a,"b"', 'z': [1, null]}, map {'k': 1, 'j': null}, ['x', null, ''], 170141183460469231731687303715884105727, interval 3 days),
      (2, 'nan'::double, 'inf'::real, -0.001, date '1970-01-01', timestamp '1969-12-31 23:59:59', '', ''::blob,
        [], {'x': null, 'y': null, 'z': []}, map {}, [], -1, interval 1 month),
      (3, '-inf'::double, -0.0, 99999.999, null, null, 'N', null, null, null, null, null, null, null),
      (4, null, null, null, date '0001-01-01', timestamp '2262-04-11 23:47:16', null, null, [1e300, -1e-300], {'x': -0.0, 'y': '', 'z': null}, map {'': 0}, [null], 0, interval 0 seconds),
      (5, 1e-12 * 3, 3.4e38, 0.000, date '9999-12-31', timestamp '2000-02-29 12:00:00', 'quote''s \\ back', 'z'::blob, [0.30000000000000004], {'x': 1e20, 'y': 'ü', 'z': [7]}, map {'ü': -5}, ['ü'], 42, interval '-90 minutes');
    create table t (k integer, name varchar);
    insert into t select i, 'name' || (i % 7) from range(1, 2001) r(i);
  `);
  db.close();
  for (const v of VERSIONS) builds[v] = await openBuild(`duckdb@${v}`, { catalogPath: snapshot, timeoutMs: 20_000 });
});

after(async () => {
  await Promise.all(Object.values(builds).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function summary(b: Build, sql: string, maxRows = 0): Promise<ResultSummary> {
  const r: ExecuteResult = await b.execute!(sql, { mode: 'result', maxRows });
  assert.ok(r.ok, `${sql}: ${JSON.stringify(r)}`);
  assert.ok(r.ok && r.result);
  return r.ok ? r.result! : (undefined as never);
}

/** The checksum definition, computed here from canonical texts: Σ md5 as (hi·2^64 + lo) mod 2^128. */
function expectedChecksum(texts: readonly string[]): string {
  let hi = 0n;
  let lo = 0n;
  for (const t of texts) {
    const hex = createHash('md5').update(t, 'utf8').digest('hex');
    hi += BigInt('0x' + hex.slice(0, 16));
    lo += BigInt('0x' + hex.slice(16));
  }
  return (((hi << 64n) + lo) & ((1n << 128n) - 1n)).toString();
}

test('both DuckDB versions give identical summaries (checksums, columns, value classes) for DOUBLE, REAL, DECIMAL, DATE, TIMESTAMP, unicode VARCHAR, BLOB, NULL, NaN, ±Inf, LIST, STRUCT, MAP, ARRAY, UUID, TIME, BIT, HUGEINT, INTERVAL', async () => {
  const queries = [
    'select * from v',
    'select * from v order by id desc',
    'select d, r, l, st from v where id > 1',
    'select s, count(*) as n from v group by s order by s nulls first',
    'select k % 13 as g, sum(k) as s, avg(k) as a, string_agg(name, \',\' order by k) as names from t group by g order by g',
    `select [1.5, null, 3]::double[3] as arr, [[1, 2], [3]] as ll, uuid '6f1b2c3d-0000-4000-8000-000000000001' as u, time '12:34:56.789' as tm,
       '101'::bit as bt, {'k': [{'z': 1.0::double}]} as deep, ['x', null]::varchar[] as lv`,
  ];
  for (const sql of queries) {
    const [old, newer] = [await summary(builds['1.3.2']!, sql), await summary(builds['1.5.6']!, sql)];
    assert.deepEqual(old, newer, `${sql}: the versions disagree`);
    assert.ok(old.rowCount > 0);
  }
  const all = await summary(builds['1.5.6']!, 'select * from v');
  assert.deepEqual(
    all.columns.map((c) => `${c.name}:${c.valueClass}`),
    ['id:exact', 'd:float', 'r:float', 'dec:exact', 'dt:exact', 'ts:exact', 's:exact', 'b:exact', 'l:float', 'st:float', 'm:exact', 'e:exact', 'big:exact', 'i:exact'],
  );
  assert.equal(all.columns[3]!.type, 'DECIMAL(18,3)');
});

test('the checksums are the documented md5 sums of the canonical value texts', async () => {
  for (const v of VERSIONS) {
    const r = await summary(builds[v]!, `select * from (values ('a', 1.5::double), (null, 'nan'::double), ('x"\\y', -0.0::double), ('z', 1e100)) t(s, d)`);
    const s = ['"a"', 'N', '"x\\"\\\\y"', '"z"'];
    const d = ['1.500000000e+00', 'NaN', '0', '1.000000000e+100'];
    assert.equal(r.columnChecksums[0], expectedChecksum(s), `${v}: column s`);
    assert.equal(r.columnChecksums[1], expectedChecksum(d), `${v}: column d`);
    assert.equal(r.rowChecksum, expectedChecksum(s.map((x, i) => `${x}|${d[i]}`)), `${v}: rows`);
    assert.equal(r.orderedChecksum, expectedChecksum(s.map((x, i) => `${i}#${x}|${d[i]}`)), `${v}: ordered`);
  }
});

test('order: column and row checksums ignore it, the ordered checksum follows it (also with several threads)', async () => {
  for (const v of VERSIONS) {
    const up = await summary(builds[v]!, 'select k, name from t order by k');
    const down = await summary(builds[v]!, 'select k, name from t order by k desc');
    assert.equal(up.rowCount, 2000);
    assert.deepEqual(up.columnChecksums, down.columnChecksums);
    assert.equal(up.rowChecksum, down.rowChecksum);
    assert.notEqual(up.orderedChecksum, down.orderedChecksum);
    // the same order spelled differently gives the same ordered checksum (the order is the result's, not the plan's)
    const again = await summary(builds[v]!, 'select k, name from (select * from t order by random()) order by -k desc');
    assert.equal(again.orderedChecksum, up.orderedChecksum);
    // a result column named rowid does not stand in for the position
    const named = await summary(builds[v]!, 'select k as rowid from t order by k desc', 1);
    const plain = await summary(builds[v]!, 'select k as x from t order by k desc', 1);
    assert.equal(named.columns[0]!.name, 'rowid');
    assert.deepEqual(named.rows, [['2000']]);
    assert.equal(named.orderedChecksum, plain.orderedChecksum);
  }
  // 300k rows (three row groups) sorted by 4 threads: the materialized result keeps the query's order
  const n = 300_000;
  const key = (i: number) => (i * 7919) % 1000003;
  const expectedOrder = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a));
  const expected = expectedChecksum(expectedOrder.map((i, pos) => `${pos}#${i}`));
  for (const v of VERSIONS) {
    const threaded = await openBuild(`duckdb@${v}?threads=4`, { catalogPath: snapshot, timeoutMs: 20_000 });
    try {
      const r = await summary(threaded, `select i from range(${n}) r(i) order by (i * 7919) % 1000003 desc`);
      assert.equal(r.orderedChecksum, expected, `${v}: rows kept the ORDER BY's order`);
    } finally {
      await threaded.close();
    }
  }
});

test('a value swapped between rows changes the row checksum but not the column checksums', async () => {
  for (const v of VERSIONS) {
    const a = await summary(builds[v]!, `select * from (values (1, 'x'), (2, 'y')) t(k, s)`);
    const b = await summary(builds[v]!, `select * from (values (1, 'y'), (2, 'x')) t(k, s)`);
    assert.deepEqual(a.columnChecksums, b.columnChecksums);
    assert.notEqual(a.rowChecksum, b.rowChecksum);
    // NULL and the string 'N' are different values
    const n1 = await summary(builds[v]!, `select null::varchar as s`);
    const n2 = await summary(builds[v]!, `select 'N' as s`);
    assert.notEqual(n1.columnChecksums[0], n2.columnChecksums[0]);
  }
});

test('floats count to FLOAT_CHECK_DIGITS significant digits: 0.1 + 0.2 sums like 0.3, 0.3001 does not', async () => {
  for (const v of VERSIONS) {
    const [a, b, c] = [
      await summary(builds[v]!, 'select 0.1::double + 0.2::double as x'),
      await summary(builds[v]!, 'select 0.3::double as x'),
      await summary(builds[v]!, 'select 0.3001::double as x'),
    ];
    assert.equal(a.columnChecksums[0], b.columnChecksums[0]);
    assert.notEqual(a.columnChecksums[0], c.columnChecksums[0]);
    // DECIMAL is exact: 0.30 and 0.3 as DECIMAL(3,2) are the same value, 0.31 is not
    const d1 = await summary(builds[v]!, 'select 0.30::decimal(3,2) as x');
    const d2 = await summary(builds[v]!, 'select 0.31::decimal(3,2) as x');
    assert.notEqual(d1.columnChecksums[0], d2.columnChecksums[0]);
  }
});

test('rows: the first maxRows in result order, floats as numbers (NaN/Infinity as strings), exact values as text, NULL as null', async () => {
  for (const v of VERSIONS) {
    const r = await summary(builds[v]!, 'select id, d, dec, dt, s from v order by id', 3);
    assert.equal(r.rowCount, 5);
    assert.equal(r.rowsTruncated, true);
    assert.deepEqual(r.rows, [
      ['1', 0.1, '1.500', '2024-02-29', 'héllo ✓ 雪'],
      ['2', 'NaN', '-0.001', '1970-01-01', ''],
      ['3', '-Infinity', '99999.999', null, 'N'],
    ]);
    const all = await summary(builds[v]!, 'select k from t where k <= 2 order by k', 10);
    assert.deepEqual(all.rows, [['1'], ['2']]);
    assert.equal(all.rowsTruncated, false);
    const none = await summary(builds[v]!, 'select k from t where k < 0');
    assert.equal(none.rowCount, 0);
    assert.equal(none.rows, undefined, 'no rows unless asked');
    assert.equal(none.columnChecksums[0], '0');
  }
});
