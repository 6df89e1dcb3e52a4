/**
 * The sandbox of one DuckDB package, in-process (one package per process:
 * each version has its own test file calling `sandboxSuite`). Checked on the
 * connection the build runs workload SQL on: the settings are what the
 * sandbox says and locked, a build spec cannot loosen them, and even
 * workload SQL run straight on that connection — every statement of it, no
 * one-statement check — writes nothing and changes no setting.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DuckdbApi from '@duckdb/node-api';
import { openDuckdbExplainer, type DuckdbExplainer } from '../../compiler/builds/duckdb-explain.ts';
import { checkSandbox } from '../../compiler/builds/duckdb-sandbox.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import { checksum, loadHostileCases } from './hostile.ts';

const SANDBOX_SETTINGS = `select current_setting('access_mode')::varchar, current_setting('enable_external_access')::varchar,
  current_setting('autoload_known_extensions')::varchar, current_setting('autoinstall_known_extensions')::varchar,
  current_setting('lock_configuration')::varchar, current_setting('disabled_optimizers')::varchar, current_setting('max_temp_directory_size')::varchar`;
const EXPECTED = ['read_only', 'false', 'false', 'false', 'true', 'join_order', '0 bytes'];

async function settingsOf(connection: DuckdbApi.DuckDBConnection): Promise<string[]> {
  const row = (await connection.runAndReadAll(SANDBOX_SETTINGS)).getRows()[0]!;
  return row.map((v) => String(v).toLowerCase());
}

export function sandboxSuite(packageName: string, engineVersion: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'fd-sandbox-'));
  const outDir = join(dir, 'out');
  const catalogPath = join(dir, 'catalog.duckdb');
  let api: typeof DuckdbApi;
  let explainer: DuckdbExplainer;
  let catalogSum = '';

  before(async () => {
    mkdirSync(outDir);
    const mod = (await import(packageName)) as typeof DuckdbApi & { default?: typeof DuckdbApi };
    api = mod.DuckDBInstance ? mod : mod.default!;
    const instance = await api.DuckDBInstance.create(catalogPath);
    const c = await instance.connect();
    await c.run(`create table region (r_regionkey integer primary key, r_name varchar, r_comment varchar);
      insert into region values (0, 'AFRICA', 'a'), (1, 'AMERICA', 'b');
      create table nation (n_nationkey integer primary key, n_name varchar, n_regionkey integer)`);
    c.closeSync();
    instance.closeSync();
    catalogSum = checksum(catalogPath);
    explainer = await openDuckdbExplainer(packageName, catalogPath, [['disabled_optimizers', 'join_order']]);
  });

  after(() => {
    explainer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${packageName}: the workload connection is read-only, without external access or extension autoloading, and locked after the build's settings`, async () => {
    assert.equal(explainer.engineVersion, engineVersion, 'this process runs the engine it asked for');
    assert.deepEqual(await settingsOf(explainer.connection), EXPECTED);
    for (const sql of ['SET enable_external_access = true', 'SET lock_configuration = false', 'RESET disabled_optimizers', 'SET threads = 1', "SET allowed_directories = ['/']", 'SET autoload_known_extensions = true', "SET max_temp_directory_size = '1GB'"]) {
      await assert.rejects(explainer.connection.run(sql), /locked|Cannot change|cannot be changed/i, sql);
    }
    assert.deepEqual(await settingsOf(explainer.connection), EXPECTED);
  });

  test(`${packageName}: a build spec cannot loosen the sandbox (usage-error before the catalog opens)`, async () => {
    for (const [name, value] of [
      ['enable_external_access', 'true'],
      ['lock_configuration', 'false'],
      ['access_mode', 'READ_WRITE'],
      ['autoload_known_extensions', 'true'],
      ['autoinstall_known_extensions', 'true'],
      ['allowed_directories', '/'],
      ['extension_directory', dir],
      ['allow_unsigned_extensions', 'true'],
      ['temp_directory', dir],
      ['max_temp_directory_size', '1GB'],
      ['s3_endpoint', 'example.com'],
      ['Enable_External_Access', 'true'],
    ] as const) {
      await assert.rejects(openDuckdbExplainer(packageName, catalogPath, [[name, value]]), (err: unknown) => {
        assert.ok(err instanceof FlightdeckError, String(err));
        assert.equal(err.code, 'usage-error');
        assert.match(err.message, new RegExp(`'${name}' governs the sandbox`));
        return true;
      });
    }
  });

  test(`${packageName}: the sandbox check refuses a connection that is not sandboxed`, async () => {
    const plain = await api.DuckDBInstance.create(':memory:');
    const c = await plain.connect();
    try {
      await assert.rejects(checkSandbox(c), (err: unknown) => err instanceof FlightdeckError && err.code === 'build-error' && /enable_external_access=true/.test(err.message));
    } finally {
      c.closeSync();
      plain.closeSync();
    }
  });

  test(`${packageName}: every hostile line run straight on the workload connection (all its statements) writes nothing and changes no setting`, async () => {
    for (const c of loadHostileCases(outDir)) {
      try {
        await explainer.connection.run(c.sql);
      } catch {
        // refused by the sandbox, or not valid SQL: either way what matters is checked below
      }
    }
    try {
      await explainer.connection.run('rollback');
    } catch {
      // no transaction was left open
    }
    assert.deepEqual(readdirSync(outDir), []);
    assert.deepEqual(await settingsOf(explainer.connection), EXPECTED);
    assert.equal(checksum(catalogPath), catalogSum);
    // and the one-statement EXPLAIN path still works on it
    const r = await explainer.compile('select r_name from region');
    assert.equal(r.ok, true, JSON.stringify(r));
  });
}
