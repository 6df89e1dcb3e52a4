/**
 * A masking source: a DuckDB database (attached READ_ONLY as `src`) or a
 * folder of Parquet/CSV files (one table per file, read through
 * read_parquet/read_csv). Either way the source is never written.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import { lit, q } from './mask-sql.ts';
import type { SourceColumn } from './policy.ts';

export interface SourceTable {
  readonly name: string;
  /** a FROM-clause relation reading the table */
  readonly relation: string;
  readonly columns: readonly { readonly column: string; readonly type: string; readonly notNull: boolean }[];
  readonly primaryKey: readonly string[];
}

export interface Source {
  readonly path: string;
  readonly kind: 'duckdb' | 'folder';
  readonly tables: readonly SourceTable[];
}

export function sourceColumns(source: Source): SourceColumn[] {
  return source.tables.flatMap((t) => t.columns.map((c) => ({ table: t.name, column: c.column, type: c.type })));
}

/** Attach `path` to `db` (an in-memory connection) as the read-only source. */
export async function attachSource(db: Database, path: string): Promise<Source> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new FlightdeckError('not-found', `source not found: ${abs}`, { location: { file: abs } });
  if (statSync(abs).isDirectory()) return folderSource(db, abs);
  try {
    await db.run(`ATTACH ${lit(abs)} AS src (READ_ONLY)`);
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot open the source database ${abs} read-only: ${(err as Error).message.split('\n')[0]}`, { location: { file: abs } });
  }
  const elsewhere = await db.all(`SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = 'src' AND schema_name <> 'main'`);
  if (elsewhere.length) {
    // never skip a table silently: it would be missing from the snapshot and from the policy check
    throw new FlightdeckError('unsupported', `source ${abs} has tables outside schema main (${elsewhere.map((r) => String(r.schema_name)).join(', ')}); only schema main is masked`, { location: { file: abs } });
  }
  const cols = await db.all(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
    WHERE table_catalog = 'src' AND table_schema = 'main' ORDER BY table_name, ordinal_position`);
  const pks = await db.all(`SELECT table_name, constraint_column_names AS cols FROM duckdb_constraints()
    WHERE database_name = 'src' AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY'`);
  const views = new Set((await db.all(`SELECT view_name FROM duckdb_views() WHERE database_name = 'src' AND NOT internal`)).map((r) => String(r.view_name)));
  const tables = new Map<string, SourceTable>();
  for (const r of cols) {
    const name = String(r.table_name);
    if (views.has(name)) continue; // a view of a masked table is not copied (it would read the source)
    const t = tables.get(name) ?? { name, relation: `src.main.${q(name)}`, columns: [], primaryKey: ((pks.find((p) => p.table_name === name)?.cols as string[] | undefined) ?? []) };
    (t.columns as SourceTable['columns'][number][]).push({ column: String(r.column_name), type: String(r.data_type), notNull: r.is_nullable === 'NO' });
    tables.set(name, t);
  }
  if (tables.size === 0) throw new FlightdeckError('usage-error', `source ${abs} has no tables in schema main`, { location: { file: abs } });
  return { path: abs, kind: 'duckdb', tables: [...tables.values()] };
}

async function folderSource(db: Database, dir: string): Promise<Source> {
  const tables: SourceTable[] = [];
  for (const file of readdirSync(dir).toSorted()) {
    const ext = extname(file).toLowerCase();
    if (ext !== '.parquet' && ext !== '.csv') continue;
    const name = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9_]/g, '_');
    if (tables.some((t) => t.name === name)) throw new FlightdeckError('usage-error', `two files in ${dir} give table ${name}`, { location: { file: join(dir, file) } });
    const path = lit(join(dir, file));
    const relation = ext === '.parquet' ? `read_parquet(${path})` : `read_csv(${path}, auto_detect = true, header = true)`;
    let described;
    try {
      described = await db.all(`DESCRIBE SELECT * FROM ${relation}`);
    } catch (err) {
      throw new FlightdeckError('io-error', `cannot read ${join(dir, file)}: ${(err as Error).message.split('\n')[0]}`, { location: { file: join(dir, file) } });
    }
    tables.push({ name, relation, columns: described.map((r) => ({ column: String(r.column_name), type: String(r.column_type), notNull: false })), primaryKey: [] });
  }
  if (tables.length === 0) throw new FlightdeckError('usage-error', `folder ${dir} holds no .parquet or .csv files`, { location: { file: dir } });
  return { path: dir, kind: 'folder', tables };
}

/** The source's columns and types (opens and closes its own connection). */
export async function readSourceColumns(path: string): Promise<SourceColumn[]> {
  const db = await openDatabase(':memory:');
  try {
    return sourceColumns(await attachSource(db, path));
  } finally {
    db.close();
  }
}
