/**
 * The canonical text of a DuckDB value, as a SQL expression built from the
 * column's type, so result checksums are computed inside DuckDB (vectorized,
 * where the rows are) and come out the same in every shipped DuckDB version:
 * DuckDB's own `hash()` changes between versions, and its text form of
 * nested values and floats is not promised to stay put, so nothing here
 * relies on either for the values that matter.
 *
 * The text of one value (never NULL):
 * - NULL → `N`
 * - FLOAT / DOUBLE → `NaN`, `Infinity`, `-Infinity`, `0` (also -0), else
 *   `printf('%.{FLOAT_CHECK_DIGITS-1}e')` of the value as DOUBLE (rounded to
 *   FLOAT_CHECK_DIGITS significant digits, so last-bit noise does not count)
 * - VARCHAR / ENUM / UNION → `"` + text with `\` and `"` escaped + `"`
 * - BLOB → `x` + hex
 * - LIST / ARRAY → `[` + element texts joined by `,` + `]`
 * - STRUCT → `{name:text,...}`; MAP → `{` + keys as a list + `=>` + values as a list + `}`
 * - everything else (integers, DECIMAL, BOOLEAN, DATE, TIME, TIMESTAMP,
 *   INTERVAL, UUID…) → DuckDB's `::VARCHAR`, which is the SQL standard text
 *   of those types and the same in 1.3.2 and 1.5.6 (tested)
 *
 * Type ids are the DuckDB C API's (`duckdb_type`), stable across versions,
 * so this module needs no DuckDB package.
 */
import { FLOAT_CHECK_DIGITS, type ValueClass } from './execute-result.ts';

/** The parts of a node-api DuckDBType this module reads (the same in every shipped version). */
export interface DuckdbTypeInfo {
  readonly typeId: number;
  readonly valueType?: DuckdbTypeInfo;
  readonly keyType?: DuckdbTypeInfo;
  readonly entryNames?: readonly string[];
  readonly entryTypes?: readonly DuckdbTypeInfo[];
  toString(): string;
}

/** duckdb_type ids used here */
const T = { FLOAT: 10, DOUBLE: 11, VARCHAR: 17, BLOB: 18, ENUM: 23, LIST: 24, STRUCT: 25, MAP: 26, UNION: 28, ARRAY: 33 } as const;

const FLOAT_FORMAT = `'%.${FLOAT_CHECK_DIGITS - 1}e'`;

export function isFloatType(type: DuckdbTypeInfo): boolean {
  return type.typeId === T.FLOAT || type.typeId === T.DOUBLE;
}

/** `float` when the type is REAL/DOUBLE or a nested type holding one. */
export function valueClassOf(type: DuckdbTypeInfo): ValueClass {
  if (isFloatType(type)) return 'float';
  const children = [type.valueType, type.keyType, ...(type.entryTypes ?? [])].filter((t): t is DuckdbTypeInfo => t !== undefined);
  return children.some((c) => valueClassOf(c) === 'float') ? 'float' : 'exact';
}

/** A SQL expression giving the canonical text (never NULL) of `expr`, a value of `type`. */
export function canonicalText(expr: string, type: DuckdbTypeInfo, depth = 0): string {
  return `CASE WHEN (${expr}) IS NULL THEN 'N' ELSE ${nonNullText(expr, type, depth)} END`;
}

function nonNullText(e: string, type: DuckdbTypeInfo, depth: number): string {
  switch (type.typeId) {
    case T.FLOAT:
    case T.DOUBLE:
      return `CASE WHEN isnan(${e}) THEN 'NaN' WHEN isinf(${e}) THEN CASE WHEN (${e}) > 0 THEN 'Infinity' ELSE '-Infinity' END WHEN (${e}) = 0 THEN '0' ELSE printf(${FLOAT_FORMAT}, (${e})::DOUBLE) END`;
    case T.VARCHAR:
    case T.ENUM:
    case T.UNION:
      return `'"' || replace(replace((${e})::VARCHAR, '\\', '\\\\'), '"', '\\"') || '"'`;
    case T.BLOB:
      return `'x' || hex(${e})`;
    case T.LIST:
    case T.ARRAY: {
      if (!type.valueType) return `(${e})::VARCHAR`;
      const v = `__v${depth}`;
      const list = type.typeId === T.ARRAY ? `(${e})::${type.valueType.toString()}[]` : e;
      // elements are never NULL; array_to_string of an empty list is NULL in 1.3.2 and '' in 1.5.6
      return `'[' || coalesce(array_to_string(list_transform(${list}, ${v} -> ${canonicalText(v, type.valueType, depth + 1)}), ','), '') || ']'`;
    }
    case T.STRUCT: {
      const names = type.entryNames ?? [];
      const types = type.entryTypes ?? [];
      if (names.length === 0) return `'{}'`;
      const parts = types.map((t, i) => `${sqlString(`${names[i]}:`)} || ${canonicalText(`struct_extract_at(${e}, ${i + 1})`, t, depth + 1)}`);
      return `'{' || ${parts.join(` || ',' || `)} || '}'`;
    }
    case T.MAP: {
      if (!type.keyType || !type.valueType) return `(${e})::VARCHAR`;
      const keys = canonicalText(`map_keys(${e})`, listOf(type.keyType), depth + 1);
      const values = canonicalText(`map_values(${e})`, listOf(type.valueType), depth + 1);
      return `'{' || ${keys} || '=>' || ${values} || '}'`;
    }
    default:
      return `(${e})::VARCHAR`;
  }
}

function listOf(valueType: DuckdbTypeInfo): DuckdbTypeInfo {
  return { typeId: T.LIST, valueType, toString: () => `${valueType.toString()}[]` };
}

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
