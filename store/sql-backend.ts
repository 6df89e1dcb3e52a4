/**
 * The seam between the results store and the database that keeps it: an
 * embedded DuckDB file (duckdb-backend.ts, one person on one machine) or a
 * PostgreSQL server (postgres-backend.ts, a team's shared history).
 *
 * Store code writes its SQL once, with `?` placeholders and the few
 * expressions that differ between the two taken from `dialect`: list columns
 * (DuckDB LIST, PostgreSQL arrays), a list parameter (passed as JSON text on
 * both), list membership, unnesting, and what "the tables of this database"
 * means. PostgreSQL's `$1` placeholders are produced by `numberPlaceholders`.
 * Upserts are `INSERT … ON CONFLICT (key) DO UPDATE`, which both accept.
 * JSON documents are text on both; timestamps are read back as text
 * (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC on PostgreSQL).
 */
import type { Params, Row } from '../compiler/builds/duckdb-database.ts';

export type { Params, Row };

export type ListItem = 'text' | 'double';

export interface SqlDialect {
  readonly name: 'duckdb' | 'postgresql';
  /** a list-typed value from one `?` parameter holding a JSON array */
  listParam(item: ListItem): string;
  /** an empty list literal of text */
  readonly emptyTextList: string;
  /** `item` (an expression or `?`) is an element of the list expression `list` */
  listContains(list: string, item: string): string;
  /** one row per element of a text list expression (in a select list) */
  unnest(list: string): string;
  /** two list expressions as one */
  concatLists(a: string, b: string): string;
  /**
   * a statement taking a lock on the text `?` until the transaction ends (null: not needed, DuckDB has one writer connection),
   * for a replace-all write (delete a set, insert the new one) that two writers must not interleave
   */
  readonly lockKey: string | null;
  /**
   * run after a run finished, outside any transaction (null: nothing): on
   * PostgreSQL a VACUUM ANALYZE of the outcomes, so the dashboard's pages read
   * the covering index alone (index-only scans need all-visible pages)
   */
  readonly afterRun: string | null;
  /** the text expression `text` contains the `?` parameter (given lower-cased), ignoring case */
  containsLower(text: string): string;
  /** how many tables the store's database has, named `?` (or any when the parameter is NULL; the parameter is given twice) */
  readonly countTables: string;
}

/** What statements run on: the backend itself, or one connection inside a transaction. */
export interface SqlSession {
  run(sql: string, params?: Params): Promise<void>;
  all(sql: string, params?: Params): Promise<Row[]>;
}

export interface SqlBackend extends SqlSession {
  readonly dialect: SqlDialect;
  /** how errors and messages name the store: a file path, or a URL without its password */
  readonly name: string;
  /** rows as JSON-safe values (bigints as strings, timestamps as text) */
  allJson(sql: string, params?: Params): Promise<Row[]>;
  /**
   * All of fn or nothing, on one connection. PostgreSQL runs it again (a few
   * times) when the server aborts it as a deadlock or serialization failure,
   * so fn must only write through `tx` and be safe to repeat.
   */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** fn while no other process migrates the same store (PostgreSQL: an advisory lock) */
  migrationLock<T>(fn: () => Promise<T>): Promise<T>;
  /** write everything to disk now (DuckDB CHECKPOINT; nothing to do on a server) */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** `postgresql://…` and `postgres://…` name a PostgreSQL store; anything else is a DuckDB file. */
export function isPostgresUrl(path: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(path);
}

/** `postgresql://user@host:port/db`: the URL as errors and logs may print it (never a password or query options). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return url.replace(/(\/\/[^:@/\s]*):[^@\s]*@/, '$1@').replace(/\?.*$/, '');
  }
}

/**
 * `?` → `$1, $2, …`, outside quoted strings, identifiers and comments (so a
 * `?` in a literal such as `'who?'` stays text).
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** the index just past the quote that closes the one at `start` (a doubled quote is part of the text) */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
