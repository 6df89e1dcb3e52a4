/**
 * Build process for `duckdb@<version>`: one DuckDB package per process.
 *
 *   node --import tsx compiler/builds/duckdb-server.ts <package> [<settings JSON>]
 *
 * `<settings JSON>` is an array of [name, value] pairs applied with `SET`
 * after the catalog opens in the sandbox (duckdb-sandbox.ts: read-only, no
 * external access, no extension autoloading) and before the configuration is
 * locked; a setting that governs the sandbox is refused. `hello` answers `{name: "duckdb",
 * version: "v1.3.2"}` from `select version()`, so the host can check that the
 * engine really is the version it asked for. `execute` runs a query on the
 * same sandboxed connection (duckdb-execute.ts): flighting opens the build
 * with the snapshot as its catalog. `execute` with `write: true` runs a
 * write on a scratch copy of the catalog instead (duckdb-scratch.ts).
 */
import { FlightdeckError } from '../errors.ts';
import { executeOnConnection } from './duckdb-execute.ts';
import { executeWriteOnCopy } from './duckdb-scratch.ts';
import { openDuckdbExplainer, type DuckdbExplainer } from './duckdb-explain.ts';
import { serveProtocol } from './serve-protocol.ts';

const [packageName, settingsJson] = process.argv.slice(2);
if (!packageName) {
  process.stderr.write('usage: duckdb-server.ts <package> [<settings JSON>]\n');
  process.exit(2);
}
const settings = settingsJson ? (JSON.parse(settingsJson) as [string, string][]) : [];
let explainer: DuckdbExplainer | undefined;
let catalog = '';

serveProtocol({
  async hello(catalogPath) {
    explainer?.close();
    explainer = await openDuckdbExplainer(packageName, catalogPath, settings);
    catalog = catalogPath;
    return { name: 'duckdb', version: explainer.engineVersion };
  },
  compile(sql) {
    if (!explainer) throw new FlightdeckError('protocol-error', 'compile before hello');
    return explainer.compile(sql);
  },
  execute(sql, options) {
    if (!explainer) throw new FlightdeckError('protocol-error', 'execute before hello');
    // a write never runs on the catalog: on a scratch copy, with this package and these settings
    if (options.write) return executeWriteOnCopy(explainer.api, packageName, catalog, sql, options, { settings });
    return executeOnConnection(explainer.connection, explainer.statementTypes, sql, options);
  },
  close() {
    explainer?.close();
  },
});
