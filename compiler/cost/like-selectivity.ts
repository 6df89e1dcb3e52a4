/**
 * Selectivity of LIKE / ILIKE patterns.
 *
 * Without histograms of strings, a pattern is estimated the way PostgreSQL's
 * `patternsel` does it in spirit: the most-common values are matched against
 * the pattern exactly, and the rest of the rows get a heuristic fraction that
 * depends on the pattern's shape (documented in {@link likeHeuristic}).
 */
import type { DerivedColumnStats } from './stats.ts';
import { clampFraction } from './stats.ts';

/** The heuristic constants, in one place. */
export const LIKE_SELECTIVITY = {
  /** 'a%': a one-character fixed prefix */
  prefixFirstChar: 0.1,
  /** each further prefix character keeps this share: 'abc%' = 0.1 · 0.8² = 0.064 */
  prefixPerChar: 0.8,
  /** '%x%': one fixed character somewhere */
  containsFirstChar: 0.1,
  /** each further fixed character after a wildcard keeps this share: '%green%' = 0.1 · 0.9⁴ ≈ 0.066 */
  containsPerChar: 0.9,
  /** a pattern that is not a constant (a column, a parameter) */
  unknownPattern: 0.1,
} as const;

export interface LikePattern {
  /** the value the pattern equals when it has no wildcard, else null */
  readonly exact: string | null;
  /** fixed characters before the first wildcard */
  readonly prefixLength: number;
  /** fixed characters after the first wildcard */
  readonly otherFixed: number;
  /** the pattern as an anchored regular expression */
  readonly regex: RegExp;
}

/** Split a LIKE pattern into its fixed prefix, the fixed characters after it and a matcher (`\` escapes the next character). */
export function analyzeLikePattern(pattern: string, caseInsensitive: boolean): LikePattern {
  let prefixLength = 0;
  let otherFixed = 0;
  let seenWildcard = false;
  let exact = '';
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    let ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      ch = pattern[++i]!;
    } else if (ch === '%' || ch === '_') {
      seenWildcard = true;
      source += ch === '%' ? '[\\s\\S]*' : '[\\s\\S]';
      continue;
    }
    source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    exact += ch;
    if (seenWildcard) otherFixed++;
    else prefixLength++;
  }
  return {
    exact: seenWildcard ? null : exact,
    prefixLength,
    otherFixed,
    regex: new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u'),
  };
}

/**
 * The share of (non-MCV, non-null) rows a pattern with wildcards is
 * assumed to match:
 *   prefix part = 0.1 · 0.8^(k − 1) for a fixed prefix of k ≥ 1 characters, else 1
 *   other part  = 0.1 · 0.9^(m − 1) for m ≥ 1 fixed characters after the first wildcard, else 1
 *   heuristic   = prefix part · other part
 * so '%' matches everything, 'a%' 0.1, 'PROMO%' 0.041, '%x%' 0.1,
 * '%special%requests%' 0.023 — a prefix narrows faster than a
 * containment because it is anchored. `_` counts as a wildcard but adds
 * no factor.
 */
export function likeHeuristic(p: LikePattern): number {
  const prefix = p.prefixLength > 0 ? LIKE_SELECTIVITY.prefixFirstChar * Math.pow(LIKE_SELECTIVITY.prefixPerChar, p.prefixLength - 1) : 1;
  const other = p.otherFixed > 0 ? LIKE_SELECTIVITY.containsFirstChar * Math.pow(LIKE_SELECTIVITY.containsPerChar, p.otherFixed - 1) : 1;
  return prefix * other;
}

/**
 * LIKE / ILIKE on a column with statistics s:
 *   sel = Σ freq(MCVs matching the pattern) + (1 − Σ freq(MCVs) − nullFraction) · h
 *   h = max(1/(distinct − |MCV|), heuristic) for a pattern with wildcards
 *       (the floor assumes the pattern matches at least one value),
 *   h = 1/(distinct − |MCV|) for one without (ILIKE 'abc': one value, in any case).
 * When the MCV list holds every value the result is exact.
 */
export function patternSelectivity(s: DerivedColumnStats, p: LikePattern): number {
  let matched = 0;
  let total = 0;
  for (const m of s.mostCommon) {
    total += m.frequency;
    if (p.regex.test(m.value)) matched += m.frequency;
  }
  const rest = clampFraction(1 - total - s.nullFraction);
  const others = Math.max(1, s.distinct - s.mostCommon.length);
  const heuristic = p.exact !== null ? 1 / others : Math.max(1 / others, likeHeuristic(p));
  return clampFraction(matched + rest * Math.min(1, heuristic));
}
