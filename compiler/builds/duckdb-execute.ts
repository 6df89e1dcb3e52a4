/**
 * Executing one workload query on a sandboxed DuckDB connection (the build
 * process's, duckdb-sandbox.ts: read-only snapshot, no external access,
 * locked configuration, no spilling to disk), for flighting:
 *
 * - the text must prepare as exactly ONE statement of type SELECT (DuckDB
 *   types `WITH … SELECT`, `FROM t` and set operations as SELECT too);
 *   anything else is `unsupported` and nothing of it runs. Only after that
 *   is a wrapper built around the same text, itself prepared as one
 *   statement of the wrapper's type. A text that passed is remembered per
 *   connection (the same text always parses the same; flighting runs each
 *   template several times), so a repeat is planned once, not twice;
 * - `mode: 'result'`: `CREATE TEMP TABLE … AS <sql>` (temp tables live in
 *   memory, also on a read-only database), timing only that; then the
 *   summary in SQL (duckdb-summary.ts) and the temp table dropped;
 * - `mode: 'time'`: `EXPLAIN (ANALYZE, FORMAT JSON) <sql>`, the rows
 *   discarded inside DuckDB, the profile parsed (duckdb-profile.ts);
 * - over `timeoutMs` the connection is interrupted (`connection.interrupt()`):
 *   the query stops, the process lives on and answers `timeout`; DuckDB's
 *   out-of-memory error (over `memory_limit`, nothing may spill) is `resource`.
 */
import type * as DuckdbApi from '@duckdb/node-api';
import { FlightdeckError } from '../errors.ts';
import { duckdbErrorToProtocol } from './duckdb-explain.ts';
import { parseExplainAnalyze } from './duckdb-profile.ts';
import { prepareOneStatement } from './duckdb-sandbox.ts';
import { summariseTable } from './duckdb-summary.ts';
import type { ExecuteFailure, ExecuteFailureStatus, ExecuteOptions, ExecuteResult } from './execute-result.ts';

/** The temp table a `result` execution materializes into (dropped before the answer). */
const RESULT_TABLE = '"__flightdeck_result"';
export const DEFAULT_EXECUTE_TIMEOUT_MS = 10_000;

/** texts already prepared as exactly one SELECT, per connection (bounded) */
const CHECKED = new WeakMap<DuckdbApi.DuckDBConnection, Set<string>>();
const CHECKED_MAX = 4096;

async function checkOneSelect(connection: DuckdbApi.DuckDBConnection, types: StatementTypes, sql: string): Promise<void> {
  let checked = CHECKED.get(connection);
  if (checked?.has(sql)) return;
  const bare = await prepareOneStatement(connection, sql, types.SELECT, 'SELECT');
  bare.destroySync();
  if (!checked) CHECKED.set(connection, (checked = new Set()));
  if (checked.size >= CHECKED_MAX) checked.clear();
  checked.add(sql);
}

export interface StatementTypes {
  readonly SELECT: DuckdbApi.StatementType;
  readonly CREATE: DuckdbApi.StatementType;
  readonly EXPLAIN: DuckdbApi.StatementType;
}

/** Run `sql` as flighting does; never throws for anything the query does. */
export async function executeOnConnection(
  connection: DuckdbApi.DuckDBConnection,
  types: StatementTypes,
  sql: string,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    // the statement as it came, alone: one SELECT, or nothing runs
    await checkOneSelect(connection, types, sql);
    return options.mode === 'time' ? await runProfiled(connection, types.EXPLAIN, sql) : await runMaterialized(connection, types, sql, options.maxRows ?? 0);
  } catch (err) {
    return failureOf(err, timedOut, timeoutMs, sql, performance.now() - t0);
  } finally {
    clearTimeout(timer);
    if (options.mode !== 'time') await dropResult(connection);
  }
}

