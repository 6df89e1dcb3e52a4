/**
 * One flown template's verdict, from its evidence: execution failures first
 * (a head that fails where the base runs is the worst news), then
 * correctness (different rows beat any speed-up), then performance
 * (measured beats estimated: a flown template's slower/faster/same replaces
 * playback's estimated improved/regressed).
 */
import type { Verdict } from '../store/records.ts';
import type { ExecuteFailureStatus, ExecuteResult } from './execute/execute-result.ts';
import type { Correctness } from './flight-correctness.ts';

export type Performance = 'slower' | 'faster' | 'same' | 'inconclusive' | 'not-measured';

export function execStatus(r: ExecuteResult | undefined): 'ok' | ExecuteFailureStatus | 'not-run' {
  if (!r) return 'not-run';
  return r.ok ? 'ok' : r.status;
}

/** The verdict of a template whose base or head did not execute; undefined when both did. */
export function executionVerdict(base: ExecuteResult, head: ExecuteResult): { verdict: Verdict; reason: string } | undefined {
  if (base.ok && head.ok) return undefined;
  const why = (side: string, r: ExecuteResult) => (r.ok ? '' : `${side} ${r.status}: ${r.error.message}`);
  if (!base.ok && !head.ok) {
    const reason = `${why('base', base)}; ${why('head', head)}`;
    // the head dying or hanging is news even where the base failed too
    if (head.status === 'crash' || head.status === 'timeout' || head.status === 'resource') {
      if (base.status !== head.status) return { verdict: head.status, reason };
    }
    const cannot = base.status === 'not-executable' || head.status === 'not-executable' || base.status === 'unsupported' || head.status === 'unsupported';
    return { verdict: cannot ? 'not-executable' : 'both-error', reason };
  }
  if (!head.ok) {
    const byStatus: Record<ExecuteFailureStatus, Verdict> = {
      error: 'new-error',
      timeout: 'timeout',
      resource: 'resource',
      crash: 'crash',
      // the build cannot execute at all (no execute support, no lowered SQL): a capability, not a regression
      'not-executable': 'not-executable',
      // the base ran this very statement; the head refuses it
      unsupported: 'new-error',
    };
    return { verdict: byStatus[head.status], reason: `executed on the snapshot: the base ran, the ${why('head', head)}` };
  }
  const failedBase = base as Extract<ExecuteResult, { ok: false }>;
  if (failedBase.status === 'not-executable' || failedBase.status === 'unsupported') return { verdict: 'not-executable', reason: why('base', failedBase) };
  return { verdict: 'fixed-error', reason: `executed on the snapshot: the head ran, the ${why('base', failedBase)}` };
}

/**
 * The verdict once both sides executed: a mismatch beats everything; a
 * measured slowdown or speed-up beats a result that could not be compared
 * (nondeterministic, undecided); otherwise those say why nothing was proven.
 */
export function flightVerdict(correctness: Correctness, performance: Performance): Verdict {
  if (correctness === 'result-mismatch') return 'result-mismatch';
  // results not proven equal: a speed-up may be a wrong result (a LIMIT pushed below a sort is fast), so only a slowdown is reported
  if (correctness === 'inconclusive' || correctness === 'not-compared') return performance === 'slower' ? 'slower' : 'inconclusive';
  if (correctness === 'nondeterministic' && performance === 'faster') return 'nondeterministic';
  if (correctness === 'nondeterministic' && performance === 'not-measured') return 'nondeterministic';
  switch (performance) {
    case 'slower':
      return 'slower';
    case 'faster':
      return 'faster';
    case 'same':
      return correctness === 'nondeterministic' ? 'nondeterministic' : 'same';
    case 'inconclusive':
      return 'inconclusive';
    case 'not-measured':
      return correctness === 'same' ? 'same' : 'inconclusive';
  }
}
