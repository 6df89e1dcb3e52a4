/**
 * The hostile-SQL corpus through both DuckDB builds (each in its own build
 * process, as `compile` and `playback` run them): every line gets a located
 * error or a harmless plan, no file appears, the catalog's bytes do not
 * change, and after the whole corpus the build's sandbox settings are still
 * in force (read back through the plan: DuckDB folds `current_setting(...)`
 * at plan time, so a filter on it is EMPTY_RESULT exactly when it is false).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../compiler/builds/open-build.ts';
import type { Build } from '../../compiler/builds/build.ts';
import { assertExpected, assertNothingWritten, checksum, loadHostileCases } from './hostile.ts';
import { createHostileCatalog } from './hostile-catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-hostile-builds-'));
const outDir = join(dir, 'out');
const catalogPath = join(dir, 'catalog.duckdb');
let catalogSum = '';
const builds: Record<string, Build> = {};

/** Any sandbox setting not as it must be keeps a row; EMPTY_RESULT means all hold. */
const SANDBOX_PROBE = `select r_name from region
where current_setting('enable_external_access')::boolean
   or not current_setting('lock_configuration')::boolean
   or current_setting('autoload_known_extensions')::boolean
   or current_setting('autoinstall_known_extensions')::boolean
   or lower(current_setting('access_mode')) <> 'read_only'`;

before(async () => {
  mkdirSync(outDir);
  await createHostileCatalog(catalogPath);
  catalogSum = checksum(catalogPath);
  for (const v of ['1.3.2', '1.5.6']) builds[v] = await openBuild(`duckdb@${v}`, { catalogPath, timeoutMs: 30_000 });
});

after(async () => {
  await Promise.all(Object.values(builds).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

for (const version of ['1.3.2', '1.5.6']) {
  test(`duckdb@${version}: every hostile line gets a located error or a harmless plan, and nothing is written`, async () => {
    const b = builds[version]!;
    const probe = await b.compile(SANDBOX_PROBE);
    assert.equal(probe.ok && probe.plan.simplified, 'EMPTY_RESULT\n', 'the sandbox is in force before the corpus');
    const cases = loadHostileCases(outDir);
    assert.ok(cases.length >= 60, 'the corpus is there');
    for (const c of cases) assertExpected(c, await b.compile(c.sql), `duckdb@${version}`);
    assertNothingWritten(outDir, catalogPath, catalogSum);

    // the SET / PRAGMA / RESET lines changed nothing: the same build still runs sandboxed
    const after = await b.compile(SANDBOX_PROBE);
    assert.equal(after.ok && after.plan.simplified, 'EMPTY_RESULT\n', `sandbox settings changed: ${JSON.stringify(after)}`);
    const read = await b.compile("select * from read_csv('/etc/passwd')");
    assert.equal(!read.ok && read.error.code, 'unsupported');
    assert.match(!read.ok ? read.error.message : '', /Permission Error: .*disabled by configuration/);
  });
}

test('the issue\'s line: a COPY hidden after a dollar quote with digits is refused by both versions', async () => {
  const target = join(outDir, 'pwn.csv');
  for (const b of Object.values(builds)) {
    const r = await b.compile(`select $a1$x$a1$; copy (select 42) to '${target}'`);
    assert.equal(!r.ok && r.error.code, 'unsupported', JSON.stringify(r));
    assert.match(!r.ok ? r.error.message : '', /more than one SQL statement/);
  }
  assertNothingWritten(outDir, catalogPath, catalogSum);
});

test('SQL errors under the sandbox stay located (line and column of the query)', async () => {
  for (const b of Object.values(builds)) {
    const r = await b.compile("select r_name\nfrom region\nwhere r_nme = 1");
    assert.equal(!r.ok && r.error.code, 'unknown-column');
    assert.equal(!r.ok && r.error.line, 3);
    assert.equal(!r.ok && r.error.column, 7);
  }
});
