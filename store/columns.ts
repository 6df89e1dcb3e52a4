/**
 * Record ⇄ row mapping for the store's tables, in one place per table.
 *
 * A table is an object with one codec per record field; the column is the
 * field's snake_case name. Both the INSERT (which names its columns, so a
 * column added by `ALTER TABLE … ADD COLUMN` cannot shift the others) and the
 * row mapper read this object, and its type demands a codec for every field
 * of the record. Adding an outcome field is therefore: the field in
 * records.ts, its codec here (the compiler points at the missing one), and a
 * migration that adds the column.
 */
import type { ListItem, Params, Row, SqlDialect } from './sql-backend.ts';
import type { ApprovalRecord, ClusterRecord, DiffRecord, FlightOperators, FlightResultRecord, OutcomeRecord, RunRecord, StoredTemplate, WorkloadRecord } from './records.ts';

type Param = Params[number];

export interface Codec<T> {
  /** the VALUES placeholder: `?`, or an expression of it in the backend's dialect (a list from JSON text) */
  placeholder(dialect: SqlDialect): string;
  encode(value: T): Param;
  decode(value: unknown): T;
}

export type Columns<R> = { readonly [K in keyof R]-?: Codec<R[K]> };

const isNull = (v: unknown) => v === null || v === undefined;
const one = () => '?';

export const text: Codec<string> = { placeholder: one, encode: (v) => v, decode: (v) => String(v) };
export const textOrNull: Codec<string | null> = { placeholder: one, encode: (v) => v, decode: (v) => (isNull(v) ? null : String(v)) };
export const num: Codec<number> = { placeholder: one, encode: (v) => v, decode: (v) => Number(v) };
/** NaN and ±Infinity are stored as NULL (a ratio against a zero cost) */
export const numOrNull: Codec<number | null> = {
  placeholder: one,
  encode: (v) => (v === null || !Number.isFinite(v) ? null : v),
  decode: (v) => (isNull(v) ? null : Number(v)),
};
export const bool: Codec<boolean> = { placeholder: one, encode: (v) => v, decode: (v) => Boolean(v) };
/** a JSON document in a VARCHAR column */
export const json = <T>(): Codec<T> => ({ placeholder: one, encode: (v) => JSON.stringify(v), decode: (v) => JSON.parse(String(v)) as T });
export const jsonOrNull = <T>(): Codec<T | null> => ({
  placeholder: one,
  encode: (v) => (v === null || v === undefined ? null : JSON.stringify(v)),
  decode: (v) => (isNull(v) || v === '' ? null : (JSON.parse(String(v)) as T)),
});
/** a list column (DuckDB VARCHAR[] / DOUBLE[], PostgreSQL text[] / double precision[]), passed as JSON text */
const list = <T extends string | number>(type: ListItem, item: (v: unknown) => T): Codec<readonly T[]> => ({
  placeholder: (d) => d.listParam(type),
  encode: (v) => JSON.stringify(v),
  decode: (v) => ((v as unknown[] | null) ?? []).map(item),
});
export const textList = list('text', String);
export const numList = list('double', Number);

/**
 * Now, in UTC, as TIMESTAMP text (`YYYY-MM-DD HH:MM:SS.mmm`). Store times are
 * written by the process, never by the database's now(): DuckDB's lands in a
 * TIMESTAMP column as the machine's local wall time, PostgreSQL's in the
 * session's zone. Readers take them as UTC.
 */
