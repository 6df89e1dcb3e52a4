/**
 * Issue #9 item 10 end to end: a PostgreSQL log names `public.orders`; a
 * DuckDB catalog holds `main.orders`. As logged, the DuckDB build rejects
 * the query; as imported (default schema map), the DuckDB and reference
 * builds both compile the stored SQL.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../../compiler/builds/open-build.ts';
import { generateShop } from '../../../corpus/shop/generate.ts';
import { importLogs } from '../../../corpus/templates/import.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-schema-builds-'));
let catalog = '';

before(async () => {
  catalog = (await generateShop({ scale: 0.001, outDir: dir, seed: 3 })).dbPath;
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('public.orders fails against the DuckDB catalog as logged, and compiles with every build as imported', async () => {
  const logged = "select o.status, count(*) from public.orders o join public.customers c on c.customer_id = o.customer_id where o.status <> 'public.orders' group by o.status";
  const log = join(dir, 'pg.jsonl');
  writeFileSync(log, JSON.stringify({ sql: logged }) + '\n');
  const [stored] = (await importLogs([log])).templates;
  assert.equal(stored!.sql, logged.replaceAll('public.orders o', 'main.orders o').replace('public.customers', 'main.customers'));
  for (const spec of ['duckdb', 'reference']) {
    const build = await openBuild(spec, { catalogPath: catalog, timeoutMs: 30_000 });
    try {
      const imported = await build.compile(stored!.sql);
      assert.equal(imported.ok, true, `${spec}: ${JSON.stringify(imported)}`);
      if (spec === 'duckdb') {
        const raw = await build.compile(logged);
        assert.equal(raw.ok, false, 'DuckDB has no schema public: the reason for the mapping');
      }
    } finally {
      await build.close();
    }
  }
});
