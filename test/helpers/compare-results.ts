/**
 * Compare two query results as a structured diff: same column count, same
 * multiset of rows, and — when the query is ordered — the same sequence of
 * sort-key values (rows tied on the keys may come in any order).
 *
 * Values are as DuckDB's JSON row reader gives them: numbers for doubles
 * (equal within a relative tolerance), strings for decimals and bigints
 * (equal by exact numeric value: `1.50` equals `1.5`), strings, booleans,
 * null (NULL equals NULL), and nested lists/structs compared structurally.
 */

export interface ResultTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface CompareOptions {
  /**
   * Column positions the result is ordered by (the ORDER BY keys that are
   * output columns, in key order). Omit for an unordered result.
   */
  readonly orderBy?: readonly number[];
  /** relative tolerance for floating-point numbers (default 1e-9) */
  readonly relativeTolerance?: number;
  /** at most this many missing / extra rows are listed (default 20) */
  readonly maxListed?: number;
}

export interface ResultDiff {
  readonly equal: boolean;
  /** set when the column counts differ (then nothing else is compared) */
  readonly columnCount: { readonly expected: number; readonly actual: number } | null;
  readonly rowCount: { readonly expected: number; readonly actual: number };
  /** rows of `expected` with no equal row in `actual` (first `maxListed`) */
  readonly missingRows: readonly (readonly unknown[])[];
  readonly missingCount: number;
  /** rows of `actual` with no equal row in `expected` (first `maxListed`) */
  readonly extraRows: readonly (readonly unknown[])[];
  readonly extraCount: number;
  /**
   * The first position where the results differ: in result order when
   * ordered (compared on the sort keys), else in a canonical row order.
   */
  readonly firstDifference: { readonly index: number; readonly expected: readonly unknown[] | null; readonly actual: readonly unknown[] | null } | null;
}

export function compareResults(expected: ResultTable, actual: ResultTable, options: CompareOptions = {}): ResultDiff {
  const tol = options.relativeTolerance ?? 1e-9;
  const maxListed = options.maxListed ?? 20;
  const rowCount = { expected: expected.rows.length, actual: actual.rows.length };
  if (expected.columns.length !== actual.columns.length) {
    return {
      equal: false,
      columnCount: { expected: expected.columns.length, actual: actual.columns.length },
      rowCount,
      missingRows: [],
      missingCount: 0,
      extraRows: [],
      extraCount: 0,
      firstDifference: null,
    };
  }
  const { missing, extra } = multisetDifference(expected.rows, actual.rows, tol);
  let firstDifference: ResultDiff['firstDifference'] = null;
  if (options.orderBy && options.orderBy.length) {
    const keys = options.orderBy;
    const n = Math.max(expected.rows.length, actual.rows.length);
    for (let i = 0; i < n; i++) {
      const e = expected.rows[i] ?? null;
      const a = actual.rows[i] ?? null;
      if (!e || !a || !keys.every((k) => valuesEqual(e[k], a[k], tol))) {
        firstDifference = { index: i, expected: e, actual: a };
        break;
      }
    }
  }
  if (!firstDifference && (missing.length || extra.length)) {
    const es = expected.rows.toSorted(compareRows);
    const as = actual.rows.toSorted(compareRows);
    const n = Math.max(es.length, as.length);
    for (let i = 0; i < n; i++) {
      const e = es[i] ?? null;
      const a = as[i] ?? null;
      if (!e || !a || !rowsEqual(e, a, tol)) {
        firstDifference = { index: i, expected: e, actual: a };
        break;
      }
    }
  }
  return {
    equal: missing.length === 0 && extra.length === 0 && firstDifference === null,
    columnCount: null,
    rowCount,
    missingRows: missing.slice(0, maxListed),
    missingCount: missing.length,
    extraRows: extra.slice(0, maxListed),
    extraCount: extra.length,
    firstDifference,
  };
}

