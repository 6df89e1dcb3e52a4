/**
 * The scale generator's promise: N indices give N distinct templates (no two
 * share a fingerprint), the same index gives the same text, and the queries
 * are real — every sampled one compiles with the reference compiler against
 * the shop catalog and runs on DuckDB.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { loadCatalog } from '../../compiler/builds/load-catalog.ts';
import { compileSql } from '../../compiler/compile.ts';
import type { Catalog } from '../../compiler/ir/catalog.ts';
import { fingerprintSql } from '../../corpus/fingerprint/fingerprint.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { DISTINCT_QUERY_COUNT, distinctQuery } from '../../corpus/shop/distinct-queries.ts';

let dir = '';
let db: Database;
let catalog: Catalog;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-distinct-'));
  const { dbPath } = await generateShop({ scale: 0.001, outDir: dir });
  catalog = await loadCatalog(dbPath);
  db = await openDatabase(dbPath, { readOnly: true });
});

after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every index up to the generator count is its own template', () => {
  assert.ok(DISTINCT_QUERY_COUNT >= 100_000, `the generator makes ${DISTINCT_QUERY_COUNT} queries; the dashboard benchmark needs 100,000`);
  const seen = new Map<string, number>();
  for (let i = 0; i < DISTINCT_QUERY_COUNT; i += 1) {
    const fp = fingerprintSql(distinctQuery(i)).fingerprint;
    const earlier = seen.get(fp);
    assert.equal(earlier, undefined, `queries ${earlier} and ${i} share a fingerprint:\n${distinctQuery(earlier ?? 0)}\n${distinctQuery(i)}`);
    seen.set(fp, i);
  }
  assert.equal(distinctQuery(4242), distinctQuery(4242));
  assert.throws(() => distinctQuery(DISTINCT_QUERY_COUNT), RangeError);
});

test('sampled queries compile against the shop catalog and run on DuckDB', async () => {
  // a stride that is prime to every radix visits every path, projection, operator, aggregate and ordering
  for (let i = 0; i < DISTINCT_QUERY_COUNT; i += 1009) {
    const sql = distinctQuery(i);
    assert.doesNotThrow(() => compileSql(sql, catalog), `query ${i} does not compile: ${sql}`);
    await assert.doesNotReject(db.all(sql), `query ${i} does not run: ${sql}`);
  }
});
