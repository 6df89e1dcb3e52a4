/**
 * Every verdict, defined once: its severity, whether the default policy
 * fails it, and what it means. The default policy (policy.ts), the gate,
 * JUnit and Markdown reports and the dashboard read this table; nothing else
 * lists "failing verdicts".
 */
import type { Verdict } from '../store/records.ts';

/** `error` fails by default; `warning` deserves a look; `notice` is a change to review; `good` and `neutral` need nothing. */
export type Severity = 'error' | 'warning' | 'notice' | 'good' | 'neutral';

export interface VerdictInfo {
  readonly severity: Severity;
  /** whether DEFAULT_POLICY fails a run with one unapproved outcome of this verdict */
  readonly failsByDefault: boolean;
  readonly description: string;
}

/** Keyed by every Verdict: adding a verdict to store/records.ts without a row here does not typecheck. */
export const VERDICT_TABLE: { readonly [V in Verdict]: VerdictInfo } = {
  identical: { severity: 'neutral', failsByDefault: false, description: 'both builds produced the same plan shape (estimates may still have moved)' },
  'plan-changed': { severity: 'notice', failsByDefault: false, description: 'the plan changed; its cost stayed within the thresholds' },
  improved: { severity: 'good', failsByDefault: false, description: 'the plan changed and its cost fell to the improvement threshold or below' },
  regressed: { severity: 'error', failsByDefault: true, description: 'the plan changed and its cost rose to the regression threshold or above' },
  'slower-compile': { severity: 'error', failsByDefault: true, description: 'the head compiles the query slower by the compile-time threshold, confirmed by repeated interleaved compiles' },
  'new-error': { severity: 'error', failsByDefault: true, description: 'the base compiled the query, the head rejects it' },
  'fixed-error': { severity: 'good', failsByDefault: false, description: 'the base rejected the query, the head compiles it' },
  'both-error': { severity: 'warning', failsByDefault: false, description: 'neither build compiles the query: nothing was compared (the policy bounds it through the compiled share)' },
  crash: { severity: 'error', failsByDefault: true, description: 'the head build process died on the query' },
  timeout: { severity: 'error', failsByDefault: true, description: 'the head build did not answer within the time limit' },
  'result-mismatch': { severity: 'error', failsByDefault: true, description: 'flighting: executed on the snapshot, the head returned different rows than the base (or than the original SQL, where the base agreed with it)' },
  nondeterministic: { severity: 'warning', failsByDefault: false, description: 'flighting: the query is not deterministic (random, now, sampling, LIMIT without a total order) or the base disagreed with itself, so results cannot be compared' },
  slower: { severity: 'error', failsByDefault: true, description: 'flighting: measured slower beyond the threshold and beyond its A/A noise band, with the stated confidence, after false-discovery control' },
  faster: { severity: 'good', failsByDefault: false, description: 'flighting: measured faster beyond the threshold and beyond its A/A noise band, with the stated confidence' },
  same: { severity: 'neutral', failsByDefault: false, description: 'flighting: the results agree and the measured time is within the threshold' },
  inconclusive: { severity: 'warning', failsByDefault: false, description: 'flighting: the results agree, but the time measurements could not decide within the budget (the policy bounds their share)' },
  'not-executable': { severity: 'warning', failsByDefault: false, description: 'flighting: a build cannot execute the query (no execute support, or a plan it cannot lower), so it was not flown' },
  resource: { severity: 'error', failsByDefault: true, description: 'flighting: the head exceeded the memory limit (or another engine limit) where the base did not' },
};