/** A few lines for a test failure or a report. */
export function describeDiff(diff: ResultDiff): string {
  if (diff.equal) return 'results are equal';
  if (diff.columnCount) return `column count differs: expected ${diff.columnCount.expected}, got ${diff.columnCount.actual}`;
  const lines = [`rows: expected ${diff.rowCount.expected}, got ${diff.rowCount.actual}; ${diff.missingCount} missing, ${diff.extraCount} extra`];
  for (const r of diff.missingRows.slice(0, 5)) lines.push(`  missing: ${show(r)}`);
  for (const r of diff.extraRows.slice(0, 5)) lines.push(`  extra:   ${show(r)}`);
  if (diff.firstDifference) {
    const f = diff.firstDifference;
    lines.push(`  first difference at row ${f.index}: expected ${f.expected ? show(f.expected) : '(none)'}, got ${f.actual ? show(f.actual) : '(none)'}`);
  }
  return lines.join('\n');
}

function show(row: readonly unknown[]): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Rows in `a` not matched in `b` and vice versa, as multisets. Exact
 * matching by a canonical key first (floats rounded to 12 digits), then a
 * tolerant pairwise pass over what is left, so floats that differ in the
 * last bits still pair up.
 */
function multisetDifference(a: readonly (readonly unknown[])[], b: readonly (readonly unknown[])[], tol: number) {
  const buckets = new Map<string, (readonly unknown[])[]>();
  for (const r of b) {
    const k = rowKey(r);
    const list = buckets.get(k);
    if (list) list.push(r);
    else buckets.set(k, [r]);
  }
  let missing: (readonly unknown[])[] = [];
  for (const r of a) {
    const list = buckets.get(rowKey(r));
    if (list && list.length) list.pop();
    else missing.push(r);
  }
  let extra: (readonly unknown[])[] = [...buckets.values()].flat();
  if (missing.length && extra.length && missing.length * extra.length <= 4_000_000) {
    const left: (readonly unknown[])[] = [];
    const pool = [...extra];
    for (const r of missing) {
      const i = pool.findIndex((x) => rowsEqual(r, x, tol));
      if (i >= 0) pool.splice(i, 1);
      else left.push(r);
    }
    missing = left;
    extra = pool;
  }
  return { missing, extra };
}

function rowKey(row: readonly unknown[]): string {
  return JSON.stringify(row.map(canonical));
}

function canonical(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? Number(v.toPrecision(12)) : String(v);
  if (typeof v === 'bigint') return normaliseDecimal(v.toString());
  if (typeof v === 'string' && DECIMAL.test(v)) return normaliseDecimal(v);
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** `-001.500` → `-1.5`; `-0.0` → `0`: exact decimal text for equality. */
function normaliseDecimal(s: string): string {
  let neg = s.startsWith('-');
  let t = neg ? s.slice(1) : s;
  let [int = '', frac = ''] = t.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  t = frac ? `${int}.${frac}` : int;
  if (/^0(\.0*)?$/.test(t)) neg = false;
  return (neg ? '-' : '') + t;
}

function rowsEqual(a: readonly unknown[], b: readonly unknown[], tol: number): boolean {
  return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i], tol));
}

export function valuesEqual(a: unknown, b: unknown, tol = 1e-9): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  }
  if ((typeof a === 'string' || typeof a === 'bigint') && (typeof b === 'string' || typeof b === 'bigint')) {
    const sa = String(a);
    const sb = String(b);
    if (DECIMAL.test(sa) && DECIMAL.test(sb)) return normaliseDecimal(sa) === normaliseDecimal(sb);
    return sa === sb;
  }
  if (Array.isArray(a) && Array.isArray(b)) return rowsEqual(a, b, tol);
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol));
  }
  return a === b;
}

/** A total order over rows for canonical sorting (nulls first, then by type, then by value). */
function compareRows(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareValues(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const sa = JSON.stringify(canonical(a)) ?? '';
  const sb = JSON.stringify(canonical(b)) ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string' || typeof v === 'bigint') return 3;
  return 4;
}
