/**
 * Fidelity: does the snapshot keep plans real? Every template is compiled
 * by one build against the source's catalog (its SQL as logged) and against
 * the snapshot's catalog (its literals masked as `corpus import --policy`
 * would store them); the share whose plan is identical (the simplified
 * plan with literal values blanked: a masked literal is another constant,
 * not another plan) is the figure, and each changed
 * template is listed with the first plan line that differs and the
 * statistics of the columns it names that moved (fidelity-stats.ts).
 */
import { openBuild } from '../../compiler/builds/open-build.ts';
import type { CompileResult } from '../../compiler/builds/build.ts';
import { StatisticsDiff } from './fidelity-stats.ts';
import { maskQueryLiterals, type QueryMaskContext } from './mask-query.ts';
import type { FidelityReport } from './report.ts';

export interface FidelityTemplate {
  readonly fingerprint: string;
  readonly sql: string;
}

export async function measureFidelity(options: {
  readonly source: string;
  readonly snapshot: string;
  readonly build: string;
  readonly workload: string;
  readonly templates: readonly FidelityTemplate[];
  readonly masking: QueryMaskContext;
  readonly timeoutMs?: number;
  readonly onProgress?: (done: number) => void;
}): Promise<FidelityReport & { readonly bothFailed: number; readonly explainIdentical: number }> {
  const open = (catalogPath: string) => openBuild(options.build, { catalogPath, timeoutMs: options.timeoutMs ?? 20_000 });
  const [onSource, onSnapshot] = await Promise.all([open(options.source), open(options.snapshot)]);
  const changed: { template: string; reason: string; statistics?: string[] }[] = [];
  let identical = 0;
  let explainIdentical = 0;
  let bothFailed = 0;
  try {
    for (const [i, t] of options.templates.entries()) {
      const masked = maskQueryLiterals(t.sql, options.masking).sql;
      const [a, b] = [await onSource.compile(t.sql), await onSnapshot.compile(masked)];
      const verdict = comparePlans(a, b);
      if (verdict === 'identical' || verdict === 'both-failed') identical++;
      if (verdict === 'both-failed') bothFailed++;
      if (a.ok && b.ok && a.plan.explain === b.plan.explain) explainIdentical++;
      if (verdict !== 'identical' && verdict !== 'both-failed') changed.push({ template: t.fingerprint, reason: verdict });
      options.onProgress?.(i + 1);
    }
  } finally {
    await Promise.all([onSource.close(), onSnapshot.close()]);
  }
  if (changed.length) {
    const diff = await StatisticsDiff.open(options.source, options.snapshot, options.masking.policy);
    try {
      for (const c of changed) {
        const moved = await diff.movedFor(options.templates.find((t) => t.fingerprint === c.template)!.sql);
        if (moved.length) c.statistics = moved;
      }
    } finally {
      diff.close();
    }
  }
  const n = options.templates.length;
  return { workload: options.workload, build: onSource.description, templates: n, identical, share: n ? identical / n : 1, changed, bothFailed, explainIdentical };
}

/** the plan with its literal values blanked: a masked literal is the same plan with another constant */
export function shape(plan: string): string {
  return plan.replace(/'(?:[^']|'')*'/g, '?').replace(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])/g, '?');
}

const clip = (s: string | undefined) => (s ?? '(end)').trim().replace(/'[^']*'/g, "'…'").slice(0, 100);

/** 'identical', 'both-failed' (the same error code on both: the snapshot changed nothing), or why not */
function comparePlans(a: CompileResult, b: CompileResult): string {
  if (!a.ok && !b.ok) return a.error.code === b.error.code ? 'both-failed' : `error ${a.error.code} on the source, ${b.error.code} on the snapshot`;
  if (!a.ok) return `error on the source only (${a.error.code})`;
  if (!b.ok) return `error on the snapshot only (${b.error.code}: ${b.error.message.replace(/'[^']*'/g, "'…'").slice(0, 120)})`;
  if (shape(a.plan.simplified) === shape(b.plan.simplified)) return 'identical';
  const x = shape(a.plan.simplified).split('\n');
  const y = shape(b.plan.simplified).split('\n');
  const at = x.findIndex((line, i) => line !== y[i]);
  const line = at < 0 ? x.length : at;
  return `plan differs at line ${line + 1}: ${clip(x[line])} → ${clip(y[line])}`;
}
