/**
 * TEST HELPER ONLY — not the production summariser (that one belongs to the
 * execution side, flighting/execute/). Runs a query on an in-memory DuckDB
 * and summarises its result per the contract of
 * flighting/execute/execute-result.ts, so the comparison tests get
 * ResultSummary values shaped like the executor's:
 * - per column, an order-insensitive checksum: the 128-bit sums of the upper
 *   and lower md5 halves of each value's canonical text;
 * - canonical text: exact values as DuckDB's VARCHAR cast, floats rounded to
 *   FLOAT_CHECK_DIGITS significant digits (`%.9e`), NaN/±Inf/NULL each their own;
 * - a row checksum (the same sum over a row's canonical texts as a JSON list)
 *   and an ordered checksum (md5 over the row hashes in result order);
 * - `maxRows` rows in result order: exact values as text, floats as numbers
 *   or `NaN` / `Infinity` / `-Infinity`, NULL as null.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { FLOAT_CHECK_DIGITS, type ResultColumn, type ResultSummary } from '../../flighting/execute/execute-result.ts';

let instance: Promise<DuckDBInstance> | null = null;

export async function closeSummaryHelper(): Promise<void> {
  const i = instance;
  instance = null;
  if (i) (await i).closeSync();
}

function isFloatType(type: string): boolean {
  return /\b(FLOAT|DOUBLE|REAL)\b/.test(type);
}

function isScalarFloat(type: string): boolean {
  return type === 'FLOAT' || type === 'DOUBLE' || type === 'REAL';
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const valueText = (expr: string): string => `coalesce('v' || ${expr}, 'n')`;
const sum128 = (text: string): string =>
  `coalesce(sum(md5_number_upper(${text})::HUGEINT), 0)::VARCHAR || ':' || coalesce(sum(md5_number_lower(${text})::HUGEINT), 0)::VARCHAR`;

/** Summarise the result of `sql` (trusted test SQL) the way the executor will. */
export async function summarizeQuery(sql: string, options: { readonly maxRows?: number } = {}): Promise<ResultSummary> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '1' });
  const cn = await (await instance).connect();
  try {
    // a table keeps the result order as insertion order (rowid)
    await cn.run(`CREATE TEMP TABLE r AS ${sql}`);
    const described = (await cn.runAndReadAll('DESCRIBE r')).getRowObjectsJS();
    const columns: ResultColumn[] = described.map((d) => {
      const type = String(d.column_type);
      return { name: String(d.column_name), type, valueClass: isFloatType(type) ? 'float' : 'exact' };
    });
    const digits = FLOAT_CHECK_DIGITS - 1;
    const canon = columns.map((c) => {
      const col = q(c.name);
      if (!isScalarFloat(c.type)) return `CAST(${col} AS VARCHAR)`;
      return `CASE WHEN isnan(${col}) THEN 'nan' WHEN isinf(${col}) THEN CASE WHEN ${col} > 0 THEN 'inf' ELSE '-inf' END ELSE printf('%.${digits}e', ${col}) END`;
    });
    const rowText = `to_json([${canon.join(', ')}])::VARCHAR`;
    const sums = [...canon.map((c) => sum128(valueText(c))), sum128(rowText), `md5(coalesce(string_agg(md5(${rowText}), '' ORDER BY rowid), ''))`, 'count(*)'];
    const row = (await cn.runAndReadAll(`SELECT ${sums.join(', ')} FROM r`)).getRowsJS()[0]!;
    const rowCount = Number(row[row.length - 1]);
    const summary: ResultSummary = {
      rowCount,
      columns,
      columnChecksums: row.slice(0, columns.length).map(String),
      rowChecksum: String(row[columns.length]),
      orderedChecksum: String(row[columns.length + 1]),
    };
    const maxRows = options.maxRows ?? 0;
    if (maxRows <= 0) return summary;
    const select = columns.map((c) => (isScalarFloat(c.type) ? `CAST(${q(c.name)} AS DOUBLE)` : `CAST(${q(c.name)} AS VARCHAR)`));
    const got = (await cn.runAndReadAll(`SELECT ${select.join(', ')} FROM r ORDER BY rowid LIMIT ${maxRows}`)).getRowsJS();
    const rows = got.map((r) =>
      r.map((v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
        return String(v);
      }),
    );
    return { ...summary, rows, ...(rows.length < rowCount ? { rowsTruncated: true } : {}) };
  } finally {
    cn.closeSync();
  }
}
