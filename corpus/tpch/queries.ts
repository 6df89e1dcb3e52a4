/**
 * Where the 22 TPC-H queries live (corpus/tpch/queries/q01.sql … q22.sql,
 * the source of truth): the specification's section 2.4 text with the
 * validation substitution parameters, in PostgreSQL syntax that
 * node-sql-parser and DuckDB both accept.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TPCH_QUERIES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'queries');

/** q01.sql … q22.sql, sorted. */
export function tpchQueryFiles(): string[] {
  return readdirSync(TPCH_QUERIES_DIR)
    .filter((n) => /^q\d\d\.sql$/.test(n))
    .toSorted();
}
