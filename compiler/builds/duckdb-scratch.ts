/**
 * Writes are shadowed: a template that writes (INSERT, UPDATE, DELETE,
 * CREATE TABLE [AS]) never touches the snapshot. It runs on a scratch COPY
 * of the snapshot file, opened in the sandbox's writable variant
 * (duckdb-sandbox.ts `{ writable: true }`: still no file, network or
 * extension access, no spilling, locked configuration, the build's own
 * settings), as exactly one prepared statement of a write type; then
 * `result` summarises the written table like a query result
 * (`SELECT * FROM <target>`, duckdb-summary.ts) and `time` answers the
 * write's EXPLAIN ANALYZE profile. The copy is deleted, whatever happened.
 *
 * The target table is read from the statement's head (`INSERT INTO t`,
 * `UPDATE t`, `DELETE FROM t`, `CREATE TABLE t`): DuckDB's own prepare
 * decides that the text is one write statement, and the name read here only
 * chooses what to summarise, never what may run. A write with a leading
 * `WITH` is `unsupported` (its target is not at the head).
 *
 * Package-agnostic like duckdb-explain.ts: the DuckDB build process runs it
 * with its own version (`execute` with `write: true`), and
 * flighting/execute/scratch.ts with the default package in-process.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DuckdbApi from '@duckdb/node-api';
import { FlightdeckError } from '../errors.ts';
import { DEFAULT_EXECUTE_TIMEOUT_MS, failureOf, runProfiled } from './duckdb-execute.ts';
import { openSandbox, prepareOneStatement } from './duckdb-sandbox.ts';
import { summariseTable } from './duckdb-summary.ts';
import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';

export interface ScratchOptions {
  /** the build's settings (memory_limit, threads, …), as in its spec */
  readonly settings?: readonly (readonly [string, string])[];
  /** where the scratch copy goes (default: a fresh folder under the OS temp dir, removed afterwards) */
  readonly scratchDir?: string;
}

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

/**
 * Run one write statement on a scratch copy of `snapshotPath` with `api` (one DuckDB package; `label`
 * names it in messages); the snapshot itself is only ever read (copied).
 */
export async function executeWriteOnCopy(
  api: typeof DuckdbApi,
  label: string,
  snapshotPath: string,
  sql: string,
  options: ExecuteOptions,
  scratch: ScratchOptions = {},
): Promise<ExecuteResult> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
  let target: string;
  try {
    target = writeTarget(sql);
  } catch (err) {
    return failureOf(err, false, timeoutMs, sql, performance.now() - t0);
  }
  if (!existsSync(snapshotPath)) throw new FlightdeckError('not-found', `snapshot not found: ${snapshotPath}`, { location: { file: snapshotPath } });
  const dir = scratch.scratchDir ?? mkdtempSync(join(tmpdir(), 'fd-scratch-'));
  const copy = join(dir, `scratch-${process.pid}.duckdb`);
  let sandbox: Awaited<ReturnType<typeof openSandbox>> | undefined;
  try {
    copyFileSync(snapshotPath, copy);
    if (existsSync(`${snapshotPath}.wal`)) copyFileSync(`${snapshotPath}.wal`, `${copy}.wal`);
    sandbox = await openSandbox(api, copy, scratch.settings ?? [], label, { writable: true });
    const connection = sandbox.connection;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, timeoutMs);
    const T = api.StatementType;
    try {
      const prepared = await prepareOneStatement(connection, sql, [T.INSERT, T.UPDATE, T.DELETE, T.CREATE], 'INSERT, UPDATE, DELETE or CREATE TABLE');
      if (options.mode === 'time') {
        prepared.destroySync();
        return await runProfiled(connection, T.EXPLAIN, sql);
      }
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
    if (scratch.scratchDir === undefined) rmSync(dir, { recursive: true, force: true });
    else for (const p of [copy, `${copy}.wal`, `${copy}.tmp`]) rmSync(p, { recursive: true, force: true });
  }
}
