/**
 * A store a team shares: a PostgreSQL database (`--store postgresql://…` or
 * FLIGHTDECK_STORE), written and read at once by several CI runs, BullMQ
 * coordinators and dashboard servers — as MLflow, Airflow and Dagster keep
 * their history. The only importer of `pg` in the repository.
 *
 * - A pool of a few connections per store; a transaction holds one of them.
 *   Writes are upserts keyed by primary key, so two writers of the same
 *   outcome leave one row; a transaction the server aborts as a deadlock or
 *   serialization failure (SQLSTATE 40P01, 40001) is run again, a few times.
 * - Migrations run under an advisory lock, so two processes opening a fresh
 *   store at once do not both migrate it.
 * - A read-only store's sessions are `default_transaction_read_only`, so a
 *   reader cannot write even by mistake. Sessions run in UTC, and timestamps
 *   are read as text, as DuckDB renders them.
 * - The URL's password is never printed: the store is named
 *   `postgresql://user@host:port/db`, and connection, login and missing
 *   database failures are one-line `environment-error`s saying what to do.
 */
import pg from 'pg';
import { FlightdeckError } from '../compiler/errors.ts';
import { numberPlaceholders, redactUrl, type Params, type Row, type SqlBackend, type SqlDialect, type SqlSession } from './sql-backend.ts';

export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgresql',
  listParam: (item) => `ARRAY(SELECT e${item === 'text' ? '' : '::double precision'} FROM json_array_elements_text(?::json) WITH ORDINALITY AS x(e, n) ORDER BY n)`,
  emptyTextList: `'{}'::text[]`,
  listContains: (list, item) => `${item} = ANY(${list})`,
  unnest: (list) => `unnest(${list})`,
  concatLists: (a, b) => `(${a} || ${b})`,
  containsLower: (text) => `strpos(lower(${text}), ?::text) > 0`,
  lockKey: 'SELECT pg_advisory_xact_lock(hashtext(?))',
  afterRun: 'VACUUM (ANALYZE) outcomes',
  countTables: 'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND (?::text IS NULL OR table_name = ?)',
};

/** the advisory lock migrators take (per database): "flightdeck store migrations" */
const MIGRATION_LOCK = 7_204_417_233_061_956;
const ATTEMPTS = 5;
const RETRY_CODES = new Set(['40001', '40P01']);

/** timestamps and dates as the server prints them (text), everything else as pg parses it (bigint and numeric as text) */
const TEXT_TYPES = new Set([1082, 1114, 1184]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (TEXT_TYPES.has(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

export async function openPostgresBackend(url: string, readOnly: boolean): Promise<SqlBackend> {
  const settings = ['-c TimeZone=UTC', '-c standard_conforming_strings=on', ...(readOnly ? ['-c default_transaction_read_only=on'] : [])];
  const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 15_000, options: settings.join(' '), types });
  // an idle connection the server drops must not crash the process; the next query reconnects
  pool.on('error', () => {});
  const backend = new PostgresBackend(pool, redactUrl(url));
  try {
    await backend.run('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return backend;
}

export class PostgresBackend implements SqlBackend {
  readonly dialect = POSTGRES_DIALECT;

  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
  ) {}

  /** one statement, on its own (autocommit): atomic, so run again when aborted as a deadlock */
  run(sql: string, params?: Params): Promise<void> {
    return this.retrying(async () => {
      await this.pool.query(numberPlaceholders(sql), params ? [...params] : undefined);
    });
  }

  all(sql: string, params?: Params): Promise<Row[]> {
    return this.retrying(async () => (await this.pool.query(numberPlaceholders(sql), params ? [...params] : undefined)).rows as Row[]);
  }

  allJson(sql: string, params?: Params): Promise<Row[]> {
    return this.all(sql, params);
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.retrying(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(session(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw err;
      } finally {
        client.release(broken);
      }
    });
  }

  async migrationLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.connectNamed();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      }
    } finally {
      client.release();
    }
  }

  async checkpoint(): Promise<void> {
    // the server writes its own pages
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async connectNamed(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.described(err);
    }
  }

  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt < ATTEMPTS && RETRY_CODES.has(String((err as { code?: unknown }).code))) {
          // a short, growing, jittered pause, so the writers that collided do not collide again
          await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 20));
          continue;
        }
        throw this.described(err);
      }
    }
  }

  /** connection, login and missing-database failures in words a user can act on */
  private described(err: unknown): Error {
    const code = String((err as { code?: unknown }).code ?? '');
    const where = `the store ${this.name}`;
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'].includes(code) || /timeout expired|Connection terminated/i.test((err as Error).message ?? '')) {
      return new FlightdeckError('environment-error', `cannot reach ${where} (${code || 'no answer'}): start the PostgreSQL server or check the host and port in --store / FLIGHTDECK_STORE`, { retryable: true, cause: err });
    }
    if (code === '3D000') {
      const db = this.name.replace(/^.*\//, '');
      return new FlightdeckError('environment-error', `${where} does not exist on that server: create the database (createdb ${db}) or check --store / FLIGHTDECK_STORE`, { cause: err });
    }
    if (code === '28P01' || code === '28000') {
      return new FlightdeckError('environment-error', `${where} refused the login: check the user and password in --store / FLIGHTDECK_STORE (or PGPASSWORD, ~/.pgpass) and the server's pg_hba.conf`, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

function session(client: pg.PoolClient): SqlSession {
  return {
    async run(sql, params) {
      await client.query(numberPlaceholders(sql), params ? [...params] : undefined);
    },
    async all(sql, params) {
      return (await client.query(numberPlaceholders(sql), params ? [...params] : undefined)).rows as Row[];
    },
  };
}
