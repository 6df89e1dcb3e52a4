/**
 * A flight job: a batch of templates to execute on the snapshot with the
 * base and the head build. Like a playback job it carries ids and small
 * inputs only, runs in-process or in a BullMQ worker, returns plain data and
 * never touches the store.
 *
 * Per template: execute both sides for their results (and the original SQL
 * for builds that execute a lowered plan), compare; when they differ, run
 * the base again (a base that disagrees with itself is nondeterministic, not
 * a mismatch) and fetch rows to name the differing columns; then, when the
 * results agree, measure the time, interleaved, until the statistics decide.
 */
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { FlightdeckError } from '../compiler/errors.ts';
import { planHash } from '../playback/compare.ts';
import { sha256File } from './file-sha256.ts';
import type { BuildPool } from '../playback/job.ts';
import type { FlightResultRecord, OutcomeRecord } from '../store/records.ts';
import { checkResults, type CorrectnessDecision } from './flight-correctness.ts';
import { measurePerformance, type PerformanceDecision, type PerfSettings } from './flight-performance.ts';
import { execStatus, executionVerdict, flightVerdict } from './flight-verdict.ts';
import type { ExecuteResult } from './execute/execute-result.ts';
import { originalExecutor, prepareSide, type ExecutionLimits, type SideExecutor } from './execute/side-executor.ts';
import type { FlightRole } from './select.ts';

export interface FlightTemplateRef {
  readonly fingerprint: string;
  readonly sql: string;
  readonly role: FlightRole;
  /** the template's playback outcome in the run being flown: plans, costs, the estimated verdict */
  readonly playback: OutcomeRecord;
}

/** How a flight executes and judges its templates: recorded with the flight, carried by each of its jobs. */
export interface FlightExecution {
  /** per-request time limit, ms */
  readonly timeoutMs: number;
  /** the DuckDB version that executes reference plans and the original SQL */
  readonly engine?: string;
  readonly limits: ExecutionLimits;
  readonly perf: PerfSettings;
  readonly tolerance: { readonly relative: number; readonly absolute: number };
  /** rows fetched per side to show and fully compare a mismatch */
  readonly maxRows: number;
}

export interface FlightJob extends FlightExecution {
  readonly kind: 'flight';
  readonly runId: string;
  readonly batch: number;
  readonly baseSpec: string;
  readonly headSpec: string;
  /** absolute path of the snapshot, as every worker sees it */
  readonly snapshotPath: string;
  /** its sha256 when the flight started: a worker whose copy differs refuses the job */
  readonly snapshotSha256: string;
  readonly templates: readonly FlightTemplateRef[];
}

export interface FlightJobResult {
  readonly runId: string;
  readonly batch: number;
  readonly outcomes: readonly OutcomeRecord[];
  readonly results: readonly FlightResultRecord[];
  readonly worker: string;
}

export async function processFlightJob(job: FlightJob, pool: BuildPool, workerName = `${hostname()}:${process.pid}`): Promise<FlightJobResult> {
  if (job.kind !== 'flight') throw new FlightdeckError('usage-error', `not a flight job: ${JSON.stringify(job).slice(0, 80)}`);
  await checkWorkerSnapshot(job.snapshotPath, job.snapshotSha256);
  const outcomes: OutcomeRecord[] = [];
  const results: FlightResultRecord[] = [];
  for (const t of job.templates) {
    const flown = await flyTemplate(job, t, pool);
    // measured beats estimated: a flown template's estimated impact is not carried into the flight
    outcomes.push({ ...t.playback, runId: job.runId, verdict: flown.verdict, reason: flown.reason, impact: null, approved: false, worker: workerName });
    results.push({ ...flown.result, runId: job.runId, fingerprint: t.fingerprint });
  }
  return { runId: job.runId, batch: job.batch, outcomes, results, worker: workerName };
}

interface Flown {
  readonly verdict: OutcomeRecord['verdict'];
  readonly reason: string;
  readonly result: Omit<FlightResultRecord, 'runId' | 'fingerprint'>;
}

