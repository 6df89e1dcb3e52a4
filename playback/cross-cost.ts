/**
 * Cross-costing: a cost-model change must not grade itself. When the plans
 * differ, each build estimates the OTHER build's plan with its own cost model
 * (Build.recost on the other side's planIr), so the run knows
 *   base estimator: cost_base(head plan) / cost_base(base plan)
 *   head estimator: cost_head(head plan) / cost_head(base plan)
 * and the verdict can rest on the base estimator (the one the change did not
 * touch). A build that cannot re-cost (DuckDB, a command, a reference commit
 * from before re-costing) leaves its ratio null, and the note says why.
 */
import type { Build, CompileResult, CompileSuccess, PlanIrResult, RecostResult } from '../compiler/builds/build.ts';
import { costRatioOf, type CrossCost } from './verdict.ts';

type Side = Pick<Build, 'spec' | 'recost' | 'planIrOf'>;

export async function crossCost(base: Side, head: Side, sql: string, b: CompileResult, h: CompileResult): Promise<CrossCost | undefined> {
  if (!b.ok || !h.ok || b.plan.simplified === h.plan.simplified) return undefined;
  const byBase = await estimateOther(base, await planIr(head, sql, h));
  const byHead = await estimateOther(head, await planIr(base, sql, b));
  const baseEstimatorRatio = byBase.ok ? costRatioOf(byBase.cost, b.cost) : null;
  const headEstimatorRatio = byHead.ok ? costRatioOf(h.cost, byHead.cost) : null;
  const refused = [!byBase.ok ? `base: ${byBase.reason}` : '', !byHead.ok ? `head: ${byHead.reason}` : ''].filter(Boolean);
  return { baseEstimatorRatio, headEstimatorRatio, note: refused.length ? `cannot re-cost: ${refused.join('; ')}` : 're-costed by both builds' };
}

/** The IR of a build's plan: from its compile answer, else asked for (an older reference commit), else why not. */
async function planIr(build: Side, sql: string, compiled: CompileSuccess): Promise<PlanIrResult> {
  if (compiled.planIr !== undefined) return { ok: true, planIr: compiled.planIr };
  if (!build.planIrOf) return { ok: false, reason: `${build.spec} gives no plan IR to re-cost` };
  try {
    return await build.planIrOf(sql, compiled.plan.simplified);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** `build`'s estimate of the plan the other build produced. */
async function estimateOther(build: Side, other: PlanIrResult): Promise<RecostResult> {
  if (!other.ok) return other;
  if (!build.recost) return { ok: false, reason: `${build.spec} cannot estimate another build's plan` };
  try {
    return await build.recost(other.planIr);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

