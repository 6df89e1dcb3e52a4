/**
 * Writes for flighting, in this process with the default DuckDB package
 * (@duckdb/node-api): a write template runs on a scratch copy of the
 * snapshot, never the snapshot itself (compiler/builds/duckdb-scratch.ts has
 * the rules). A DuckDB build runs the same code in its own process, with its
 * own version and settings, when asked `execute(sql, { write: true, … })`;
 * this entry is for callers without a build (checks, tools, tests).
 */
import * as duckdb from '@duckdb/node-api';
import { executeWriteOnCopy, type ScratchOptions } from '../../compiler/builds/duckdb-scratch.ts';
import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';

export { writeTarget } from '../../compiler/builds/duckdb-scratch.ts';

export interface ScratchWriteOptions extends ScratchOptions {
  /** `result` (default): summarise the written table; `time`: profile the write */
  readonly mode?: ExecuteOptions['mode'];
  /** per-execution time limit, ms (default 10000; covers copying the snapshot too) */
  readonly timeoutMs?: number;
  /** return up to this many rows of the written table (default 0) */
  readonly maxRows?: number;
}

/** Run one write statement on a scratch copy of `snapshotPath` and summarise the table it wrote. */
export function executeWriteOnScratch(snapshotPath: string, sql: string, options: ScratchWriteOptions = {}): Promise<ExecuteResult> {
  const { mode = 'result', timeoutMs, maxRows, ...scratch } = options;
  return executeWriteOnCopy(duckdb, '@duckdb/node-api', snapshotPath, sql, {
    mode,
    write: true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRows !== undefined ? { maxRows } : {}),
  }, scratch);
}
