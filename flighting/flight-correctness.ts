/**
 * The correctness half of flying one template: execute, compare, and fetch
 * more only when the comparison asks for it. The cheap path (the usual one)
 * is one execution per side with checksums and no rows; rows cross only
 * when a comparison needs them (float tolerance, ties, naming the differing
 * columns), and the base runs again only when the results differ (a base
 * that disagrees with itself is nondeterministic, not a mismatch).
 * flighting/compare/ decides; this file drives the executions it asks for.
 */
import { FlightdeckError } from '../compiler/errors.ts';
import type { Tolerance } from './compare/agreement.ts';
import { decideCorrectness, type CorrectnessDetail, type ResultName } from './compare/determinism.ts';
import { analyzeQueryShape } from './compare/query-shape.ts';
import type { ExecuteOptions, ExecuteResult, ResultSummary } from './execute/execute-result.ts';

export type Correctness = 'same' | 'result-mismatch' | 'nondeterministic' | 'inconclusive' | 'not-compared';

type Run = (options: ExecuteOptions) => Promise<ExecuteResult>;

export interface CorrectnessDecision {
  readonly correctness: Correctness;
  readonly base: ExecuteResult;
  readonly head: ExecuteResult;
  /** one line for the outcome's reason */
  readonly detail: string;
  /** the mismatch shown in reports: columns, row-count delta, sample rows (snapshot values), against what */
  readonly mismatch?: unknown;
  /** for builds that execute a lowered plan: how each side compared with the original SQL */
  readonly crossCheck?: string;
  /** the template writes: it ran on a scratch copy of the snapshot per execution, and its written rows were compared */
  readonly write: boolean;
  /** a re-execution the comparison asked for failed: nothing was decided, and the template is not timed */
  readonly rerunFailed?: boolean;
}

/** re-executions a template may need: rows for both sides, the base again, rows for the re-run */
const MAX_ROUNDS = 4;

