/**
 * The sandbox every DuckDB connection that sees workload SQL runs in. A log
 * line is untrusted input, so no single check is the last line:
 *
 * 1. the catalog opens READ_ONLY, with `enable_external_access = false` (no
 *    file, network, ATTACH, COPY, EXPORT or extension access) and no
 *    autoloading or autoinstalling of extensions, all set before any SQL runs;
 *    `max_temp_directory_size = 0` then keeps executed queries from spilling
 *    into a `<catalog>.tmp` folder (over `memory_limit` is an out-of-memory
 *    error instead). Flighting's scratch copies (flighting/execute/scratch.ts)
 *    open READ_WRITE, everything else the same (`openSandbox(..., {writable})`);
 * 2. the build's own settings (`duckdb@1.5.6?disabled_optimizers=...`) are
 *    applied next, none of them may touch the sandbox (refused with a usage
 *    error when the spec is parsed, and again here);
 * 3. `lock_configuration = true`: from then on no `SET`/`RESET` works, and the
 *    sandbox settings are read back and checked before the build says hello;
 * 4. a query runs as ONE prepared statement (`prepareOneStatement`): DuckDB's
 *    own parser counts the statements and refuses a text with more than one
 *    before anything is planned, and the prepared statement's type is checked
 *    before it runs.
 *
 * Works with each shipped DuckDB package (they share the node-api surface);
 * the package is passed in, because one process loads only one of them.
 */
import type * as DuckdbApi from '@duckdb/node-api';
import { FlightdeckError } from '../errors.ts';

type Api = typeof DuckdbApi;

/** Set when the database opens, before any SQL runs. */
export const SANDBOX_CONFIG: Readonly<Record<string, string>> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoload_known_extensions: 'false',
  autoinstall_known_extensions: 'false',
};

/** Set with `SET` right after opening, before the build's settings (no spilling to disk). */
const SANDBOX_SET: readonly (readonly [string, string])[] = [['max_temp_directory_size', '0KB']];

/** What `current_setting(name)` must say once the sandbox is locked (access_mode first). */
const EXPECTED: readonly (readonly [string, string])[] = [
  ['access_mode', 'read_only'],
  ['max_temp_directory_size', '0 bytes'],
  ['enable_external_access', 'false'],
  ['autoload_known_extensions', 'false'],
  ['autoinstall_known_extensions', 'false'],
  ['lock_configuration', 'true'],
];

/** Settings a build spec may not change: they are the sandbox, or open a way out of it. */
const REFUSED_EXACT = new Set([
  ...Object.keys(SANDBOX_CONFIG),
  'lock_configuration',
  'max_temp_directory_size',
  'allowed_directories',
  'allowed_paths',
  'file_search_path',
  'temp_directory',
  'home_directory',
  'secret_directory',
  'allow_persistent_secrets',
  'allow_unsigned_extensions',
  'allow_community_extensions',
  'allow_extensions_metadata_mismatch',
]);
// profiling and logging settings write files (DuckDB 1.3.2's profiler writes `profiling_output` even without external access)
const REFUSED_PATTERN = /extension|external|secret|director|^allowed_|^http|proxy|^s3_|azure|^gcs_|^hf_|^ca_cert|^enable_server_cert|profil|^log_|_log$|logging|output|_path$|_file$/;

/** Why a build setting is refused, or undefined when it may be applied. */
export function refusedSetting(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  if (REFUSED_EXACT.has(n) || REFUSED_PATTERN.test(n)) {
    return `'${name}' governs the sandbox workload SQL runs in (read-only catalog, no file, network or extension access, locked configuration) and cannot be set by a build spec`;
  }
  return undefined;
}

/** Throws `usage-error` for the first build setting that would weaken the sandbox. */
export function checkBuildSettings(settings: readonly (readonly [string, string])[]): void {
  for (const [name] of settings) {
    const why = refusedSetting(name);
    if (why) throw new FlightdeckError('usage-error', why);
  }
}

