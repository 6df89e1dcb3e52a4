/**
 * The hostile-SQL corpus through `execute` (flighting runs workload SQL for
 * real, not only EXPLAIN): both DuckDB versions, each in its own build
 * process opened on a snapshot file, both modes and as a write (which runs
 * on a scratch copy). Every line gets a failure
 * status (`unsupported` for anything that is not one SELECT, or the
 * engine's error) or, for a line that is a harmless SELECT, its result;
 * never a crash and never a hang. No file appears, the snapshot's bytes do
 * not change, it gets no WAL and no spill folder, and after the corpus the
 * same process still runs sandboxed (the settings read back through a query).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProcessBuild } from '../../compiler/builds/open-build.ts';
import type { ProcessBuild } from '../../compiler/builds/process-build.ts';
import { assertNothingWritten, checksum, loadHostileCases } from './hostile.ts';
import { createHostileCatalog } from './hostile-catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-hostile-exec-'));
const outDir = join(dir, 'out');
const snapshot = join(dir, 'snapshot.duckdb');
let snapshotSum = '';
const builds: Record<string, ProcessBuild> = {};

/** One row per sandbox setting that is NOT as it must be: zero rows means all hold. */
const SANDBOX_PROBE = `select name from (values
  ('external', current_setting('enable_external_access')::boolean),
  ('lock', not current_setting('lock_configuration')::boolean),
  ('autoload', current_setting('autoload_known_extensions')::boolean),
  ('autoinstall', current_setting('autoinstall_known_extensions')::boolean),
  ('access', lower(current_setting('access_mode')) <> 'read_only'),
  ('spill', current_setting('max_temp_directory_size') <> '0 bytes')) t(name, wrong)
where wrong`;

before(async () => {
  mkdirSync(outDir);
  await createHostileCatalog(snapshot);
  snapshotSum = checksum(snapshot);
  for (const v of ['1.3.2', '1.5.6']) builds[v] = await openProcessBuild(`duckdb@${v}`, { catalogPath: snapshot, timeoutMs: 10_000 });
});

after(async () => {
  await Promise.all(Object.values(builds).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

for (const version of ['1.3.2', '1.5.6']) {
  test(`duckdb@${version}: every hostile line executes to a failure status or a harmless SELECT result; nothing is written`, async () => {
    const b = builds[version]!;
    const pid = b.pid;
    const probe = await b.execute(SANDBOX_PROBE, { mode: 'result', maxRows: 10 });
    assert.equal(probe.ok && probe.result?.rowCount, 0, `the sandbox is in force before the corpus: ${JSON.stringify(probe)}`);
    const cases = loadHostileCases(outDir);
    assert.ok(cases.length >= 60, 'the corpus is there');
    const unsupported = new Set<string>();
    for (const c of cases) {
      for (const mode of ['result', 'time'] as const) {
        const r = await b.execute(c.sql, { mode, maxRows: 5, timeoutMs: 5_000 });
        const what = `duckdb@${version} ${mode}: ${c.tries}: ${JSON.stringify(c.sql)} gave ${JSON.stringify(r)}`;
        if (r.ok) {
          // only the corpus's controls (harmless queries: a plan with no special root) give a result
          assert.ok(c.expect === 'plan' && c.root === undefined, what);
          continue;
        }
        assert.ok(['error', 'unsupported'].includes(r.status), what);
        assert.notEqual(r.error.code, 'internal-error', what);
        if (r.status === 'unsupported') unsupported.add(c.tries);
      }
      // as a write: on a scratch copy, so a write that works is harmless; nothing else may get out
      const w = await b.execute(c.sql, { mode: 'result', write: true, timeoutMs: 5_000 });
      if (!w.ok) assert.ok(['error', 'unsupported'].includes(w.status), `duckdb@${version} write: ${c.tries}: ${JSON.stringify(w)}`);
      assertNothingWritten(outDir, snapshot, snapshotSum);
    }
    assert.ok(unsupported.size >= cases.length / 2, `most of the corpus is refused before it runs (${unsupported.size} of ${cases.length})`);
    assert.equal(b.pid, pid, 'no line crashed or hung the build process');
    assert.equal(existsSync(`${snapshot}.tmp`), false, 'no spill folder next to the snapshot');

    const after = await b.execute(SANDBOX_PROBE, { mode: 'result', maxRows: 10 });
    assert.equal(after.ok && after.result?.rowCount, 0, `the corpus changed sandbox settings: ${JSON.stringify(after)}`);
    const read = await b.execute("select * from read_csv('/etc/passwd')", { mode: 'result' });
    assert.equal(!read.ok && read.status, 'unsupported');
    assert.match(!read.ok ? read.error.message : '', /Permission Error: .*disabled by configuration/);
  });
}

test('the issue\'s line: a COPY hidden after a dollar quote is refused by execute too, in both modes', async () => {
  const target = join(outDir, 'pwn.csv');
  for (const b of Object.values(builds)) {
    for (const mode of ['result', 'time'] as const) {
      const r = await b.execute(`select $a1$x$a1$; copy (select 42) to '${target}'`, { mode });
      assert.equal(!r.ok && r.status, 'unsupported', JSON.stringify(r));
      assert.match(!r.ok ? r.error.message : '', /more than one SQL statement/);
    }
  }
  assertNothingWritten(outDir, snapshot, snapshotSum);
});
