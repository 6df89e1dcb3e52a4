/**
 * What a compiler binds against: tables, columns, types and statistics.
 * Loaded from a DuckDB database by `compiler/builds/load-catalog.ts`; plain
 * data so it can be written to JSON and handed to another process.
 */
import type { TypeName } from './types.ts';

export interface ColumnStats {
  /** number of distinct non-null values (estimated) */
  readonly distinct: number;
  /** fraction of rows that are NULL, 0..1 */
  readonly nullFraction: number;
  /**
   * min / max as numbers when the column is orderable numerically:
   * numbers as is, dates as days since 1970-01-01, timestamps as seconds
   * since the epoch; null for strings and booleans.
   */
  readonly min: number | null;
  readonly max: number | null;
  /** most common values with their frequency (0..1), most frequent first; may be empty */
  readonly mostCommon: readonly { readonly value: string; readonly frequency: number }[];
  /** average width in bytes of the value (strings: length) */
  readonly avgWidth: number;
}

export interface CatalogColumn {
  readonly name: string;
  readonly type: TypeName;
  /** the type as the database declares it, e.g. `DECIMAL(15,2)` */
  readonly sqlType: string;
  readonly nullable: boolean;
  readonly stats: ColumnStats;
}

export interface CatalogTable {
  readonly name: string;
  readonly rowCount: number;
  readonly columns: readonly CatalogColumn[];
  /** primary-key column names if declared (or known unique), else empty */
  readonly primaryKey: readonly string[];
}

export interface Catalog {
  /** keyed by lower-case table name */
  readonly tables: Readonly<Record<string, CatalogTable>>;
  /** where it was loaded from, for messages */
  readonly source: string;
}

export function findTable(catalog: Catalog, name: string): CatalogTable | undefined {
  return catalog.tables[name.toLowerCase()];
}
