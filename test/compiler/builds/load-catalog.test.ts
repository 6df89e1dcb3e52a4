import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import { catalogFromJson, catalogToJson, loadCatalog } from '../../../compiler/builds/load-catalog.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { Catalog, CatalogColumn } from '../../../compiler/ir/catalog.ts';

let dir: string;
let dbPath: string;
let catalog: Catalog;

/**
 * items: 40 rows.
 *   id        1..40, primary key
 *   category  'x' × 20, 'y' × 12, 'z' × 8
 *   price     NULL for ids 1..10, else id * 1.25  (10.00 .. 50.00)
 *   sold      2024-01-01 + (id % 10) days        (10 distinct, 2024-01-01 .. 2024-01-10)
 *   seen      1970-01-01 00:00:00 + id hours
 *   note      'n' || id                           (widths 2 and 3)
 *   flag      id % 4 = 0
 * big: 150,000 rows (estimated distinct counts): k unique, m = k % 500.
 */
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flightdeck-catalog-'));
  dbPath = join(dir, 'shop.duckdb');
  const db = await openDatabase(dbPath);
  await db.run(`CREATE TABLE items (
    id INTEGER PRIMARY KEY, category VARCHAR NOT NULL, price DECIMAL(10,2), sold DATE, seen TIMESTAMP, note VARCHAR, flag BOOLEAN)`);
  await db.run(`INSERT INTO items SELECT i,
      CASE WHEN i <= 20 THEN 'x' WHEN i <= 32 THEN 'y' ELSE 'z' END,
      CASE WHEN i > 10 THEN i * 1.25 END,
      DATE '2024-01-01' + (i % 10),
      TIMESTAMP '1970-01-01 00:00:00' + to_hours(i),
      'n' || i,
      i % 4 = 0
    FROM (SELECT range::INTEGER AS i FROM range(1, 41))`);
  await db.run(`CREATE TABLE "Order Lines" (order_id BIGINT, line INTEGER, qty DOUBLE, PRIMARY KEY (order_id, line))`);
  await db.run(`CREATE TABLE big AS SELECT range AS k, range % 500 AS m FROM range(150000)`);
  await db.run(`CREATE VIEW cheap_items AS SELECT * FROM items WHERE price < 20`);
  await db.run(`CREATE SCHEMA other; CREATE TABLE other.hidden (a INTEGER)`);
  db.close();
  catalog = await loadCatalog(dbPath);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function isCatalogError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof FlightdeckError && err.code === 'catalog-error' && pattern.test(err.message);
}

function column(table: string, name: string): CatalogColumn {
  const c = catalog.tables[table]!.columns.find((col) => col.name === name);
  assert.ok(c, `${table}.${name}`);
  return c;
}

test('lists the base tables of the main schema, keyed by lower-case name, with their primary keys', () => {
  assert.deepEqual(Object.keys(catalog.tables).toSorted(), ['big', 'items', 'order lines']);
  assert.equal(catalog.source, dbPath);
  assert.equal(catalog.tables.items!.rowCount, 40);
  assert.deepEqual(catalog.tables.items!.primaryKey, ['id']);
  const lines = catalog.tables['order lines']!;
  assert.equal(lines.name, 'Order Lines');
  assert.equal(lines.rowCount, 0);
  assert.deepEqual(lines.primaryKey, ['order_id', 'line']);
  assert.deepEqual(catalog.tables.big!.primaryKey, []);
});

test('columns carry DuckDB types, their families and nullability', () => {
  const items = catalog.tables.items!;
  assert.deepEqual(
    items.columns.map((c) => [c.name, c.sqlType, c.type, c.nullable]),
    [
      ['id', 'INTEGER', 'integer', false],
      ['category', 'VARCHAR', 'varchar', false],
      ['price', 'DECIMAL(10,2)', 'decimal', true],
      ['sold', 'DATE', 'date', true],
      ['seen', 'TIMESTAMP', 'timestamp', true],
      ['note', 'VARCHAR', 'varchar', true],
      ['flag', 'BOOLEAN', 'boolean', true],
    ],
  );
});

test('statistics: distinct counts, null fraction, min/max as numbers, widths', () => {
  assert.deepEqual(column('items', 'id').stats, { distinct: 40, nullFraction: 0, min: 1, max: 40, mostCommon: [], avgWidth: 4 });
  const price = column('items', 'price').stats;
  assert.deepEqual([price.distinct, price.nullFraction, price.min, price.max, price.avgWidth], [30, 0.25, 13.75, 50, 8]);
  const sold = column('items', 'sold').stats;
  // 2024-01-01 is day 19723 after 1970-01-01
  assert.deepEqual([sold.distinct, sold.min, sold.max, sold.avgWidth], [10, 19723, 19732, 4]);
  const seen = column('items', 'seen').stats;
  assert.deepEqual([seen.distinct, seen.min, seen.max], [40, 3600, 40 * 3600]);
  const note = column('items', 'note').stats;
  // 'n1'..'n9' are 2 characters, 'n10'..'n40' 3: (9 * 2 + 31 * 3) / 40
  assert.deepEqual([note.distinct, note.min, note.max, note.avgWidth], [40, null, null, 2.775]);
  const flag = column('items', 'flag').stats;
  assert.deepEqual([flag.distinct, flag.min, flag.max], [2, null, null]);
});

