/**
 * Playback's defaults, in one place: the CLI's option defaults, the run
 * planner, the verdicts and the default policy all read them from here.
 */
import { DEFAULT_TIMEOUT_MS } from '../compiler/builds/process-build.ts';

/** per-query compile time limit for each build, ms (the Build contract's own default) */
export { DEFAULT_TIMEOUT_MS };

/** templates per playback job */
export const DEFAULT_BATCH_SIZE = 25;

/** head/base cost ratio at or above which a changed plan is `regressed` (10% costlier) */
export const DEFAULT_REGRESSED_AT = 1.1;

/** head/base cost ratio at or below which a changed plan is `improved` (10% cheaper) */
export const DEFAULT_IMPROVED_AT = 0.9;

/**
 * head/base compile-time ratio (medians of repeated, interleaved compiles) at
 * or above which a template is `slower-compile`. 2×, not 1.1×: one compile on
 * a shared machine easily varies by ±50%, and planning time matters to a
 * release when it grows by multiples, not by percent.
 */
export const DEFAULT_COMPILE_SLOWER_AT = 2;

/**
 * …and the head must also be this many ms slower: below it a ratio is noise
 * (a 2 ms compile becoming 5 ms is ×2.5 and nobody's problem).
 */
export const DEFAULT_COMPILE_NOISE_FLOOR_MS = 50;

/** compiles per build when a slower compile is re-measured (interleaved base, head, base, head…) */
export const DEFAULT_COMPILE_REPEATS = 3;

/**
 * Minimum share of the workload's weight that both builds must compile for a
 * gate to mean anything. 0.8: real logs carry a tail of statements a compiler
 * under test does not take (vendor syntax, DDL, utility commands), so demanding
 * 0.95+ fails ordinary workloads out of the box; below four fifths, though, the
 * verdicts describe a minority-to-thin slice of production and a pass says
 * little (the gate that passed with 2.4% of the weight compiled fails by far).
 */
export const DEFAULT_MIN_COMPILED_SHARE = 0.8;

/**
 * Flights: a `slower` template counts against the default gate only from
 * this share of the workload's weight (0.1%): the tail of rare queries is
 * measured and reported, but a release is not held for a query run once a day.
 */
export const DEFAULT_SLOWER_MIN_WEIGHT = 0.001;

/**
 * Flights: the most weight (share of the flown, compared templates) whose
 * timing may stay `inconclusive` before the gate says the flight decided
 * too little. A quarter: noisy shared machines leave some templates
 * undecided within their budget; beyond a quarter the flight says little.
 */
export const DEFAULT_MAX_INCONCLUSIVE_SHARE = 0.25;
