/**
 * SQL types as the compiler reasons about them: families, not exact
 * precisions. `decimal` covers DECIMAL/NUMERIC of any precision.
 */
export type TypeName =
  | 'boolean'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'varchar'
  | 'date'
  | 'timestamp'
  | 'interval'
  | 'null'
  | 'unknown';

const NUMERIC: ReadonlySet<TypeName> = new Set(['integer', 'bigint', 'decimal', 'double']);

export function isNumeric(type: TypeName): boolean {
  return NUMERIC.has(type);
}

/** Map a DuckDB / SQL type name (any case, with or without precision) to a family. */
export function typeFromSql(sqlType: string): TypeName {
  const t = sqlType.trim().toLowerCase();
  if (/^(boolean|bool|logical)$/.test(t)) return 'boolean';
  if (/^(tinyint|smallint|integer|int|int2|int4|int1|utinyint|usmallint|uinteger|signed|short)$/.test(t)) return 'integer';
  if (/^(bigint|int8|long|ubigint|hugeint|uhugeint|int128)$/.test(t)) return 'bigint';
  if (/^(decimal|numeric)(\s*\(.*\))?$/.test(t)) return 'decimal';
  if (/^(double|float|float4|float8|real|double precision)$/.test(t)) return 'double';
  if (/^(varchar|char|bpchar|text|string|character varying|character)(\s*\(.*\))?$/.test(t)) return 'varchar';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp') || t === 'datetime') return 'timestamp';
  if (t === 'interval') return 'interval';
  if (t === 'null') return 'null';
  return 'unknown';
}

/** The type of `a op b` for arithmetic, by the usual numeric promotion. */
export function promoteNumeric(a: TypeName, b: TypeName): TypeName {
  const rank: Partial<Record<TypeName, number>> = { integer: 1, bigint: 2, decimal: 3, double: 4 };
  const ra = rank[a] ?? 0;
  const rb = rank[b] ?? 0;
  if (ra === 0 && rb === 0) return 'unknown';
  return ra >= rb ? a : b;
}
