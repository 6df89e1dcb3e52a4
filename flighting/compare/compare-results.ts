/**
 * Do two results agree? The pure decision over two ResultSummary values
 * (flighting/execute/execute-result.ts), a query shape and a float tolerance.
 *
 * - Columns compare by position (names may differ: builds alias differently);
 *   a different column count is a mismatch. A column is `float` when either
 *   side says so, else exact (DECIMAL included: its text is compared).
 * - Multiset first: equal row counts and checksums mean equal multisets —
 *   for float columns only when the tolerance is no tighter than the
 *   checksums' rounding (FLOAT_CHECK_DIGITS significant digits).
 * - A top-level ORDER BY on output columns also requires the sequence of
 *   sort-key values to be equal (rows tied on the keys may permute): an equal
 *   ordered checksum settles it, otherwise the rows do.
 * - Checksums that differ settle a mismatch when an exact column or the row
 *   count differs; differences only in float columns (or in which tied rows
 *   an ORDER BY + LIMIT kept) need the rows: the answer is `needs-rows`, and
 *   the caller re-executes both sides with `maxRows` and asks again.
 * - With rows, the comparison runs inside DuckDB (compare-rows.ts). Rows
 *   truncated on either side: only what both cover is compared, and the
 *   answer says how many rows that was.
 */
import { FLOAT_CHECK_DIGITS, type ResultColumn, type ResultSummary } from '../execute/execute-result.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import {
  DEFAULT_TOLERANCE,
  type Agreement,
  type ColumnTypeChange,
  type MismatchAgreement,
  type NeedsRowsAgreement,
  type Tolerance,
} from './agreement.ts';
import { compareRows, type ColumnKind, type RowComparison } from './compare-rows.ts';
import type { QueryShape } from './query-shape.ts';

/** The parts of a QueryShape the comparison reads. */
export type ComparisonShape = Pick<QueryShape, 'order' | 'limitMayTie' | 'hasOffset'>;

export async function compareResults(
  base: ResultSummary,
  head: ResultSummary,
  shape: ComparisonShape,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): Promise<Agreement> {
  checkSummary(base, 'base');
  checkSummary(head, 'head');
  checkTolerance(tolerance);
  const rowCountDelta = head.rowCount - base.rowCount;
  if (base.columns.length !== head.columns.length) {
    return {
      kind: 'mismatch',
      rowCountDelta,
      columns: [],
      columnPositions: [],
      columnCount: { base: base.columns.length, head: head.columns.length },
      evidence: 'checksums',
      reason: `the base returns ${base.columns.length} column(s), the head ${head.columns.length}`,
    };
  }
  const kinds: ColumnKind[] = base.columns.map((c, j) => columnKind(c, head.columns[j]!));
  const classChanged = base.columns.some((c, j) => c.valueClass !== head.columns[j]!.valueClass);
  const typeChanges = columnTypeChanges(base, head);
  const keys = shape.order.kind === 'keys' && shape.order.keys.length > 0 ? shape.order.keys : null;
  const floats = kinds.includes('float');
  // rounding to d significant digits moves a value by less than 10^(1-d) relative
  const checksumsCoverFloats = !floats || tolerance.relative >= 10 ** (1 - FLOAT_CHECK_DIGITS);
  const checksumDiffs = [...kinds.keys()].filter((j) => base.columnChecksums[j] !== head.columnChecksums[j]);
  const sumsEqual = rowCountDelta === 0 && base.rowChecksum === head.rowChecksum && checksumDiffs.length === 0;
  const rows = hasRows(base) && hasRows(head);
  const truncated = isTruncated(base) || isTruncated(head);
  const rowsWanted = Math.max(base.rowCount, head.rowCount);
  const withTypes = typeChanges.length > 0 ? { columnTypeChanges: typeChanges } : {};
  const names = (positions: readonly number[]): { columns: string[]; columnPositions: number[] } => ({
    columns: positions.map((j) => base.columns[j]!.name),
    columnPositions: [...positions],
  });

  const multisetProven = sumsEqual && checksumsCoverFloats && !classChanged;
  if (multisetProven) {
    if (!keys) return { kind: 'same', evidence: 'checksums', orderChecked: false, ...withTypes };
    if (base.orderedChecksum === head.orderedChecksum) return { kind: 'same', evidence: 'checksums', orderChecked: true, ...withTypes };
    if (!rows) return needsRows('order-ties', 'same rows, but in a different order: the sort-key sequence must be compared on the rows (tied rows may permute)', rowsWanted);
  }

  // exact columns and row counts settle a mismatch without rows (unless LIMIT ties may explain exact differences)
  const exactDiff = checksumDiffs.filter((j) => kinds[j] === 'exact');
  const tieCheckable = keys !== null && shape.limitMayTie;
  const settled = !sumsEqual && (rowCountDelta !== 0 || (!tieCheckable && (exactDiff.length > 0 || (kinds.every((k) => k === 'exact') && base.rowChecksum !== head.rowChecksum))));
  const unchecked = checksumDiffs.filter((j) => kinds[j] !== 'exact').map((j) => base.columns[j]!.name);
  const fromChecksums = (extra: string): MismatchAgreement => ({
    kind: 'mismatch',
    rowCountDelta,
    ...names(exactDiff),
    ...(unchecked.length ? { uncheckedColumns: unchecked } : {}),
    ...withTypes,
    evidence: 'checksums',
    reason: describeChecksumMismatch(rowCountDelta, exactDiff.map((j) => base.columns[j]!.name), unchecked) + extra,
  });
  if (!rows) {
    if (settled) return fromChecksums('');
    if (tieCheckable && !sumsEqual) return needsRows('limit-ties', 'ORDER BY + LIMIT: the rows decide whether the difference is only in which tied rows were kept', rowsWanted);
    if (checksumDiffs.some((j) => kinds[j] === 'number') && !checksumDiffs.some((j) => kinds[j] === 'float')) {
      return needsRows('retyped-numbers', 'a number column changed type (scale or width): its values are compared by value on the rows', rowsWanted);
    }
    return needsRows('float-tolerance', sumsEqual ? 'the float checksums round more coarsely than the tolerance asks' : `only float or retyped columns differ by checksum (${checksumDiffs.map((j) => base.columns[j]!.name).join(', ') || 'row checksum'}): the rows decide within the tolerance`, rowsWanted);
  }

  const rc = await compareRows({
    baseRows: base.rows!,
    headRows: head.rows!,
    truncated,
    kinds,
    keys,
    tolerance,
    limitBoundary: !shape.limitMayTie ? 'none' : shape.hasOffset ? 'first-or-last' : 'last',
  });
  return fromRows(rc, { rowCountDelta, rowsWanted, multisetProven, settled, truncated, names, withTypes, fromChecksums, checksumDiffs: exactDiff });
}

