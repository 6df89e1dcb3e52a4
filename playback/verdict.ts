/**
 * Verdicts: what one template's compile by base and head amounts to.
 * The order of checks is the order of severity for a release engineer:
 * the head build dying beats everything; errors beat plan changes; among
 * plan changes the estimated cost decides improved / regressed / changed —
 * by default as the BASE build's estimator sees both plans, so a head whose
 * cost model underestimates cannot grade its own plans "improved"; a head
 * that plans much slower is `slower-compile` unless something worse holds.
 */
import type { CompileResult } from '../compiler/builds/build.ts';
import type { Verdict } from '../store/records.ts';
import { DEFAULT_COMPILE_NOISE_FLOOR_MS, DEFAULT_COMPILE_SLOWER_AT, DEFAULT_IMPROVED_AT, DEFAULT_REGRESSED_AT } from './defaults.ts';

export { VERDICTS, type Verdict } from '../store/records.ts';

export interface CostThresholds {
  /** cost ratio at or above which a changed plan is `regressed` (default 1.1: 10% costlier) */
  readonly regressedAt: number;
  /** ratio at or below which a changed plan is `improved` (default 0.9) */
  readonly improvedAt: number;
  /**
   * whose estimates judge a changed plan: `base-estimator` (default) — the base build's estimator
   * costs both plans when the builds can re-cost, else each build's own estimate is used and the
   * outcome says so; `own` — always head's cost of its plan / base's cost of its plan
   */
  readonly costBasis?: 'base-estimator' | 'own';
  /** compile-time ratio (medians) at or above which a template is `slower-compile` (default 2) */
  readonly compileSlowerAt?: number;
  /** …when the head is also at least this many ms slower (default 50) */
  readonly compileNoiseFloorMs?: number;
}

export const DEFAULT_THRESHOLDS: CostThresholds = { regressedAt: DEFAULT_REGRESSED_AT, improvedAt: DEFAULT_IMPROVED_AT };

/** Each build's estimator applied to the other build's plan (playback/cross-cost.ts). */
export interface CrossCost {
  /** base estimator: head plan / base plan; null when the base cannot re-cost */
  readonly baseEstimatorRatio: number | null;
  /** head estimator: head plan / base plan; null when the head cannot re-cost */
  readonly headEstimatorRatio: number | null;
  /** "re-costed by both builds" or "cannot re-cost: …" */
  readonly note: string;
}

/** Compile times in ms (medians when re-measured) and whether the head is slower beyond threshold and noise floor. */
export interface CompileTimes {
  readonly baseMs: number;
  readonly headMs: number;
  /** compiles per build behind the figures (1: the first compile only) */
  readonly samples: number;
}

export interface Classification {
  readonly verdict: Verdict;
  /** the ratio the verdict is based on (see CostThresholds.costBasis) when both compiled */
  readonly costRatio: number | null;
  /** why, in a few words: "cost ×1.42", "head: parse-error at 3:7" */
  readonly reason: string;
}

/** head cost / base cost; a free base plan makes any cost infinitely worse, and two free plans equal */
export function costRatioOf(head: number, base: number): number {
  return base > 0 ? head / base : head > 0 ? Infinity : 1;
}