export interface Sandbox {
  readonly instance: DuckdbApi.DuckDBInstance;
  readonly connection: DuckdbApi.DuckDBConnection;
}

/**
 * Open `catalogPath` in the sandbox with `api` (one DuckDB package), apply the
 * build's settings, lock the configuration and check that the lock holds.
 * `label` names the package in messages.
 */
export async function openSandbox(
  api: Api,
  catalogPath: string,
  settings: readonly (readonly [string, string])[],
  label: string,
  options: { readonly writable?: boolean } = {},
): Promise<Sandbox> {
  checkBuildSettings(settings);
  const accessMode = options.writable ? 'READ_WRITE' : 'READ_ONLY';
  let instance: DuckdbApi.DuckDBInstance;
  try {
    instance = await api.DuckDBInstance.create(catalogPath, { ...SANDBOX_CONFIG, access_mode: accessMode });
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot open ${catalogPath} ${accessMode.toLowerCase().replace('_', '-')} with ${label}: ${firstLine(err)}`, { location: { file: catalogPath }, cause: err });
  }
  const connection = await instance.connect();
  try {
    for (const [name, value] of SANDBOX_SET) await connection.run(`SET ${name} = '${value}'`);
    for (const [name, value] of settings) {
      try {
        await connection.run(`SET ${quoteIdentifier(name)} = '${value.replace(/'/g, "''")}'`);
      } catch (err) {
        throw new FlightdeckError('build-error', `cannot apply setting ${name}=${value}: ${firstLine(err)}`, { cause: err });
      }
    }
    await connection.run('SET lock_configuration = true');
    await checkSandbox(connection, accessMode.toLowerCase());
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  return { instance, connection };
}

/** Read the sandbox settings back; a build that is not sandboxed does not start. */
export async function checkSandbox(connection: DuckdbApi.DuckDBConnection, accessMode = 'read_only'): Promise<void> {
  const expected = EXPECTED.map(([name, want]) => [name, name === 'access_mode' ? accessMode : want] as const);
  const reader = await connection.runAndReadAll(`SELECT ${expected.map(([name]) => `current_setting('${name}')::VARCHAR`).join(', ')}`);
  const row = reader.getRows()[0] ?? [];
  const wrong = expected.flatMap(([name, want], i) => (String(row[i]).toLowerCase() !== want ? [`${name}=${String(row[i])}`] : []));
  if (wrong.length > 0) throw new FlightdeckError('build-error', `the DuckDB sandbox is not in force (${wrong.join(', ')}); refusing to run workload SQL`);
}

/**
 * Prepare `sql` as exactly one statement of type `type` (or one of `type`), without running it.
 * DuckDB parses the whole text and refuses more than one statement ("Cannot
 * prepare multiple statements at once!") before planning anything; no
 * statement of the text is executed here. The caller runs the result and
 * must `destroySync()` it.
 */
export async function prepareOneStatement(
  connection: DuckdbApi.DuckDBConnection,
  sql: string,
  type: DuckdbApi.StatementType | readonly DuckdbApi.StatementType[],
  typeName: string,
): Promise<DuckdbApi.DuckDBPreparedStatement> {
  let prepared: DuckdbApi.DuckDBPreparedStatement;
  try {
    prepared = await connection.prepare(sql);
  } catch (err) {
    if (/Cannot prepare multiple statements at once/i.test(String((err as Error)?.message))) {
      throw new FlightdeckError('unsupported', 'the text holds more than one SQL statement; a build compiles one query at a time, and nothing of it was run');
    }
    throw err;
  }
  if (Array.isArray(type) ? !type.includes(prepared.statementType) : prepared.statementType !== type) {
    prepared.destroySync();
    throw new FlightdeckError('unsupported', `expected one ${typeName} statement, DuckDB read statement type ${String(prepared.statementType)}; nothing was run`);
  }
  return prepared;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function firstLine(err: unknown): string {
  const s = String((err as Error)?.message ?? err);
  return s.split('\n').find((l) => l.trim() !== '') ?? s;
}