interface Context {
  readonly rowCountDelta: number;
  readonly rowsWanted: number;
  /** the checksums proved the multisets equal: only the order was in question */
  readonly multisetProven: boolean;
  readonly settled: boolean;
  readonly truncated: boolean;
  readonly names: (positions: readonly number[]) => { columns: string[]; columnPositions: number[] };
  readonly withTypes: { columnTypeChanges?: readonly ColumnTypeChange[] };
  readonly fromChecksums: (extra: string) => MismatchAgreement;
  /** exact columns whose checksum differs */
  readonly checksumDiffs: readonly number[];
}

function fromRows(rc: RowComparison, cx: Context): Agreement {
  const covered = cx.truncated ? { coveredRows: rc.coveredRows } : {};
  const coveredText = cx.truncated ? ` (rows truncated: compared ${rc.coveredRows} row(s) per side)` : '';
  if (rc.multisetEqual === false && !(cx.multisetProven && rc.orderEqual === false)) {
    const positions = cx.truncated ? [...new Set([...rc.differingPositions, ...cx.checksumDiffs])].toSorted((a, b) => a - b) : rc.differingPositions;
    const named = cx.names(positions);
    return {
      kind: 'mismatch',
      rowCountDelta: cx.rowCountDelta,
      ...named,
      ...cx.withTypes,
      ...(rc.samples.length ? { sampleRows: rc.samples } : {}),
      ...(rc.tiedAtLimit ? { tiedAtLimit: true } : {}),
      evidence: 'rows',
      ...covered,
      reason: rc.tiedAtLimit
        ? 'the results differ only in rows tied on the sort keys with the LIMIT boundary'
        : `rows differ${named.columns.length ? ` in column(s) ${named.columns.join(', ')}` : ''}${cx.rowCountDelta ? `; row count ${cx.rowCountDelta > 0 ? '+' : ''}${cx.rowCountDelta}` : ''}${coveredText}`,
    };
  }
  if (rc.orderEqual === false) {
    const named = cx.names(rc.orderKeysDiffering ?? rc.differingPositions);
    return {
      kind: 'mismatch',
      rowCountDelta: cx.rowCountDelta,
      ...named,
      ...cx.withTypes,
      sampleRows: rc.orderSamples,
      orderOnly: cx.multisetProven || (rc.multisetEqual === true && !cx.settled),
      evidence: 'rows',
      ...covered,
      reason: `the sequence of ORDER BY values differs (${named.columns.join(', ')})${coveredText}`,
    };
  }
  if (cx.settled) return cx.fromChecksums(cx.truncated ? `; the ${rc.coveredRows} row(s) compared agree` : '; the rows given agree (they do not match their checksums)');
  if (cx.truncated) {
    return {
      kind: 'inconclusive',
      coveredRows: rc.coveredRows,
      rowsWanted: cx.rowsWanted,
      reason: rc.multisetEqual === null
        ? 'an unordered result with truncated rows: the rows given are not comparable as multisets'
        : `the ${rc.coveredRows} row(s) compared agree, the rest were not returned`,
    };
  }
  return { kind: 'same', evidence: 'rows', orderChecked: rc.orderEqual !== null, ...cx.withTypes };
}

