/**
 * Which store a command means and how it is opened: the default DuckDB file,
 * FLIGHTDECK_STORE, or `--store` (a file path made absolute, a PostgreSQL URL
 * as given).
 */
import { resolve } from 'node:path';
import { isPostgresUrl } from './sql-backend.ts';

/** The one default store path (relative to the working directory). */
export const DEFAULT_STORE_PATH = '.flightdeck/flightdeck.duckdb';

/** The store a command names: a PostgreSQL URL as given, a file path made absolute. */
export function resolveStorePath(explicit?: string): string {
  const named = explicit ?? process.env.FLIGHTDECK_STORE ?? DEFAULT_STORE_PATH;
  return isPostgresUrl(named) ? named : resolve(named);
}

export interface OpenStoreOptions {
  /**
   * Only read: never create or migrate the store (a DuckDB file is opened
   * read-only, beside other readers, and a missing one is `not-found`;
   * PostgreSQL sessions are read-only).
   */
  readonly readOnly?: boolean;
  /**
   * DuckDB file only: let go of the file after this long without use (default
   * 200 ms; it is let go at once anyway when another process waits for it).
   * A long-lived reader such as the dashboard server keeps its warm cache
   * with a longer one.
   */
  readonly idleMs?: number;
}
