/**
 * The Build contract: everything flightdeck can compile with (and, for
 * flighting, execute with) implements it. A build is opened against one catalog database and
 * compiles SQL text into a plan printed at the three canonical levels, or a
 * typed failure. `crash` and `timeout` are failures of the build itself
 * (its process died or hung), never of the harness.
 */

import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';

export type BuildKind = 'reference' | 'duckdb' | 'command';

export interface PrintedPlan {
  /** the plan's shape: operators and their defining arguments, no ids or estimates */
  readonly simplified: string;
  /** everything, with estimates */
  readonly explain: string;
  /** the plan as canonical JSON data */
  readonly json: unknown;
}

export interface CompileSuccess {
  readonly ok: true;
  readonly plan: PrintedPlan;
  /** estimated total cost of the plan, in the build's own units */
  readonly cost: number;
  /** estimated output rows */
  readonly rows: number;
  /** ids of the rules that changed the plan, in the order they fired (empty for builds that do not say) */
  readonly rulesFired: readonly string[];
  /** wall time of the compile inside the build, in milliseconds */
  readonly timingMs: number;
  /** SQL that executes this plan as planned, with any settings it needs (when the build can give one) */
  readonly sql?: string;
  /** the plan in the build's own IR, as JSON, for another build to re-cost (reference builds give it) */
  readonly planIr?: unknown;
}

export type PlanIrResult = { readonly ok: true; readonly planIr: unknown } | { readonly ok: false; readonly reason: string };

/** A build's own estimate of a plan another build produced (`Build.recost`), or why it cannot give one. */
export type RecostResult = { readonly ok: true; readonly cost: number; readonly rows: number } | { readonly ok: false; readonly reason: string };

export interface CompileFailure {
  readonly ok: false;
  /** `error`: the build rejected the query; `crash`: the build died; `timeout`: it did not answer in time */
  readonly status: 'error' | 'crash' | 'timeout';
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly line?: number;
    readonly column?: number;
  };
  readonly timingMs: number;
}

export type CompileResult = CompileSuccess | CompileFailure;

export interface CompileOptions {
  /** per-query time limit; default from the build's open options */
  readonly timeoutMs?: number;
}

export interface Build {
  /** the spec it was opened from, e.g. `duckdb@1.3.2?disabled_optimizers=join_order` */
  readonly spec: string;
  readonly kind: BuildKind;
  /** one line for people: what exactly this build is (version, ref, profile) */
  readonly description: string;
  compile(sql: string, options?: CompileOptions): Promise<CompileResult>;
  /**
   * Estimate another build's plan (its `planIr`) with this build's cost model, so a cost-model change
   * cannot grade its own plans. Optional: a build that cannot (DuckDB, most commands, a reference
   * build of a commit from before re-costing existed) answers `ok: false` with the reason.
   */
  recost?(planIr: unknown, options?: CompileOptions): Promise<RecostResult>;
  /**
   * The plan IR of this build's plan for `sql` (whose shape is `simplified`), for a build whose
   * compile answers carry none (a reference commit from before `planIr`). Optional.
   */
  planIrOf?(sql: string, simplified: string): Promise<PlanIrResult>;
  /**
   * Run `sql` on the build's catalog (flighting opens the build on a snapshot) and summarise the
   * result or profile it (execute-result.ts). Optional: a build that cannot execute (reference builds,
   * `command:` builds without `execute`) answers status `not-executable`, never a failure of the build.
   */
  execute?(sql: string, options: ExecuteOptions): Promise<ExecuteResult>;
  close(): Promise<void>;
}

export interface OpenBuildOptions {
  /** the DuckDB database the build binds against */
  readonly catalogPath: string;
  /** default per-query time limit, ms (default 10000) */
  readonly timeoutMs?: number;
  /** repository root, for `reference@<ref>` (default: the flightdeck checkout) */
  readonly repoRoot?: string;
  /** where worktrees and caches go (default `.flightdeck/cache`) */
  readonly cacheDir?: string;
}
