/**
 * The gate: a Policy applied to a run's outcomes, approvals honoured.
 * Pure: outcomes in, a decision with every check and its offenders out.
 */
import type { OutcomeRecord } from '../store/records.ts';
import { isApproved } from './approvals.ts';
import type { Policy } from './policy.ts';

export interface GateCheck {
  readonly name: string;
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
}

export function evaluateGate(outcomes: readonly OutcomeRecord[], policy: Policy, approved: Set<string>): GateDecision {
  const checks: GateCheck[] = [];
  for (const [verdict, rule] of Object.entries(policy.verdicts)) {
    if (!rule) continue;
    const matching = outcomes.filter(
      (o) => o.verdict === verdict && (rule.minCostRatio === undefined || (o.costRatio ?? Infinity) >= rule.minCostRatio) && (rule.minWeight === undefined || o.weight >= rule.minWeight),
    );
    const offenders = matching.filter((o) => !isApproved(approved, o)).sort(byImpact);
    const conditions = [rule.minCostRatio !== undefined ? `cost ×≥${rule.minCostRatio}` : '', rule.minWeight !== undefined ? `weight ≥ ${rule.minWeight}` : ''].filter(Boolean);
    checks.push({
      name: `${verdict}${conditions.length ? ` (${conditions.join(', ')})` : ''}`,
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
      passed: impact <= policy.maxWorkloadImpact,
      actual: impact,
      limit: policy.maxWorkloadImpact,
      offenders: counted.filter((o) => (o.impact ?? 0) > 0).sort(byImpact).slice(0, 20),
      approvedSkipped: outcomes.filter((o) => o.impact !== null && isApproved(approved, o)).length,
    });
  }
  return { passed: checks.every((c) => c.passed), checks };
}

function byImpact(a: OutcomeRecord, b: OutcomeRecord): number {
  return (b.impact ?? 0) - (a.impact ?? 0) || b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1);
}
