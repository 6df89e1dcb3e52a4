/**
 * The same run on PostgreSQL, for the dashboard benchmarks: a fresh database
 * on the machine's server (`flightdeck_bench_<random>`, dropped by `drop()`)
 * and a copy of one run of a DuckDB store into it — its workload and
 * templates, the run, its outcomes with their diffs, and its clusters —
 * written through the Store API, as a playback on PostgreSQL would write
 * them. Outcomes are read and written in pages, so 100,000 of them with
 * their plans never sit in memory at once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { decodeRow, DIFFS, OUTCOMES } from '../../store/columns.ts';
import type { Store } from '../../store/store.ts';

export const PG_SERVER = (process.env.FLIGHTDECK_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres`, connectionTimeoutMillis: 5_000 });
  await client.connect().catch((err: Error) => {
    throw new Error(`no PostgreSQL server at ${PG_SERVER} (${err.message}): start one (trust auth for user postgres) or set FLIGHTDECK_BENCH_PG`);
  });
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** a new, empty database; `drop()` removes it (forcing out connections left open) */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `flightdeck_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return { url: `${PG_SERVER}/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Copy run `runId` (and its workload) from one store to another; returns what was copied and how long it took. */
export async function copyRun(from: Store, to: Store, runId: string, page = 2_000): Promise<{ outcomes: number; diffs: number; seconds: number }> {
  const t = performance.now();
  const run = await from.getRun(runId);
  if (!run) throw new Error(`no run ${runId} in ${from.path}`);
  const workload = await from.getWorkload(run.workload);
  if (!workload) throw new Error(`run ${runId} names workload '${run.workload}', which ${from.path} does not hold`);
  await to.saveWorkload(workload, await from.getTemplates(run.workload));
  await to.createRun({ id: run.id, kind: run.kind, workload: run.workload, catalog: run.catalog, baseSpec: run.baseSpec, headSpec: run.headSpec, baseDescription: run.baseDescription, headDescription: run.headDescription, queue: run.queue, total: run.total, options: run.options });
  let outcomes = 0;
  let diffs = 0;
  for (let offset = 0; ; offset += page) {
    const rows = await from.query(`SELECT * FROM outcomes WHERE run_id = ? ORDER BY fingerprint LIMIT ${page} OFFSET ${offset}`, [runId]);
    if (!rows.length) break;
    const batch = rows.map((r) => decodeRow(OUTCOMES, r));
    const first = batch[0]!.fingerprint;
    const last = batch.at(-1)!.fingerprint;
    const diffRows = await from.query('SELECT * FROM diffs WHERE run_id = ? AND fingerprint >= ? AND fingerprint <= ?', [runId, first, last]);
    await to.saveOutcomes(batch, diffRows.map((r) => decodeRow(DIFFS, r)));
    outcomes += batch.length;
    diffs += diffRows.length;
  }
  await to.saveClusters(runId, await from.getClusters(runId));
  await to.finishRun(runId, run.status === 'failed' ? 'failed' : 'done', run.error ?? undefined);
  return { outcomes, diffs, seconds: (performance.now() - t) / 1000 };
}
