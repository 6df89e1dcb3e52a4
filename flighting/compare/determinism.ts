/**
 * The correctness verdict of one flighted template, from its results: the
 * protocol "when results differ, the base is re-run; a base that disagrees
 * with itself makes the template nondeterministic, not a mismatch".
 *
 * Order of the decision:
 * 1. every comparison agrees → `same` (and `emptyBoth` when both sides
 *    returned no rows: the data did not exercise the query);
 * 2. statically nondeterministic (random(), clocks, sampling, LIMIT without
 *    ORDER BY... see query-shape.ts) → never `result-mismatch`: a difference
 *    is `nondeterministic` with the reasons;
 * 3. the rows differ only in which rows tied at an ORDER BY + LIMIT boundary
 *    were kept → `nondeterministic`;
 * 4. otherwise a difference needs the base run again (`needs-base-again`);
 *    a base that disagrees with its re-run → `nondeterministic`;
 * 5. a difference the static shape cannot rule out as ties (LIMIT over sort
 *    keys that are not output columns, LIMIT inside a subquery) or that
 *    truncated rows cannot settle → `inconclusive`;
 * 6. with the original SQL's result (reference builds): the head is judged
 *    against it — head ≠ original → `result-mismatch` (note
 *    `both-differ-from-original` when the base differs too); the base alone
 *    ≠ original → `same`, note `base-wrong`; without it: base ≠ head →
 *    `result-mismatch`.
 * When a comparison needs the rows, the verdict is `needs-rows`, naming the
 * results to re-execute with `maxRows`.
 */
import type { ResultSummary } from '../execute/execute-result.ts';
import { DEFAULT_TOLERANCE, type Agreement, type Tolerance } from './agreement.ts';
import { compareResults } from './compare-results.ts';
import type { QueryShape } from './query-shape.ts';

export type CorrectnessVerdict = 'same' | 'result-mismatch' | 'nondeterministic' | 'inconclusive' | 'needs-rows' | 'needs-base-again';

export type ResultName = 'base' | 'head' | 'baseAgain' | 'original';

export interface CorrectnessInput {
  readonly shape: QueryShape;
  readonly base: ResultSummary;
  readonly head: ResultSummary;
  /** the base executed again, asked for when base and head (or original) differ */
  readonly baseAgain?: ResultSummary;
  /** the template's original SQL executed as written (reference builds): the ground truth */
  readonly original?: ResultSummary;
  readonly tolerance?: Tolerance;
}

export type CorrectnessNote = 'base-wrong' | 'both-differ-from-original' | 'both-match-original';

export interface CorrectnessDetail {
  readonly reason: string;
  /** both sides returned zero rows: agreement that proves little (counted apart) */
  readonly emptyBoth: boolean;
  readonly note?: CorrectnessNote;
  readonly baseVsHead: Agreement;
  readonly baseVsBaseAgain?: Agreement;
  readonly originalVsHead?: Agreement;
  readonly originalVsBase?: Agreement;
  /** why the template may vary (static analysis), when it may */
  readonly nondeterminism?: readonly string[];
  /** `needs-rows`: re-execute these with `maxRows >= rowsWanted` */
  readonly needRows?: readonly ResultName[];
  readonly rowsWanted?: number;
}

export interface CorrectnessDecision {
  readonly verdict: CorrectnessVerdict;
  readonly detail: CorrectnessDetail;
}

type Status = 'agree' | 'differ' | 'unknown' | 'needs-rows';

function status(a: Agreement): Status {
  if (a.kind === 'same') return 'agree';
  if (a.kind === 'mismatch') return 'differ';
  if (a.kind === 'inconclusive') return 'unknown';
  return 'needs-rows';
}

interface Compared {
  readonly agreement: Agreement;
  readonly sides: readonly [ResultName, ResultName];
}

