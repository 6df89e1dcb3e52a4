/**
 * The sample query workloads over the TPC-H schema: `tpch` (the 22 queries
 * of the specification, corpus/tpch/queries/) and `analytics` (our own
 * analytic questions, corpus/workloads/analytics/, one query per file,
 * covering CTEs, window functions, correlated subqueries, outer joins, set
 * operations and wide comma joins).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlightdeckError } from '../../compiler/errors.ts';
import { TPCH_QUERIES_DIR } from '../tpch/queries.ts';

export type WorkloadName = 'tpch' | 'analytics';

export interface WorkloadQuery {
  /** the file name without `.sql`, e.g. `q01` or `a01-revenue-by-region-year` */
  readonly name: string;
  /** absolute path of the .sql file */
  readonly path: string;
  readonly sql: string;
}

export const WORKLOAD_NAMES: readonly WorkloadName[] = ['tpch', 'analytics'];

const ANALYTICS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'analytics');

const DIRS: Readonly<Record<WorkloadName, string>> = { tpch: TPCH_QUERIES_DIR, analytics: ANALYTICS_DIR };

/** The queries of a sample workload, sorted by name. */
export function listWorkloadQueries(name: WorkloadName): WorkloadQuery[] {
  const dir = DIRS[name];
  if (!dir) {
    throw new FlightdeckError('not-found', `no sample workload '${String(name)}'; available: ${WORKLOAD_NAMES.join(', ')}`);
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .toSorted()
    .map((f) => {
      const path = join(dir, f);
      return { name: basename(f, '.sql'), path, sql: readFileSync(path, 'utf8') };
    });
}