export function classify(
  base: CompileResult,
  head: CompileResult,
  thresholds: CostThresholds = DEFAULT_THRESHOLDS,
  extra: { readonly cross?: CrossCost; readonly compile?: CompileTimes } = {},
): Classification {
  // the base failing the same way is nothing new: a query that always timed out is not the head's regression
  if (!head.ok && !base.ok && head.status !== 'error' && base.status === head.status) {
    return { verdict: 'both-error', costRatio: null, reason: `both builds: ${head.status}` };
  }
  if (!head.ok && head.status === 'crash') return { verdict: 'crash', costRatio: null, reason: `head crashed: ${head.error.message}` };
  if (!head.ok && head.status === 'timeout') return { verdict: 'timeout', costRatio: null, reason: `head timed out after ${Math.round(head.timingMs)} ms` };
  if (!base.ok && !head.ok) {
    const same = base.error.code === head.error.code;
    return { verdict: 'both-error', costRatio: null, reason: same ? `both: ${head.error.code}` : `base: ${failureText(base)}; head: ${failureText(head)}` };
  }
  if (base.ok && !head.ok) return { verdict: 'new-error', costRatio: null, reason: `head: ${failureText(head)}` };
  if (!base.ok && head.ok) return { verdict: 'fixed-error', costRatio: null, reason: `base: ${failureText(base)}` };
  if (!base.ok || !head.ok) throw new Error('unreachable');
  const own = costRatioOf(head.cost, base.cost);
  const slower = compileSlower(extra.compile, thresholds);
  const compileNote = extra.compile && slower ? `compile ×${fmtRatio(slower)} (${fmtMs(extra.compile.baseMs)} → ${fmtMs(extra.compile.headMs)}${extra.compile.samples > 1 ? `, medians of ${extra.compile.samples}` : ''})` : '';
  let verdict: Verdict;
  let costRatio = own;
  let reason: string;
  if (base.plan.simplified === head.plan.simplified) {
    verdict = 'identical';
    reason = own === 1 ? 'same plan' : `same plan, estimate ×${fmtRatio(own)}`;
  } else {
    const cross = extra.cross;
    const baseRatio = cross?.baseEstimatorRatio ?? null;
    const headRatio = cross?.headEstimatorRatio ?? null;
    const byBase = (thresholds.costBasis ?? 'base-estimator') === 'base-estimator' && baseRatio !== null;
    if (byBase) costRatio = baseRatio;
    verdict = costRatio >= thresholds.regressedAt ? 'regressed' : costRatio <= thresholds.improvedAt ? 'improved' : 'plan-changed';
    const others = [
      byBase ? `own estimates ×${fmtRatio(own)}` : '',
      headRatio !== null ? `head estimator ×${fmtRatio(headRatio)}` : '',
      cross && baseRatio === null ? cross.note : '',
    ].filter(Boolean);
    const basis = byBase ? ' by the base estimator' : cross && baseRatio === null ? ', own estimates' : '';
    reason = `cost ×${fmtRatio(costRatio)}${basis}${others.length ? ` (${others.join('; ')})` : ''}`;
  }
  // a slower compile outranks a plan change but not a regression, which is reported with it
  if (compileNote && verdict !== 'regressed') return { verdict: 'slower-compile', costRatio, reason: `${compileNote}; plan: ${reason}` };
  return { verdict, costRatio, reason: compileNote ? `${reason}; ${compileNote}` : reason };
}

/** The head/base compile-time ratio when the head is slower beyond the threshold and the noise floor, else 0. */
export function compileSlower(t: CompileTimes | undefined, thresholds: CostThresholds = DEFAULT_THRESHOLDS): number {
  if (!t) return 0;
  const at = thresholds.compileSlowerAt ?? DEFAULT_COMPILE_SLOWER_AT;
  const floor = thresholds.compileNoiseFloorMs ?? DEFAULT_COMPILE_NOISE_FLOOR_MS;
  const ratio = t.baseMs > 0 ? t.headMs / t.baseMs : Infinity;
  return t.headMs - t.baseMs >= floor && ratio >= at ? ratio : 0;
}

/** A plan kept but its estimate moved beyond the thresholds (what `identical` alone would hide). */
export function estimateMoved(o: { readonly verdict: Verdict; readonly costRatio: number | null }, thresholds: CostThresholds = DEFAULT_THRESHOLDS): boolean {
  return o.verdict === 'identical' && o.costRatio !== null && (o.costRatio >= thresholds.regressedAt || o.costRatio <= thresholds.improvedAt);
}

function failureText(r: CompileResult): string {
  if (r.ok) return 'ok';
  const where = r.error.line !== undefined ? ` at ${r.error.line}:${r.error.column ?? 1}` : '';
  return `${r.status === 'error' ? r.error.code : r.status}${where}`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '∞';
  return r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
