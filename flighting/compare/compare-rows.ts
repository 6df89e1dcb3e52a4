/**
 * The row-level comparison of two results, run inside an in-memory DuckDB in
 * this process (never a JavaScript loop over rows for the heavy part).
 *
 * Both row sets are loaded as text (exact values exactly as given; floats
 * as their shortest round-trip text, or NaN/Infinity/-Infinity) with a `pos`
 * column, float columns also cast to DOUBLE. Then, in SQL:
 * - multiset: rows present on one side only, by an anti join on every column
 *   (IS NOT DISTINCT FROM) plus a duplicate number — EXCEPT ALL that keeps
 *   `pos`; with float columns the leftovers are paired by sorting both sides
 *   (exact columns first, then the floats) and joining on the rank, each pair
 *   compared with the tolerance;
 * - which columns differ: per column, the multiset of its leftover values
 *   (EXCEPT ALL for exact columns, sort-then-rank join for floats); when no
 *   column's multiset differs (values swapped between rows), the columns
 *   that differ in the paired leftovers;
 * - order: the sort-key values position by position.
 * Rows are untrusted data: they go in as a bound parameter, never into SQL
 * text; column names never reach SQL (columns are c0, c1, ...).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ResultValue, SampleRow, Tolerance } from './agreement.ts';
import type { OrderKey } from './query-shape.ts';

/** `float`: within the tolerance; `exact`: the text as given; `number`: exact numbers whose types differ (DECIMAL(18,2) vs DECIMAL(18,1), INTEGER vs DECIMAL), compared by value: text without insignificant zeros */
export type ColumnKind = 'float' | 'exact' | 'number';

export interface RowComparisonInput {
  readonly baseRows: readonly (readonly ResultValue[])[];
  readonly headRows: readonly (readonly ResultValue[])[];
  /** either side holds fewer rows than its result */
  readonly truncated: boolean;
  readonly kinds: readonly ColumnKind[];
  /** the top-level ORDER BY as output positions, when it can be checked by value */
  readonly keys: readonly OrderKey[] | null;
  readonly tolerance: Tolerance;
  /** ORDER BY + LIMIT/OFFSET: test whether every differing row ties with a boundary row */
  readonly limitBoundary: 'none' | 'last' | 'first-or-last';
}

export interface RowComparison {
  /** rows per side the multiset comparison covered (all rows when not truncated) */
  readonly coveredRows: number;
  /** null when the rows cannot be compared as multisets (unordered and truncated) */
  readonly multisetEqual: boolean | null;
  /** null without sort keys */
  readonly orderEqual: boolean | null;
  /** positions of the columns whose values differ (multiset equal: the sort keys that differ) */
  readonly differingPositions: readonly number[];
  /** positions of the sort keys whose sequence differs */
  readonly orderKeysDiffering?: readonly number[];
  /** rows on one side only (at most 10) */
  readonly samples: readonly SampleRow[];
  /** both sides' rows where the sort-key sequence first differs, and the next two */
  readonly orderSamples: readonly SampleRow[];
  readonly tiedAtLimit: boolean;
}

const MAX_SAMPLES = 10;

let engine: Promise<DuckDBInstance> | null = null;