export async function decideCorrectness(input: CorrectnessInput): Promise<CorrectnessDecision> {
  const { shape, base, head, original } = input;
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  const emptyBoth = base.rowCount === 0 && head.rowCount === 0;
  const baseVsHead = await compareResults(base, head, shape, tolerance);
  const originalVsHead = original ? await compareResults(original, head, shape, tolerance) : undefined;
  const originalVsBase = original ? await compareResults(original, base, shape, tolerance) : undefined;
  const compared: Compared[] = [{ agreement: baseVsHead, sides: ['base', 'head'] }];
  if (originalVsHead) compared.push({ agreement: originalVsHead, sides: ['original', 'head'] });
  if (originalVsBase) compared.push({ agreement: originalVsBase, sides: ['original', 'base'] });
  const nondeterminism = shape.deterministic === 'no' ? shape.nondeterministic.map((s) => s.reason) : [];
  const detail = (reason: string, extra: Partial<CorrectnessDetail> = {}): CorrectnessDetail => ({
    reason,
    emptyBoth,
    baseVsHead,
    ...(originalVsHead ? { originalVsHead } : {}),
    ...(originalVsBase ? { originalVsBase } : {}),
    ...(nondeterminism.length ? { nondeterminism } : {}),
    ...extra,
  });
  const statuses = compared.map((c) => status(c.agreement));
  const anyDiffer = statuses.includes('differ');

  if (shape.deterministic === 'no' && anyDiffer) {
    return { verdict: 'nondeterministic', detail: detail(`the results differ and the template is nondeterministic: ${nondeterminism.join('; ')}`) };
  }
  const rowsNeeded = needsRows(compared);
  if (rowsNeeded) return { verdict: 'needs-rows', detail: detail('a comparison needs the rows to decide', rowsNeeded) };
  if (!anyDiffer && !statuses.includes('unknown')) {
    return { verdict: 'same', detail: detail(emptyBoth ? 'both sides returned no rows' : 'the results agree') };
  }
  if (compared.some((c) => c.agreement.kind === 'mismatch' && c.agreement.tiedAtLimit)) {
    return { verdict: 'nondeterministic', detail: detail('the results differ only in which rows tied on the ORDER BY keys made the LIMIT') };
  }

  // a real difference, or an unsettled one: is the base itself repeatable?
  if (!input.baseAgain) return { verdict: 'needs-base-again', detail: detail('the results differ: run the base again to tell a mismatch from a nondeterministic template') };
  const baseVsBaseAgain = await compareResults(base, input.baseAgain, shape, tolerance);
  const withRerun = (reason: string, extra: Partial<CorrectnessDetail> = {}): CorrectnessDetail => detail(reason, { baseVsBaseAgain, ...extra });
  const rerun = status(baseVsBaseAgain);
  if (rerun === 'needs-rows') {
    const wanted = baseVsBaseAgain.kind === 'needs-rows' ? baseVsBaseAgain.rowsWanted : 0;
    return { verdict: 'needs-rows', detail: withRerun('the base re-run needs the rows to compare', { needRows: ['base', 'baseAgain'], rowsWanted: wanted }) };
  }
  if (rerun === 'differ') return { verdict: 'nondeterministic', detail: withRerun('the base disagrees with its own re-run') };
  if (rerun === 'unknown') return { verdict: 'inconclusive', detail: withRerun('the base re-run could not be compared in full (rows truncated)') };

  if (shape.limitMayTie && shape.order.kind !== 'keys') {
    return { verdict: 'inconclusive', detail: withRerun('LIMIT over sort keys that are not output columns: rows tied at the boundary cannot be told from a wrong result') };
  }
  if (shape.nestedLimitMayTie) {
    return { verdict: 'inconclusive', detail: withRerun('a subquery takes LIMIT over an ORDER BY: ties there cannot be told from a wrong result') };
  }
  if (!anyDiffer) return { verdict: 'inconclusive', detail: withRerun('rows truncated: the part compared agrees, the rest was not returned') };

  if (originalVsHead && originalVsBase) {
    const headBad = status(originalVsHead) === 'differ';
    const baseBad = status(originalVsBase) === 'differ';
    if (headBad && baseBad) return { verdict: 'result-mismatch', detail: withRerun('the head differs from the original SQL\'s result (so does the base)', { note: 'both-differ-from-original' }) };
    if (headBad) return { verdict: 'result-mismatch', detail: withRerun('the head differs from the original SQL\'s result, the base agrees with it') };
    if (baseBad) return { verdict: 'same', detail: withRerun('the head agrees with the original SQL\'s result; the base did not (the head fixed it)', { note: 'base-wrong' }) };
    return { verdict: 'same', detail: withRerun('base and head differ from each other but each agrees with the original SQL\'s result (within tolerance)', { note: 'both-match-original' }) };
  }
  return { verdict: 'result-mismatch', detail: withRerun(baseVsHead.kind === 'mismatch' ? baseVsHead.reason : 'the results differ') };
}

function needsRows(compared: readonly Compared[]): Partial<CorrectnessDetail> | null {
  const names = new Set<ResultName>();
  let rowsWanted = 0;
  for (const c of compared) {
    if (c.agreement.kind !== 'needs-rows') continue;
    for (const s of c.sides) names.add(s);
    rowsWanted = Math.max(rowsWanted, c.agreement.rowsWanted);
  }
  return names.size ? { needRows: [...names], rowsWanted } : null;
}
