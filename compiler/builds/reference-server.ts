/**
 * Build process for `reference[@ref][#profile]`: this repo's compiler, from
 * the tree this file lives in (the work tree, or a worktree at a commit).
 *
 *   node dist/compiler/builds/reference-server.js [--profile <spec>] [--cache-dir <dir>]
 *   node --import tsx compiler/builds/reference-server.ts [...]      (from the sources)
 *
 * `hello` loads the catalog (cached under --cache-dir) and checks the profile;
 * `compile` runs compileWithReference; `recost` estimates another reference
 * build's plan IR with this tree's cost model. Speaks protocol 1 (docs/build-protocol.md):
 * keep this file's command line stable, later commits are started with it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlightdeckError } from '../errors.ts';
import type { Catalog } from '../ir/catalog.ts';
import { FLIGHTDECK_ROOT } from './duckdb-versions.ts';
import { loadCatalog } from './load-catalog.ts';
import { checkProfile, compileWithReference, recostWithReference } from './reference-compile.ts';
import { serveProtocol } from './serve-protocol.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const profile = option('--profile') ?? 'default';
const cacheDir = option('--cache-dir');
const version = (JSON.parse(readFileSync(join(FLIGHTDECK_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
let catalog: Catalog | undefined;

serveProtocol({
  async hello(catalogPath) {
    checkProfile(profile);
    catalog = await loadCatalog(catalogPath, cacheDir ? { cacheDir } : {});
    return { name: 'flightdeck-reference', version: `${version} profile ${profile}` };
  },
  async compile(sql) {
    if (!catalog) throw new FlightdeckError('protocol-error', 'compile before hello');
    return compileWithReference(sql, catalog, { profile });
  },
  async recost(plan) {
    if (!catalog) throw new FlightdeckError('protocol-error', 'recost before hello');
    return recostWithReference(plan, catalog);
  },
  close() {},
});
