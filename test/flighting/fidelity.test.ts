/**
 * Fidelity on the shop workload: the reference build gives ≥ 95% of the
 * templates the identical plan (literal values aside) on the snapshot, with
 * masked literals, as on the source; a snapshot whose statistics moved
 * (a key column nulled) is caught.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { measureFidelity, shape } from '../../flighting/desensitize/fidelity.ts';
import { describeMoves, parseStatistics } from '../../flighting/desensitize/fidelity-stats.ts';
import { MaskingKey } from '../../flighting/desensitize/key.ts';
import { parsePolicy, type Policy } from '../../flighting/desensitize/policy.ts';
import { compressLogged, desensitize, inSourceOrder } from '../../flighting/desensitize/snapshot.ts';
import { readSourceColumns, type SourceTable } from '../../flighting/desensitize/source.ts';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { plantedShop } from './shop-fixture.ts';

let dir = '';
let src = '';
let policy: Policy;
const key = new MaskingKey(randomBytes(32));
before(async () => {
  ({ dir, db: src } = await plantedShop(0.01));
  policy = parsePolicy(JSON.parse(JSON.stringify((await suggestPolicy({ source: src, sample: 500 })).policy)));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('shape blanks literal values only', () => {
  assert.equal(shape("Filter(condition=[email = 'a''b' AND id = -12.5 AND t1 = x2])"), 'Filter(condition=[email = ? AND id = ? AND t1 = x2])');
});

test('reference build: ≥ 95% of the shop templates keep their plan on the snapshot; a broken snapshot is caught', async () => {
  const log = join(dir, 'q.jsonl');
  await writeShopLog({ path: log, lines: 3000, seed: 2 });
  const { templates } = await importLogs([log]);
  const masking = { policy, key, columns: await readSourceColumns(src) };
  const snap = join(dir, 'snap.duckdb');
  await desensitize({ source: src, policy, key, out: snap, maskOnly: true });
  const f = await measureFidelity({ source: src, snapshot: snap, build: 'reference', workload: 'shop', templates, masking });
  process.stdout.write(`# fidelity (reference): ${f.identical}/${f.templates} = ${(f.share * 100).toFixed(1)}% identical; changed: ${f.changed.map((c) => `${c.template} (${c.reason})`).join('; ') || 'none'}\n`);
  assert.ok(f.templates > 30);
  assert.ok(f.share >= 0.95, `fidelity ${f.share}`);

  const broken = structuredClone(policy) as Policy;
  broken.tables.orders!.columns.customer_id = { kind: 'null' };
  broken.tables.orders!.columns.order_date = { kind: 'null' };
  const bad = join(dir, 'bad.duckdb');
  await desensitize({ source: src, policy: broken, key, out: bad, maskOnly: true });
  const g = await measureFidelity({ source: src, snapshot: bad, build: 'reference', workload: 'shop', templates, masking });
  assert.ok(g.share < f.share && g.changed.length > 0, `a snapshot with nulled keys and dates changes plans: ${g.share}`);
  // each changed template names the statistic that moved, without values
  const named = g.changed.flatMap((c) => c.statistics ?? []);
  assert.ok(named.some((s) => /^orders\.(customer_id|order_date): .*has null false → true/.test(s)), `the nulled columns are named: ${named.join('; ')}`);
});

test('every kept column has on the snapshot the DuckDB statistics it has on the source (its rows written in the source\'s order), streamed or sorted back', async () => {
  // one thread: the lookup joins stream the rows in order; two, or lookups too large to stream: sorted back by rowid
  const snaps = { streamed: join(dir, 'kept-1.duckdb'), sorted: join(dir, 'kept-2.duckdb'), sorted1: join(dir, 'kept-3.duckdb') };
  await desensitize({ source: src, policy, key, out: snaps.streamed, maskOnly: true, threads: 1 });
  await desensitize({ source: src, policy, key, out: snaps.sorted, maskOnly: true, threads: 2 });
  await desensitize({ source: src, policy, key, out: snaps.sorted1, maskOnly: true, threads: 1, streamLookupRows: 0 });
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH '${src}' AS a (READ_ONLY); ATTACH '${snaps.streamed}' AS s1 (READ_ONLY); ATTACH '${snaps.sorted}' AS s2 (READ_ONLY); ATTACH '${snaps.sorted1}' AS s3 (READ_ONLY)`);
    const moved: string[] = [];
    let kept = 0;
    for (const [table, t] of Object.entries(policy.tables)) {
      for (const [column, p] of Object.entries(t.columns)) {
        if (p.kind !== 'keep') continue;
        kept++;
        const stats = async (d: string) => String((await db.all(`SELECT CAST(stats("${column}") AS VARCHAR) AS s FROM ${d}.main.${table} LIMIT 1`))[0]!.s);
        const x = await stats('a');
        for (const d of ['s1', 's2', 's3']) {
          const y = await stats(d);
          if (x !== y) moved.push(`${d}: ${table}.${column}: ${x} → ${y}`);
        }
      }
      // the writes: the same rows in the same order, masked columns included
      const [m] = await db.all(`SELECT count(*) AS rows FROM a.main.${table}`);
      for (const d of ['s2', 's3']) {
        const [n] = await db.all(`SELECT count(*) AS rows, count(*) FILTER (WHERE x IS DISTINCT FROM y) AS differ
          FROM (SELECT rowid AS r, s1.main.${table} AS x FROM s1.main.${table}) JOIN (SELECT rowid AS r, ${d}.main.${table} AS y FROM ${d}.main.${table}) USING (r)`);
        assert.deepEqual([n!.rows, n!.differ], [m!.rows, 0n], `${table}: streamed and sorted (${d}) write the same rows in the same order`);
      }
    }
    assert.ok(kept > 30, `${kept} kept columns`);
    assert.deepEqual(moved, []);
  } finally {
    db.close();
  }
});

test('at 400,000 rows and ~250,000 keys a streamed write whose join moved rows is written again: the sorted write row for row', async () => {
  const big = join(dir, 'moved.duckdb');
  const db0 = await openDatabase(big);
  try {
    await db0.run(`CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR);
      INSERT INTO t SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE (hash(i) % 380000)::VARCHAR || 'x' END FROM range(400000) r(i);
      CREATE TABLE gaps (id INTEGER PRIMARY KEY, s VARCHAR); INSERT INTO gaps SELECT i, (hash(i) % 1000)::VARCHAR FROM range(3000) r(i);
      DELETE FROM gaps WHERE id % 3 = 0; CHECKPOINT`);
  } finally {
    db0.close();
  }
  const p = parsePolicy({ version: 1, tables: { t: { columns: { id: { kind: 'keep' }, s: { kind: 'pseudonym' } } }, gaps: { columns: { id: { kind: 'keep' }, s: { kind: 'pseudonym' } } } } });
  const streamed = join(dir, 'moved-1.duckdb');
  const sorted = join(dir, 'moved-2.duckdb');
  // streamed at any lookup size (moved rows would be written again, sorted), and sorted on two threads
  const r1 = await desensitize({ source: big, policy: p, key, out: streamed, maskOnly: true, threads: 1, streamLookupRows: Infinity });
  // t's join emits some rows late (DuckDB at one thread, the same every run): caught, t is written again; gaps (deleted rows) is sorted at once
  assert.deepEqual(r1.resorted, ['t']);
  await desensitize({ source: big, policy: p, key, out: sorted, maskOnly: true, threads: 2 });
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH '${streamed}' AS s1 (READ_ONLY); ATTACH '${sorted}' AS s2 (READ_ONLY)`);
    const [n] = await db.all(`SELECT count(*) AS rows, count(*) FILTER (WHERE x IS DISTINCT FROM y) AS differ, count(*) FILTER (WHERE (x).id <> r) AS moved
      FROM (SELECT rowid AS r, s1.t AS x FROM s1.t) JOIN (SELECT rowid AS r, s2.t AS y FROM s2.t) USING (r)`);
    assert.deepEqual([n!.rows, n!.differ, n!.moved], [400000n, 0n, 0n]);
    const [g] = await db.all(`SELECT count(*) AS rows, count(*) FILTER (WHERE x IS DISTINCT FROM y) AS differ
      FROM (SELECT rowid AS r, s1.gaps AS x FROM s1.gaps) JOIN (SELECT rowid AS r, s2.gaps AS y FROM s2.gaps) USING (r)`);
    assert.deepEqual([g!.rows, g!.differ], [2000n, 0n]);
    const pk = await db.all(`SELECT database_name AS d FROM duckdb_constraints() WHERE table_name = 't' AND constraint_type = 'PRIMARY KEY' ORDER BY d`);
    assert.deepEqual(pk.map((r) => r.d), ['s1', 's2'], 'the table written again keeps its primary key');
  } finally {
    db.close();
  }
});

test('the order check tells a moved row, another row, and a lost row (an error) from the same rows in order', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH ':memory:' AS snap; CREATE TABLE src (id INTEGER, a VARCHAR); INSERT INTO src SELECT i, 'v' || (i % 10) FROM range(5000) r(i)`);
    const t = { name: 'c', relation: 'src' } as SourceTable;
    const write = (sql: string) => db.run(`CREATE OR REPLACE TABLE snap.main.c AS ${sql}`);
    await write('SELECT * FROM src');
    assert.equal(await inSourceOrder(db, t, ['id']), true);
    await write('SELECT * FROM src ORDER BY CASE WHEN id IN (2047, 2048) THEN 4095 - id ELSE id END');
    assert.equal(await inSourceOrder(db, t, ['id']), false, 'two neighbours swapped');
    await write(`SELECT id, CASE WHEN id = 7 THEN 'other' ELSE a END AS a FROM src`);
    assert.equal(await inSourceOrder(db, t, ['id', 'a']), false, 'another value');
    await write('SELECT * FROM src WHERE id <> 4999');
    await assert.rejects(inSourceOrder(db, t, ['id']), /wrote 4999 of its 5000 rows/);
  } finally {
    db.close();
  }
});

test('rows an insert logged are compressed into the file at once; a checkpoint another connection refuses is left to the last one', async () => {
  const file = join(dir, 'logged.duckdb');
  const db = await openDatabase(':memory:');
  const other = await db.connect();
  try {
    await db.run(`ATTACH '${file}' AS snap; CREATE TABLE snap.main.small AS SELECT i, 'value ' || i AS a FROM range(0) r(i)`);
    // fewer rows than a row group: the insert goes to the log, not the file
    await db.run(`INSERT INTO snap.main.small SELECT i, 'value ' || i FROM range(100000) r(i)`);
    const logged = () => (existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0);
    assert.ok(logged() > 1 << 20, `${logged()} bytes logged`);
    // another connection changing the catalog: the checkpoint is refused, nothing thrown, the rows stay logged
    await other.run('BEGIN; CREATE TABLE snap.main.pending (i INTEGER)');
    await compressLogged(db, `${file}.wal`);
    assert.ok(logged() > 1 << 20, 'still logged while the other connection writes');
    await other.run('COMMIT');
    await compressLogged(db, `${file}.wal`);
    assert.equal(logged(), 0, 'compressed into the file');
    assert.equal(Number((await db.all('SELECT count(*) AS n FROM snap.main.small'))[0]!.n), 100000);
  } finally {
    other.close();
    db.close();
  }
});

test('a snapshot table of less than a row group is compressed into the file by its own task, not left logged for the end', async () => {
  const source = join(dir, 'logged-source.duckdb');
  const db = await openDatabase(source);
  try {
    await db.run(`CREATE TABLE notes AS SELECT i AS id, md5(i::VARCHAR) AS a, md5((i + 1)::VARCHAR) AS b, md5((i + 2)::VARCHAR) AS c, md5((i + 3)::VARCHAR) AS d
      FROM range(120000) r(i); CHECKPOINT`);
  } finally {
    db.close();
  }
  const out = join(dir, 'logged-snap.duckdb');
  const logs: number[] = [];
  const logged = () => readdirSync(dir).filter((f) => f.startsWith('.logged-snap.duckdb.') && f.endsWith('.tmp.wal')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const p = (await suggestPolicy({ source })).policy;
  await desensitize({ source, policy: p, key, out, maskOnly: true, onProgress: (step) => { if (step === 'notes') logs.push(logged()); } });
  assert.equal(logs.length, 1);
  // its 120,000 rows (fewer than a row group) take ~2 MB in the log; compressed, the log is gone
  assert.ok(logs[0]! < 1 << 20, `${logs[0]} bytes still logged when the table was reported`);
  const snap = await openDatabase(out, { readOnly: true });
  try {
    assert.equal(Number((await snap.all('SELECT count(*) AS n FROM notes'))[0]!.n), 120000);
  } finally {
    snap.close();
  }
});

test('a column carrying a key keeps its own min and max on the snapshot under any key (its bounds are pinned)', async () => {
  const small = join(dir, 'people.duckdb');
  const db = await openDatabase(small);
  try {
    // ids 1..1000; the orders reference only 150..850, so a plain shuffle of 1..1000 moves their bounds
    await db.run(`CREATE TABLE people (person_id INTEGER PRIMARY KEY, email VARCHAR NOT NULL);
      INSERT INTO people SELECT i, 'user' || i || '@example.com' FROM range(1, 1001) r(i);
      CREATE TABLE orders (order_id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, amount INTEGER NOT NULL);
      INSERT INTO orders SELECT i, 150 + i % 701, i FROM range(1, 2001) r(i); CHECKPOINT;`);
  } finally {
    db.close();
  }
  const p = (await suggestPolicy({ source: small })).policy;
  assert.deepEqual(p.tables.orders!.columns.person_id, { ...p.tables.orders!.columns.person_id, kind: 'pseudonym', range: [1, 1000], pins: [1, 150, 850, 1000] });
  for (let i = 0; i < 4; i++) {
    const out = join(dir, `people-snap-${i}.duckdb`);
    await desensitize({ source: small, policy: p, key: new MaskingKey(randomBytes(32)), out, maskOnly: true });
    const snap = await openDatabase(out, { readOnly: true });
    try {
      const r = (await snap.all('SELECT min(person_id) AS lo, max(person_id) AS hi, count(DISTINCT person_id) AS n FROM orders'))[0]!;
      assert.deepEqual([r.lo, r.hi, Number(r.n)], [150, 850, 701]);
      const kept = Number((await snap.all('SELECT count(*) AS n FROM orders WHERE person_id NOT IN (150, 850) AND person_id = 150 + order_id % 701'))[0]!.n);
      assert.ok(kept < 100, `the ids between the pins are shuffled (${kept} of 1,994 orders keep theirs)`);
    } finally {
      snap.close();
    }
  }
});

test('the moved statistics of a column: distinct sketch beyond 1%, nulls, longest string; a kept column is marked', () => {
  const a = parseStatistics('[Min: 1, Max: 9][Has Null: false, Has No Null: true][Approx Unique: 1000]');
  assert.deepEqual(a, { approxUnique: 1000, hasNull: false, maxStringLength: null });
  assert.equal(describeMoves('t', 'c', a, parseStatistics('[Has Null: false, Has No Null: true][Approx Unique: 1005]'), false), null);
  assert.equal(describeMoves('t', 'c', a, parseStatistics('[Has Null: true, Has No Null: true][Approx Unique: 800]'), false), 't.c: approx unique 1000 → 800, has null false → true');
  const s = parseStatistics('[Min: Aarhus, Max: Zurich, Has Unicode: false, Max String Length: 10][Has Null: false, Has No Null: true][Approx Unique: 21]');
  const moved = describeMoves('customers', 'city', parseStatistics('[Max String Length: 10][Has Null: false][Approx Unique: 1]'), s, true)!;
  assert.match(moved, /^customers\.city: approx unique 1 → 21 \(a kept column: not the masking/);
  assert.ok(!moved.includes('Aarhus') && !moved.includes('Zurich'), 'no value is printed');
});