async function flyTemplate(job: FlightJob, t: FlightTemplateRef, pool: BuildPool): Promise<Flown> {
  const ctx = { pool, snapshotPath: job.snapshotPath, timeoutMs: job.timeoutMs, limits: job.limits, ...(job.engine ? { engine: job.engine } : {}) };
  const timings = { executeMs: 0, compareMs: 0, statisticsMs: 0 };
  const sides: SideExecutor[] = [];
  try {
    const base = await prepareSide(job.baseSpec, t.sql, ctx);
    sides.push(base);
    const head = await prepareSide(job.headSpec, t.sql, ctx);
    sides.push(head);
    // a build that executes a lowered plan is also checked against DuckDB running the original SQL
    const lowered = base.compile !== undefined || head.compile !== undefined;
    const original = lowered ? await originalExecutor(ctx, t.sql) : undefined;
    if (original) sides.push(original);
    const timed = (s: SideExecutor) => async (o: Parameters<SideExecutor['run']>[0]): Promise<ExecuteResult> => {
      const t0 = performance.now();
      try {
        return await s.run(o);
      } finally {
        timings.executeMs += performance.now() - t0;
      }
    };

    const correctness: CorrectnessDecision = await checkResults(
      { sql: t.sql, base: timed(base), head: timed(head), ...(original ? { original: timed(original) } : {}) },
      { timeoutMs: job.timeoutMs, maxRows: job.maxRows, tolerance: job.tolerance },
      timings,
    );
    const failure = executionVerdict(correctness.base, correctness.head);
    if (failure) return { ...failure, result: evidence(correctness, undefined, timings, failure.reason) };
    const planNote = planDrift(t, base, head);
    let perf: PerformanceDecision | undefined;
    // a write's time would be mostly the scratch copy: writes are checked for correctness only
    // maxPairs 0: a results-only flight (`--repetitions 0`)
    if (correctness.correctness !== 'result-mismatch' && !correctness.write && !correctness.rerunFailed && job.perf.maxPairs > 0) {
      perf = await measurePerformance((side) => timed(side === 'base' ? base : head)({ mode: 'time', timeoutMs: job.timeoutMs }), job.perf, timings);
      if (perf.failure) {
        // a head that ran for its result but then timed out, ran out of memory or died while timed: that is its outcome;
        // a base failing while timed leaves the head's speed unknown
        const reason = `${correctness.detail}; ${perf.detail}`;
        const result = { ...evidence(correctness, perf, timings, reason), [perf.failure.side === 'base' ? 'baseExec' : 'headExec']: perf.failure.status };
        if (perf.failure.side === 'base') return { verdict: 'inconclusive', reason, result };
        const failed: ExecuteResult = { ok: false, status: perf.failure.status, error: { code: perf.failure.status, message: perf.failure.message }, latencyMs: 0 };
        return { verdict: executionVerdict(correctness.base, failed)!.verdict, reason, result };
      }
    }
    const verdict = flightVerdict(correctness.correctness, perf?.performance ?? 'not-measured');
    const reason = [correctness.detail, perf?.detail, planNote].filter(Boolean).join('; ');
    return { verdict, reason, result: evidence(correctness, perf, timings, reason) };
  } finally {
    for (const s of sides) s.release();
  }
}

function evidence(c: CorrectnessDecision, p: PerformanceDecision | undefined, timings: FlightResultRecord['timings'], detail: string): Omit<FlightResultRecord, 'runId' | 'fingerprint'> {
  return {
    correctness: c.base.ok && c.head.ok ? c.correctness : 'not-compared',
    performance: p?.performance ?? 'not-measured',
    detail,
    ratio: p?.ratio ?? null,
    ratioLow: p?.ratioLow ?? null,
    ratioHigh: p?.ratioHigh ?? null,
    noise: p?.noise ?? null,
    pValue: p?.pValue ?? null,
    baseMs: p?.baseMs ?? null,
    headMs: p?.headMs ?? null,
    pairs: p?.pairs ?? 0,
    baseRows: c.base.ok ? (c.base.result?.rowCount ?? null) : null,
    headRows: c.head.ok ? (c.head.result?.rowCount ?? null) : null,
    emptyBoth: c.base.ok && c.head.ok && c.base.result?.rowCount === 0 && c.head.result?.rowCount === 0,
    mismatch: c.mismatch ?? null,
    operatorChange: p?.operatorChange ?? null,
    operators: p?.operators ?? null,
    crossCheck: c.crossCheck ?? null,
    baseExec: execStatus(c.base),
    headExec: execStatus(c.head),
    timings: { executeMs: round(timings.executeMs), compareMs: round(timings.compareMs), statisticsMs: round(timings.statisticsMs) },
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * For builds that compiled on the snapshot: whether the plan executed is the
 * plan playback judged (a run played back on another catalog may plan
 * differently here); a note for the reason when it is not.
 */
function planDrift(t: FlightTemplateRef, base: SideExecutor, head: SideExecutor): string | undefined {
  const drift = (side: 'base' | 'head', s: SideExecutor, hash: string | null) =>
    s.compile?.ok && hash !== null && planHash(s.compile.plan.simplified) !== hash ? side : undefined;
  const sides = [drift('base', base, t.playback.basePlanHash), drift('head', head, t.playback.headPlanHash)].filter(Boolean);
  return sides.length ? `note: the ${sides.join(' and ')} plan compiled on the snapshot differs from the one playback judged` : undefined;
}

/** sha256 checked once per worker and file version (path, size, mtime): a copy that differs from the coordinator's refuses the job */
const checkedSnapshots = new Map<string, string>();

async function checkWorkerSnapshot(path: string, expected: string): Promise<void> {
  let key: string;
  try {
    const st = statSync(path);
    key = `${path}\u0000${st.size}\u0000${st.mtimeMs}`;
  } catch {
    throw new FlightdeckError('not-found', `this worker has no snapshot at ${path} (every worker must see the same file)`, { location: { file: path } });
  }
  let sha = checkedSnapshots.get(key);
  if (sha === undefined) {
    sha = await sha256File(path);
    checkedSnapshots.set(key, sha);
  }
  if (sha !== expected) {
    throw new FlightdeckError('usage-error', `the snapshot ${path} on this worker is not the file the flight started on (sha256 ${sha.slice(0, 12)}… vs ${expected.slice(0, 12)}…)`, { location: { file: path } });
  }
}
