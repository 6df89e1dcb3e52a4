/**
 * Histogram bins of cost ratios on a log scale: half powers of two centred
 * on ×1 (so "unchanged cost" is its own bin), clamped at ×1/256 and ×256,
 * every bin between the smallest and largest present so the category axis
 * is evenly spaced in log(ratio).
 */
import { toneOf, type Tone } from '../verdicts.ts';

export interface RatioBin {
  /** bin centre in half-steps of log2: 0 is ×1, 2 is ×2, -2 is ×0.5 */
  readonly step: number;
  readonly label: string;
  readonly count: number;
  readonly regressed: number;
  readonly improved: number;
  readonly other: number;
}

const LIMIT = 16;

function label(step: number): string {
  const r = 2 ** (step / 2);
  const s = r >= 1 ? `×${r >= 10 ? Math.round(r) : Number(r.toPrecision(2))}` : `×1/${Number((1 / r).toPrecision(2))}`;
  return step === LIMIT ? `≥${s}` : step === -LIMIT ? `≤${s}` : s;
}

export function ratioBins(ratios: readonly { readonly costRatio: number; readonly verdict: string }[]): RatioBin[] {
  const counts = new Map<number, { count: number; tones: Record<Tone, number> }>();
  let lo = 0;
  let hi = 0;
  for (const { costRatio, verdict } of ratios) {
    if (!(costRatio > 0) || !Number.isFinite(costRatio)) continue;
    const step = Math.max(-LIMIT, Math.min(LIMIT, Math.round(Math.log2(costRatio) * 2)));
    lo = Math.min(lo, step);
    hi = Math.max(hi, step);
    const c = counts.get(step) ?? { count: 0, tones: { bad: 0, warn: 0, changed: 0, good: 0, same: 0 } };
    c.count++;
    c.tones[toneOf(verdict)]++;
    counts.set(step, c);
  }
  const out: RatioBin[] = [];
  for (let s = lo; s <= hi; s++) {
    const c = counts.get(s);
    out.push({ step: s, label: label(s), count: c?.count ?? 0, regressed: c?.tones.bad ?? 0, improved: c?.tones.good ?? 0, other: c ? c.count - c.tones.bad - c.tones.good : 0 });
  }
  return out;
}
