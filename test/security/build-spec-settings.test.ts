/**
 * A build spec's settings are applied before the configuration is locked, so
 * a setting that writes files (the profiler's output, query logs) must be
 * refused like the sandbox settings themselves: DuckDB 1.3.2's profiler writes
 * `profiling_output` even with external access disabled.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusedSetting } from '../../compiler/builds/duckdb-sandbox.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('settings that write files are refused; optimizer knobs are not', () => {
  for (const name of ['profiling_output', 'profile_output', 'enable_profiling', 'profiling_mode', 'custom_profiling_settings', 'log_query_path', 'enable_logging', 'logging_storage']) {
    assert.ok(refusedSetting(name), `${name} must be refused`);
  }
  for (const name of ['disabled_optimizers', 'threads', 'memory_limit', 'default_collation', 'preserve_insertion_order']) {
    assert.equal(refusedSetting(name), undefined, `${name} is an ordinary setting`);
  }
});

test('a profiler spec cannot overwrite a file (both DuckDB versions): usage error, file untouched', () => {
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'original\n');
  writeFileSync(join(dir, 'q.sql'), 'select 1');
  for (const version of ['1.3.2', '1.5.6']) {
    for (const spec of [`duckdb@${version}?enable_profiling=query_tree&profiling_output=${victim}`, `duckdb@${version}?enable_profiling=json&profile_output=${join(dir, 'new.json')}`]) {
      const r = runCli(['compile', '--build', spec, '--catalog', join(dir, 'none.duckdb'), join(dir, 'q.sql')]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /governs the sandbox/);
    }
  }
  assert.equal(readFileSync(victim, 'utf8'), 'original\n');
  assert.equal(existsSync(join(dir, 'new.json')), false);
});
