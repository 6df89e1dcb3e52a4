/**
 * The records the store keeps, as plain data. Column names in SQL are the
 * snake_case of these fields (see migrations.ts).
 */
import type { Template } from '../corpus/templates/template.ts';

/** Every verdict an outcome can carry (the store is the lowest layer that names them). */
export const VERDICTS = [
  'identical',
  'plan-changed',
  'improved',
  'regressed',
  'slower-compile',
  'new-error',
  'fixed-error',
  'both-error',
  'crash',
  'timeout',
  'result-mismatch',
  'nondeterministic',
  'slower',
  'faster',
  'same',
  'inconclusive',
  'not-executable',
  'resource',
] as const;

export type Verdict = (typeof VERDICTS)[number];

export interface WorkloadRecord {
  readonly name: string;
  readonly sources: readonly { readonly path: string; readonly format: string }[];
  readonly entries: number;
  readonly rejected: number;
  readonly rejects: readonly { readonly reason: string; readonly count: number; readonly kept?: boolean; readonly examples: readonly { file: string; line: number; message: string }[] }[];
  readonly createdAt?: string;
  /**
   * How the literals were masked before they were stored (`corpus import
   * --policy`, `corpus desensitize`): e.g. `policy shop.policy.json`; null
   * or absent: not masked — who shows the templates must hide their literals.
   */
  readonly masking?: string | null;
}

/** A corpus Template as the store keeps it: its first entry's place as `file:line`. */
export type StoredTemplate = Omit<Template, 'firstSource'> & {
  /** file:line of the first entry */
  readonly source: string;
};

export interface RunRecord {
  readonly id: string;
  readonly kind: 'playback' | 'flight';
  readonly workload: string;
  readonly catalog: string;
  readonly baseSpec: string;
  readonly headSpec: string;
  readonly baseDescription: string | null;
  readonly headDescription: string | null;
  readonly status: 'running' | 'done' | 'failed';
  readonly queue: string;
  readonly total: number;
  readonly options: Record<string, unknown>;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface CompileErrorRecord {
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface OutcomeRecord {
  readonly runId: string;
  readonly fingerprint: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly weight: number;
  readonly count: number;
  readonly baseStatus: string;
  readonly headStatus: string;
  readonly baseCost: number | null;
  readonly headCost: number | null;
  /** the cost ratio the verdict is based on: the base estimator's (head plan / base plan) when the builds can re-cost, else head cost / base cost */
  readonly costRatio: number | null;
  /** the base build's estimate of the head plan / its estimate of the base plan (null: not re-costed) */
  readonly baseEstimatorRatio: number | null;
  /** the head build's estimate of the head plan / its estimate of the base plan (null: not re-costed) */
  readonly headEstimatorRatio: number | null;
  /** how the changed plans were costed: "re-costed by both builds", or "cannot re-cost: …" (null: plans not changed) */
  readonly recost: string | null;
  readonly impact: number | null;
  readonly basePlanHash: string | null;
  readonly headPlanHash: string | null;
  readonly baseSimplified: string | null;
  readonly headSimplified: string | null;
  readonly baseExplain: string | null;
  readonly headExplain: string | null;
  readonly baseError: CompileErrorRecord | null;
  readonly headError: CompileErrorRecord | null;
  readonly baseRules: readonly string[];
  readonly headRules: readonly string[];
  readonly rulesDiff: readonly string[];
  readonly baseMs: number | null;
  readonly headMs: number | null;
  readonly signature: string | null;
  readonly approved: boolean;
  readonly worker: string | null;
}

/**
 * What a flight measured for one template, beside its outcome (the outcome
 * row carries the verdict; this row carries the evidence). Flights are runs
 * of kind `flight`; a flight's outcomes and these rows share its run id.
 */
export interface FlightResultRecord {
  readonly runId: string;
  readonly fingerprint: string;
  /** `same` | `result-mismatch` | `nondeterministic` | `not-compared` (an execution failed) */
  readonly correctness: string;
  /** `slower` | `faster` | `same` | `inconclusive` | `not-measured` */
  readonly performance: string;
  /** why, in one line (the outcome's reason) */
  readonly detail: string;
  /** estimated head/base latency ratio and its confidence interval */
  readonly ratio: number | null;
  readonly ratioLow: number | null;
  readonly ratioHigh: number | null;
  /** the A/A noise band: the largest base-vs-base ratio deviation that the confidence allows (0.03 = ±3%) */
  readonly noise: number | null;
  /** one-sided p-value of the decided direction, before false-discovery control */
  readonly pValue: number | null;
  /** median latencies, ms */
  readonly baseMs: number | null;
  readonly headMs: number | null;
  /** measured base/head pairs */
  readonly pairs: number;
  readonly baseRows: number | null;
  readonly headRows: number | null;
  /** both sides returned zero rows: compared, but the data cannot show a difference */
  readonly emptyBoth: boolean;
  /** the mismatch: differing columns, row-count delta, sample rows (snapshot values only) */
  readonly mismatch: unknown;
  /** the operator whose actual time or rows changed most */
  readonly operatorChange: unknown;
  /** every profiled operator of each side, in pre-order (medians over the timed rounds); null when nothing was profiled */
  readonly operators: FlightOperators | null;
  /** for reference builds: how each side compared with DuckDB running the original SQL */
  readonly crossCheck: string | null;
  /** execution status per side: ok | error | timeout | resource | crash | not-executable | unsupported */
  readonly baseExec: string;
  readonly headExec: string;
  /** where the time of this template went, ms: execute, compare, statistics */
  readonly timings: { readonly executeMs: number; readonly compareMs: number; readonly statisticsMs: number };
}

/** one operator of an execution profile: name as the engine prints it, depth in the profiled tree, actual rows and time */
export interface OperatorActuals {
  readonly name: string;
  readonly depth: number;
  readonly rows: number;
  readonly timeMs: number;
}

export interface FlightOperators {
  readonly base: readonly OperatorActuals[];
  readonly head: readonly OperatorActuals[];
}

export interface DiffRecord {
  readonly runId: string;
  readonly fingerprint: string;
  readonly edits: readonly unknown[];
  readonly textDiff: string;
  readonly description: string;
}

export interface ClusterRecord {
  readonly signature: string;
  readonly description: string;
  readonly templates: number;
  readonly weight: number;
  readonly impact: number;
  readonly verdicts: Readonly<Record<string, number>>;
  /** fingerprint of the heaviest template in the cluster */
  readonly example: string;
}

/** An approval as the store keeps it (the same fields as an entry of the approvals file). */
export interface ApprovalRecord {
  readonly fingerprint: string;
  readonly headPlanHash: string;
  readonly template: string;
  readonly verdict: string;
  /** who approved (the approvals file's `by`) */
  readonly approvedBy: string;
  readonly why: string;
  /** ISO time of the approval */
  readonly approvedAt: string;
  readonly run: string | null;
}
