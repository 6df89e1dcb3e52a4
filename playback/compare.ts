/**
 * Compare one template's base and head compiles: classify, diff the plans
 * structurally when they differ, attribute the change to rules (culprits),
 * and produce the outcome and diff records the store keeps.
 */
import type { Build, CompileResult } from '../compiler/builds/build.ts';
import { measureCompileTimes } from './compile-time.ts';
import { crossCost } from './cross-cost.ts';
import type { DiffRecord, OutcomeRecord } from '../store/records.ts';
import { diffPlans } from './diff/plan-diff.ts';
import { hashString } from './diff/plan-tree.ts';
import { classify, DEFAULT_THRESHOLDS, type CompileTimes, type CostThresholds, type CrossCost } from './verdict.ts';

export interface TemplateRef {
  readonly fingerprint: string;
  readonly sql: string;
  readonly weight: number;
  readonly count: number;
}

export function planHash(simplified: string): string {
  return hashString(simplified).padStart(14, '0');
}

/** Rules fired by exactly one side: `+id` only in head, `-id` only in base. */
export function rulesDifference(base: readonly string[], head: readonly string[]): string[] {
  const b = new Set(base);
  const h = new Set(head);
  return [...[...h].filter((r) => !b.has(r)).map((r) => `+${r}`), ...[...b].filter((r) => !h.has(r)).map((r) => `-${r}`)].sort();
}

export function compareTemplate(
  runId: string,
  t: TemplateRef,
  base: CompileResult,
  head: CompileResult,
  options: {
    thresholds?: CostThresholds;
    worker?: string;
    /** each build's estimator on the other's plan (playback/cross-cost.ts) */
    cross?: CrossCost;
    /** re-measured compile times (playback/compile-time.ts); default: the first compile's */
    compile?: CompileTimes;
    /** the structural diff (tests replace it) */
    diff?: typeof diffPlans;
  } = {},
): { outcome: OutcomeRecord; diff: DiffRecord | null } {
  const compile = options.compile ?? { baseMs: base.timingMs, headMs: head.timingMs, samples: 1 };
  let c = classify(base, head, options.thresholds ?? DEFAULT_THRESHOLDS, { compile, ...(options.cross ? { cross: options.cross } : {}) });
  const status = (r: CompileResult) => (r.ok ? 'ok' : r.status);
  const error = (r: CompileResult) => (r.ok ? null : { code: r.error.code, message: r.error.message, ...(r.error.line !== undefined ? { line: r.error.line, column: r.error.column } : {}) });
  let diff: DiffRecord | null = null;
  let signature: string | null = null;
  if (base.ok && head.ok && base.plan.simplified !== head.plan.simplified) {
    try {
      const d = (options.diff ?? diffPlans)(base.plan.simplified, head.plan.simplified, { old: `${t.fingerprint}@base`, new: `${t.fingerprint}@head` });
      signature = d.signature || 'text-only change';
      diff = { runId, fingerprint: t.fingerprint, edits: d.edits.filter((e) => e.type !== 'keep'), textDiff: d.textDiff, description: d.description };
    } catch (err) {
      // one plan pair that cannot be diffed must not fail its batch, nor hide its verdict (a `regressed`
      // judged by cost stays `regressed`): the outcome keeps it and says the diff is missing
      c = { ...c, reason: `${c.reason}; no plan diff: ${(err as Error).message}` };
    }
  }
  const baseRules = base.ok ? base.rulesFired : [];
  const headRules = head.ok ? head.rulesFired : [];
  const outcome: OutcomeRecord = {
    runId,
    fingerprint: t.fingerprint,
    verdict: c.verdict,
    reason: c.reason,
    weight: t.weight,
    count: t.count,
    baseStatus: status(base),
    headStatus: status(head),
    baseCost: base.ok ? base.cost : null,
    headCost: head.ok ? head.cost : null,
    costRatio: c.costRatio,
    baseEstimatorRatio: options.cross?.baseEstimatorRatio ?? null,
    headEstimatorRatio: options.cross?.headEstimatorRatio ?? null,
    recost: options.cross?.note ?? null,
    impact: null,
    basePlanHash: base.ok ? planHash(base.plan.simplified) : null,
    headPlanHash: head.ok ? planHash(head.plan.simplified) : null,
    baseSimplified: base.ok ? base.plan.simplified : null,
    headSimplified: head.ok ? head.plan.simplified : null,
    baseExplain: base.ok ? base.plan.explain : null,
    headExplain: head.ok ? head.plan.explain : null,
    baseError: error(base),
    headError: error(head),
    baseRules,
    headRules,
    rulesDiff: rulesDifference(baseRules, headRules),
    baseMs: compile.baseMs,
    headMs: compile.headMs,
    signature,
    approved: false,
    worker: options.worker ?? null,
  };
  return { outcome, diff };
}

/**
 * compareTemplate with what only the open builds can add: compile times
 * re-measured when the head looks slower (compile-time.ts) and each build's
 * estimate of the other's plan (cross-cost.ts). What a playback job calls.
 */
export async function compareWithBuilds(
  runId: string,
  t: TemplateRef,
  builds: { readonly base: Build; readonly head: Build },
  base: CompileResult,
  head: CompileResult,
  options: { thresholds?: CostThresholds; worker?: string } = {},
): Promise<{ outcome: OutcomeRecord; diff: DiffRecord | null }> {
  const compile = await measureCompileTimes(builds.base, builds.head, t.sql, { base, head }, options.thresholds);
  const cross = await crossCost(builds.base, builds.head, t.sql, base, head);
  return compareTemplate(runId, t, base, head, { ...options, compile, ...(cross ? { cross } : {}) });
}
