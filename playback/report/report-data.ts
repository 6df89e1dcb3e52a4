/**
 * Everything a run report shows, gathered once from the store: the run,
 * outcomes (with approvals applied), counts by verdict, workload impact,
 * top regressions by weighted impact, errors, and clusters.
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import type { Store } from '../../store/store.ts';
import type { ClusterRecord, OutcomeRecord, RunRecord, StoredTemplate } from '../../store/records.ts';
import { isApproved } from '../approvals.ts';
import { VERDICTS, type Verdict } from '../verdict.ts';

export interface ReportData {
  readonly run: RunRecord & { done: number };
  readonly outcomes: readonly (OutcomeRecord & { readonly approved: boolean })[];
  readonly templates: ReadonlyMap<string, StoredTemplate>;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** summed workload-weighted cost change of all outcomes (0.05 = +5%) */
  readonly workloadImpact: number;
  readonly topRegressions: readonly OutcomeRecord[];
  readonly errors: readonly OutcomeRecord[];
  readonly clusters: readonly ClusterRecord[];
}

export const FAILING_VERDICTS: ReadonlySet<Verdict> = new Set(['regressed', 'new-error', 'crash', 'timeout', 'result-mismatch']);

export async function gatherReport(store: Store, runId: string, approvedKeys: Set<string> = new Set()): Promise<ReportData> {
  const run = await store.getRun(runId);
  if (!run) throw new FlightdeckError('not-found', `no run '${runId}' in the store`);
  const outcomes = (await store.getOutcomes(runId)).map((o) => ({ ...o, approved: o.approved || isApproved(approvedKeys, o) }));
  const templates = new Map((await store.getTemplates(run.workload)).map((t) => [t.fingerprint, t]));
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const o of outcomes) counts[o.verdict]++;
  const byImpact = (a: OutcomeRecord, b: OutcomeRecord) => (b.impact ?? 0) - (a.impact ?? 0) || b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1);
  return {
    run,
    outcomes,
    templates,
    counts,
    workloadImpact: outcomes.reduce((s, o) => s + (o.impact ?? 0), 0),
    topRegressions: outcomes.filter((o) => o.verdict === 'regressed').sort(byImpact),
    errors: outcomes.filter((o) => o.verdict === 'new-error' || o.verdict === 'crash' || o.verdict === 'timeout').sort(byImpact),
    clusters: await store.getClusters(runId),
  };
}

export function pct(x: number): string {
  const s = (x * 100).toFixed(Math.abs(x) < 0.001 && x !== 0 ? 3 : 1);
  return `${x > 0 ? '+' : ''}${s}%`;
}