/** One in-memory DuckDB per process for comparisons: one thread, no file or network access. */
function comparisonEngine(): Promise<DuckDBInstance> {
  engine ??= DuckDBInstance.create(':memory:', {
    threads: '1',
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  return engine;
}

/** Close the comparison engine (tests, shutdown); the next comparison opens a new one. */
export async function closeComparisonEngine(): Promise<void> {
  const e = engine;
  engine = null;
  if (e) (await e).closeSync();
}

export async function compareRows(input: RowComparisonInput): Promise<RowComparison> {
  const connection = await (await comparisonEngine()).connect();
  try {
    return await compareOn(connection, input);
  } finally {
    connection.closeSync();
  }
}

async function compareOn(cn: DuckDBConnection, input: RowComparisonInput): Promise<RowComparison> {
  const { kinds, keys } = input;
  const covered = Math.min(input.baseRows.length, input.headRows.length);
  // truncated: only a common prefix is comparable; compare all given rows otherwise
  await load(cn, 'b', input.truncated ? input.baseRows.slice(0, covered) : input.baseRows, kinds);
  await load(cn, 'h', input.truncated ? input.headRows.slice(0, covered) : input.headRows, kinds);
  const sql = new SqlParts(kinds, input.tolerance);

  let orderEqual: boolean | null = null;
  let orderFirstDiff: number | null = null;
  let orderKeysDiffering: number[] = [];
  if (keys && keys.length > 0) {
    const keyPositions = [...new Set(keys.map((k) => k.position))];
    const notEq = keyPositions.map((j) => `NOT ${sql.eq('x', 'y', j)}`).join(' OR ');
    const first = await scalar(cn, `SELECT min(x.pos) FROM b x JOIN h y USING (pos) WHERE ${notEq}`);
    orderFirstDiff = first === null ? null : Number(first);
    orderEqual = orderFirstDiff === null;
    if (orderFirstDiff !== null) {
      orderKeysDiffering = [];
      for (const j of keyPositions) {
        const v = await scalar(cn, `SELECT count(*) FROM b x JOIN h y USING (pos) WHERE NOT ${sql.eq('x', 'y', j)}`);
        if (Number(v) > 0) orderKeysDiffering.push(j);
      }
    }
  }

  // the multiset part: all rows, or with truncated ordered rows the prefix before the last tie group
  let cut: number | null = null;
  if (input.truncated) {
    if (!keys || keys.length === 0) {
      return { coveredRows: 0, multisetEqual: null, orderEqual, differingPositions: orderKeysDiffering, samples: [], orderSamples: [], tiedAtLimit: false };
    }
    const keyCols = [...new Set(keys.map((k) => `c${k.position}`))].join(', ');
    const start = await scalar(cn, `SELECT coalesce(max(pos), 0) FROM (SELECT pos, (${keyCols}) IS DISTINCT FROM lag((${keyCols})) OVER (ORDER BY pos) AS starts FROM b) WHERE starts`);
    cut = Number(start);
  }
  const within = cut === null ? '' : `WHERE pos < ${cut}`;
  const cols = sql.cols('');
  await cn.run(`CREATE TEMP TABLE bn AS SELECT *, row_number() OVER (PARTITION BY ${cols} ORDER BY pos) AS dup FROM b ${within}`);
  await cn.run(`CREATE TEMP TABLE hn AS SELECT *, row_number() OVER (PARTITION BY ${cols} ORDER BY pos) AS dup FROM h ${within}`);
  const same = [...kinds.keys()].map((j) => `x.c${j} IS NOT DISTINCT FROM y.c${j}`).join(' AND ');
  await cn.run(`CREATE TEMP TABLE bo AS SELECT x.* FROM bn x ANTI JOIN hn y ON ${same} AND x.dup = y.dup`);
  await cn.run(`CREATE TEMP TABLE ho AS SELECT x.* FROM hn x ANTI JOIN bn y ON ${same} AND x.dup = y.dup`);
  const coveredRows = cut ?? Math.max(input.baseRows.length, input.headRows.length);

  // pair the leftovers: exact columns first, then the floats by value
  const rankOrder = [
    ...[...kinds.keys()].filter((j) => kinds[j] !== 'float').map((j) => `c${j}`),
    ...[...kinds.keys()].filter((j) => kinds[j] === 'float').flatMap((j) => [`d${j}`, `c${j}`]),
    'pos',
  ].join(', ');
  await cn.run(`CREATE TEMP TABLE pairs AS SELECT x.pos AS bpos, y.pos AS hpos, ${[...kinds.keys()].map((j) => `(x.rk IS NOT NULL AND y.rk IS NOT NULL AND ${sql.eq('x', 'y', j)}) AS e${j}`).join(', ')}
    FROM (SELECT *, row_number() OVER (ORDER BY ${rankOrder}) AS rk FROM bo) x
    FULL JOIN (SELECT *, row_number() OVER (ORDER BY ${rankOrder}) AS rk FROM ho) y ON x.rk = y.rk`);
  const allEq = [...kinds.keys()].map((j) => `e${j}`).join(' AND ');
  const unpaired = Number(await scalar(cn, `SELECT count(*) FROM pairs WHERE NOT (${allEq})`));
  const multisetEqual = unpaired === 0;

  const atOrderDiff = orderFirstDiff === null ? [] : orderSamples(input, orderFirstDiff);
  if (multisetEqual) {
    return { coveredRows, multisetEqual, orderEqual, differingPositions: orderKeysDiffering, samples: [], orderSamples: atOrderDiff, tiedAtLimit: false };
  }
  let differing = await columnMultisetDiffs(cn, sql, kinds);
  if (differing.length === 0) {
    const row = await cn.runAndReadAll(`SELECT ${[...kinds.keys()].map((j) => `bool_and(e${j})`).join(', ')} FROM pairs`);
    const flags = row.getRowsJS()[0] ?? [];
    differing = [...kinds.keys()].filter((j) => flags[j] === false);
  }
  const samples = await leftoverSamples(cn, input, allEq);
  const tiedAtLimit = keys !== null && keys.length > 0 && input.limitBoundary !== 'none' && orderEqual === true
    && (await tiesAtBoundary(cn, sql, keys, input.limitBoundary));
  return { coveredRows, multisetEqual, orderEqual, differingPositions: differing, orderKeysDiffering, samples, orderSamples: atOrderDiff, tiedAtLimit };
}

/** SQL fragments over columns c0.., with d<j> the DOUBLE of float column j. */
class SqlParts {
  constructor(
    readonly kinds: readonly ColumnKind[],
    readonly tolerance: Tolerance,
  ) {}

  cols(alias: string): string {
    const p = alias ? `${alias}.` : '';
    return this.kinds.map((_, j) => `${p}c${j}`).join(', ');
  }

  /** column j of x agrees with column j of y (never NULL) */
  eq(x: string, y: string, j: number): string {
    const same = `${x}.c${j} IS NOT DISTINCT FROM ${y}.c${j}`;
    if (this.kinds[j] !== 'float') return `(${same})`;
    const a = `${x}.d${j}`;
    const b = `${y}.d${j}`;
    const { relative, absolute } = this.tolerance;
    const near = `isfinite(${a}) AND isfinite(${b}) AND abs(${a} - ${b}) <= greatest(${absolute}::DOUBLE, ${relative}::DOUBLE * greatest(abs(${a}), abs(${b})))`;
    return `coalesce(${same} OR ${a} = ${b} OR (isnan(${a}) AND isnan(${b})) OR (${near}), false)`;
  }
}

/**
 * The rows cross into DuckDB as one JSON text bound as a parameter (one
 * native parse instead of a call per value): `from_json` reads every value
 * as VARCHAR — strings as given, numbers as their JSON text (JavaScript's
 * shortest round-trip form), null as NULL.
 */
async function load(cn: DuckDBConnection, table: string, rows: readonly (readonly ResultValue[])[], kinds: readonly ColumnKind[]): Promise<void> {
  const json = JSON.stringify(rows, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  const columns = kinds.map((k, j) => {
    const c = `r[${j + 1}]`;
    if (k === 'float') return `${c} AS c${j}, TRY_CAST(${c} AS DOUBLE) AS d${j}`;
    return k === 'number' ? `${canonicalNumber(c)} AS c${j}` : `${c} AS c${j}`;
  });
  await cn.run(
    `CREATE TEMP TABLE ${table} AS SELECT (pos - 1)::INTEGER AS pos, ${columns.join(', ')}
     FROM (SELECT unnest(rows) AS r, unnest(generate_series(1, len(rows))) AS pos FROM (SELECT from_json($1::VARCHAR, '[["VARCHAR"]]') AS rows))`,
    [json],
  );
}

/** An exact number's text without insignificant zeros: `0.10` → `0.1`, `007` → `7`, `-0.00` → `0`, `1.0E+2` untouched. */
function canonicalNumber(c: string): string {
  const trimmed = `regexp_replace(regexp_replace(regexp_replace(${c}, '^(-?)0+([0-9])', '\\1\\2'), '^(-?[0-9]*\\.[0-9]*?)0+$', '\\1'), '\\.$', '')`;
  return `CASE WHEN ${trimmed} = '-0' THEN '0' ELSE ${trimmed} END`;
}

async function scalar(cn: DuckDBConnection, sql: string): Promise<unknown> {
  const r = await cn.runAndReadAll(sql);
  const v = r.getRowsJS()[0]?.[0];
  return v === undefined ? null : typeof v === 'bigint' ? Number(v) : v;
}

/** Columns whose multiset of values differs between the leftovers of both sides. */
async function columnMultisetDiffs(cn: DuckDBConnection, sql: SqlParts, kinds: readonly ColumnKind[]): Promise<number[]> {
  const parts = kinds.map((k, j) => {
    if (k !== 'float') {
      return `SELECT ${j} AS col FROM ((SELECT c${j} FROM bo EXCEPT ALL SELECT c${j} FROM ho) UNION ALL (SELECT c${j} FROM ho EXCEPT ALL SELECT c${j} FROM bo)) LIMIT 1`;
    }
    const side = (t: string): string => `(SELECT c${j}, d${j}, row_number() OVER (ORDER BY d${j}, c${j}) AS rk FROM ${t})`;
    return `SELECT ${j} AS col FROM ${side('bo')} x FULL JOIN ${side('ho')} y ON x.rk = y.rk WHERE x.rk IS NULL OR y.rk IS NULL OR NOT ${sql.eq('x', 'y', j)} LIMIT 1`;
  });
  const r = await cn.runAndReadAll(parts.map((p) => `(${p})`).join(' UNION ALL '));
  return r.getRowsJS().map((row) => Number(row[0])).toSorted((a, b) => a - b);
}

/** Up to MAX_SAMPLES rows without an agreeing partner, alternating sides, each side in result order. */
async function leftoverSamples(cn: DuckDBConnection, input: RowComparisonInput, allEq: string): Promise<SampleRow[]> {
  const take = async (side: string): Promise<number[]> =>
    (await cn.runAndReadAll(`SELECT ${side} FROM pairs WHERE ${side} IS NOT NULL AND NOT (${allEq}) ORDER BY ${side} LIMIT ${MAX_SAMPLES}`)).getRowsJS().map((r) => Number(r[0]));
  const bpos = await take('bpos');
  const hpos = await take('hpos');
  const out: SampleRow[] = [];
  for (let i = 0; out.length < MAX_SAMPLES && (i < bpos.length || i < hpos.length); i++) {
    if (i < bpos.length) out.push({ side: 'base', position: bpos[i]!, row: input.baseRows[bpos[i]!]! });
    if (i < hpos.length && out.length < MAX_SAMPLES) out.push({ side: 'head', position: hpos[i]!, row: input.headRows[hpos[i]!]! });
  }
  return out;
}

/** For an order difference: the rows at the first differing position and the next two, both sides. */
function orderSamples(input: RowComparisonInput, first: number): SampleRow[] {
  const out: SampleRow[] = [];
  for (let p = first; p < first + 3; p++) {
    const b = input.baseRows[p];
    const h = input.headRows[p];
    if (b) out.push({ side: 'base', position: p, row: b });
    if (h) out.push({ side: 'head', position: p, row: h });
  }
  return out;
}

/** Every leftover row on both sides ties on the sort keys with the last (or first) row of the base. */
async function tiesAtBoundary(cn: DuckDBConnection, sql: SqlParts, keys: readonly OrderKey[], boundary: 'last' | 'first-or-last'): Promise<boolean> {
  const keyPositions = [...new Set(keys.map((k) => k.position))];
  const tied = (edge: string): string => `(${keyPositions.map((j) => sql.eq('r', edge, j)).join(' AND ')})`;
  const edges = boundary === 'last' ? tied('l') : `(${tied('l')} OR ${tied('f')})`;
  const n = await scalar(
    cn,
    `SELECT count(*) FROM (SELECT * FROM bo UNION ALL BY NAME SELECT * FROM ho) r,
       (SELECT * FROM b ORDER BY pos DESC LIMIT 1) l, (SELECT * FROM b ORDER BY pos LIMIT 1) f
     WHERE NOT ${edges}`,
  );
  const base = await scalar(cn, 'SELECT count(*) FROM b');
  return Number(base) > 0 && Number(n) === 0;
}
