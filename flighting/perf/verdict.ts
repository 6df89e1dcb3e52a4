/**
 * Performance verdicts: per template from its own interval (the rule in
 * paired-analysis.ts), then across the workload with the false discovery
 * rate controlled (Benjamini–Hochberg), so a workload of 10,000 templates
 * does not flag hundreds of them by chance.
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import type { Measurement } from './measure.ts';
import { analysePairs, DEFAULT_PERF_POLICY, type PairedAnalysis, type PerfCall, type PerfPolicy } from './paired-analysis.ts';

export interface TemplatePerf {
  readonly call: PerfCall;
  readonly analysis: PairedAnalysis;
  /** true when the template's own interval flagged it but the false-discovery control did not keep the flag */
  readonly demoted?: boolean;
}

function checkPolicy(policy: PerfPolicy): void {
  if (!(policy.threshold >= 0) || !Number.isFinite(policy.threshold)) throw new FlightdeckError('usage-error', `perf threshold must be a fraction ≥ 0 (0.10 = 10 %), got ${policy.threshold}`);
  if (!(policy.confidence > 0 && policy.confidence < 1)) throw new FlightdeckError('usage-error', `perf confidence must be in (0, 1), got ${policy.confidence}`);
}

/**
 * One template's call under `policy`, from its rounds at the look that
 * stopped the measurement (the sequential correction of that look applies).
 */
export function judgeTemplate(m: Measurement, policy: PerfPolicy = DEFAULT_PERF_POLICY): TemplatePerf {
  checkPolicy(policy);
  const analysis = analysePairs(m.rounds, m.look.index, m.look.schedule.length, policy);
  return { call: analysis.call, analysis };
}

/**
 * Benjamini–Hochberg at level q over all measured templates' p-values
 * (H₀: |change| ≤ max(threshold, noise band); p as `pFlag`): a template its
 * own interval flagged `slower` or `faster` keeps the flag only when it is
 * among BH's discoveries, otherwise it becomes `inconclusive` (`demoted`).
 * `same` and `inconclusive` are never changed. Order is kept.
 */
export function controlFalseDiscoveries(measurements: readonly Measurement[], q = 0.05, policy: PerfPolicy = DEFAULT_PERF_POLICY): TemplatePerf[] {
  if (!(q > 0 && q < 1)) throw new FlightdeckError('usage-error', `false discovery rate q must be in (0, 1), got ${q}`);
  const judged = measurements.map((m) => judgeTemplate(m, policy));
  const cutoff = benjaminiHochbergCutoff(judged.map((j) => j.analysis.pFlag), q);
  return judged.map((j) => {
    if ((j.call === 'slower' || j.call === 'faster') && !(j.analysis.pFlag <= cutoff)) return { call: 'inconclusive', analysis: j.analysis, demoted: true };
    return j;
  });
}

/**
 * The largest p-value BH rejects at level q: max p₍ᵢ₎ with p₍ᵢ₎ ≤ i·q/m
 * (−1 when none), so every p ≤ cutoff is a discovery.
 */
export function benjaminiHochbergCutoff(pValues: readonly number[], q: number): number {
  const sorted = pValues.toSorted((a, b) => a - b);
  const m = sorted.length;
  let cutoff = -1;
  for (let i = 0; i < m; i++) if (sorted[i]! <= ((i + 1) * q) / m) cutoff = sorted[i]!;
  return cutoff;
}
