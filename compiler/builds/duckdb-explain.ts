/**
 * DuckDB as the optimizer under test, in-process: open the catalog database
 * in the sandbox (duckdb-sandbox.ts: read-only, no external access, no
 * extension autoloading, build settings applied, then the configuration
 * locked) with one DuckDB package, and compile with `EXPLAIN (FORMAT JSON)`
 * prepared as exactly one statement. duckdb-server.ts wraps this in a build
 * process (one process per DuckDB version); benchmarks call it directly.
 * Load only ONE DuckDB package per process.
 */
import { existsSync } from 'node:fs';
import type * as DuckdbApi from '@duckdb/node-api';
import { FlightdeckError, type ErrorCode } from '../errors.ts';
import type { CompileResult } from './build.ts';
import { convertDuckdbExplain } from './duckdb-plan.ts';
import { openSandbox, prepareOneStatement } from './duckdb-sandbox.ts';

export interface DuckdbExplainer {
  /** `v1.3.2`, as the engine reports it */
  readonly engineVersion: string;
  /** the raw text DuckDB returns for `EXPLAIN (FORMAT JSON) <sql>` */
  explainJson(sql: string): Promise<string>;
  /** explain and normalise: the plan at the three levels, or a located error */
  compile(sql: string): Promise<CompileResult>;
  /** the connection workload SQL runs on (tests check its sandbox; duckdb-execute.ts executes on it) */
  readonly connection: DuckdbApi.DuckDBConnection;
  /** the DuckDB package this explainer loaded (scratch copies for writes open with it too) */
  readonly api: typeof DuckdbApi;
  /** this package's statement types, for checking what a prepared statement is */
  readonly statementTypes: { readonly SELECT: DuckdbApi.StatementType; readonly CREATE: DuckdbApi.StatementType; readonly EXPLAIN: DuckdbApi.StatementType };
  close(): void;
}

/** Put on its own line so DuckDB's `LINE n:` positions are the query's lines, shifted by one. */
const EXPLAIN_PREFIX = 'EXPLAIN (FORMAT JSON)\n';

export async function openDuckdbExplainer(
  packageName: string,
  catalogPath: string,
  settings: readonly (readonly [string, string])[] = [],
): Promise<DuckdbExplainer> {
  const api = await loadDuckdbPackage(packageName);
  if (!existsSync(catalogPath)) throw new FlightdeckError('not-found', `catalog database not found: ${catalogPath}`, { location: { file: catalogPath } });
  const { instance, connection } = await openSandbox(api, catalogPath, settings, packageName);
  const versionRows = (await connection.runAndReadAll('select version()')).getRows();
  const engineVersion = String(versionRows[0]?.[0] ?? '');
  const EXPLAIN = api.StatementType.EXPLAIN;

  const explainJson = async (sql: string): Promise<string> => {
    // one statement, prepared (DuckDB refuses a second one), checked to be the EXPLAIN, then run:
    // EXPLAIN plans the query and never executes it
    const prepared = await prepareOneStatement(connection, EXPLAIN_PREFIX + sql, EXPLAIN, 'EXPLAIN');
    try {
      const result = await prepared.run();
      const valueAt = result.columnNames().indexOf('explain_value');
      if (valueAt < 0 || result.rowCount !== 1 || result.chunkCount < 1) {
        throw new FlightdeckError('unsupported', 'expected one EXPLAIN result: is this a query?');
      }
      return String(result.getChunk(0).getColumnVector(valueAt).getItem(0));
    } finally {
      // at once: deferring it (setImmediate, after the answer is written) measured slower,
      // the freeing then competes with the host for the CPU while it reads the answer
      prepared.destroySync();
    }
  };

  return {
    engineVersion,
    explainJson,
    connection,
    api,
    statementTypes: { SELECT: api.StatementType.SELECT, CREATE: api.StatementType.CREATE, EXPLAIN },
    async compile(sql) {
      const t0 = performance.now();
      let text: string;
      try {
        text = await explainJson(sql);
      } catch (err) {
        const error = err instanceof FlightdeckError ? { code: err.code, message: err.message } : duckdbErrorToProtocol(String((err as Error)?.message ?? err), sql);
        return { ok: false, status: 'error', error, timingMs: performance.now() - t0 };
      }
      const timingMs = performance.now() - t0;
      const plan = convertDuckdbExplain(text);
      return {
        ok: true,
        plan: { simplified: plan.simplified, explain: plan.explain, json: plan.json },
        cost: plan.cost,
        rows: plan.rows,
        rulesFired: [],
        timingMs,
      };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function loadDuckdbPackage(packageName: string): Promise<typeof DuckdbApi> {
  let mod: unknown;
  try {
    mod = await import(packageName);
  } catch (err) {
    throw new FlightdeckError('environment-error', `cannot load DuckDB package '${packageName}': ${(err as Error).message} (run npm install)`, { cause: err });
  }
  const m = mod as typeof DuckdbApi & { default?: typeof DuckdbApi };
  return m.DuckDBInstance ? m : m.default!;
}

const ERROR_CODES: readonly [RegExp, ErrorCode][] = [
  [/^Parser Error/i, 'parse-error'],
  [/^Binder Error: Referenced column .* not found/i, 'unknown-column'],
  [/^Binder Error: .*ambiguous/i, 'ambiguous-column'],
  [/^Binder Error/i, 'bind-error'],
  [/^Catalog Error: Table with name .* does not exist/i, 'unknown-table'],
  [/^Catalog Error/i, 'catalog-error'],
  [/^Not implemented Error/i, 'unsupported'],
  // the sandbox said no: a file, the network, an extension, or a write to the read-only catalog
  [/^Permission Error/i, 'unsupported'],
  [/^Invalid Input Error: .*read-only mode/i, 'unsupported'],
  [/^(Conversion|Invalid Input|Type) Error/i, 'type-error'],
];

/** Say so when the sandbox, not the query, is why DuckDB refused. */
function sandboxReason(message: string): string {
  if (/^Permission Error/i.test(message)) return 'refused by the sandbox (no file, network or extension access): ';
  if (/^Invalid Input Error: .*read-only mode/i.test(message)) return 'refused by the sandbox (the catalog is read-only; only queries are compiled): ';
  return '';
}

/**
 * A DuckDB error message → protocol error: a mapped code, the message without
 * its `LINE n:` excerpt, and the 1-based line/column in `sql` that the caret
 * points at (DuckDB's excerpt may be cut and start or end with `...`).
 */
export function duckdbErrorToProtocol(message: string, sql: string): { code: string; message: string; line?: number; column?: number } {
  const code = ERROR_CODES.find(([re]) => re.test(message))?.[1] ?? 'build-error';
  const m = /\n?\n?LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  const text = sandboxReason(message) + (m ? message.slice(0, m.index) + message.slice(m.index + m[0].length) : message).trim();
  if (!m) return { code, message: text };
  const explainLine = Number(m[1]);
  const line = explainLine - EXPLAIN_PREFIX.split('\n').length + 1;
  const sqlLines = sql.split('\n');
  if (line < 1 || line > sqlLines.length) return { code, message: text };
  const shown = m[2]!;
  const caret = m[3]!.length - `LINE ${m[1]}: `.length;
  let column: number | undefined;
  if (!shown.startsWith('...')) {
    column = caret + 1;
  } else {
    const body = shown.slice(3).replace(/\.\.\.$/, '');
    const at = sqlLines[line - 1]!.indexOf(body);
    if (at >= 0) column = at + (caret - 3) + 1;
  }
  return { code, message: text, line, ...(column !== undefined && column >= 1 ? { column } : {}) };
}