function needsRows(need: NeedsRowsAgreement['need'], reason: string, rowsWanted: number): NeedsRowsAgreement {
  return { kind: 'needs-rows', need, reason, rowsWanted };
}

const EXACT_NUMBER = /^(DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|VARINT|BIGNUM)\b/i;

/** float when either side is; exact numbers of different types compare by value; everything else by its exact text */
function columnKind(base: ResultColumn, head: ResultColumn): ColumnKind {
  if (base.valueClass === 'float' || head.valueClass === 'float') return 'float';
  if (base.type !== head.type && EXACT_NUMBER.test(base.type) && EXACT_NUMBER.test(head.type)) return 'number';
  return 'exact';
}

/** Rows to compare: an empty list for a non-empty result (asked with maxRows 0) is no rows. */
function hasRows(s: ResultSummary): boolean {
  return s.rows !== undefined && (s.rows.length > 0 || s.rowCount === 0);
}

function isTruncated(s: ResultSummary): boolean {
  return s.rowsTruncated === true || (s.rows !== undefined && s.rows.length < s.rowCount);
}

function columnTypeChanges(base: ResultSummary, head: ResultSummary): ColumnTypeChange[] {
  const out: ColumnTypeChange[] = [];
  base.columns.forEach((c, j) => {
    const h = head.columns[j]!;
    if (c.type !== h.type) out.push({ position: j, name: c.name, base: c.type, head: h.type });
  });
  return out;
}

function describeChecksumMismatch(rowCountDelta: number, columns: readonly string[], unchecked: readonly string[]): string {
  const parts: string[] = [];
  if (rowCountDelta !== 0) parts.push(`row count ${rowCountDelta > 0 ? '+' : ''}${rowCountDelta}`);
  if (columns.length) parts.push(`values differ in column(s) ${columns.join(', ')}`);
  if (unchecked.length) parts.push(`checksums differ in column(s) ${unchecked.join(', ')} (not checked against the tolerance)`);
  if (parts.length === 0) parts.push('the same column values, paired differently into rows');
  return parts.join('; ');
}

function checkSummary(s: ResultSummary, side: string): void {
  const bad = (what: string): never => {
    throw new FlightdeckError('protocol-error', `the ${side} result summary is malformed: ${what}`);
  };
  if (!s || typeof s !== 'object') bad('not an object');
  if (!Number.isInteger(s.rowCount) || s.rowCount < 0) bad('rowCount is not a count');
  if (!Array.isArray(s.columns)) bad('columns is not a list');
  if (!Array.isArray(s.columnChecksums) || s.columnChecksums.length !== s.columns.length) bad(`${s.columns.length} column(s) but ${String(s.columnChecksums?.length)} column checksum(s)`);
  if (s.rows !== undefined) {
    if (!Array.isArray(s.rows)) bad('rows is not a list');
    if (s.rows.length > s.rowCount) bad(`${s.rows.length} rows for a rowCount of ${s.rowCount}`);
    const wrong = s.rows.findIndex((r) => !Array.isArray(r) || r.length !== s.columns.length);
    if (wrong >= 0) bad(`row ${wrong} does not have ${s.columns.length} value(s)`);
  }
}

function checkTolerance(t: Tolerance): void {
  for (const [name, v] of [['relative', t.relative], ['absolute', t.absolute]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new FlightdeckError('usage-error', `the ${name} float tolerance must be a finite number >= 0; got ${String(v)}`);
    }
  }
}