export async function checkResults(
  runs: { readonly sql: string; readonly base: Run; readonly head: Run; readonly original?: Run },
  options: { readonly timeoutMs: number; readonly maxRows: number; readonly tolerance: Tolerance },
  timings: { compareMs: number },
): Promise<CorrectnessDecision> {
  const shape = analyzeQueryShape(runs.sql);
  const write = shape.write !== null;
  // a write runs on a scratch copy of the snapshot, thrown away after; its result is the written table's rows
  const exec = (run: Run, maxRows: number) => run({ mode: 'result', timeoutMs: options.timeoutMs, maxRows, ...(write ? { write: true } : {}) });
  const rowsOf: Record<ResultName, number> = { base: 0, head: 0, baseAgain: 0, original: 0 };
  const firstBase = await exec(runs.base, 0);
  const firstHead = await exec(runs.head, 0);
  let base = firstBase;
  let head = firstHead;
  if (!base.ok || !head.ok) return { correctness: 'not-compared', base, head, detail: 'not compared: a side did not execute', write };
  let original = runs.original ? await exec(runs.original, 0) : undefined;
  let originalNote: string | undefined;
  if (original && !original.ok) {
    originalNote = `the original SQL did not execute (${original.status}: ${original.error.message}); base and head compared with each other only`;
    original = undefined;
  }
  let baseAgain: ExecuteResult | undefined;
  /** a re-execution the comparison asked for; null when it failed (the first results stay what the verdict reports) */
  let rerunFailure: string | undefined;
  const again = async (name: ResultName, run: Run): Promise<ExecuteResult | undefined> => {
    const r = await exec(run, rowsOf[name]);
    if (!r.ok) {
      rerunFailure = `${name === 'baseAgain' ? 'the base run again' : `the ${name}`} ${r.status} on re-execution: ${r.error.message}`;
      return undefined;
    }
    return r;
  };
  const rerun: Record<ResultName, () => Promise<unknown>> = {
    base: async () => (base = (await again('base', runs.base)) ?? base),
    head: async () => (head = (await again('head', runs.head)) ?? head),
    baseAgain: async () => (baseAgain = (await again('baseAgain', runs.base)) ?? baseAgain),
    original: async () => (original = runs.original ? ((await again('original', runs.original)) ?? original) : undefined),
  };
  for (let round = 0; ; round++) {
    if (rerunFailure) {
      // the results differed (or needed rows) and could not be settled: never a pass, never a guess
      return { correctness: 'inconclusive', base: firstBase, head: firstHead, detail: `results not settled: ${rerunFailure}`, write, rerunFailed: true };
    }
    const t0 = performance.now();
    const decision = await decideCorrectness({
      shape,
      base: summary(base),
      head: summary(head),
      ...(baseAgain ? { baseAgain: summary(baseAgain) } : {}),
      ...(original?.ok ? { original: summary(original) } : {}),
      tolerance: options.tolerance,
    });
    timings.compareMs += performance.now() - t0;
    const d = decision.detail;
    if (decision.verdict === 'needs-rows' || decision.verdict === 'needs-base-again') {
      if (round >= MAX_ROUNDS) return finish('inconclusive', `${d.reason} (gave up after ${MAX_ROUNDS} re-executions)`, d);
      if (decision.verdict === 'needs-base-again') {
        rowsOf.baseAgain = rowsOf.base;
        await rerun.baseAgain();
        continue;
      }
      const wanted = Math.min(options.maxRows, Math.max(d.rowsWanted ?? options.maxRows, 1));
      const names = (d.needRows ?? ['base', 'head']).filter((n) => rowsOf[n] < wanted);
      if (names.length === 0) return finish('inconclusive', `${d.reason}; the rows needed exceed --max-rows ${options.maxRows}`, d);
      for (const n of names) {
        rowsOf[n] = wanted;
        if (n === 'baseAgain' && !baseAgain) continue;
        await rerun[n]();
      }
      continue;
    }
    return finish(decision.verdict, d.reason, d);
  }

  function finish(verdict: 'same' | 'result-mismatch' | 'nondeterministic' | 'inconclusive', reason: string, d: CorrectnessDetail): CorrectnessDecision {
    const against = d.originalVsHead?.kind === 'mismatch' ? 'original' : 'base';
    const m = against === 'original' ? d.originalVsHead : d.baseVsHead;
    const mismatch =
      verdict === 'result-mismatch' && m?.kind === 'mismatch'
        ? { against, columns: m.columns, rowCountDelta: m.rowCountDelta, sampleRows: m.sampleRows ?? [], orderOnly: m.orderOnly ?? false, reason: m.reason, ...(m.columnTypeChanges ? { columnTypeChanges: m.columnTypeChanges } : {}) }
        : undefined;
    const crossCheck = runs.original ? (originalNote ?? describeCrossCheck(d)) : undefined;
    const types = mismatch?.columnTypeChanges?.map((c) => `${c.name} ${c.base} → ${c.head}`).join(', ');
    const detail = [
      verdict === 'result-mismatch' && mismatch ? `${reason}${mismatch.columns.length ? ` — differing columns: ${mismatch.columns.join(', ')}` : ''}` : reason,
      types ? `result types changed: ${types}` : '',
      d.emptyBoth && !/no rows/.test(reason) ? 'both sides returned no rows' : '',
    ].filter(Boolean).join('; ');
    return { correctness: verdict, base, head, detail: write ? `${detail} (a write: run on scratch copies of the snapshot, written rows compared)` : detail, write, ...(mismatch ? { mismatch } : {}), ...(crossCheck ? { crossCheck } : {}) };
  }
}

function summary(r: ExecuteResult | undefined): ResultSummary {
  if (!r?.ok || !r.result) throw new FlightdeckError('internal-error', 'an execution in result mode returned no result summary');
  return r.result;
}

function describeCrossCheck(d: CorrectnessDetail): string {
  const word = (a: CorrectnessDetail['originalVsHead']) => (a === undefined ? 'not compared' : a.kind === 'same' ? 'agrees' : a.kind === 'mismatch' ? 'DIFFERS' : 'undecided');
  return `against the original SQL: base ${word(d.originalVsBase)}, head ${word(d.originalVsHead)}${d.note ? ` (${d.note})` : ''}`;
}
