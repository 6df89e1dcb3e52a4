/**
 * A materialized result → ResultSummary, computed in SQL inside the DuckDB
 * that ran the query (one aggregate pass over the rows, plus one read of the
 * first `maxRows`): row count, per-column and whole-row order-insensitive
 * checksums, an ordered checksum, the value class of each column, and the
 * first rows as JSON values.
 *
 * Checksums (execute-result.ts): each value's canonical text
 * (duckdb-canonical.ts) is hashed with md5; the 128-bit digest is read as two
 * 64-bit halves (`hi`, `lo`, from its hex text) and a checksum is the decimal
 * text of `(Σhi · 2^64 + Σlo) mod 2^128`. The sums are exact HUGEINTs in
 * DuckDB; only their final combination is done here (BigInt).
 * - column i: over the values of column i;
 * - rowChecksum: over md5 of the row's value texts joined by `|` (string
 *   texts are quoted, so the joining is unambiguous);
 * - orderedChecksum: over md5 of `<position>#<row text>`, the position being
 *   the row's place in the result (the materialized table's `rowid`: a table
 *   created by `CREATE TABLE AS` keeps the query's order, DuckDB's
 *   `preserve_insertion_order`, tested with parallel threads; a result
 *   column named `rowid` is renamed in the table first so it cannot hide it).
 * md5 and the canonical texts are version-stable, so are these (tested on
 * 1.3.2 and 1.5.6 with the same data).
 */
import type * as DuckdbApi from '@duckdb/node-api';
import { canonicalText, isFloatType, quoteIdentifier, valueClassOf, type DuckdbTypeInfo } from './duckdb-canonical.ts';
import type { ResultColumn, ResultSummary } from './execute-result.ts';

const MOD_128 = (1n << 128n) - 1n;

/**
 * Summarise every row of a table (a materialized result or a written table), in its rowid order.
 * `from` is the table's name as SQL, quoted by the caller (e.g. `"__fd_result"`, `"main"."orders"`).
 */
export async function summariseTable(connection: DuckdbApi.DuckDBConnection, from: string, maxRows = 0): Promise<ResultSummary> {
  const shape = await connection.run(`SELECT * FROM ${from} LIMIT 0`);
  const shown = shape.columnNames();
  const types = shape.columnTypes() as unknown as DuckdbTypeInfo[];
  const columns: ResultColumn[] = shown.map((name, i) => ({ name, type: types[i]!.toString(), valueClass: valueClassOf(types[i]!) }));
  const names = await unshadowRowid(connection, from, shown);

  const texts = names.map((n, i) => `${canonicalText(quoteIdentifier(n), types[i]!)} AS __c${i}`);
  const rowText = names.map((_, i) => `__c${i}`).join(` || '|' || `);
  const digests = [...names.map((_, i) => `md5(__c${i}) AS __m${i}`), `md5(${rowText}) AS __mr`, `md5(__r::VARCHAR || '#' || ${rowText}) AS __mo`];
  const halves = (m: string) => `sum(('0x' || substr(${m}, 1, 16))::UBIGINT::HUGEINT)::VARCHAR, sum(('0x' || substr(${m}, 17, 16))::UBIGINT::HUGEINT)::VARCHAR`;
  const sql = `SELECT count(*)::VARCHAR, ${[...names.map((_, i) => `__m${i}`), '__mr', '__mo'].map(halves).join(', ')}
FROM (SELECT ${digests.join(', ')} FROM (SELECT rowid AS __r, ${texts.join(', ')} FROM ${from}))`;
  const row = (await connection.runAndReadAll(sql)).getRows()[0]!;
  const sums = row.slice(1).map((v) => (v === null ? 0n : BigInt(String(v))));
  const checksum = (k: number) => (((sums[2 * k]! << 64n) + sums[2 * k + 1]!) & MOD_128).toString();

  const rowCount = Number(row[0]);
  const summary: ResultSummary = {
    rowCount,
    columns,
    columnChecksums: names.map((_, i) => checksum(i)),
    rowChecksum: checksum(names.length),
    orderedChecksum: checksum(names.length + 1),
  };
  if (maxRows <= 0) return summary;
  const rows = await firstRows(connection, from, names, types, maxRows);
  return { ...summary, rows, rowsTruncated: rows.length < rowCount };
}

/**
 * A column named `rowid` hides the row's position (DuckDB resolves the name to
 * the column): rename it in the table first (the summary still shows the
 * result's own name). The names the summary's SQL must use.
 */
async function unshadowRowid(connection: DuckdbApi.DuckDBConnection, from: string, names: readonly string[]): Promise<string[]> {
  const at = names.findIndex((n) => n.toLowerCase() === 'rowid');
  if (at < 0) return [...names];
  let free = '__flightdeck_rowid';
  while (names.some((n) => n.toLowerCase() === free)) free += '_';
  await connection.run(`ALTER TABLE ${from} RENAME COLUMN ${quoteIdentifier(names[at]!)} TO ${quoteIdentifier(free)}`);
  return names.map((n, i) => (i === at ? free : n));
}

/** The first rows in rowid order: floats as numbers (or NaN/±Infinity as strings), everything else as DuckDB's text, NULL as null. */
async function firstRows(
  connection: DuckdbApi.DuckDBConnection,
  from: string,
  names: readonly string[],
  types: readonly DuckdbTypeInfo[],
  maxRows: number,
): Promise<(string | number | null)[][]> {
  const exprs = names.map((n, i) => (isFloatType(types[i]!) ? `${quoteIdentifier(n)}::DOUBLE` : `${quoteIdentifier(n)}::VARCHAR`));
  const reader = await connection.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${from} ORDER BY rowid LIMIT ${Math.floor(maxRows)}`);
  return reader.getRows().map((r) => r.map(jsonValue));
}

function jsonValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return v;
  }
  return String(v);
}