export function utcNowText(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

/** now, in UTC, as a TIMESTAMP literal (see utcNowText; our own text, never a user's) */
export function utcNowSql(): string {
  return `CAST('${utcNowText()}' AS TIMESTAMP)`;
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export interface Table<R> {
  readonly name: string;
  /** the primary key's fields: what an upsert replaces on */
  readonly key: readonly (keyof R)[];
  readonly columns: Columns<R>;
}

/**
 * `INSERT INTO name (col, …) VALUES (…), …` for `rows` rows of the given
 * fields (default: all of them); `fixed` adds columns whose value is SQL
 * (e.g. `created_at: 'now()'`). With `replace`, a row whose key exists
 * replaces it: `ON CONFLICT (key) DO UPDATE`, which DuckDB and PostgreSQL
 * both accept (the rows of one statement must have distinct keys).
 */
export function insertSql<R>(dialect: SqlDialect, table: Table<R>, rows: number, options: { replace?: boolean; fields?: readonly (keyof R)[]; fixed?: Readonly<Record<string, string>> } = {}): string {
  const fields = options.fields ?? (Object.keys(table.columns) as (keyof R)[]);
  const fixed = Object.entries(options.fixed ?? {});
  const names = [...fields.map((f) => snake(String(f))), ...fixed.map(([c]) => c)];
  const row = `(${[...fields.map((f) => table.columns[f].placeholder(dialect)), ...fixed.map(([, sql]) => sql)].join(', ')})`;
  const insert = `INSERT INTO ${table.name} (${names.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
  if (!options.replace) return insert;
  const key = table.key.map((f) => snake(String(f)));
  const set = names.filter((n) => !key.includes(n)).map((n) => `${n} = excluded.${n}`);
  return `${insert} ON CONFLICT (${key.join(', ')}) ${set.length ? `DO UPDATE SET ${set.join(', ')}` : 'DO NOTHING'}`;
}

/** The rows with distinct keys, the last of each key kept (as sequential writes would leave it), sorted by key (so concurrent writers lock rows in one order). */
export function lastByKey<R>(table: Table<R>, rows: readonly R[]): R[] {
  const byKey = new Map<string, R>();
  for (const r of rows) byKey.set(table.key.map((f) => String(r[f])).join('\u0000'), r);
  return [...byKey.entries()].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** The parameters of one row, in the order `insertSql` names the columns. */
export function encodeRow<R>(table: Table<R>, record: R, fields: readonly (keyof R)[] = Object.keys(table.columns) as (keyof R)[]): Param[] {
  return fields.map((f) => table.columns[f].encode(record[f]));
}

export function decodeRow<R>(table: Table<R>, row: Row): R {
  const out: Partial<Record<keyof R, unknown>> = {};
  for (const f of Object.keys(table.columns) as (keyof R)[]) out[f] = table.columns[f].decode(row[snake(String(f))]);
  return out as R;
}

// ---- the tables ----------------------------------------------------------------

type Rejects = WorkloadRecord['rejects'];
type Sources = WorkloadRecord['sources'];

export const WORKLOADS: Table<Required<WorkloadRecord>> = {
  name: 'workloads',
  key: ['name'],
  columns: { name: text, sources: json<Sources>(), entries: num, rejected: num, rejects: json<Rejects>(), createdAt: text, masking: textOrNull },
};

/** a template row: the workload it belongs to, then the template */
export type TemplateRow = StoredTemplate & { readonly workload: string };

export const TEMPLATES: Table<TemplateRow> = {
  name: 'templates',
  key: ['workload', 'fingerprint'],
  columns: {
    workload: text, fingerprint: text, normalized: text, sql: text, count: num, errorCount: num, firstError: { ...textOrNull, encode: (v) => v ?? null } as Codec<string | null | undefined>, totalDurationMs: num, meanDurationMs: numOrNull,
    weight: num, durationShare: num, users: textList, projects: textList, priorities: numList, firstSeen: textOrNull, lastSeen: textOrNull, source: text,
  },
};

export const RUNS: Table<RunRecord> = {
  name: 'runs',
  key: ['id'],
  columns: {
    id: text, kind: text as Codec<RunRecord['kind']>, workload: text, catalog: text, baseSpec: text, headSpec: text, baseDescription: textOrNull,
    headDescription: textOrNull, status: text as Codec<RunRecord['status']>, queue: text, total: num, options: json<Record<string, unknown>>(),
    createdAt: text, finishedAt: textOrNull, error: textOrNull,
  },
};

type CompileError = OutcomeRecord['baseError'];

export const OUTCOMES: Table<OutcomeRecord> = {
  name: 'outcomes',
  key: ['runId', 'fingerprint'],
  columns: {
    runId: text, fingerprint: text, verdict: text as Codec<OutcomeRecord['verdict']>, reason: text, weight: num, count: num, baseStatus: text, headStatus: text,
    baseCost: numOrNull, headCost: numOrNull, costRatio: numOrNull, impact: numOrNull, basePlanHash: textOrNull, headPlanHash: textOrNull,
    baseSimplified: textOrNull, headSimplified: textOrNull, baseExplain: textOrNull, headExplain: textOrNull,
    baseError: jsonOrNull<NonNullable<CompileError>>(), headError: jsonOrNull<NonNullable<CompileError>>(),
    baseRules: textList, headRules: textList, rulesDiff: textList, baseMs: numOrNull, headMs: numOrNull, signature: textOrNull, approved: bool, worker: textOrNull,
    baseEstimatorRatio: numOrNull, headEstimatorRatio: numOrNull, recost: textOrNull,
  },
};

/** an outcome as written: the record, plus the tables either plan scans (for the dashboard's filter; computed on write, see tablesOf) */
export type OutcomeRow = OutcomeRecord & { readonly tables: readonly string[] };

export const OUTCOME_ROWS: Table<OutcomeRow> = { name: 'outcomes', key: OUTCOMES.key, columns: { ...OUTCOMES.columns, tables: textList } };

/** the tables a printed plan scans (`table=[name]`), each once, in order of appearance */
export function tablesOf(...plans: readonly (string | null)[]): string[] {
  const out = new Set<string>();
  for (const plan of plans) for (const m of (plan ?? '').matchAll(/table=\[([^\]]+)\]/g)) out.add(m[1]!);
  return [...out];
}

export const DIFFS: Table<DiffRecord> = {
  name: 'diffs',
  key: ['runId', 'fingerprint'],
  columns: { runId: text, fingerprint: text, edits: json<readonly unknown[]>(), textDiff: text, description: text },
};

/** a cluster row: its run, then the cluster */
export type ClusterRow = ClusterRecord & { readonly runId: string };

export const CLUSTERS: Table<ClusterRow> = {
  name: 'clusters',
  key: ['runId', 'signature'],
  columns: {
    runId: text, signature: text, description: text, templates: num, weight: num, impact: num,
    verdicts: json<Readonly<Record<string, number>>>(), example: text,
  },
};

export const FLIGHT_RESULTS: Table<FlightResultRecord> = {
  name: 'flight_results',
  key: ['runId', 'fingerprint'],
  columns: {
    runId: text, fingerprint: text, correctness: text, performance: text, detail: text, ratio: numOrNull, ratioLow: numOrNull, ratioHigh: numOrNull,
    noise: numOrNull, pValue: numOrNull, baseMs: numOrNull, headMs: numOrNull, pairs: num, baseRows: numOrNull, headRows: numOrNull, emptyBoth: bool,
    mismatch: jsonOrNull<unknown>(), operatorChange: jsonOrNull<unknown>(), operators: jsonOrNull<FlightOperators>(), crossCheck: textOrNull, baseExec: text, headExec: text,
    timings: json<FlightResultRecord['timings']>(),
  },
};

export const APPROVALS: Table<ApprovalRecord> = {
  name: 'approvals',
  key: ['fingerprint', 'headPlanHash', 'verdict'],
  columns: { fingerprint: text, headPlanHash: text, template: text, verdict: text, approvedBy: text, why: text, approvedAt: text, run: textOrNull },
};
