/**
 * Reference builds execute through their lowered script: `splitLoweredScript`
 * reads back exactly what compiler/lower writes (settings, then one query)
 * and refuses anything else; the settings open a DuckDB engine build and the
 * query run there gives the same rows as the original SQL (the reference
 * plan executed as planned computes the same result), on shop data.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../../compiler/builds/open-build.ts';
import { engineSpecFor, splitLoweredScript } from '../../../compiler/builds/lowered-script.ts';
import { DISABLED_OPTIMIZERS } from '../../../compiler/lower/settings.ts';
import type { Build } from '../../../compiler/builds/build.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { generateShop } from '../../../corpus/shop/generate.ts';
import { QUERY_SHAPES, createRng } from '../../../corpus/shop/query-templates.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-lowered-'));
let shop = '';
let reference: Build;
let plain: Build;

before(async () => {
  shop = (await generateShop({ scale: 0.001, outDir: dir, seed: 5 })).dbPath;
  reference = await openBuild('reference', { catalogPath: shop, timeoutMs: 30_000 });
  plain = await openBuild('duckdb', { catalogPath: shop, timeoutMs: 30_000 });
});

after(async () => {
  await Promise.all([reference?.close(), plain?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const refuses = (script: string, pattern: RegExp) =>
  assert.throws(() => splitLoweredScript(script), (e: unknown) => e instanceof FlightdeckError && e.code === 'unsupported' && pattern.test(e.message), script);

test('split: the settings in order and the query without its ";"; anything but SET lines before the query is refused', () => {
  assert.deepEqual(splitLoweredScript("SET disabled_optimizers = 'join_order,in_clause';\nSELECT 'it''s' AS x\nFROM t;\n"), {
    settings: [['disabled_optimizers', 'join_order,in_clause']],
    query: "SELECT 'it''s' AS x\nFROM t",
  });
  assert.deepEqual(splitLoweredScript('SELECT 1;\n'), { settings: [], query: 'SELECT 1' });
  refuses("SET enable_external_access = 'true';\nSELECT 1;\n", /governs the sandbox/);
  refuses("SET lock_configuration = 'false';\nSELECT 1;\n", /governs the sandbox/);
  refuses("PRAGMA threads = 1;\nSELECT 1;\n", /not a plain setting line/);
  refuses("SET threads TO 1;\nSELECT 1;\n", /not a plain setting line/);
  refuses("RESET disabled_optimizers;\nSELECT 1;\n", /not a plain setting line/);
  refuses("SET disabled_optimizers = 'join_order';\n", /no query|does not end/);
  refuses("SET disabled_optimizers = 'join_order';\nSELECT 1", /does not end/);
  // a second statement after the query is not split off here: it stays in `query`, where the one-statement check refuses it
  assert.equal(splitLoweredScript('SELECT 1; DELETE FROM t;\n').query, 'SELECT 1; DELETE FROM t');
  assert.equal(engineSpecFor('1.5.6', [['disabled_optimizers', 'join_order,in_clause']]), 'duckdb@1.5.6?disabled_optimizers=join_order,in_clause');
});

test('the real lowering of shop queries: its settings open an engine build, its query gives the rows the original SQL gives', async () => {
  const rng = createRng(11);
  const shapes = QUERY_SHAPES.filter((s) => s.kind === 'select');
  let compared = 0;
  const engines = new Map<string, Build>();
  try {
    for (const shape of shapes) {
      const sql = shape.sql(rng);
      const compiled = await reference.compile(sql);
      if (!compiled.ok || compiled.sql === undefined) continue;
      const { settings, query } = splitLoweredScript(compiled.sql);
      assert.deepEqual(settings, [['disabled_optimizers', DISABLED_OPTIMIZERS.join(',')]]);
      const spec = engineSpecFor('1.5.6', settings);
      if (!engines.has(spec)) engines.set(spec, await openBuild(spec, { catalogPath: shop, timeoutMs: 30_000 }));
      const [lowered, original] = [await engines.get(spec)!.execute!(query, { mode: 'result' }), await plain.execute!(sql, { mode: 'result' })];
      assert.ok(lowered.ok && lowered.result, `${shape.name}: ${JSON.stringify(lowered)}\n${query}`);
      assert.ok(original.ok && original.result, `${shape.name}: ${JSON.stringify(original)}`);
      if (!lowered.ok || !original.ok) continue;
      assert.equal(lowered.result!.rowCount, original.result!.rowCount, shape.name);
      // exact columns must agree bit for bit; float columns (avg…) may differ in summation order past the checked digits only
      lowered.result!.columns.forEach((c, i) => {
        if (c.valueClass === 'exact') assert.equal(lowered.result!.columnChecksums[i], original.result!.columnChecksums[i], `${shape.name}: column ${c.name}`);
      });
      compared++;
    }
  } finally {
    await Promise.all([...engines.values()].map((b) => b.close()));
  }
  assert.ok(compared >= 10, `only ${compared} shop queries lowered and ran`);
});
