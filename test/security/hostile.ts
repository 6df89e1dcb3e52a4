/**
 * The hostile-SQL corpus (test/fixtures/hostile/hostile.jsonl): one case per
 * line, `tries` says what the line attempts, `expect` what a sandboxed
 * DuckDB build must answer (`error`, optionally with its `code`, or a
 * harmless `plan`, optionally with the operator its `root` must be).
 * `@OUT@` in the SQL is replaced by a fresh folder that must stay empty.
 * Imports no DuckDB package (the in-process suites load one of their own).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { CompileResult } from '../../compiler/builds/build.ts';
import { ROOT } from '../helpers/cli.ts';

export interface HostileCase {
  readonly tries: string;
  readonly sql: string;
  readonly expect: 'error' | 'plan';
  readonly code?: string;
  readonly root?: string;
}

export const HOSTILE_FILE = join(ROOT, 'test', 'fixtures', 'hostile', 'hostile.jsonl');

/** The cases, with `@OUT@` pointing at `outDir`. */
export function loadHostileCases(outDir: string): HostileCase[] {
  return readFileSync(HOSTILE_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HostileCase)
    .map((c) => ({ ...c, sql: c.sql.replaceAll('@OUT@', outDir) }));
}

/** sha256 of a file's bytes. */
export function checksum(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** What a build answered matches what the case expects. */
export function assertExpected(c: HostileCase, r: CompileResult, who: string): void {
  const what = `${who}: ${c.tries}: ${JSON.stringify(c.sql)} gave ${JSON.stringify(r.ok ? r.plan.simplified : r.error)}`;
  if (c.expect === 'error') {
    assert.equal(r.ok, false, what);
    if (!r.ok) {
      assert.equal(r.status, 'error', what);
      if (c.code) assert.equal(r.error.code, c.code, what);
      assert.notEqual(r.error.code, 'internal-error', what);
    }
  } else {
    assert.equal(r.ok, true, what);
    if (r.ok && c.root) assert.match(r.plan.simplified, new RegExp(`^${c.root}\\b`), what);
  }
}

/** Nothing was written where the corpus tried to write, and the catalog is byte for byte what it was. */
export function assertNothingWritten(outDir: string, catalogPath: string, catalogSum: string): void {
  assert.deepEqual(readdirSync(outDir), [], `files appeared in ${outDir}`);
  assert.equal(checksum(catalogPath), catalogSum, 'the catalog file changed');
  assert.equal(existsSync(`${catalogPath}.wal`), false, 'the catalog got a write-ahead log');
}
