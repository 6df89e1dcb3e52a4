/**
 * A TPC-H data generator in DuckDB SQL (DuckDB's tpch extension is not
 * available offline): `generateTpch({ scale, outDir })` writes
 * `outDir/tpch.duckdb` and the 22 queries as `outDir/queries/q01.sql … q22.sql`.
 * The data follows the specification's sizes, key ranges, distributions and
 * correlations (see table-sql.ts) and is a pure function of (scale, seed).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import { TPCH_QUERIES_DIR, tpchQueryFiles } from './queries.ts';
import { TPCH_DDL, TPCH_PRIMARY_KEYS, TPCH_TABLES, type TpchTable } from './schema.ts';
import {
  customerSql, lineitemSql, macroSql, nationSql, ordersBaseSql, ordersSql, partSql, partsuppSql, regionSql,
  supplierSql, textPoolSql, type TpchSizes,
} from './table-sql.ts';

export interface GenerateTpchOptions {
  /** scale factor: 1 = 6M lineitem rows; at least 0.01 */
  readonly scale: number;
  readonly outDir: string;
  /** the same seed gives the same data, byte for byte in every column (default 1) */
  readonly seed?: number;
  /** called once per table as soon as it is complete, in TPCH_TABLES order (8 calls) */
  readonly onProgress?: (table: string) => void;
}

export interface GenerateTpchResult {
  readonly dbPath: string;
  readonly queriesDir: string;
  /** row count per table */
  readonly tables: Record<string, number>;
}

/** Table sizes for a scale factor (specification 4.2.5). */
export function tpchSizes(scale: number): TpchSizes {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new FlightdeckError('usage-error', `TPC-H scale factor must be a positive number, got ${scale}`);
  }
  const sizes: TpchSizes = {
    suppliers: Math.round(scale * 10_000),
    parts: Math.round(scale * 200_000),
    customers: Math.round(scale * 150_000),
    orders: Math.round(scale * 1_500_000),
    clerks: Math.max(1, Math.round(scale * 1_000)),
    specialSuppliers: Math.max(1, Math.round(scale * 5)),
  };
  const clash = partsuppClash(sizes);
  if (sizes.suppliers < 10 || clash !== undefined) {
    throw new FlightdeckError(
      'usage-error',
      `TPC-H scale factor ${scale} is too small: the specification's PS_SUPPKEY formula gives a part the same supplier twice ` +
        `with ${sizes.suppliers} suppliers${clash === undefined ? '' : ` (part ${clash})`}; use a scale of at least 0.01`,
    );
  }
  return sizes;
}

/** A part key whose four PS_SUPPKEY values are not distinct, if any. */
function partsuppClash(sizes: TpchSizes): number | undefined {
  const s = sizes.suppliers;
  if (s < 4) return 1;
  const maxBlock = Math.floor((sizes.parts - 1) / s);
  for (let block = 0; block <= maxBlock; block++) {
    const step = Math.floor(s / 4) + block;
    for (let d = 1; d <= 3; d++) if ((d * step) % s === 0) return block * s + 1;
  }
  return undefined;
}

export async function generateTpch(options: GenerateTpchOptions): Promise<GenerateTpchResult> {
  const sizes = tpchSizes(options.scale);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new FlightdeckError('usage-error', `TPC-H seed must be an integer, got ${seed}`);
  const outDir = resolve(options.outDir);
  const dbPath = join(outDir, 'tpch.duckdb');
  const tmpPath = join(outDir, 'tpch.duckdb.tmp');
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot create output folder ${outDir}: ${(err as Error).message}`, { cause: err });
  }
  removeDatabase(tmpPath);

  const db = await openDatabase(tmpPath);
  let tables: Record<string, number>;
  try {
    await fillDatabase(db, sizes, seed, options.onProgress);
    tables = await countRows(db);
  } catch (err) {
    db.close();
    removeDatabase(tmpPath);
    if (err instanceof FlightdeckError) throw err;
    throw new FlightdeckError('io-error', `generating TPC-H (scale ${options.scale}) into ${dbPath} failed: ${(err as Error).message}`, {
      location: { file: dbPath },
      cause: err,
    });
  }
  db.close();
  const queriesDir = join(outDir, 'queries');
  try {
    removeDatabase(dbPath);
    renameSync(tmpPath, dbPath);
    mkdirSync(queriesDir, { recursive: true });
    for (const name of tpchQueryFiles()) copyFileSync(join(TPCH_QUERIES_DIR, name), join(queriesDir, name));
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot write ${dbPath} and its queries: ${(err as Error).message}`, { location: { file: dbPath }, cause: err });
  }
  return { dbPath, queriesDir, tables };
}

/** One table: the statements that fill it (steps run in TPCH_TABLES order). */
type Step = { readonly table: TpchTable; readonly sql: string[] };

async function fillDatabase(db: Database, sizes: TpchSizes, seed: number, onProgress?: (table: string) => void): Promise<void> {
  for (const sql of macroSql(seed)) await db.run(sql);
  await db.run(textPoolSql());
  const steps: Step[] = [
    { table: 'region', sql: [regionSql()] },
    { table: 'nation', sql: [nationSql()] },
    { table: 'supplier', sql: [supplierSql(sizes)] },
    { table: 'part', sql: [partSql(sizes)] },
    { table: 'partsupp', sql: [partsuppSql(sizes)] },
    { table: 'customer', sql: [customerSql(sizes)] },
    { table: 'lineitem', sql: [ordersBaseSql(sizes), lineitemSql(sizes)] },
    { table: 'orders', sql: [ordersSql(), 'DROP TABLE orders_base', 'DROP TABLE text_pool'] },
  ];
  for (const step of steps) {
    await db.run(TPCH_DDL[step.table]);
    for (const sql of step.sql) await db.run(sql);
    await db.run(`ALTER TABLE ${step.table} ADD PRIMARY KEY (${TPCH_PRIMARY_KEYS[step.table].join(', ')})`);
    onProgress?.(step.table);
  }
  await db.run('CHECKPOINT');
}

async function countRows(db: Database): Promise<Record<string, number>> {
  const sql = TPCH_TABLES.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(' UNION ALL ');
  const rows = await db.all(sql);
  const counts: Record<string, number> = {};
  for (const t of TPCH_TABLES) counts[t] = Number(rows.find((r) => r.t === t)!.n);
  return counts;
}

function removeDatabase(path: string): void {
  for (const p of [path, `${path}.wal`]) if (existsSync(p)) rmSync(p, { force: true });
}
