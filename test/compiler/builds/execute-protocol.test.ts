/**
 * The host side of `execute` (process-build.ts, execute-answer.ts) against a
 * `command:` build that implements it and misbehaves on purpose
 * (test/fixtures/command-build/fake_planner.py --execute): answers are
 * validated; a failure's status passes through (`error` when it gives none);
 * a malformed answer is `protocol-error` and the process is replaced; a
 * build that dies is `crash` and the next request starts a fresh process;
 * a build that does not answer past its limit (+ grace) is killed: `timeout`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProcessBuild } from '../../../compiler/builds/open-build.ts';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import type { ProcessBuild } from '../../../compiler/builds/process-build.ts';
import type { ExecuteResult } from '../../../flighting/execute/execute-result.ts';

const FAKE_PLANNER = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/command-build/fake_planner.py');
const dir = mkdtempSync(join(tmpdir(), 'fd-exec-protocol-'));
const catalogPath = join(dir, 'catalog.duckdb');
let build: ProcessBuild;

before(async () => {
  const db = await openDatabase(catalogPath);
  await db.run('create table t (x integer)');
  db.close();
  build = await openProcessBuild(`command:python3 ${FAKE_PLANNER} --execute`, { catalogPath, timeoutMs: 10_000 });
});

after(async () => {
  await build?.close();
  rmSync(dir, { recursive: true, force: true });
});

const failure = (r: ExecuteResult) => {
  assert.equal(r.ok, false, JSON.stringify(r));
  return r.ok ? (undefined as never) : r;
};

test('a build that executes: its summary and profile come back as answered', async () => {
  const r = await build.execute('select x from t', { mode: 'result', maxRows: 5 });
  assert.deepEqual(r, {
    ok: true,
    latencyMs: 1.5,
    result: { rowCount: 1, columns: [{ name: 'x', type: 'INTEGER', valueClass: 'exact' }], columnChecksums: ['42'], rowChecksum: '42', orderedChecksum: '43', rows: [['1']], rowsTruncated: false },
  });
  const p = await build.execute('select x from t', { mode: 'time' });
  assert.deepEqual(p.ok && p.profile?.operators.map((o) => o.name), ['FAKE_SCAN']);
});

test('failure answers keep their status (error when none is given) and the process serves on', async () => {
  const pid = build.pid;
  const resource = failure(await build.execute('select /*resource*/ 1', { mode: 'result' }));
  assert.deepEqual([resource.status, resource.error.code, resource.latencyMs], ['resource', 'out-of-memory', 2.5]);
  const bare = failure(await build.execute('select /*bare-failure*/ 1', { mode: 'result' }));
  assert.deepEqual([bare.status, bare.error.code], ['error', 'fake-error']);
  assert.equal(build.pid, pid);
});

test('a malformed answer is a protocol-error and the process is replaced', async () => {
  const pid = build.pid;
  const bad = failure(await build.execute('select /*malformed*/ 1', { mode: 'result' }));
  assert.deepEqual([bad.status, bad.error.code], ['error', 'protocol-error']);
  assert.match(bad.error.message, /malformed answer to execute: latencyMs/);
  const next = await build.execute('select 1', { mode: 'result' });
  assert.equal(next.ok, true);
  assert.notEqual(build.pid, pid);
});

test('a build that dies while executing is a crash (with its stderr); the next request gets a fresh process', async () => {
  const crash = failure(await build.execute('select /*crash*/ 1', { mode: 'result' }));
  assert.deepEqual([crash.status, crash.error.code], ['crash', 'build-crash']);
  assert.match(crash.error.message, /exited with code 3; stderr: fake planner: crashing on purpose while executing/);
  assert.equal((await build.execute('select 1', { mode: 'time' })).ok, true);
});

test('a build that never answers is killed past its limit plus the grace: timeout; the next request works', async () => {
  const pid = build.pid;
  const hung = failure(await build.execute('select /*hang*/ 1', { mode: 'result', timeoutMs: 200 }));
  assert.deepEqual([hung.status, hung.error.code], ['timeout', 'build-timeout']);
  assert.equal((await build.execute('select 1', { mode: 'result' })).ok, true);
  assert.notEqual(build.pid, pid);
});