test('most common values: frequency order, only for columns whose values repeat', () => {
  assert.deepEqual(column('items', 'category').stats.mostCommon, [
    { value: 'x', frequency: 0.5 },
    { value: 'y', frequency: 0.3 },
    { value: 'z', frequency: 0.2 },
  ]);
  assert.deepEqual(column('items', 'flag').stats.mostCommon, [
    { value: 'false', frequency: 0.75 },
    { value: 'true', frequency: 0.25 },
  ]);
  // ten dates, four rows each: ties broken by value
  assert.deepEqual(
    column('items', 'sold').stats.mostCommon.map((m) => m.value),
    ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10'],
  );
  assert.ok(column('items', 'sold').stats.mostCommon.every((m) => m.frequency === 0.1));
  assert.deepEqual(column('items', 'note').stats.mostCommon, []);
  assert.deepEqual(column('items', 'price').stats.mostCommon, []);
});

test('large tables get estimated distinct counts, exact ones where values are counted for MCVs', () => {
  assert.equal(catalog.tables.big!.rowCount, 150000);
  const k = column('big', 'k').stats;
  assert.ok(Math.abs(k.distinct - 150000) / 150000 < 0.1, `k distinct ${k.distinct}`);
  assert.deepEqual([k.min, k.max, k.nullFraction], [0, 149999, 0]);
  const m = column('big', 'm').stats;
  assert.equal(m.distinct, 500);
  assert.equal(m.mostCommon.length, 10);
  assert.deepEqual(m.mostCommon[0], { value: '0', frequency: 0.002 });
});

test('an empty table has zero statistics, not NaN', () => {
  for (const c of catalog.tables['order lines']!.columns) {
    assert.deepEqual(c.stats, { distinct: 0, nullFraction: 0, min: null, max: null, mostCommon: [], avgWidth: c.name === 'line' ? 4 : 8 });
  }
});

test('catalogToJson is deterministic with sorted keys and round-trips through catalogFromJson', async () => {
  const text = catalogToJson(catalog);
  assert.equal(catalogToJson(await loadCatalog(dbPath)), text);
  assert.deepEqual(catalogFromJson(text), catalog);
  const keys = Object.keys(JSON.parse(text).tables.items.columns[0].stats);
  assert.deepEqual(keys, keys.toSorted());
  assert.ok(text.indexOf('"source"') < text.indexOf('"tables"'));
});

test('catalogFromJson rejects text that is not a catalog with a catalog-error', () => {
  assert.throws(() => catalogFromJson('{"tables": '), isCatalogError(/does not parse/));
  const broken = JSON.parse(catalogToJson(catalog));
  broken.tables.items.rowCount = -1;
  assert.throws(() => catalogFromJson(JSON.stringify(broken)), isCatalogError(/tables\.items\.rowCount/));
});

test('with a cacheDir the second load reads the cache and does not open the database', async () => {
  const cacheDir = join(dir, 'cache');
  const first = await loadCatalog(dbPath, { cacheDir });
  assert.deepEqual(first, catalog);
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^catalog-[0-9a-f]{24}\.json$/);
  const cacheFile = join(cacheDir, files[0]!);
  assert.equal(readFileSync(cacheFile, 'utf8'), catalogToJson(catalog));

  // mark the cached copy: a load that returns the mark did not read the database
  const marked = JSON.parse(readFileSync(cacheFile, 'utf8'));
  marked.tables.items.rowCount = 12345;
  writeFileSync(cacheFile, JSON.stringify(marked));
  assert.equal((await loadCatalog(dbPath, { cacheDir })).tables.items!.rowCount, 12345);

  // a database with a new modification time is read again
  const later = new Date(Date.now() + 60_000);
  utimesSync(dbPath, later, later);
  const reread = await loadCatalog(dbPath, { cacheDir });
  assert.equal(reread.tables.items!.rowCount, 40);
  assert.equal(readdirSync(cacheDir).length, 2);

  // a corrupt cache file is recomputed and replaced
  const current = readdirSync(cacheDir).map((f) => join(cacheDir, f)).find((f) => f !== cacheFile)!;
  writeFileSync(current, 'not json');
  assert.equal((await loadCatalog(dbPath, { cacheDir })).tables.items!.rowCount, 40);
  assert.equal(readFileSync(current, 'utf8'), catalogToJson(reread));
});

test('a missing file is not-found; a file that is not a DuckDB database is a catalog-error naming it', async () => {
  const missing = join(dir, 'missing.duckdb');
  await assert.rejects(loadCatalog(missing), (err: unknown) => err instanceof FlightdeckError && err.code === 'not-found' && err.message.includes(missing));
  assert.ok(!existsSync(missing), 'loading must not create the file');
  const junk = join(dir, 'junk.duckdb');
  writeFileSync(junk, 'id,name\n1,alice\n'.repeat(500));
  await assert.rejects(
    loadCatalog(junk, { cacheDir: join(dir, 'junk-cache') }),
    (err: unknown) => err instanceof FlightdeckError && err.code === 'catalog-error' && err.message.includes(junk) && err.location?.file === junk,
  );
  assert.ok(!existsSync(join(dir, 'junk-cache')), 'nothing is cached for a failed load');
});
