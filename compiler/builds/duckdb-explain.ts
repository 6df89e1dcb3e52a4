/**
 * DuckDB as the optimizer under test, in-process: open the catalog database
 * read-only with one DuckDB package, apply settings, and compile with
 * `EXPLAIN (FORMAT JSON)`. duckdb-server.ts wraps this in a build process
 * (one process per DuckDB version); benchmarks call it directly as the peer
 * of the harness. Load only ONE DuckDB package per process.
 */
import { existsSync } from 'node:fs';
import type * as DuckdbApi from '@duckdb/node-api';
import { FlightdeckError, type ErrorCode } from '../errors.ts';
import type { CompileResult } from './build.ts';
import { convertDuckdbExplain } from './duckdb-plan.ts';

export interface DuckdbExplainer {
  /** `v1.3.2`, as the engine reports it */
  readonly engineVersion: string;
  /** the raw text DuckDB returns for `EXPLAIN (FORMAT JSON) <sql>` */
  explainJson(sql: string): Promise<string>;
  /** explain and normalise: the plan at the three levels, or a located error */
  compile(sql: string): Promise<CompileResult>;
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
  let instance: DuckdbApi.DuckDBInstance;
  try {
    instance = await api.DuckDBInstance.create(catalogPath, { access_mode: 'READ_ONLY' });
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot open ${catalogPath} read-only with ${packageName}: ${(err as Error).message}`, { cause: err });
  }
  const connection = await instance.connect();
  for (const [name, value] of settings) {
    try {
      await connection.run(`SET ${name} = '${value.replace(/'/g, "''")}'`);
    } catch (err) {
      throw new FlightdeckError('build-error', `cannot apply setting ${name}=${value}: ${firstLine((err as Error).message)}`, { cause: err });
    }
  }
  const versionRows = (await connection.runAndReadAll('select version()')).getRows();
  const engineVersion = String(versionRows[0]?.[0] ?? '');

  const explainJson = async (sql: string): Promise<string> => {
    if (hasSecondStatement(sql)) {
      // never let a trailing statement run: EXPLAIN covers only the first, DuckDB would execute the rest
      throw new FlightdeckError('unsupported', 'the text holds more than one SQL statement; a build compiles one query at a time');
    }
    const reader = await connection.runAndReadAll(EXPLAIN_PREFIX + sql);
    const columns = reader.columnNames();
    const valueAt = columns.indexOf('explain_value');
    const rows = reader.getRows();
    if (valueAt < 0 || rows.length !== 1) {
      throw new FlightdeckError('unsupported', 'expected one EXPLAIN result: is this more than one statement, or not a query?');
    }
    return String(rows[0]![valueAt]);
  };

  return {
    engineVersion,
    explainJson,
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
  [/^(Conversion|Invalid Input|Type) Error/i, 'type-error'],
];

/**
 * A DuckDB error message → protocol error: a mapped code, the message without
 * its `LINE n:` excerpt, and the 1-based line/column in `sql` that the caret
 * points at (DuckDB's excerpt may be cut and start or end with `...`).
 */
export function duckdbErrorToProtocol(message: string, sql: string): { code: string; message: string; line?: number; column?: number } {
  const code = ERROR_CODES.find(([re]) => re.test(message))?.[1] ?? 'build-error';
  const m = /\n?\n?LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  const text = (m ? message.slice(0, m.index) + message.slice(m.index + m[0].length) : message).trim();
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

/**
 * Whether anything but blanks, comments and semicolons follows the first
 * top-level `;` (outside strings, quoted identifiers, dollar quotes and comments).
 */
export function hasSecondStatement(sql: string): boolean {
  const first = sql.indexOf(';');
  // the usual case: no `;`, or only blanks and `;` after the first one (a quote opened before it could not close)
  if (first < 0 || /^[\s;]*$/.test(sql.slice(first + 1))) return false;
  let i = 0;
  const n = sql.length;
  let seenEnd = false;
  while (i < n) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ';') {
      seenEnd = true;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (seenEnd) {
      return true;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < n; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      i = j + 1;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return false;
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '') ?? s;
}
