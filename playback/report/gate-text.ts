/**
 * The gate decision as text: what `flightdeck gate` prints, line by line —
 * every check with its offenders, the compiled share of the workload and the
 * estimates that moved under unchanged plans.
 */
import type { RunRecord } from '../../store/records.ts';
import type { GateCheck, GateDecision } from '../gate.ts';
import { fmtRatio } from '../verdict.ts';
import { pct } from './report-data.ts';

export function formatCheckValue(c: GateCheck, value: number): string {
  if (c.kind === 'impact') return pct(value);
  if (c.kind === 'coverage' || c.kind === 'inconclusive') return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

export function renderGateText(decision: GateDecision, run: RunRecord): string {
  const out: string[] = [`gate ${decision.passed ? 'PASSED' : 'FAILED'} for run ${run.id} (${run.baseSpec} → ${run.headSpec}, ${run.total} templates)`];
  for (const c of decision.checks) {
    const approved = c.approvedSkipped ? `, ${c.approvedSkipped} approved` : '';
    const op = c.kind === 'coverage' ? 'at least' : 'limit';
    out.push(`  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${formatCheckValue(c, c.actual)} (${op} ${formatCheckValue(c, c.limit)}${approved})`);
    if (!c.passed) {
      for (const o of c.offenders.slice(0, 10)) {
        const detail = o.costRatio !== null && (o.verdict === 'regressed' || o.verdict === 'improved' || o.verdict === 'plan-changed') ? `cost ×${fmtRatio(o.costRatio)}` : o.reason;
        out.push(`          ${o.fingerprint}  ${o.verdict}  ${detail}  weight ${(o.weight * 100).toFixed(2)}%${o.rulesDiff.length ? `  rules ${o.rulesDiff.join(' ')}` : ''}`);
      }
      if (c.offenders.length > 10) out.push(`          … ${c.offenders.length - 10} more`);
    }
  }
  const share = `${(decision.compiledShare * 100).toFixed(1)}%`;
  out.push(`  info  compiled by both builds: ${share} of the weight; ${decision.bothError} template${decision.bothError === 1 ? '' : 's'} neither build compiles`);
  if (decision.estimateMoved) out.push(`  info  ${decision.estimateMoved} identical plan${decision.estimateMoved === 1 ? '' : 's'} whose estimate moved beyond the cost thresholds (see report.md)`);
  if (!decision.passed && decision.checks.some((c) => !c.passed && c.kind !== 'coverage')) {
    out.push(`approve intended changes with: flightdeck approve --run ${run.id} --template FINGERPRINT --by NAME --why "..."`);
  }
  return out.join('\n') + '\n';
}
