/**
 * The DuckDB versions flightdeck ships, each an npm package of the node API
 * (a second version is installed under an npm alias). Newest first: plain
 * `duckdb` means the first. Two versions cannot share a process — the second
 * load silently runs on the first's engine — so each runs in its own
 * duckdb-server.ts process.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DuckdbVersion {
  /** engine version, as `select version()` reports it without the `v` */
  readonly version: string;
  /** the npm package (or alias) that provides it */
  readonly packageName: string;
}

export const DUCKDB_VERSIONS: readonly DuckdbVersion[] = [
  { version: '1.5.6', packageName: '@duckdb/node-api' },
  { version: '1.3.2', packageName: 'duckdb-old' },
];

/** `1.3.2` or `v1.3.2` → the shipped version, or undefined. */
export function findDuckdbVersion(text: string): DuckdbVersion | undefined {
  const v = text.trim().replace(/^v/i, '');
  return DUCKDB_VERSIONS.find((x) => x.version === v);
}

/** The flightdeck checkout this code runs from (compiled, it runs from <checkout>/dist). */
export const FLIGHTDECK_ROOT = ((here: string) => (import.meta.url.endsWith('.js') && basename(here) === 'dist' ? dirname(here) : here))(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
);

/** The installed package's own name and version (from its package.json; an alias names the real package), or undefined. */
export function installedPackage(packageName: string): { name: string; version: string } | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(FLIGHTDECK_ROOT, 'node_modules', packageName, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return typeof pkg.version === 'string' ? { name: typeof pkg.name === 'string' ? pkg.name : packageName, version: pkg.version } : undefined;
  } catch {
    return undefined;
  }
}
