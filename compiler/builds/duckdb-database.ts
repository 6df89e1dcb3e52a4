/**
 * A small wrapper over @duckdb/node-api for code outside the `duckdb` build
 * (catalog loading, data generators, equivalence checks). One DuckDB version
 * per process: this always loads the current @duckdb/node-api; other
 * versions run only inside their own build server process.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { FlightdeckError } from '../errors.ts';

export type Row = Record<string, unknown>;
/** positional ($1, $2 / ?) parameter values: plain JS scalars */
export type Params = readonly (string | number | boolean | bigint | null)[];

export interface Database {
  readonly path: string;
  /** run statements, ignore results */
  run(sql: string, params?: Params): Promise<void>;
  /** rows as plain JS objects (bigints stay bigint, decimals become numbers, dates become Date) */
  all(sql: string, params?: Params): Promise<Row[]>;
  /** rows as JSON-safe objects (bigints and decimals as strings, dates as ISO text) */
  allJson(sql: string, params?: Params): Promise<Row[]>;
  /** rows as arrays of JSON-safe values, plus column names */
  rows(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  readonly connection: DuckDBConnection;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** fail with `not-found` when the file does not exist (default true for readOnly) */
  readonly mustExist?: boolean;
  readonly threads?: number;
}

export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  const mustExist = options.mustExist ?? options.readOnly ?? false;
  if (path !== ':memory:' && mustExist && !existsSync(path)) {
    throw new FlightdeckError('not-found', `database file not found: ${path}`, { location: { file: path } });
  }
  const config: Record<string, string> = {};
  if (options.readOnly) config.access_mode = 'READ_ONLY';
  if (options.threads) config.threads = String(options.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot open DuckDB database ${path}: ${(err as Error).message}`, {
      location: { file: path },
      cause: err,
    });
  }
  const connection = await instance.connect();
  return {
    path,
    connection,
    async run(sql, params) {
      await connection.run(sql, params as DuckDBValue[] | undefined);
    },
    async all(sql, params) {
      const reader = await connection.runAndReadAll(sql, params as DuckDBValue[] | undefined);
      return reader.getRowObjectsJS() as Row[];
    },
    async allJson(sql, params) {
      const reader = await connection.runAndReadAll(sql, params as DuckDBValue[] | undefined);
      return reader.getRowObjectsJson() as Row[];
    },
    async rows(sql) {
      const reader = await connection.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
