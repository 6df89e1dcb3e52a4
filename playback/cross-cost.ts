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
import type { Build, CompileResult, CompileSuccess, RecostResult } from '../compiler/builds/build.ts';
import type { CrossCost } from './verdict.ts';

export async function crossCost(base: Pick<Build, 'spec' | 'recost'>, head: Pick<Build, 'spec' | 'recost'>, b: CompileResult, h: CompileResult): Promise<CrossCost | undefined> {
  if (!b.ok || !h.ok || b.plan.simplified === h.plan.simplified) return undefined;
  const byBase = await estimateOther(base, head.spec, h);
  const byHead = await estimateOther(head, base.spec, b);
  const baseEstimatorRatio = byBase.ok ? ratio(byBase.cost, b.cost) : null;
  const headEstimatorRatio = byHead.ok ? ratio(h.cost, byHead.cost) : null;
  const refused = [!byBase.ok ? `base: ${byBase.reason}` : '', !byHead.ok ? `head: ${byHead.reason}` : ''].filter(Boolean);
  return { baseEstimatorRatio, headEstimatorRatio, note: refused.length ? `cannot re-cost: ${refused.join('; ')}` : 're-costed by both builds' };
}

/** `build`'s estimate of the plan the other build produced. */
async function estimateOther(build: Pick<Build, 'spec' | 'recost'>, otherSpec: string, other: CompileSuccess): Promise<RecostResult> {
  if (other.planIr === undefined) return { ok: false, reason: `${otherSpec} gives no plan IR to re-cost` };
  if (!build.recost) return { ok: false, reason: `${build.spec} cannot estimate another build's plan` };
  try {
    return await build.recost(other.planIr);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

function ratio(num: number, den: number): number {
  return den > 0 ? num / den : num > 0 ? Infinity : 1;
}
