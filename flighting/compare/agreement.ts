/**
 * What comparing two results decides (plain data, JSON-safe), and the float
 * tolerance it decides with.
 */

/** Two floats agree when |a-b| <= max(absolute, relative * max(|a|,|b|)); NaN equals NaN, ±Infinity only itself. */
export interface Tolerance {
  readonly relative: number;
  readonly absolute: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { relative: 1e-9, absolute: 1e-12 };

export interface ColumnTypeChange {
  /** 0-based output position */
  readonly position: number;
  readonly name: string;
  readonly base: string;
  readonly head: string;
}

export type ResultValue = string | number | null;

export interface SampleRow {
  readonly side: 'base' | 'head';
  /** 0-based position of the row in that side's result order */
  readonly position: number;
  readonly row: readonly ResultValue[];
}

/** `checksums`: decided from the summaries alone; `rows`: from the rows, compared inside DuckDB. */
export type Evidence = 'checksums' | 'rows';

export interface SameAgreement {
  readonly kind: 'same';
  readonly evidence: Evidence;
  /** the top-level ORDER BY was checked (sort-key sequence equal) */
  readonly orderChecked: boolean;
  /** types that changed while the values agree (INTEGER → BIGINT, DECIMAL → DOUBLE within tolerance) */
  readonly columnTypeChanges?: readonly ColumnTypeChange[];
}

export interface MismatchAgreement {
  readonly kind: 'mismatch';
  /** head rows minus base rows */
  readonly rowCountDelta: number;
  /** names (base's) of the columns whose values differ; empty when only the column count differs */
  readonly columns: readonly string[];
  readonly columnPositions: readonly number[];
  /** decided from checksums: float (or retyped number) columns whose checksum differs, not checked against the tolerance */
  readonly uncheckedColumns?: readonly string[];
  readonly columnCount?: { readonly base: number; readonly head: number };
  readonly columnTypeChanges?: readonly ColumnTypeChange[];
  /** at most 10 rows found on one side only (or, for orderOnly, the rows where the order first differs) */
  readonly sampleRows?: readonly SampleRow[];
  /** same multiset of rows, but the sequence of sort-key values differs */
  readonly orderOnly?: boolean;
  /** ORDER BY + LIMIT: every differing row ties on the sort keys with the boundary row (which tied rows made the cut) */
  readonly tiedAtLimit?: boolean;
  readonly evidence: Evidence;
  /** with truncated rows: how many rows the row comparison covered */
  readonly coveredRows?: number;
  readonly reason: string;
}

export type RowsNeed = 'float-tolerance' | 'retyped-numbers' | 'order-ties' | 'limit-ties';

export interface NeedsRowsAgreement {
  readonly kind: 'needs-rows';
  readonly need: RowsNeed;
  readonly reason: string;
  /** re-execute both sides with at least this `maxRows` to compare every row */
  readonly rowsWanted: number;
}

/** Rows were given but truncated, and the part covered does not settle it. */
export interface InconclusiveAgreement {
  readonly kind: 'inconclusive';
  readonly reason: string;
  readonly coveredRows: number;
  /** re-execute both sides with at least this `maxRows` to settle it */
  readonly rowsWanted: number;
}

export type Agreement = SameAgreement | MismatchAgreement | NeedsRowsAgreement | InconclusiveAgreement;
