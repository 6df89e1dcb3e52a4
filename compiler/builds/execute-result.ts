/**
 * What executing one query gives (the contract between the build processes
 * that execute SQL, the result comparison and the performance statistics).
 * Plain data, JSON-safe: it crosses the build protocol (`execute`) and the
 * job queue.
 *
 * Checksums are computed inside DuckDB where the query ran, stable across the
 * shipped DuckDB versions (md5 of a canonical text form, never `hash()`,
 * whose values change between versions), so two builds' results compare
 * without moving rows: equal row counts and equal checksums mean equal
 * multisets. Rows cross only when asked (`maxRows`), to show or fully compare
 * a mismatch.
 */

/** How a column's values compare: `float` with tolerance (REAL/DOUBLE and nested types holding them), `exact` otherwise (DECIMAL included). */
export type ValueClass = 'float' | 'exact';

export interface ResultColumn {
  readonly name: string;
  /** DuckDB's type name, e.g. `DECIMAL(18,2)`, `DOUBLE`, `VARCHAR` */
  readonly type: string;
  readonly valueClass: ValueClass;
}

/** Per-operator actuals from DuckDB's profiling output (EXPLAIN (ANALYZE, FORMAT JSON)). */
export interface OperatorProfile {
  /** position in a pre-order walk of the profiled tree (0 = root) */
  readonly id: number;
  readonly depth: number;
  /** operator name as DuckDB prints it, e.g. `HASH_JOIN` */
  readonly name: string;
  /** actual output rows */
  readonly rows: number;
  /** operator time, ms (DuckDB's `operator_timing`) */
  readonly timeMs: number;
}

export interface ExecuteProfile {
  /** DuckDB's own latency for the query, ms */
  readonly latencyMs: number;
  /** CPU time, ms, where the engine reports it */
  readonly cpuMs?: number;
  /** peak buffer-manager memory, bytes, where the engine reports it */
  readonly peakMemoryBytes?: number;
  readonly operators: readonly OperatorProfile[];
}

/** `mode: 'result'`: the result itself, summarised. */
export interface ResultSummary {
  readonly rowCount: number;
  readonly columns: readonly ResultColumn[];
  /**
   * Per column, an order-insensitive checksum of the column's values (decimal
   * text of a 128-bit sum of per-value md5 halves; float values rounded to
   * FLOAT_CHECK_DIGITS significant digits first, NULL, NaN and ±Inf each a
   * value of their own). Exactly: the md5 digests of the values' canonical
   * texts (compiler/builds/duckdb-canonical.ts), read as 128-bit integers,
   * summed mod 2^128; rows hash their value texts joined by `|`, the ordered
   * checksum `<0-based position>#<row text>` (compiler/builds/duckdb-summary.ts).
   */
  readonly columnChecksums: readonly string[];
  /** order-insensitive checksum of whole rows (catches values swapped between rows) */
  readonly rowChecksum: string;
  /** checksum of the rows in result order (for queries whose top-level ORDER BY defines one) */
  readonly orderedChecksum: string;
  /**
   * The first `maxRows` rows in result order when asked, each value as JSON:
   * exact values as DuckDB's text form (strings), floats as numbers or the
   * strings `NaN`, `Infinity`, `-Infinity`; NULL as null.
   */
  readonly rows?: readonly (readonly (string | number | null)[])[];
  /** true when `rows` holds fewer rows than the result */
  readonly rowsTruncated?: boolean;
}

export const FLOAT_CHECK_DIGITS = 10;

export interface ExecuteSuccess {
  readonly ok: true;
  /** wall time of the query inside the build process, ms (excludes protocol and summarising) */
  readonly latencyMs: number;
  /** present for `mode: 'result'` */
  readonly result?: ResultSummary;
  /** present for `mode: 'time'` when the engine profiles (DuckDB does) */
  readonly profile?: ExecuteProfile;
}

/**
 * - `error`: the engine rejected or failed the query (binder error, runtime error…)
 * - `timeout`: over the time limit (interrupted; the process lives on)
 * - `resource`: over `memory_limit` (DuckDB's out-of-memory error) or another engine limit
 * - `crash`: the process died
 * - `not-executable`: the build cannot execute (a `command:` build without `execute`, a plan that cannot be lowered)
 * - `unsupported`: the statement is not one flighting runs (not a SELECT, more than one statement)
 */
export type ExecuteFailureStatus = 'error' | 'timeout' | 'resource' | 'crash' | 'not-executable' | 'unsupported';

export interface ExecuteFailure {
  readonly ok: false;
  readonly status: ExecuteFailureStatus;
  readonly error: { readonly code: string; readonly message: string };
  readonly latencyMs: number;
}

export type ExecuteResult = ExecuteSuccess | ExecuteFailure;

export interface ExecuteOptions {
  /** `result`: run, summarise (checksums) and optionally return rows; `time`: run profiled, discard the rows */
  readonly mode: 'result' | 'time';
  /** with `result`: return up to this many rows (default 0) */
  readonly maxRows?: number;
  /** per-execution time limit, ms */
  readonly timeoutMs?: number;
  /**
   * (added with execution) the statement is a write (INSERT, UPDATE, DELETE, CREATE TABLE [AS]): run it on a
   * scratch copy of the catalog, never the snapshot itself; `result` summarises the written table
   * (`SELECT * FROM <target>`), `time` profiles the write. Without it, a write is `unsupported`.
   */
  readonly write?: boolean;
}
