/**
 * When the sequential test looks at the data, and how much of the error rate
 * each look may spend.
 *
 * Looking after every pair and stopping at the first decisive interval
 * would inflate the error rate (each look is another chance to be fooled).
 * So the test looks on a fixed geometric schedule (minPairs, ×1.5 …,
 * maxPairs), and the error rate α = 1 − confidence is split between the
 * looks up front (a Bonferroni split, valid whatever the dependence between
 * looks): half for the final look at maxPairs, where an unclear template
 * ends up, and half shared by the early looks, which therefore stop only
 * on clear answers. Stopping earlier than planned (a time budget) only
 * spends less. A p-value at look k is made comparable across templates by
 * dividing it by look k's share: p/share ≤ α exactly when the look was
 * decisive at its own level, and the result is a valid p-value for the
 * whole procedure (P(min over looks of pₖ/shareₖ ≤ t) ≤ Σ shareₖ·t = t).
 */
import { FlightdeckError } from '../../compiler/errors.ts';

export const LOOK_GROWTH = 1.5;
/** share of α kept for the final look */
export const FINAL_LOOK_SHARE = 0.5;

/** Pair counts at which the test looks, ascending, the last one maxPairs. */
export function lookSchedule(minPairs: number, maxPairs: number): number[] {
  if (!Number.isInteger(minPairs) || minPairs < 2) throw new FlightdeckError('usage-error', `minPairs must be an integer ≥ 2, got ${minPairs}`);
  if (!Number.isInteger(maxPairs) || maxPairs < minPairs) throw new FlightdeckError('usage-error', `maxPairs must be an integer ≥ minPairs (${minPairs}), got ${maxPairs}`);
  if (maxPairs > 1000) throw new FlightdeckError('usage-error', `maxPairs must be at most 1000 (the exact test grows with its cube), got ${maxPairs}`);
  const looks = [minPairs];
  for (let n = Math.ceil(minPairs * LOOK_GROWTH); n < maxPairs; n = Math.ceil(n * LOOK_GROWTH)) looks.push(n);
  // a look just before the final one buys little: fold it into the final
  if (looks.length > 1 && looks.at(-1)! * 1.2 >= maxPairs) looks.pop();
  if (looks.at(-1) !== maxPairs) looks.push(maxPairs);
  return looks;
}

/** The fraction of α that look `index` (0-based) of `looks` planned looks may spend. */
export function lookShare(index: number, looks: number): number {
  if (looks <= 1) return 1;
  return index === looks - 1 ? FINAL_LOOK_SHARE : (1 - FINAL_LOOK_SHARE) / (looks - 1);
}

/** The two-sided confidence a single look must hold so that all planned looks together hold `confidence`. */
export function lookConfidence(confidence: number, index: number, looks: number): number {
  return 1 - (1 - confidence) * lookShare(index, looks);
}
