/**
 * The store backends the one store test suite runs on: the embedded DuckDB
 * file and PostgreSQL (a database of its own per store, on the machine's
 * server; skipped with a one-line reason when no server answers).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { createPgDatabase, dropPgDatabases, execPg, pgStoreUnavailable } from '../helpers/pg-store.ts';

export interface StoreBackendCase {
  readonly name: 'duckdb' | 'postgresql';
  /** why this backend's cases are skipped here, or undefined */
  readonly skip: string | undefined;
  /** a new, empty store location: a file path (in a folder not yet created) or a database URL */
  fresh(): Promise<string>;
  /** give an empty location a table of its own (what a catalog passed as --store looks like) */
  foreignTable(location: string): Promise<void>;
  /** remove every location this case made */
  cleanup(): Promise<void>;
}

export function duckdbCase(): StoreBackendCase {
  const dirs: string[] = [];
  return {
    name: 'duckdb',
    skip: undefined,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'fd-store-'));
      dirs.push(dir);
      return join(dir, 'nested', 'flightdeck.duckdb');
    },
    async foreignTable(location) {
      mkdirSync(dirname(location), { recursive: true });
      const db = await openDatabase(location);
      await db.run('CREATE TABLE orders (id INTEGER)');
      db.close();
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresCase(): Promise<StoreBackendCase> {
  const skip = (await pgStoreUnavailable()) ?? undefined;
  if (skip) console.log(`skipping the PostgreSQL store cases: ${skip}`);
  return {
    name: 'postgresql',
    skip,
    fresh: createPgDatabase,
    foreignTable: (location) => execPg(location, 'CREATE TABLE orders (id INTEGER)'),
    cleanup: dropPgDatabases,
  };
}
