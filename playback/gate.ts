/**
 * The gate: a Policy applied to a run's outcomes, approvals honoured.
 * Pure: outcomes in, a decision with every check and its offenders out.
 * The decision is computed once and is what the CLI prints and every report
 * (JUnit, Markdown, JSON) shows, so a report can never disagree with the gate.
 */
import type { OutcomeRecord, Verdict } from '../store/records.ts';
import { isApproved } from './approvals.ts';
import type { Policy } from './policy.ts';
import { DEFAULT_THRESHOLDS, estimateMoved, type CostThresholds } from './verdict.ts';

export interface GateCheck {
  readonly name: string;
  /** `verdict`: a per-verdict rule; `impact`: maxWorkloadImpact; `coverage`: minCompiledShare; `inconclusive`: maxInconclusiveShare (flights) */
  readonly kind: 'verdict' | 'impact' | 'coverage' | 'inconclusive';
  /** the verdict a `verdict` check counts */
  readonly verdict?: Verdict;
  readonly passed: boolean;
  readonly actual: number;
  readonly limit: number;
  /** the outcomes that count against the limit, heaviest first */
  readonly offenders: readonly OutcomeRecord[];
  readonly approvedSkipped: number;
}

export interface GateDecision {
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
  /** share of the workload's weight that both builds compiled (1 for an empty run) */
  readonly compiledShare: number;
  /** templates neither build compiled */
  readonly bothError: number;
  /** `identical` templates whose estimate moved beyond the run's cost thresholds */
  readonly estimateMoved: number;
}

export function evaluateGate(outcomes: readonly OutcomeRecord[], policy: Policy, approved: Set<string>, thresholds: CostThresholds = DEFAULT_THRESHOLDS): GateDecision {
  const checks: GateCheck[] = [];
  for (const [verdict, rule] of Object.entries(policy.verdicts) as [Verdict, Policy['verdicts'][Verdict]][]) {
    if (!rule) continue;
    const matching = outcomes.filter(
      (o) => o.verdict === verdict && (rule.minCostRatio === undefined || (o.costRatio ?? Infinity) >= rule.minCostRatio) && (rule.minWeight === undefined || o.weight >= rule.minWeight),
    );
    const offenders = matching.filter((o) => !isApproved(approved, o)).sort(byImpact);
    const conditions = [rule.minCostRatio !== undefined ? `cost ×≥${rule.minCostRatio}` : '', rule.minWeight !== undefined ? `weight ≥ ${rule.minWeight}` : ''].filter(Boolean);
    checks.push({
      name: `${verdict}${conditions.length ? ` (${conditions.join(', ')})` : ''}`,
      kind: 'verdict',
      verdict,
      passed: offenders.length <= rule.max,
      actual: offenders.length,
      limit: rule.max,
      offenders,
      approvedSkipped: matching.length - offenders.length,
    });
  }
  if (policy.maxWorkloadImpact !== undefined) {
    const counted = outcomes.filter((o) => o.impact !== null && !isApproved(approved, o));
    const impact = counted.reduce((s, o) => s + (o.impact ?? 0), 0);
    checks.push({
      name: 'workload impact',
      kind: 'impact',
      passed: impact <= policy.maxWorkloadImpact,
      actual: impact,
      limit: policy.maxWorkloadImpact,
      offenders: counted.filter((o) => (o.impact ?? 0) > 0).sort(byImpact).slice(0, 20),
      approvedSkipped: outcomes.filter((o) => o.impact !== null && isApproved(approved, o)).length,
    });
  }
  const compiledShare = compiledShareOf(outcomes);
  if (policy.minCompiledShare > 0) {
    checks.push({
      name: 'compiled share of weight',
      kind: 'coverage',
      passed: compiledShare >= policy.minCompiledShare,
      actual: compiledShare,
      limit: policy.minCompiledShare,
      offenders: outcomes.filter((o) => !compiledByBoth(o)).sort((a, b) => b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1)),
      approvedSkipped: 0,
    });
  }
  const compared = outcomes.filter((o) => MEASURED.has(o.verdict));
  if (compared.length > 0 && policy.maxInconclusiveShare < 1) {
    const weight = compared.reduce((s, o) => s + o.weight, 0);
    const inconclusive = compared.filter((o) => o.verdict === 'inconclusive' && !isApproved(approved, o));
    const share = weight > 0 ? inconclusive.reduce((s, o) => s + o.weight, 0) / weight : 0;
    checks.push({
      name: 'inconclusive share of flown weight',
      kind: 'inconclusive',
      passed: share <= policy.maxInconclusiveShare,
      actual: share,
      limit: policy.maxInconclusiveShare,
      offenders: [...inconclusive].sort((a, b) => b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1)),
      approvedSkipped: compared.filter((o) => o.verdict === 'inconclusive').length - inconclusive.length,
    });
  }
  return {
    passed: checks.every((c) => c.passed),
    checks,
    compiledShare,
    bothError: outcomes.filter((o) => o.verdict === 'both-error').length,
    estimateMoved: outcomes.filter((o) => estimateMoved(o, thresholds)).length,
  };
}

/** flight verdicts of templates whose results were compared and whose time was measured */
const MEASURED: ReadonlySet<Verdict> = new Set(['same', 'slower', 'faster', 'inconclusive']);

function compiledByBoth(o: OutcomeRecord): boolean {
  return o.baseStatus === 'ok' && o.headStatus === 'ok';
}

/** Σ weight of templates both builds compiled / Σ weight of all templates. */
export function compiledShareOf(outcomes: readonly OutcomeRecord[]): number {
  const total = outcomes.reduce((s, o) => s + o.weight, 0);
  if (!(total > 0)) return 1;
  return outcomes.filter(compiledByBoth).reduce((s, o) => s + o.weight, 0) / total;
}

/** The outcomes a failed check blames, by fingerprint (JUnit and Markdown mark exactly these as failures). */
export function failingFingerprints(decision: GateDecision): Map<string, GateCheck> {
  const failing = new Map<string, GateCheck>();
  for (const c of decision.checks) if (!c.passed && c.kind === 'verdict') for (const o of c.offenders) if (!failing.has(o.fingerprint)) failing.set(o.fingerprint, c);
  return failing;
}

function byImpact(a: OutcomeRecord, b: OutcomeRecord): number {
  return (b.impact ?? 0) - (a.impact ?? 0) || b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1);
}
