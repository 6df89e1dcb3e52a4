/**
 * The dashboard's JSON API, as types: the server returns these and the web
 * app (ui/) imports them — types only, so the browser bundle never pulls in
 * server code. Every list is paged (`limit` ≤ 500, `offset`) and says its
 * `total`. Errors are `ApiError` with an HTTP status and a stable `code`.
 *
 *   GET  /api/health                          → Health                (no token needed)
 *   GET  /api/me                              → Me
 *   GET  /api/runs?limit&offset&kind&status   → Page<RunSummary>
 *   GET  /api/runs/:run                       → RunOverview
 *   GET  /api/runs/:run/outcomes?verdict=a,b&cluster&table&rule&q&sort&order&limit&offset → Page<OutcomeSummary>
 *   GET  /api/runs/:run/facets?(same filters)  → Facets                (counts for each filter's values)
 *   GET  /api/runs/:run/templates/:fp         → TemplateDetail
 *   POST /api/runs                            → StartRunResponse (202) (reviewer: start a playback or a flight)
 *   POST /api/approvals                       → ApprovalResult         (reviewer: one template or a whole cluster)
 *   GET  /api/approvals                       → the approvals file (JSON download)
 *   POST /api/approvals/write                 → { path, approvals }    (reviewer: write the store's approvals into the repository's file)
 *   GET  /api/audit?limit&offset              → Page<AuditEntry>
 *   GET  /api/events?run=ID                   → text/event-stream of RunProgress (`event: progress`), then `event: done`
 *
 * Tokens: `Authorization: Bearer <token>`; EventSource cannot set headers, so
 * /api/events also takes `?token=`.
 */
import type { AuditEntry, FacetCount, OutcomeSummary, VerdictCount } from '../store/outcome-query.ts';
import type { ClusterRecord, FlightResultRecord, OutcomeRecord, RunRecord } from '../store/records.ts';

export type { AuditEntry, FacetCount, OutcomeSummary, VerdictCount };

export type Role = 'viewer' | 'reviewer' | 'releaser';

export interface ApiError {
  readonly error: {
    /** stable: bad-request | unauthorized | forbidden | not-found | conflict | busy | internal */
    readonly code: string;
    readonly message: string;
    /** for bad-request: which input, e.g. `query.limit` */
    readonly field?: string;
  };
}

export interface Page<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly rows: readonly T[];
}

export interface Health {
  readonly ok: true;
  /** `duckdb` (a file) or `postgresql` (its URL's password is never returned) */
  readonly store: 'duckdb' | 'postgresql';
  readonly storeLocation: string;
  readonly version: string;
}

export interface Me {
  readonly name: string;
  readonly role: Role;
}

export interface RunSummary {
  readonly id: string;
  readonly kind: RunRecord['kind'];
  readonly workload: string;
  readonly baseSpec: string;
  readonly headSpec: string;
  readonly baseDescription: string | null;
  readonly headDescription: string | null;
  readonly status: RunRecord['status'];
  readonly total: number;
  readonly done: number;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  /** finished − created, or now − created while running */
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly verdicts: readonly VerdictCount[];
}

/** base vs head latency of one flown template (for the log-log scatter) */
export interface LatencyPoint {
  readonly fingerprint: string;
  readonly verdict: string;
  readonly baseMs: number;
  readonly headMs: number;
  readonly ratio: number | null;
}

export interface RunOverview {
  readonly run: RunSummary;
  readonly clusters: readonly ClusterRecord[];
  /** cost ratios of changed plans, heaviest first (at most 20,000) */
  readonly costRatios: readonly { readonly fingerprint: string; readonly costRatio: number; readonly verdict: string }[];
  /** flights only: one point per flown template */
  readonly latency: readonly LatencyPoint[];
  /** the heaviest regressions (regressed, slower, new-error, crash, timeout), at most 20 */
  readonly topRegressions: readonly OutcomeSummary[];
  /** every result mismatch (flights), at most 200 */
  readonly mismatches: readonly OutcomeSummary[];
}

export interface Facets {
  readonly verdict: readonly FacetCount[];
  readonly cluster: readonly FacetCount[];
  readonly table: readonly FacetCount[];
  readonly rule: readonly FacetCount[];
}

