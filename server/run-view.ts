/**
 * Store records → the API's run views (RunSummary, RunOverview, latency
 * points), shared by the runs routes and the live-progress stream.
 */
import type { Correctness } from '../flighting/flight-correctness.ts';
import { flightVerdict, type Performance } from '../flighting/flight-verdict.ts';
import type { VerdictCount } from '../store/outcome-query.ts';
import type { FlightResultRecord, RunRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { RunOutcomes } from './run-outcomes.ts';
import type { LatencyPoint, RunOverview, RunSummary } from './api-types.ts';

/** the store's TIMESTAMP text (UTC, no zone) as epoch ms */
export function storeTime(text: string): number {
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

/** a store time (UTC, `YYYY-MM-DD HH:MM:SS[.f]`) as ISO 8601 with its `Z`, so every browser reads it as UTC; text that is not a time passes through */
export function isoTime(text: string): string;
export function isoTime(text: string | null): string | null;
export function isoTime(text: string | null): string | null {
  if (text === null) return null;
  const ms = storeTime(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}

export function runSummary(run: RunRecord & { done: number }, verdicts: readonly VerdictCount[], now = Date.now()): RunSummary {
  const created = storeTime(run.createdAt);
  const end = run.finishedAt ? storeTime(run.finishedAt) : run.status === 'running' ? now : NaN;
  const durationMs = Number.isFinite(created) && Number.isFinite(end) ? Math.max(0, Math.round(end - created)) : null;
  return {
    id: run.id, kind: run.kind, workload: run.workload, baseSpec: run.baseSpec, headSpec: run.headSpec, baseDescription: run.baseDescription,
    headDescription: run.headDescription, status: run.status, total: run.total, done: run.done, createdAt: isoTime(run.createdAt), finishedAt: isoTime(run.finishedAt),
    durationMs, error: run.error, verdicts,
  };
}

const REGRESSIONS = ['regressed', 'slower', 'new-error', 'crash', 'timeout'];

export function latencyPoints(results: readonly FlightResultRecord[]): LatencyPoint[] {
  return results
    .filter((r) => r.baseMs !== null && r.headMs !== null && r.baseMs > 0 && r.headMs > 0)
    .map((r) => ({
      fingerprint: r.fingerprint,
      verdict: flightVerdict(r.correctness as Correctness, r.performance as Performance),
      baseMs: r.baseMs!,
      headMs: r.headMs!,
      ratio: r.ratio,
    }));
}

/** the run's overview; its top regressions and mismatches are pages of `outcomes` (a finished run's from memory) */
export async function runOverview(store: Store, outcomes: Pick<RunOutcomes, 'page'>, run: RunRecord & { done: number }): Promise<RunOverview> {
  const verdicts = (await store.verdictCounts([run.id])).get(run.id) ?? [];
  const [clusters, costRatios, flights, top, mismatches] = [
    await store.getClusters(run.id),
    await store.costRatios(run.id, 20_000),
    run.kind === 'flight' ? await store.getFlightResults(run.id) : [],
    await outcomes.page({ runId: run.id, verdicts: REGRESSIONS, sort: 'impact', order: 'desc', limit: 20, offset: 0 }),
    await outcomes.page({ runId: run.id, verdicts: ['result-mismatch'], sort: 'weight', order: 'desc', limit: 200, offset: 0 }),
  ];
  return { run: runSummary(run, verdicts), clusters, costRatios, latency: latencyPoints(flights), topRegressions: top.rows, mismatches: mismatches.rows };
}