async function runMaterialized(connection: DuckdbApi.DuckDBConnection, types: StatementTypes, sql: string, maxRows: number): Promise<ExecuteResult> {
  await dropResult(connection);
  // the wrapper on a line of its own: the text after it is exactly the statement checked above
  const ctas = await prepareWrapped(connection, `CREATE TEMP TABLE ${RESULT_TABLE} AS\n${sql}`, types.CREATE, 'CREATE TABLE AS');
  let latencyMs: number;
  try {
    const t = performance.now();
    await ctas.run();
    latencyMs = performance.now() - t;
  } finally {
    ctas.destroySync();
  }
  const result = await summariseTable(connection, RESULT_TABLE, maxRows);
  return { ok: true, latencyMs, result };
}

/** `EXPLAIN (ANALYZE, FORMAT JSON) <sql>` (the text already checked), prepared as one EXPLAIN, run, its profile parsed. */
export async function runProfiled(connection: DuckdbApi.DuckDBConnection, explainType: DuckdbApi.StatementType, sql: string): Promise<ExecuteResult> {
  const explain = await prepareWrapped(connection, `EXPLAIN (ANALYZE, FORMAT JSON)\n${sql}`, explainType, 'EXPLAIN ANALYZE');
  let text: string;
  let wallMs: number;
  try {
    const t = performance.now();
    const result = await explain.run();
    wallMs = performance.now() - t;
    const at = result.columnNames().indexOf('explain_value');
    if (at < 0 || result.chunkCount < 1) throw new FlightdeckError('build-error', 'EXPLAIN ANALYZE gave no profile');
    text = String(result.getChunk(0).getColumnVector(at).getItem(0));
  } finally {
    explain.destroySync();
  }
  const profile = parseExplainAnalyze(text, wallMs);
  return { ok: true, latencyMs: profile.latencyMs, profile };
}

/**
 * Prepare the wrapper around a text already checked. DuckDB types DESCRIBE, SHOW, SUMMARIZE and
 * table-valued PRAGMAs as SELECT, but they do not parse (or bind) inside a wrapper: `unsupported`,
 * not a syntax error of the workload's query.
 */
async function prepareWrapped(
  connection: DuckdbApi.DuckDBConnection,
  text: string,
  type: DuckdbApi.StatementType,
  typeName: string,
): Promise<DuckdbApi.DuckDBPreparedStatement> {
  try {
    return await prepareOneStatement(connection, text, type, typeName);
  } catch (err) {
    // the bare text bound fine, so a parse or bind failure here is the wrapper's, not the query's
    if (/^(Parser|Binder) Error/i.test(String((err as Error)?.message))) {
      throw new FlightdeckError('unsupported', `DuckDB reads this statement as a query, but it cannot run as one (DESCRIBE, SHOW, SUMMARIZE, PRAGMA…); nothing was run`);
    }
    throw err;
  }
}

async function dropResult(connection: DuckdbApi.DuckDBConnection): Promise<void> {
  try {
    await connection.run(`DROP TABLE IF EXISTS temp.main.${RESULT_TABLE}`);
  } catch {
    // nothing to drop, or the connection is being interrupted: the next execution drops it first
  }
}

/** What went wrong → the contract's status and a coded error. */
export function failureOf(err: unknown, timedOut: boolean, timeoutMs: number, sql: string, latencyMs: number): ExecuteFailure {
  const message = String((err as Error)?.message ?? err);
  const fail = (status: ExecuteFailureStatus, code: string, text: string): ExecuteFailure => ({ ok: false, status, error: { code, message: text }, latencyMs });
  if (timedOut || /^INTERRUPT Error/i.test(message)) return fail('timeout', 'execute-timeout', `over the time limit of ${timeoutMs} ms; the query was interrupted`);
  if (/^Out of Memory Error/i.test(message)) return fail('resource', 'out-of-memory', `${message.split('\n')[0]} (over the build's memory_limit; nothing spills to disk in the sandbox)`);
  if (err instanceof FlightdeckError) return fail(err.code === 'unsupported' ? 'unsupported' : 'error', err.code, err.message);
  const mapped = duckdbErrorToProtocol(message, sql);
  // refused by the sandbox (a file, the network, a write): not a SELECT flighting runs
  return fail(mapped.code === 'unsupported' ? 'unsupported' : 'error', mapped.code, mapped.message);
}