export interface TemplateInfo {
  readonly fingerprint: string;
  /** the representative SQL when the workload's literals were masked at import; else its normalized text (literals as `?`) */
  readonly sql: string;
  readonly normalized: string;
  /** `masked`: literals masked at import, shown; `hidden`: the workload was not desensitized, literals are not shown (here, in plans, in messages) */
  readonly literals: 'masked' | 'hidden';
  readonly count: number;
  readonly errorCount: number;
  readonly firstError: string | null;
  readonly weight: number;
  readonly users: readonly string[];
  readonly source: string;
}

/** one node of a plan tree as the UI draws it */
export interface PlanNodeView {
  /** pre-order index in its tree (the plan diff's oldIndex / newIndex) */
  readonly index: number;
  readonly op: string;
  readonly label: string;
  /** keep | insert | remove | move | update */
  readonly edit: 'keep' | 'insert' | 'remove' | 'move' | 'update';
  /** argument keys whose values changed (update) */
  readonly changedArgs?: readonly string[];
  /** index of the matched node in the other tree */
  readonly partner?: number;
  /** an `update` whose node also moved (its parent or its place among its siblings changed) */
  readonly moved?: boolean;
  /** estimated rows, when the plan text says (`estimated_cardinality=[…]`) */
  readonly estimatedRows?: number;
  /** flown: actual rows and time of this operator, when the flight recorded them */
  readonly actualRows?: number;
  readonly actualMs?: number;
  /** the operator whose actuals changed most in the flight */
  readonly mostChanged?: boolean;
  readonly children: readonly PlanNodeView[];
}

export interface PlanDiffView {
  /** `explain` when both builds printed it, else `simplified` */
  readonly level: 'explain' | 'simplified';
  readonly base: PlanNodeView | null;
  readonly head: PlanNodeView | null;
  readonly textDiff: string;
  readonly description: string;
  readonly counts: Readonly<Record<'insert' | 'remove' | 'move' | 'update' | 'keep', number>>;
  /**
   * flown templates: why no node carries actual rows and time (the executed
   * operators do not line up with the printed plan), or null when they do;
   * absent for templates that were not flown
   */
  readonly actualsNote?: string | null;
}

export interface TemplateDetail {
  readonly runId: string;
  readonly run: RunSummary;
  readonly template: TemplateInfo | null;
  readonly outcome: OutcomeRecord;
  readonly plans: PlanDiffView;
  readonly cluster: ClusterRecord | null;
  readonly flight: FlightResultRecord | null;
  /** approvals in the store for this template and head plan */
  readonly approval: { readonly by: string; readonly why: string; readonly at: string } | null;
}

export interface StartRunRequest {
  readonly kind: 'playback' | 'flight';
  /** playback: workload, catalog, base, head; flight: a finished playback `run`, or workload + builds, and the snapshot */
  readonly workload?: string;
  readonly catalog?: string;
  readonly base?: string;
  readonly head?: string;
  readonly run?: string;
  readonly snapshot?: string;
  /** flight: changed | all | sample:N | risk:BUDGET */
  readonly select?: string;
  /** flight: how long to spend, e.g. `60s` */
  readonly budget?: string;
  /** per-query compile (and, for flights, execution) time limit, e.g. `10s` */
  readonly timeout?: string;
  /** `local` (the server's process) or a redis:// URL (BullMQ workers) */
  readonly queue?: string;
  /** why the run was started (kept in the audit log) */
  readonly why?: string;
}

/** POST /api/runs answers 202 with the run to follow */
export interface StartRunResponse {
  readonly id: string;
  /** a flight of a workload: the playback `id` runs first, then this flight */
  readonly flightId?: string;
}

export interface ApprovalRequest {
  readonly run: string;
  /** one template… */
  readonly fingerprint?: string;
  /** …or every changed template of a cluster (change signature) */
  readonly cluster?: string;
  readonly why: string;
}

export interface ApprovalResult {
  /** approvals recorded (one per template and head plan) */
  readonly approved: number;
  /** outcomes now marked approved, in this and other runs */
  readonly outcomesMarked: number;
  readonly auditId: number;
}

export interface RunProgress {
  readonly runId: string;
  readonly status: RunRecord['status'];
  readonly done: number;
  readonly total: number;
  readonly verdicts: readonly VerdictCount[];
}
