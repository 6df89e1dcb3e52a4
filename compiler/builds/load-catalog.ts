/**
 * Load a Catalog (tables, columns, types, keys and statistics) from a DuckDB
 * database. Statistics are computed inside DuckDB, one vectorised aggregate
 * query per table, plus one GROUP BY pass over the table's low-cardinality
 * columns for their most common values (and exact distinct counts). With
 * `cacheDir` the result is kept as JSON keyed by the file's absolute path,
 * size and modification time, and a second load does not open the database.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog, CatalogColumn, CatalogTable, ColumnStats } from '../ir/catalog.ts';
import { typeFromSql, type TypeName } from '../ir/types.ts';
import { FlightdeckError } from '../errors.ts';
import { z } from 'zod';
import type { Database, Row } from './duckdb-database.ts';

export interface LoadCatalogOptions {
  /** keep the loaded catalog here as JSON; reuse it while the database file is unchanged */
  readonly cacheDir?: string;
}

/** Tables up to this many rows get exact distinct counts; larger ones HyperLogLog estimates. */
export const EXACT_DISTINCT_MAX_ROWS = 100_000;
/** Most-common values are kept for columns with at most this many distinct values… */
export const MCV_MAX_DISTINCT = 1_000;
/** …whose values repeat: distinct × this ≤ non-null rows. */
const MCV_MIN_REPEAT = 2;
/** How many most-common values a column keeps. */
export const MCV_COUNT = 10;
/** Bump when the statistics change meaning, so old cache files are not reused. */
const CACHE_FORMAT = 1;

export async function loadCatalog(dbPath: string, options: LoadCatalogOptions = {}): Promise<Catalog> {
  const path = resolve(dbPath);
  if (!existsSync(path)) {
    throw new FlightdeckError('not-found', `catalog database not found: ${path}`, { location: { file: path } });
  }
  const cacheFile = options.cacheDir ? join(resolve(options.cacheDir), `catalog-${cacheKey(path)}.json`) : undefined;
  if (cacheFile && existsSync(cacheFile)) {
    try {
      return catalogFromJson(readFileSync(cacheFile, 'utf8'));
    } catch {
      // an unreadable or outdated cache file is recomputed and overwritten below
    }
  }
  const catalog = await readCatalog(path);
  if (cacheFile) writeCache(cacheFile, catalog);
  return catalog;
}

/** Absolute path, size and mtime of the database (and of its WAL, which also holds data). */
function cacheKey(path: string): string {
  const parts = [`v${CACHE_FORMAT}`, path];
  for (const p of [path, `${path}.wal`]) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    parts.push(`${st.size}:${st.mtimeMs}`);
  }
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 24);
}

