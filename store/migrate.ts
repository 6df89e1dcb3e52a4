/**
 * Opening a store checks its schema: a writer brings it up to date (applying
 * the missing migrations of migrations.ts in order, each in a transaction,
 * under the backend's migration lock so two processes opening a fresh store
 * at once do not both migrate it); a reader needs it up to date already and
 * never writes. Neither opens a store written by a newer flightdeck, nor a
 * database that has tables of its own but is no store (a catalog passed as
 * --store is never written into).
 */
import { FlightdeckError } from '../compiler/errors.ts';
import { MIGRATIONS, migrationSql } from './migrations.ts';
import { utcNowText } from './columns.ts';
import type { SqlBackend } from './sql-backend.ts';

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

export async function schemaVersion(db: SqlBackend): Promise<number> {
  const rows = await db.all('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return Number(rows[0]!.v);
}

export async function checkSchema(db: SqlBackend, readOnly: boolean): Promise<void> {
  if (!readOnly) {
    await db.migrationLock(() => migrate(db));
    return;
  }
  if (!(await hasTable(db, 'schema_migrations'))) throw notAStore(db);
  const version = await schemaVersion(db);
  if (version < LATEST_VERSION) {
    throw new FlightdeckError('environment-error', `the store ${db.name} has schema version ${version} and this flightdeck reads version ${LATEST_VERSION}: migrate it by running a writing command on it once (e.g. flightdeck corpus import)`);
  }
  refuseNewer(db, version);
}

async function migrate(db: SqlBackend): Promise<void> {
  if (!(await hasTable(db, 'schema_migrations')) && (await hasTable(db, null))) throw notAStore(db);
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)');
  const current = await schemaVersion(db);
  refuseNewer(db, current);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    try {
      await db.transaction(async (tx) => {
        await tx.run(migrationSql(m, db.dialect));
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(? AS TIMESTAMP))', [m.version, m.name, utcNowText()]);
      });
    } catch (err) {
      if (err instanceof FlightdeckError) throw err;
      throw new FlightdeckError('io-error', `store migration ${m.version} (${m.name}) failed on ${db.name}: ${(err as Error).message}`, { cause: err });
    }
  }
}

async function hasTable(db: SqlBackend, name: string | null): Promise<boolean> {
  const rows = await db.all(db.dialect.countTables, [name, name]);
  return Number(rows[0]!.n) > 0;
}

function notAStore(db: SqlBackend): FlightdeckError {
  return db.dialect.name === 'duckdb'
    ? new FlightdeckError('environment-error', `${db.name} is a DuckDB database but not a flightdeck store (no schema_migrations table): check --store`)
    : new FlightdeckError('environment-error', `${db.name} is not a flightdeck store (no schema_migrations table, and the database is empty or has tables of its own): point --store at an empty database, or run a writing command (flightdeck corpus import) on an empty one first`);
}

function refuseNewer(db: SqlBackend, version: number): void {
  if (version > LATEST_VERSION) {
    throw new FlightdeckError('environment-error', `the store ${db.name} has schema version ${version}, written by a newer flightdeck (this one knows up to ${LATEST_VERSION}): upgrade flightdeck`);
  }
}
