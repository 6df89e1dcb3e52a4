/**
 * openDatabase: the plain wrapper, and the sandboxed one that flighting will
 * execute workload SQL on (one SELECT at a time, read-only, no external
 * access, configuration locked).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { checksum, loadHostileCases } from '../../security/hostile.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-duckdb-database-'));
const outDir = join(dir, 'out');
const path = join(dir, 'data.duckdb');
let db: Database;
let sum = '';

before(async () => {
  mkdirSync(outDir);
  const w = await openDatabase(path);
  await w.run("create table region (r_regionkey integer, r_name varchar, r_comment varchar); insert into region values (0, 'AFRICA', 'a'), (1, 'ASIA', 'b')");
  w.close();
  sum = checksum(path);
  db = await openDatabase(path, { sandbox: true, threads: 1 });
});

after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('sandboxed: queries run, with parameters', async () => {
  assert.deepEqual(await db.allJson('select r_name from region where r_regionkey = $1', [1]), [{ r_name: 'ASIA' }]);
  assert.deepEqual((await db.rows('select count(*) as n from region')).rows, [['2']]);
});

test('sandboxed: a second statement, a non-query or a file access is refused; nothing is written and no setting changes', async () => {
  await assert.rejects(db.all(`select 1; copy region to '${join(outDir, 'a.csv')}'`), (err: unknown) => err instanceof FlightdeckError && err.code === 'unsupported' && /more than one SQL statement/.test(err.message));
  await assert.rejects(db.run('set enable_external_access = true'), (err: unknown) => err instanceof FlightdeckError && err.code === 'unsupported' && /expected one SELECT/.test(err.message));
  await assert.rejects(db.all("select * from read_csv('/etc/passwd')"), /Permission Error/);
  for (const c of loadHostileCases(outDir)) {
    try {
      await db.all(c.sql);
    } catch {
      // refused: checked below
    }
  }
  // even straight on the connection, bypassing the one-SELECT check
  for (const c of loadHostileCases(outDir)) {
    try {
      await db.connection.run(c.sql);
    } catch {
      // refused: checked below
    }
  }
  try {
    await db.connection.run('rollback');
  } catch {
    // no transaction was left open
  }
  assert.deepEqual(readdirSync(outDir), []);
  assert.equal(checksum(path), sum);
  const [row] = await db.allJson("select current_setting('enable_external_access')::varchar as ext, current_setting('lock_configuration')::varchar as locked, current_setting('access_mode')::varchar as mode");
  assert.deepEqual(row, { ext: 'false', locked: 'true', mode: 'read_only' });
});

test('sandboxed: a missing file is not-found, not created', async () => {
  await assert.rejects(openDatabase(join(dir, 'nope.duckdb'), { sandbox: true }), (err: unknown) => err instanceof FlightdeckError && err.code === 'not-found');
  assert.deepEqual(readdirSync(dir).sort(), ['data.duckdb', 'out']);
});
