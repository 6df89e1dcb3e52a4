/**
 * Writes are shadowed: a template that writes (INSERT, UPDATE, DELETE,
 * CREATE TABLE [AS]) never touches the snapshot. It runs on a scratch COPY
 * of the snapshot file, opened in the sandbox's writable variant
 * (duckdb-sandbox.ts `{ writable: true }`: still no file, network or
 * extension access, no spilling, locked configuration), as exactly one
 * prepared statement of a write type; then the written table is summarised
 * like a query result (`SELECT * FROM <target>`, duckdb-summary.ts) and the
 * copy is deleted, whatever happened.
 *
 * The target table is read from the statement's head (`INSERT INTO t`,
 * `UPDATE t`, `DELETE FROM t`, `CREATE TABLE t`): DuckDB's own prepare has
 * already decided that the text is one write statement, and the name read
 * here only chooses what to summarise, never what may run. A write with a
 * leading `WITH` is `unsupported` (its target is not at the head).
 *
 * Runs in this process with the default DuckDB package (@duckdb/node-api,
 * the newest shipped version); other versions execute writes only when a
 * build process gains this route (not yet).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as duckdb from '@duckdb/node-api';
import { failureOf } from '../../compiler/builds/duckdb-execute.ts';
import { openSandbox, prepareOneStatement } from '../../compiler/builds/duckdb-sandbox.ts';
import { summariseTable } from '../../compiler/builds/duckdb-summary.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import type { ExecuteResult } from './execute-result.ts';

export interface ScratchWriteOptions {
  /** per-execution time limit, ms (default 10000) */
  readonly timeoutMs?: number;
  /** return up to this many rows of the written table (default 0) */
  readonly maxRows?: number;
  /** the engine build's settings (e.g. memory_limit, threads), as in a build spec */
  readonly settings?: readonly (readonly [string, string])[];
  /** where the scratch copy goes (default: a fresh folder under the OS temp dir) */
  readonly scratchDir?: string;
}

const WRITE_TYPES = [duckdb.StatementType.INSERT, duckdb.StatementType.UPDATE, duckdb.StatementType.DELETE, duckdb.StatementType.CREATE];

const NAME_PART = String.raw`(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")`;
const NAME = String.raw`(${NAME_PART}(?:\s*\.\s*${NAME_PART}){0,2})`;
const TARGETS: readonly RegExp[] = [
  new RegExp(String.raw`^INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO\s+${NAME}`, 'i'),
  new RegExp(String.raw`^UPDATE\s+${NAME}`, 'i'),
  new RegExp(String.raw`^DELETE\s+FROM\s+${NAME}`, 'i'),
  new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:TEMP|TEMPORARY)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i'),
];

/** The table a write statement writes, as SQL (the name as written: identifiers only), or `unsupported`. */
export function writeTarget(sql: string): string {
  const head = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  for (const re of TARGETS) {
    const m = re.exec(head);
    if (m) return m[1]!.replace(/\s*\.\s*/g, '.');
  }
  throw new FlightdeckError('unsupported', 'flighting runs writes of the form INSERT INTO t, UPDATE t, DELETE FROM t or CREATE TABLE t [AS …] (no leading WITH)');
}

/** Run one write statement on a scratch copy of `snapshotPath` and summarise the table it wrote; the snapshot is never opened for writing. */
export async function executeWriteOnScratch(snapshotPath: string, sql: string, options: ScratchWriteOptions = {}): Promise<ExecuteResult> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  let target: string;
  try {
    target = writeTarget(sql);
  } catch (err) {
    return failureOf(err, false, timeoutMs, sql, performance.now() - t0);
  }
  if (!existsSync(snapshotPath)) throw new FlightdeckError('not-found', `snapshot not found: ${snapshotPath}`, { location: { file: snapshotPath } });
  const dir = options.scratchDir ?? mkdtempSync(join(tmpdir(), 'fd-scratch-'));
  const scratch = join(dir, 'scratch.duckdb');
  let sandbox: Awaited<ReturnType<typeof openSandbox>> | undefined;
  try {
    copyFileSync(snapshotPath, scratch);
    if (existsSync(`${snapshotPath}.wal`)) copyFileSync(`${snapshotPath}.wal`, `${scratch}.wal`);
    sandbox = await openSandbox(duckdb, scratch, options.settings ?? [], '@duckdb/node-api', { writable: true });
    const connection = sandbox.connection;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, timeoutMs);
    try {
      const prepared = await prepareOneStatement(connection, sql, WRITE_TYPES, 'INSERT, UPDATE, DELETE or CREATE TABLE');
      let latencyMs: number;
      try {
        const t = performance.now();
        await prepared.run();
        latencyMs = performance.now() - t;
      } finally {
        prepared.destroySync();
      }
      const result = await summariseTable(connection, target, options.maxRows ?? 0);
      return { ok: true, latencyMs, result };
    } catch (err) {
      return failureOf(err, timedOut, timeoutMs, sql, performance.now() - t0);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    sandbox?.connection.closeSync();
    sandbox?.instance.closeSync();
    if (options.scratchDir === undefined) rmSync(dir, { recursive: true, force: true });
    else for (const p of [scratch, `${scratch}.wal`, `${scratch}.tmp`]) rmSync(p, { recursive: true, force: true });
  }
}
