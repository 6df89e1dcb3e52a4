/**
 * Which statistic moved: for a template whose plan changed on the snapshot,
 * the columns it names whose DuckDB statistics differ between the source and
 * the snapshot — the approximate distinct count (the sketch DuckDB's join
 * and filter estimates read), whether the column holds NULLs, the longest
 * string. Read with DuckDB's `stats()`; values (min/max) are never printed,
 * so nothing here can carry an original value. A moved statistic of a
 * column the policy keeps cannot come from masking: DuckDB samples a
 * column's distinct sketch at fixed positions of each vector as rows are
 * appended and does not refresh it on UPDATE; the snapshot writes a DuckDB
 * source's rows in their order, in whole vectors, so a kept column keeps
 * its sketch unless the source's is stale (filled by UPDATE) or was
 * appended in smaller batches — then any copy moves it. A
 * pseudonymised column keeps its exact distinct count, but the sketch
 * hashes other values, so its estimate moves with the key.
 */
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { lit, q } from './mask-sql.ts';
import type { Policy } from './policy.ts';

interface ColumnStatistics {
  readonly approxUnique: number | null;
  readonly hasNull: boolean | null;
  readonly maxStringLength: number | null;
}

/** the parts of a DuckDB `stats()` text that hold no value */
export function parseStatistics(text: string | null): ColumnStatistics {
  const num = (re: RegExp) => { const m = text?.match(re); return m ? Number(m[1]) : null; };
  const hasNull = text?.match(/Has Null: (true|false)/)?.[1];
  return { approxUnique: num(/Approx Unique: (\d+)/), hasNull: hasNull === undefined ? null : hasNull === 'true', maxStringLength: num(/Max String Length: (\d+)/) };
}

/** the moved statistics of one column, as text: `orders.total: approx unique 1 → 9968 (kept column: …)` */
export function describeMoves(table: string, column: string, a: ColumnStatistics, b: ColumnStatistics, kept: boolean): string | null {
  const moves: string[] = [];
  if (a.approxUnique !== null && b.approxUnique !== null && Math.abs(a.approxUnique - b.approxUnique) > 0.01 * Math.max(a.approxUnique, b.approxUnique)) {
    moves.push(`approx unique ${a.approxUnique} → ${b.approxUnique}`);
  }
  if (a.hasNull !== b.hasNull) moves.push(`has null ${a.hasNull} → ${b.hasNull}`);
  if (a.maxStringLength !== b.maxStringLength) moves.push(`max string length ${a.maxStringLength} → ${b.maxStringLength}`);
  if (!moves.length) return null;
  return `${table}.${column}: ${moves.join(', ')}${kept ? ' (a kept column: not the masking; the source\'s sketch is stale, e.g. filled by UPDATE, or its rows were appended in smaller batches, and any copy moves it)' : ''}`;
}

export class StatisticsDiff {
  private readonly cache = new Map<string, Promise<string | null>>();
  private constructor(private readonly db: Database, private readonly columns: readonly { table: string; column: string }[], private readonly policy: Policy) {}

  /** source and snapshot: DuckDB files, attached read-only */
  static async open(source: string, snapshot: string, policy: Policy): Promise<StatisticsDiff> {
    const db = await openDatabase(':memory:');
    try {
      await db.run(`ATTACH ${lit(source)} AS fd_src (READ_ONLY); ATTACH ${lit(snapshot)} AS fd_snap (READ_ONLY)`);
      const rows = await db.all(`SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = 'fd_snap' AND schema_name = 'main'`);
      return new StatisticsDiff(db, rows.map((r) => ({ table: String(r.table_name), column: String(r.column_name) })), policy);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** the moved statistics of the columns `sql` names (a column counts when its table and its name appear as words) */
  async movedFor(sql: string): Promise<string[]> {
    const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
    const out: string[] = [];
    for (const c of this.columns) {
      if (!words.has(c.table.toLowerCase()) || !words.has(c.column.toLowerCase())) continue;
      const a = await this.stats('fd_src', c.table, c.column);
      const b = await this.stats('fd_snap', c.table, c.column);
      const kind = this.policy.tables[c.table]?.columns[c.column]?.kind;
      const line = describeMoves(c.table, c.column, parseStatistics(a), parseStatistics(b), kind === 'keep');
      if (line) out.push(line);
    }
    return out;
  }

  private stats(db: string, table: string, column: string): Promise<string | null> {
    const id = `${db}\0${table}\0${column}`;
    let p = this.cache.get(id);
    if (!p) {
      p = this.db.all(`SELECT CAST(stats(${q(column)}) AS VARCHAR) AS s FROM ${db}.main.${q(table)} LIMIT 1`).then((r) => (r[0]?.s as string | undefined) ?? null, () => null);
      this.cache.set(id, p);
    }
    return p;
  }

  close(): void {
    this.db.close();
  }
}
