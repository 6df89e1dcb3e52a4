/**
 * Before/after column statistics for the masking report, computed inside
 * DuckDB: one aggregate query per table plus one GROUP BY per column for the
 * shape of its top-k frequencies (fractions only, never the values).
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';
import { q } from './mask-sql.ts';
import { typeClass } from './policy.ts';

export const TOP_K = 5;

export interface ColumnStats {
  readonly rows: number;
  readonly nullFraction: number;
  readonly distinct: number;
  /** numeric and date columns, as text */
  readonly min?: string | null;
  readonly max?: string | null;
  /** string columns: length distribution */
  readonly length?: { readonly min: number; readonly p50: number; readonly p90: number; readonly max: number; readonly avg: number } | null;
  /** the top-k values' shares of the non-null rows, largest first (no values) */
  readonly topShares: readonly number[];
}

export async function tableStats(db: Database, relation: string, columns: readonly { column: string; type: string }[]): Promise<Record<string, ColumnStats>> {
  const parts = ['count(*) AS n'];
  columns.forEach((c, i) => {
    const col = q(c.column);
    parts.push(`count(${col}) AS nn${i}`, `count(DISTINCT ${col}) AS d${i}`);
    const cls = typeClass(c.type);
    if (cls === 'integer' || cls === 'decimal' || cls === 'float' || cls === 'date' || cls === 'timestamp') {
      parts.push(`CAST(min(${col}) AS VARCHAR) AS mn${i}`, `CAST(max(${col}) AS VARCHAR) AS mx${i}`);
    }
    if (cls === 'string') {
      parts.push(`min(length(${col})) AS lmin${i}`, `max(length(${col})) AS lmax${i}`, `avg(length(${col})) AS lavg${i}`,
        `quantile_disc(length(${col}), 0.5) AS l50${i}`, `quantile_disc(length(${col}), 0.9) AS l90${i}`);
    }
  });
  const r = (await db.all(`SELECT ${parts.join(', ')} FROM ${relation}`))[0]!;
  const rows = Number(r.n);
  const out: Record<string, ColumnStats> = {};
  for (const [i, c] of columns.entries()) {
    const nn = Number(r[`nn${i}`]);
    const top = await db.all(`SELECT count(*) AS k FROM ${relation} WHERE ${q(c.column)} IS NOT NULL GROUP BY ${q(c.column)} ORDER BY k DESC LIMIT ${TOP_K}`);
    const cls = typeClass(c.type);
    out[c.column] = {
      rows,
      nullFraction: rows ? round((rows - nn) / rows) : 0,
      distinct: Number(r[`d${i}`]),
      ...(`mn${i}` in r ? { min: (r[`mn${i}`] as string | null) ?? null, max: (r[`mx${i}`] as string | null) ?? null } : {}),
      ...(cls === 'string'
        ? { length: nn ? { min: Number(r[`lmin${i}`]), p50: Number(r[`l50${i}`]), p90: Number(r[`l90${i}`]), max: Number(r[`lmax${i}`]), avg: round(Number(r[`lavg${i}`])) } : null }
        : {}),
      topShares: top.map((t) => (nn ? round(Number(t.k) / nn) : 0)),
    };
  }
  return out;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
