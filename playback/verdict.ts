/**
 * Verdicts: what one template's compile by base and head amounts to.
 * The order of checks is the order of severity for a release engineer:
 * the head build dying beats everything; errors beat plan changes; among
 * plan changes the estimated cost decides improved / regressed / changed.
 */
import type { CompileResult } from '../compiler/builds/build.ts';
import type { Verdict } from '../store/records.ts';

export { VERDICTS, type Verdict } from '../store/records.ts';

export interface CostThresholds {
  /** head/base cost ratio at or above which a changed plan is `regressed` (default 1.1: 10% costlier) */
  readonly regressedAt: number;
  /** ratio at or below which a changed plan is `improved` (default 0.9) */
  readonly improvedAt: number;
}

export const DEFAULT_THRESHOLDS: CostThresholds = { regressedAt: 1.1, improvedAt: 0.9 };

export interface Classification {
  readonly verdict: Verdict;
  /** head cost / base cost when both compiled and base cost > 0 */
  readonly costRatio: number | null;
  /** why, in a few words: "cost ×1.42", "head: parse-error at 3:7" */
  readonly reason: string;
}

export function classify(base: CompileResult, head: CompileResult, thresholds: CostThresholds = DEFAULT_THRESHOLDS): Classification {
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
  const costRatio = base.cost > 0 ? head.cost / base.cost : head.cost > 0 ? Infinity : 1;
  if (base.plan.simplified === head.plan.simplified) {
    return { verdict: 'identical', costRatio, reason: costRatio === 1 ? 'same plan' : `same plan, estimate ×${fmtRatio(costRatio)}` };
  }
  if (costRatio >= thresholds.regressedAt) return { verdict: 'regressed', costRatio, reason: `cost ×${fmtRatio(costRatio)}` };
  if (costRatio <= thresholds.improvedAt) return { verdict: 'improved', costRatio, reason: `cost ×${fmtRatio(costRatio)}` };
  return { verdict: 'plan-changed', costRatio, reason: `cost ×${fmtRatio(costRatio)}` };
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

/**
 * Workload-weighted impact, as Oracle SQL Performance Analyzer reports it:
 * a template's share of the whole workload's change in cost,
 *   count × (head cost − base cost) / Σ over templates (count × base cost).
 * Summed over the templates it is the workload's relative cost change;
 * positive is worse.
 */
export function workloadImpact(count: number, baseCost: number, headCost: number, workloadBaseCost: number): number {
  if (!(workloadBaseCost > 0)) return 0;
  return (count * (headCost - baseCost)) / workloadBaseCost;
}
