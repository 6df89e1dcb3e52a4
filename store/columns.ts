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
import type { Params, Row } from '../compiler/builds/duckdb-database.ts';
import type { ApprovalRecord, ClusterRecord, DiffRecord, FlightOperators, FlightResultRecord, OutcomeRecord, RunRecord, StoredTemplate, WorkloadRecord } from './records.ts';

type Param = Params[number];

export interface Codec<T> {
  /** the VALUES placeholder: `?`, or an expression of it such as from_json(?, …) */
  readonly placeholder: string;
  encode(value: T): Param;
  decode(value: unknown): T;
}

export type Columns<R> = { readonly [K in keyof R]-?: Codec<R[K]> };

const isNull = (v: unknown) => v === null || v === undefined;

export const text: Codec<string> = { placeholder: '?', encode: (v) => v, decode: (v) => String(v) };
export const textOrNull: Codec<string | null> = { placeholder: '?', encode: (v) => v, decode: (v) => (isNull(v) ? null : String(v)) };
export const num: Codec<number> = { placeholder: '?', encode: (v) => v, decode: (v) => Number(v) };
/** NaN and ±Infinity are stored as NULL (a ratio against a zero cost) */
export const numOrNull: Codec<number | null> = {
  placeholder: '?',
  encode: (v) => (v === null || !Number.isFinite(v) ? null : v),
  decode: (v) => (isNull(v) ? null : Number(v)),
};
export const bool: Codec<boolean> = { placeholder: '?', encode: (v) => v, decode: (v) => Boolean(v) };
/** a JSON document in a VARCHAR column */
export const json = <T>(): Codec<T> => ({ placeholder: '?', encode: (v) => JSON.stringify(v), decode: (v) => JSON.parse(String(v)) as T });
export const jsonOrNull = <T>(): Codec<T | null> => ({
  placeholder: '?',
  encode: (v) => (v === null || v === undefined ? null : JSON.stringify(v)),
  decode: (v) => (isNull(v) || v === '' ? null : (JSON.parse(String(v)) as T)),
});
/** a DuckDB list column (VARCHAR[] / DOUBLE[]), passed as JSON */
const list = <T extends string | number>(type: 'VARCHAR' | 'DOUBLE', item: (v: unknown) => T): Codec<readonly T[]> => ({
  placeholder: `from_json(?, '["${type}"]')`,
  encode: (v) => JSON.stringify(v),
  decode: (v) => ((v as unknown[] | null) ?? []).map(item),
});
export const textList = list('VARCHAR', String);
export const numList = list('DOUBLE', Number);

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export interface Table<R> {
  readonly name: string;
  readonly columns: Columns<R>;
}

/**
 * `INSERT [OR REPLACE] INTO name (col, …) VALUES (…), …` for `rows` rows of
 * the given fields (default: all of them); `fixed` adds columns whose value
 * is SQL (e.g. `created_at: 'now()'`).
 */
export function insertSql<R>(table: Table<R>, rows: number, options: { replace?: boolean; fields?: readonly (keyof R)[]; fixed?: Readonly<Record<string, string>> } = {}): string {
  const fields = options.fields ?? (Object.keys(table.columns) as (keyof R)[]);
  const fixed = Object.entries(options.fixed ?? {});
  const names = [...fields.map((f) => snake(String(f))), ...fixed.map(([c]) => c)];
  const one = `(${[...fields.map((f) => table.columns[f].placeholder), ...fixed.map(([, sql]) => sql)].join(', ')})`;
  return `INSERT ${options.replace ? 'OR REPLACE ' : ''}INTO ${table.name} (${names.join(', ')}) VALUES ${Array(rows).fill(one).join(', ')}`;
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
  columns: { name: text, sources: json<Sources>(), entries: num, rejected: num, rejects: json<Rejects>(), createdAt: text },
};

/** a template row: the workload it belongs to, then the template */
export type TemplateRow = StoredTemplate & { readonly workload: string };

export const TEMPLATES: Table<TemplateRow> = {
  name: 'templates',
  columns: {
    workload: text, fingerprint: text, normalized: text, sql: text, count: num, errorCount: num, firstError: { ...textOrNull, encode: (v) => v ?? null } as Codec<string | null | undefined>, totalDurationMs: num, meanDurationMs: numOrNull,
    weight: num, durationShare: num, users: textList, projects: textList, priorities: numList, firstSeen: textOrNull, lastSeen: textOrNull, source: text,
  },
};

export const RUNS: Table<RunRecord> = {
  name: 'runs',
  columns: {
    id: text, kind: text as Codec<RunRecord['kind']>, workload: text, catalog: text, baseSpec: text, headSpec: text, baseDescription: textOrNull,
    headDescription: textOrNull, status: text as Codec<RunRecord['status']>, queue: text, total: num, options: json<Record<string, unknown>>(),
    createdAt: text, finishedAt: textOrNull, error: textOrNull,
  },
};

type CompileError = OutcomeRecord['baseError'];

export const OUTCOMES: Table<OutcomeRecord> = {
  name: 'outcomes',
  columns: {
    runId: text, fingerprint: text, verdict: text as Codec<OutcomeRecord['verdict']>, reason: text, weight: num, count: num, baseStatus: text, headStatus: text,
    baseCost: numOrNull, headCost: numOrNull, costRatio: numOrNull, impact: numOrNull, basePlanHash: textOrNull, headPlanHash: textOrNull,
    baseSimplified: textOrNull, headSimplified: textOrNull, baseExplain: textOrNull, headExplain: textOrNull,
    baseError: jsonOrNull<NonNullable<CompileError>>(), headError: jsonOrNull<NonNullable<CompileError>>(),
    baseRules: textList, headRules: textList, rulesDiff: textList, baseMs: numOrNull, headMs: numOrNull, signature: textOrNull, approved: bool, worker: textOrNull,
    baseEstimatorRatio: numOrNull, headEstimatorRatio: numOrNull, recost: textOrNull,
  },
};

export const DIFFS: Table<DiffRecord> = {
  name: 'diffs',
  columns: { runId: text, fingerprint: text, edits: json<readonly unknown[]>(), textDiff: text, description: text },
};

/** a cluster row: its run, then the cluster */
export type ClusterRow = ClusterRecord & { readonly runId: string };

export const CLUSTERS: Table<ClusterRow> = {
  name: 'clusters',
  columns: {
    runId: text, signature: text, description: text, templates: num, weight: num, impact: num,
    verdicts: json<Readonly<Record<string, number>>>(), example: text,
  },
};

export const FLIGHT_RESULTS: Table<FlightResultRecord> = {
  name: 'flight_results',
  columns: {
    runId: text, fingerprint: text, correctness: text, performance: text, detail: text, ratio: numOrNull, ratioLow: numOrNull, ratioHigh: numOrNull,
    noise: numOrNull, pValue: numOrNull, baseMs: numOrNull, headMs: numOrNull, pairs: num, baseRows: numOrNull, headRows: numOrNull, emptyBoth: bool,
    mismatch: jsonOrNull<unknown>(), operatorChange: jsonOrNull<unknown>(), operators: jsonOrNull<FlightOperators>(), crossCheck: textOrNull, baseExec: text, headExec: text,
    timings: json<FlightResultRecord['timings']>(),
  },
};

export const APPROVALS: Table<ApprovalRecord> = {
  name: 'approvals',
  columns: { fingerprint: text, headPlanHash: text, template: text, verdict: text, approvedBy: text, why: text, approvedAt: text, run: textOrNull },
};