/** Best effort: a cache that cannot be written only makes the next load slower. */
function writeCache(file: string, catalog: Catalog): void {
  try {
    mkdirSync(resolve(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, catalogToJson(catalog));
    renameSync(tmp, file);
  } catch {
    // ignored on purpose, see above
  }
}

async function readCatalog(path: string): Promise<Catalog> {
  // DuckDB is loaded only when the catalog is not cached: a cached load starts a build ~0.5 s sooner
  const { openDatabase } = await import('./duckdb-database.ts');
  let db: Database;
  try {
    db = await openDatabase(path, { readOnly: true });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new FlightdeckError('catalog-error', `cannot load a catalog from ${path}: not a readable DuckDB database (${detail})`, {
      location: { file: path },
      cause: err,
    });
  }
  try {
    return { tables: await readTables(db), source: path };
  } catch (err) {
    if (err instanceof FlightdeckError) throw err;
    throw new FlightdeckError('catalog-error', `cannot load a catalog from ${path}: ${(err as Error).message}`, {
      location: { file: path },
      cause: err,
    });
  } finally {
    db.close();
  }
}

interface ColumnInfo {
  readonly name: string;
  readonly sqlType: string;
  readonly type: TypeName;
  readonly nullable: boolean;
}

async function readTables(db: Database): Promise<Record<string, CatalogTable>> {
  const where = `database_name = current_database() AND schema_name = 'main'`;
  const tableRows = await db.all(`SELECT table_name FROM duckdb_tables() WHERE ${where} AND NOT temporary ORDER BY table_name`);
  const columnRows = await db.all(
    `SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() WHERE ${where} ORDER BY table_name, column_index`,
  );
  const keyRows = await db.all(
    `SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE ${where} AND constraint_type = 'PRIMARY KEY'`,
  );
  const tables: Record<string, CatalogTable> = {};
  for (const { table_name } of tableRows) {
    const name = String(table_name);
    const columns: ColumnInfo[] = columnRows
      .filter((r) => r.table_name === name)
      .map((r) => ({
        name: String(r.column_name),
        sqlType: String(r.data_type),
        type: typeFromSql(String(r.data_type)),
        nullable: Boolean(r.is_nullable),
      }));
    const keyRow = keyRows.find((r) => r.table_name === name);
    const primaryKey = keyRow ? (keyRow.constraint_column_names as unknown[]).map(String) : [];
    tables[name.toLowerCase()] = await readTable(db, name, columns, primaryKey);
  }
  return tables;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function readTable(db: Database, name: string, columns: readonly ColumnInfo[], primaryKey: readonly string[]): Promise<CatalogTable> {
  const table = quoteIdent(name);
  const rowCount = Number((await db.all(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const exact = rowCount <= EXACT_DISTINCT_MAX_ROWS;
  const stats: Row = columns.length
    ? (await db.all(`SELECT ${columns.flatMap((c, i) => statsExpressions(c, i, exact)).join(', ')} FROM ${table}`))[0]!
    : {};
  const partial = columns.map((c, i) => {
    const nonNull = Number(stats[`nn${i}`] ?? 0);
    const singleKey = primaryKey.length === 1 && primaryKey[0] === c.name;
    const distinct = singleKey ? nonNull : Math.min(nonNull, Number(stats[`nd${i}`] ?? 0));
    return {
      nonNull,
      distinct,
      min: toNumberOrNull(stats[`lo${i}`]),
      max: toNumberOrNull(stats[`hi${i}`]),
      avgWidth: round4(toNumberOrNull(stats[`w${i}`]) ?? fixedWidth(c.sqlType) ?? 0),
    };
  });
  const wantMcv = columns
    .map((c, i) => i)
    .filter((i) => {
      const p = partial[i]!;
      return columns[i]!.type !== 'unknown' && p.distinct > 0 && p.distinct <= MCV_MAX_DISTINCT && p.distinct * MCV_MIN_REPEAT <= p.nonNull;
    });
  const mcv = await readMostCommon(db, table, columns, wantMcv, rowCount);
  return {
    name,
    rowCount,
    primaryKey,
    columns: columns.map((c, i): CatalogColumn => {
      const p = partial[i]!;
      const counted = mcv.get(i);
      const s: ColumnStats = {
        distinct: counted ? counted.distinct : p.distinct,
        nullFraction: rowCount ? round4((rowCount - p.nonNull) / rowCount) : 0,
        min: p.min,
        max: p.max,
        mostCommon: counted ? counted.mostCommon : [],
        avgWidth: p.avgWidth,
      };
      return { name: c.name, type: c.type, sqlType: c.sqlType, nullable: c.nullable, stats: s };
    }),
  };
}

/** The aggregates of one column: nn (non-null count), nd (distinct), lo/hi (min/max as numbers), w (average width). */
function statsExpressions(c: ColumnInfo, i: number, exact: boolean): string[] {
  const q = quoteIdent(c.name);
  const distinctOf = c.type === 'unknown' ? `CASE WHEN ${q} IS NOT NULL THEN hash(${q}) END` : q;
  const out = [`count(${q}) AS nn${i}`, exact ? `count(DISTINCT ${distinctOf}) AS nd${i}` : `approx_count_distinct(${distinctOf}) AS nd${i}`];
  const range = rangeExpressions(c.type, q);
  if (range) out.push(`${range[0]} AS lo${i}`, `${range[1]} AS hi${i}`);
  if (fixedWidth(c.sqlType) === undefined) {
    const width = /^blob|^bytea|^varbinary/i.test(c.sqlType) ? `octet_length(${q})` : `strlen(${q}::VARCHAR)`;
    out.push(`avg(${width}) AS w${i}`);
  }
  return out;
}

function rangeExpressions(type: TypeName, q: string): [string, string] | undefined {
  switch (type) {
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double':
      return [`min(${q})::DOUBLE`, `max(${q})::DOUBLE`];
    case 'date':
      return [`(min(${q}) - DATE '1970-01-01')::DOUBLE`, `(max(${q}) - DATE '1970-01-01')::DOUBLE`];
    case 'timestamp':
      return [`epoch(min(${q}))`, `epoch(max(${q}))`];
    default:
      return undefined;
  }
}

/** Bytes per value of fixed-width types; undefined for variable-width ones (measured instead). */
function fixedWidth(sqlType: string): number | undefined {
  const t = sqlType.trim().toUpperCase();
  const decimal = /^(DECIMAL|NUMERIC)\s*\(\s*(\d+)/.exec(t);
  if (decimal) {
    const width = Number(decimal[2]);
    return width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
  }
  if (/^(DECIMAL|NUMERIC)$/.test(t)) return 8;
  if (/^(BOOLEAN|BOOL|TINYINT|UTINYINT|INT1)$/.test(t)) return 1;
  if (/^(SMALLINT|USMALLINT|INT2)$/.test(t)) return 2;
  if (/^(INTEGER|INT|UINTEGER|INT4|FLOAT|FLOAT4|REAL|DATE)$/.test(t)) return 4;
  if (/^(BIGINT|UBIGINT|INT8|DOUBLE|FLOAT8|TIME|TIMESTAMP.*|TIME WITH TIME ZONE)$/.test(t)) return 8;
  if (/^(HUGEINT|UHUGEINT|INTERVAL|UUID)$/.test(t)) return 16;
  return undefined;
}

/**
 * Exact value counts of the low-cardinality columns, one GROUP BY per column
 * stacked with UNION ALL (each reads one column; small group counts make it
 * several times cheaper than `histogram()`): the top MCV_COUNT values by
 * frequency, ties by value, and the exact number of distinct values.
 */
async function readMostCommon(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  which: readonly number[],
  rowCount: number,
): Promise<Map<number, { distinct: number; mostCommon: ColumnStats['mostCommon'] }>> {
  const out = new Map<number, { distinct: number; mostCommon: ColumnStats['mostCommon'] }>();
  if (!which.length || rowCount === 0) return out;
  const sql = which
    .map((i) => {
      const q = quoteIdent(columns[i]!.name);
      return `SELECT ${i} AS i, ${q}::VARCHAR AS v, count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL GROUP BY ${q}`;
    })
    .join(' UNION ALL ');
  const groups = new Map<number, { value: string; count: number }[]>();
  for (const row of await db.all(sql)) {
    const i = Number(row.i);
    const list = groups.get(i) ?? [];
    list.push({ value: String(row.v), count: Number(row.n) });
    groups.set(i, list);
  }
  for (const i of which) {
    const list = groups.get(i) ?? [];
    list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    out.set(i, {
      distinct: list.length,
      mostCommon: list.slice(0, MCV_COUNT).map((p) => ({ value: p.value, frequency: round4(p.count / rowCount) })),
    });
  }
  return out;
}

function toNumberOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Statistics are estimates: four decimals keep the JSON short and stable. */
function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

const columnSchema = z.object({
  name: z.string(),
  type: z.enum(['boolean', 'integer', 'bigint', 'decimal', 'double', 'varchar', 'date', 'timestamp', 'interval', 'null', 'unknown']),
  sqlType: z.string(),
  nullable: z.boolean(),
  stats: z.object({
    distinct: z.number().nonnegative(),
    nullFraction: z.number().min(0).max(1),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mostCommon: z.array(z.object({ value: z.string(), frequency: z.number().min(0).max(1) })),
    avgWidth: z.number().nonnegative(),
  }),
});
const catalogSchema = z.object({
  source: z.string(),
  tables: z.record(
    z.string(),
    z.object({
      name: z.string(),
      rowCount: z.number().int().nonnegative(),
      columns: z.array(columnSchema),
      primaryKey: z.array(z.string()),
    }),
  ),
});

/** Parse and check a catalog written by `catalogToJson` (or by hand, for tests and other processes). */
export function catalogFromJson(text: string): Catalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new FlightdeckError('catalog-error', `catalog JSON does not parse: ${(err as Error).message}`, { cause: err });
  }
  const parsed = catalogSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FlightdeckError('catalog-error', `catalog JSON is not a catalog: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const tables: Record<string, CatalogTable> = {};
  for (const [key, table] of Object.entries(parsed.data.tables)) tables[key.toLowerCase()] = table;
  return { tables, source: parsed.data.source };
}

/** The catalog as JSON with a deterministic key order (object keys sorted; array order kept), two-space indented. */
export function catalogToJson(catalog: Catalog): string {
  return JSON.stringify(sortKeys(catalog), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).toSorted()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
