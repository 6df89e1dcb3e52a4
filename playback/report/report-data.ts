/**
 * Everything a run report shows, gathered once from the store: the run,
 * outcomes (with approvals applied), counts by verdict, the gate decision
 * under the policy that was applied, workload impact, top regressions by
 * weighted impact, errors, coverage, moved estimates, and clusters.
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import type { Store } from '../../store/store.ts';
import type { ClusterRecord, OutcomeRecord, RunRecord, StoredTemplate } from '../../store/records.ts';
import { isApproved } from '../approvals.ts';
import { flightReportOf, type FlightReport } from './flight-section.ts';
import { evaluateGate, type GateDecision } from '../gate.ts';
import { DEFAULT_POLICY, type Policy } from '../policy.ts';
import { DEFAULT_THRESHOLDS, estimateMoved, VERDICTS, type CostThresholds, type Verdict } from '../verdict.ts';

export type ReportOutcome = OutcomeRecord & { readonly approved: boolean };

export interface ReportData {
  readonly run: RunRecord & { done: number };
  readonly outcomes: readonly ReportOutcome[];
  readonly templates: ReadonlyMap<string, StoredTemplate>;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** the policy the gate applied, and its decision: what every report shows as pass / fail */
  readonly policy: Policy;
  readonly gate: GateDecision;
  /** the run's cost thresholds (what "moved" means for an estimate) */
  readonly thresholds: CostThresholds;
  /** summed workload-weighted cost change of all outcomes (0.05 = +5%) */
  readonly workloadImpact: number;
  readonly topRegressions: readonly OutcomeRecord[];
  readonly errors: readonly OutcomeRecord[];
  /** templates neither build compiled, heaviest first */
  readonly bothErrors: readonly OutcomeRecord[];
  /** `identical` templates whose estimate moved beyond the thresholds, largest move first */
  readonly estimateMoved: readonly OutcomeRecord[];
  readonly slowerCompiles: readonly OutcomeRecord[];
  readonly clusters: readonly ClusterRecord[];
  /** runs of kind `flight`: the evidence behind the flown verdicts */
  readonly flight?: FlightReport;
}

export async function gatherReport(store: Store, runId: string, approvedKeys: Set<string> = new Set(), policy: Policy = DEFAULT_POLICY): Promise<ReportData> {
  const run = await store.getRun(runId);
  if (!run) throw new FlightdeckError('not-found', `no run '${runId}' in the store`);
  const outcomes = await store.getOutcomes(runId);
  const templates = await store.getTemplates(run.workload);
  const report = buildReport({ run, outcomes, templates, clusters: await store.getClusters(runId), approvedKeys, policy });
  return run.kind === 'flight' ? { ...report, flight: flightReportOf(run, await store.getFlightResults(runId)) } : report;
}

/** The report of a run from its parts (pure: the gate is evaluated here, once). */
export function buildReport(input: {
  run: RunRecord & { done: number };
  outcomes: readonly OutcomeRecord[];
  templates: readonly StoredTemplate[];
  clusters: readonly ClusterRecord[];
  approvedKeys?: Set<string>;
  policy?: Policy;
}): ReportData {
  const approvedKeys = input.approvedKeys ?? new Set<string>();
  const policy = input.policy ?? DEFAULT_POLICY;
  const thresholds = runThresholds(input.run);
  const outcomes = input.outcomes.map((o) => ({ ...o, approved: isApproved(approvedKeys, o) }));
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const o of outcomes) counts[o.verdict]++;
  const byImpact = (a: OutcomeRecord, b: OutcomeRecord) => (b.impact ?? 0) - (a.impact ?? 0) || b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1);
  const byWeight = (a: OutcomeRecord, b: OutcomeRecord) => b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1);
  const move = (o: OutcomeRecord) => Math.abs(Math.log(o.costRatio ?? 1));
  return {
    run: input.run,
    outcomes,
    templates: new Map(input.templates.map((t) => [t.fingerprint, t])),
    counts,
    policy,
    gate: evaluateGate(outcomes, policy, approvedKeys, thresholds),
    thresholds,
    workloadImpact: outcomes.reduce((s, o) => s + (o.impact ?? 0), 0),
    topRegressions: outcomes.filter((o) => o.verdict === 'regressed').sort(byImpact),
    errors: outcomes.filter((o) => o.verdict === 'new-error' || o.verdict === 'crash' || o.verdict === 'timeout').sort(byImpact),
    bothErrors: outcomes.filter((o) => o.verdict === 'both-error').sort(byWeight),
    estimateMoved: outcomes.filter((o) => estimateMoved(o, thresholds)).sort((a, b) => move(b) - move(a) || byWeight(a, b)),
    slowerCompiles: outcomes.filter((o) => o.verdict === 'slower-compile').sort(byWeight),
    clusters: input.clusters,
  };
}

/** The cost thresholds a run was played back with (older runs: the defaults). */
export function runThresholds(run: RunRecord): CostThresholds {
  const t = (run.options as { thresholds?: CostThresholds }).thresholds;
  return t && typeof t.regressedAt === 'number' && typeof t.improvedAt === 'number' ? t : DEFAULT_THRESHOLDS;
}

export function pct(x: number): string {
  const s = (x * 100).toFixed(Math.abs(x) < 0.001 && x !== 0 ? 3 : 1);
  return `${x > 0 ? '+' : ''}${s}%`;
}
