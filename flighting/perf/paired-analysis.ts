/**
 * From a template's measured rounds to the head/base ratio, its noise band
 * and the per-template call. Used at every look of the sequential test
 * (measure.ts) and again for the final verdict (verdict.ts), so the rule
 * that stops measuring and the rule that judges are one and the same.
 *
 * The call, for threshold t and noise band b (all ratios head/base, with
 * the interval at the look's confidence, see sequential.ts):
 * - `slower`: lower bound > 1 + max(t, b)
 * - `faster`: upper bound < 1 / (1 + max(t, b))
 * - `same`: the interval lies within [1/(1+t), 1+t]
 * - `inconclusive`: anything else.
 * Thresholds are symmetric on the log scale: 10 % means ×1.10 either way
 * (faster = base takes ≥ 1.10 × head's time, i.e. head ≤ 0.909 × base), so
 * a change and its revert get the same verdict with sides swapped.
 */
import { estimateLogShift, pValueAbove, pValueBelow } from './signed-rank.ts';
import { lookConfidence, lookShare } from './sequential.ts';

export type PerfCall = 'slower' | 'faster' | 'same' | 'inconclusive';

/** One round: base, base again and head, executed in `order`; latencies in ms. */
export interface Round {
  readonly order: readonly RoundRun[];
  readonly baseMs: number;
  readonly baseAgainMs: number;
  readonly headMs: number;
}
export type RoundRun = 'base' | 'base-again' | 'head';

export interface PerfPolicy {
  /** relative change that matters, default 0.10 */
  readonly threshold: number;
  /** two-sided confidence of the whole sequential procedure, default 0.95 */
  readonly confidence: number;
}
export const DEFAULT_PERF_POLICY: PerfPolicy = { threshold: 0.1, confidence: 0.95 };

/** A ratio with its interval; a null bound is unbounded (too few pairs for the level). JSON-safe. */
export interface RatioEstimate {
  readonly ratio: number;
  readonly lower: number | null;
  readonly upper: number | null;
  /** the two-sided confidence of this look's interval (below the policy's when the test looked early, see sequential.ts) */
  readonly confidence: number;
}

export interface PairedAnalysis {
  readonly call: PerfCall;
  /** head / base */
  readonly ratio: RatioEstimate;
  /** base again / base: the A/A comparison */
  readonly noise: RatioEstimate;
  /**
   * The template's noise from the A/A comparison (fraction, e.g. 0.04): the
   * half-width of the A/A interval — the change noise alone produces at
   * this many pairs and this look's confidence — or, when larger, the A/A
   * estimate's distance from 1 (a systematic difference between two runs of
   * the same build, which a change must also exceed). null when unbounded.
   */
  readonly noiseBand: number | null;
  /** the change a flag must exceed: max(threshold, noise band); null when unbounded */
  readonly margin: number | null;
  /** sequentially valid one-sided p-value of H₀ ratio ≤ 1 + margin (slower), resp. ratio ≥ 1/(1 + margin) (faster) */
  readonly pSlower: number;
  readonly pFaster: number;
  /** one p-value per template for false-discovery control: both directions, both tails (p ≤ 1 − confidence ⇔ flagged) */
  readonly pFlag: number;
}

/** Per round, ln(head) − mean(ln(base), ln(base again)): the A/B paired log-ratio. */
export function headLogRatios(rounds: readonly Round[]): number[] {
  return rounds.map((r) => Math.log(r.headMs) - (Math.log(r.baseMs) + Math.log(r.baseAgainMs)) / 2);
}

/**
 * Per round, ln(base again) − ln(base): the A/A log-ratio. The schedule
 * (measure.ts) alternates which of the two base runs goes first, so a
 * position effect (the second run of a build warmer than the first) cancels
 * as it does for head, and what remains is the template's noise.
 */
export function noiseLogRatios(rounds: readonly Round[]): number[] {
  return rounds.map((r) => Math.log(r.baseAgainMs) - Math.log(r.baseMs));
}

const bound = (x: number): number | null => (Number.isFinite(x) ? Math.exp(x) : null);

/**
 * Analyse `rounds` as look `lookIndex` of `lookCount` planned looks (see
 * sequential.ts) under `policy`.
 */
export function analysePairs(rounds: readonly Round[], lookIndex: number, lookCount: number, policy: PerfPolicy = DEFAULT_PERF_POLICY): PairedAnalysis {
  const level = lookConfidence(policy.confidence, lookIndex, lookCount);
  const d = headLogRatios(rounds);
  const e = noiseLogRatios(rounds);
  const ab = estimateLogShift(d, level);
  const aa = estimateLogShift(e, level);
  const noiseLog = Math.max((aa.upper - aa.lower) / 2, Math.abs(aa.estimate));
  const noiseBand = Number.isFinite(noiseLog) ? Math.exp(noiseLog) - 1 : null;
  const thresholdLog = Math.log1p(policy.threshold);
  const marginLog = Math.max(thresholdLog, noiseLog);
  const share = lookShare(lookIndex, lookCount);
  const pSlower = Number.isFinite(marginLog) ? Math.min(1, pValueAbove(d, marginLog) / share) : 1;
  const pFaster = Number.isFinite(marginLog) ? Math.min(1, pValueBelow(d, -marginLog) / share) : 1;
  let call: PerfCall = 'inconclusive';
  if (ab.lower > marginLog) call = 'slower';
  else if (ab.upper < -marginLog) call = 'faster';
  else if (ab.lower >= -thresholdLog && ab.upper <= thresholdLog) call = 'same';
  return {
    call,
    ratio: { ratio: Math.exp(ab.estimate), lower: bound(ab.lower), upper: bound(ab.upper), confidence: level },
    noise: { ratio: Math.exp(aa.estimate), lower: bound(aa.lower), upper: bound(aa.upper), confidence: level },
    noiseBand,
    margin: Number.isFinite(marginLog) ? Math.expm1(marginLog) : null,
    pSlower,
    pFaster,
    pFlag: Math.min(1, 2 * Math.min(pSlower, pFaster)),
  };
}
