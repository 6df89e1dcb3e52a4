/**
 * The shop generator leaves no stale statistics: DuckDB samples a column's
 * distinct-count sketch as rows are appended and an UPDATE does not refresh
 * it, so a column filled after its INSERT keeps the sketch of its
 * placeholder. Every column's statistics must be those a fresh copy of the
 * same rows gets, or plans on the generated data rest on a sketch no copy
 * (a snapshot) can have.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { SHOP_TABLES } from '../../corpus/shop/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-shop-gen-'));
let dbPath = '';
before(async () => {
  ({ dbPath } = await generateShop({ scale: 0.01, outDir: dir, seed: 5 }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('every column of the generated shop has the statistics of its data (as a fresh copy of its rows has them)', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH '${dbPath}' AS shop (READ_ONLY)`);
    const stale: string[] = [];
    let columns = 0;
    for (const t of SHOP_TABLES) {
      await db.run(`CREATE TABLE copy_${t} AS SELECT * FROM shop.main.${t}`);
      for (const r of await db.all(`SELECT column_name FROM duckdb_columns() WHERE database_name = 'shop' AND table_name = '${t}'`)) {
        const c = String(r.column_name);
        const stats = async (rel: string) => String((await db.all(`SELECT CAST(stats("${c}") AS VARCHAR) AS s FROM ${rel} LIMIT 1`))[0]!.s);
        const [generated, copied] = [await stats(`shop.main.${t}`), await stats(`copy_${t}`)];
        columns++;
        if (generated !== copied) stale.push(`${t}.${c}: ${generated} ≠ ${copied}`);
      }
    }
    assert.equal(columns, 47);
    assert.deepEqual(stale, []);
  } finally {
    db.close();
  }
});
