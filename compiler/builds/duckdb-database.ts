/**
 * A small wrapper over @duckdb/node-api for code outside the `duckdb` build
 * (catalog loading, data generators, equivalence checks, the store) and, with
 * `sandbox`, for workload SQL that is executed (flighting): then every call
 * runs exactly one SELECT in the sandbox of duckdb-sandbox.ts. One DuckDB version
 * per process: this always loads the current @duckdb/node-api; other
 * versions run only inside their own build server process.
 */
import * as duckdbApi from '@duckdb/node-api';
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { FlightdeckError } from '../errors.ts';
import { openSandbox, prepareOneStatement } from './duckdb-sandbox.ts';

export type Row = Record<string, unknown>;
/** positional ($1, $2 / ?) parameter values: plain JS scalars */
export type Params = readonly (string | number | boolean | bigint | null)[];

export interface Database {
  readonly path: string;
  /** run statements, ignore results (sandboxed: one SELECT) */
  run(sql: string, params?: Params): Promise<void>;
  /** rows as plain JS objects (bigints stay bigint, decimals become numbers, dates become Date) */
  all(sql: string, params?: Params): Promise<Row[]>;
  /** rows as JSON-safe objects (bigints and decimals as strings, dates as ISO text) */
  allJson(sql: string, params?: Params): Promise<Row[]>;
  /** rows as arrays of JSON-safe values, plus column names */
  rows(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  readonly connection: DuckDBConnection;
  /**
   * another connection on the same instance (not for a sandbox): it sees the
   * same attached databases, not this connection's TEMP objects, and runs
   * its statements concurrently with this one's; its close() leaves the
   * instance open (close it before the first connection)
   */
  connect(): Promise<Database>;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** fail with `not-found` when the file does not exist (default true for readOnly) */
  readonly mustExist?: boolean;
  readonly threads?: number;
  /**
   * for workload SQL (flighting): open in the sandbox of duckdb-sandbox.ts —
   * read-only, no external access, no extension autoloading, configuration
   * locked (implies readOnly and mustExist)
   */
  readonly sandbox?: boolean;
}

export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  const mustExist = options.mustExist ?? options.readOnly ?? options.sandbox ?? false;
  if (path !== ':memory:' && mustExist && !existsSync(path)) {
    throw new FlightdeckError('not-found', `database file not found: ${path}`, { location: { file: path } });
  }
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  if (options.sandbox) {
    const settings: [string, string][] = options.threads ? [['threads', String(options.threads)]] : [];
    ({ instance, connection } = await openSandbox(duckdbApi, path, settings, '@duckdb/node-api'));
  } else {
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    if (options.threads) config.threads = String(options.threads);
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      throw new FlightdeckError('io-error', `cannot open DuckDB database ${path}: ${(err as Error).message}`, {
        location: { file: path },
        cause: err,
      });
    }
    connection = await instance.connect();
  }
  const sandbox = options.sandbox ?? false;
  const inst = instance;
  const connect = async (): Promise<Database> => {
    if (sandbox) throw new FlightdeckError('unsupported', 'a sandboxed database has one connection');
    const other = await inst.connect();
    return wrap(path, other, false, connect, () => other.closeSync());
  };
  return wrap(path, connection, sandbox, connect, () => {
    connection.closeSync();
    instance.closeSync();
  });
}

function wrap(path: string, connection: DuckDBConnection, sandbox: boolean, connect: () => Promise<Database>, close: () => void): Database {
  /** sandboxed: one SELECT, prepared (DuckDB refuses a second statement) and type-checked before it runs */
  const read = async (sql: string, params?: Params): Promise<DuckDBResultReader> => {
    if (!sandbox) return connection.runAndReadAll(sql, params as DuckDBValue[] | undefined);
    const prepared = await prepareOneStatement(connection, sql, StatementType.SELECT, 'SELECT');
    try {
      if (params) prepared.bind(params as DuckDBValue[]);
      return await prepared.runAndReadAll();
    } finally {
      prepared.destroySync();
    }
  };
  return {
    path,
    connection,
    async run(sql, params) {
      if (sandbox) await read(sql, params);
      else await connection.run(sql, params as DuckDBValue[] | undefined);
    },
    async all(sql, params) {
      return (await read(sql, params)).getRowObjectsJS() as Row[];
    },
    async allJson(sql, params) {
      return (await read(sql, params)).getRowObjectsJson() as Row[];
    },
    async rows(sql) {
      const reader = await read(sql);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
    },
    connect,
    close,
  };
}
