/**
 * The flight coordinator: fly a playback run's templates on a snapshot.
 *
 * A flight is a Run of kind `flight` with its own id (a playback run may be
 * flown many times). Its outcomes cover the whole playback run, so a gate
 * over the flight is a gate over the change: flown templates carry their
 * measured verdict (result-mismatch, slower, faster, same, …), the others
 * keep playback's estimate with the reason "not flown". Evidence (ratios,
 * noise bands, mismatching columns, the operator that changed most) goes to
 * `flight_results`.
 *
 * The snapshot is read-only to every execution; its sha256 is taken before
 * and after, and a flight whose snapshot changed fails. A snapshot must
 * carry its masking report with a clean leak scan, unless the caller says
 * the data holds nothing personal (`allowUnmasked`).
 *
 * False discoveries are controlled over the whole flight (Benjamini–Hochberg
 * over every measured template), so it runs once all jobs are in, and again
 * after a resume.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlightdeckError } from '../compiler/errors.ts';
import { DEFAULT_TIMEOUT_MS } from '../playback/defaults.ts';
import type { JobQueue } from '../playback/queue/queue.ts';
import type { FlightResultRecord, OutcomeRecord, RunRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { reportPaths } from './desensitize/snapshot.ts';
import type { MaskingReport } from './desensitize/report.ts';
import { controlFlightDiscoveries, DEFAULT_PERF_SETTINGS, type PerfSettings } from './flight-performance.ts';
import type { FlightExecution, FlightJob, FlightJobResult, FlightTemplateRef } from './flight-job.ts';
import type { ExecutionLimits } from './execute/side-executor.ts';
import { sha256File } from './file-sha256.ts';
import { selectTemplates, type Selection } from './select.ts';

export { sha256File };

export const DEFAULT_FLIGHT_BATCH = 4;
export const DEFAULT_MAX_ROWS = 2000;
export const DEFAULT_TOLERANCE = { relative: 1e-9, absolute: 1e-12 } as const;

export type FlightQueue = JobQueue<FlightJob, FlightJobResult>;

export interface FlightOptions {
  /** the playback run to fly */
  readonly runId: string;
  readonly snapshotPath: string;
  readonly selection: Selection;
  /** identical-plan templates flown as a control group with `changed` */
  readonly control?: number;
  readonly perf?: Partial<PerfSettings>;
  readonly timeoutMs?: number;
  readonly engine?: string;
  readonly limits?: ExecutionLimits;
  readonly maxRows?: number;
  readonly tolerance?: { readonly relative: number; readonly absolute: number };
  readonly batchSize?: number;
  /** the snapshot holds nothing personal (generated data): fly it without a masking report */
  readonly allowUnmasked?: boolean;
  readonly flightId?: string;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onSelected?: (summary: string) => void;
}

export interface FlightSummary {
  readonly flightId: string;
  readonly playbackRun: string;
  readonly flown: number;
  readonly total: number;
  readonly counts: Readonly<Partial<Record<OutcomeRecord['verdict'], number>>>;
  /** flown templates where both sides returned no rows (compared, but the data cannot show a difference) */
  readonly emptyBoth: number;
  readonly weightShare: number;
  /** where the time went, ms: execute, compare, statistics (summed over templates), store (coordinator) */
  readonly timings: { readonly executeMs: number; readonly compareMs: number; readonly statisticsMs: number; readonly storeMs: number; readonly wallMs: number };
  readonly snapshotSha256: string;
}

interface FlightSettings extends FlightExecution {
  readonly playbackRun: string;
  readonly snapshotSha256: string;
  readonly selection: string;
  readonly weightShare: number;
  /** fingerprint → role, in batch order */
  readonly flown: readonly (readonly [string, string])[];
  readonly batchSize: number;
  readonly allowUnmasked: boolean;
}

export function newFlightId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `flight-${ts}-${randomBytes(2).toString('hex')}`;
}

export async function startFlight(store: Store, queue: FlightQueue, options: FlightOptions): Promise<FlightSummary> {
  // the snapshot first: a database without a clean masking report is refused whatever else is wrong
  const snapshotPath = resolve(options.snapshotPath);
  const snapshotSha256 = await checkSnapshot(snapshotPath, options.allowUnmasked ?? false);
  const run = await store.getRun(options.runId);
  if (!run) throw new FlightdeckError('not-found', `no run '${options.runId}' in the store (list them with: flightdeck runs)`);
  if (run.kind !== 'playback') throw new FlightdeckError('usage-error', `run ${options.runId} is a ${run.kind}; fly a playback run`);
  if (run.status !== 'done') throw new FlightdeckError('usage-error', `playback run ${options.runId} is ${run.status}; finish it first (flightdeck playback --resume ${options.runId})`);
  const outcomes = await store.getOutcomes(run.id);
  const templates = await store.getTemplates(run.workload, outcomes.map((o) => o.fingerprint));
  const selected = selectTemplates(outcomes, new Map(templates.map((t) => [t.fingerprint, t])), options.selection, { control: options.control ?? 0 });
  options.onSelected?.(selected.summary);
  const flightId = options.flightId ?? newFlightId();
  const settings: FlightSettings = {
    playbackRun: run.id,
    snapshotSha256,
    selection: describeSelection(options.selection, options.control),
    weightShare: selected.weightShare,
    flown: selected.chosen.map((c) => [c.fingerprint, c.role] as const),
    batchSize: options.batchSize ?? DEFAULT_FLIGHT_BATCH,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.engine ? { engine: options.engine } : {}),
    limits: options.limits ?? {},
    perf: { ...DEFAULT_PERF_SETTINGS, ...options.perf, templates: Math.max(1, selected.chosen.length) },
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    allowUnmasked: options.allowUnmasked ?? false,
  };
  await store.createRun({
    id: flightId, kind: 'flight', workload: run.workload, catalog: snapshotPath, baseSpec: run.baseSpec, headSpec: run.headSpec,
    baseDescription: run.baseDescription, headDescription: run.headDescription, queue: queue.name, total: outcomes.length, options: { ...settings },
  });
  // checkSnapshot just hashed the file: flyRun does not hash it again before the jobs
  return flyRun(store, queue, flightId, options.onProgress, snapshotSha256);
}

export async function resumeFlight(store: Store, queue: FlightQueue, flightId: string, onProgress?: (done: number, total: number) => void): Promise<FlightSummary> {
  const run = await store.getRun(flightId);
  if (!run) throw new FlightdeckError('not-found', `no flight '${flightId}' in the store`);
  if (run.kind !== 'flight') throw new FlightdeckError('usage-error', `run ${flightId} is a ${run.kind} run, not a flight (resume it with flightdeck playback --resume)`);
  await store.reopenRun(flightId);
  return flyRun(store, queue, flightId, onProgress);
}

/** `checkedSha256`: the snapshot's hash taken a moment ago (a new flight); a resumed flight hashes the file again. */
async function flyRun(store: Store, queue: FlightQueue, flightId: string, onProgress?: (done: number, total: number) => void, checkedSha256?: string): Promise<FlightSummary> {
  const t0 = performance.now();
  const run = (await store.getRun(flightId))!;
  const s = run.options as unknown as FlightSettings;
  const before = checkedSha256 ?? (await sha256File(run.catalog).catch(() => ''));
  if (before !== s.snapshotSha256) {
    const why = `the snapshot ${run.catalog} is not the file flight ${flightId} started on (its sha256 changed)`;
    await store.finishRun(flightId, 'failed', why);
    throw new FlightdeckError('usage-error', `${why}; start a new flight`);
  }
  const playback = new Map((await store.getOutcomes(s.playbackRun)).map((o) => [o.fingerprint, o]));
  // every template not flown keeps playback's estimate in the flight (written here, so a start cut short is completed by --resume)
  const flownSet = new Set(s.flown.map(([fp]) => fp));
  const present = await store.outcomeFingerprints(flightId);
  await store.saveOutcomes([...playback.values()].filter((o) => !flownSet.has(o.fingerprint) && !present.has(o.fingerprint)).map((o) => notFlown(o, flightId)));
  const templates = new Map((await store.getTemplates(run.workload, s.flown.map(([fp]) => fp))).map((t) => [t.fingerprint, t]));
  // done = a result AND its outcome (both are written in one transaction; an older partial write is flown again)
  const withOutcome = await store.outcomeFingerprints(flightId);
  const done = new Set((await store.getFlightResults(flightId)).map((r) => r.fingerprint).filter((fp) => withOutcome.has(fp)));
  const refs: FlightTemplateRef[] = s.flown.map(([fp, role]) => {
    const t = templates.get(fp);
    const o = playback.get(fp);
    if (!t || !o) throw new FlightdeckError('usage-error', `template ${fp} of flight ${flightId} is gone from the store (workload ${run.workload} changed); start a new flight`);
    return { fingerprint: fp, sql: t.sql, role: role as FlightTemplateRef['role'], playback: o };
  });
  const jobs: FlightJob[] = [];
  for (let i = 0; i < refs.length; i += s.batchSize) {
    const batch = refs.slice(i, i + s.batchSize);
    if (batch.every((r) => done.has(r.fingerprint))) continue;
    jobs.push({
      kind: 'flight', runId: flightId, batch: i / s.batchSize, baseSpec: run.baseSpec, headSpec: run.headSpec, snapshotPath: run.catalog, snapshotSha256: s.snapshotSha256,
      ...executionOf(s), templates: batch,
    });
  }
  let storeMs = 0;
  onProgress?.(done.size, refs.length);
  try {
    await queue.run(jobs, async (result) => {
      if (result.runId !== flightId) return;
      const w0 = performance.now();
      await store.saveFlightResults(result.outcomes, result.results);
      storeMs += performance.now() - w0;
      for (const r of result.results) done.add(r.fingerprint);
      onProgress?.(done.size, refs.length);
    });
  } catch (err) {
    await store.finishRun(flightId, 'failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
  const after = await sha256File(run.catalog);
  if (after !== s.snapshotSha256) {
    const why = `the snapshot ${run.catalog} changed during the flight (sha256 before ${s.snapshotSha256.slice(0, 12)}…, after ${after.slice(0, 12)}…): executions must never write to it`;
    await store.finishRun(flightId, 'failed', why);
    throw new FlightdeckError('internal-error', why);
  }
  const w0 = performance.now();
  const results = await store.getFlightResults(flightId);
  const corrected = controlFlightDiscoveries(results, s.perf);
  if (corrected.length) {
    const outcomes = new Map((await store.getOutcomes(flightId)).map((o) => [o.fingerprint, o]));
    const fixable = corrected.filter((c) => outcomes.has(c.result.fingerprint));
    await store.saveFlightResults(
      fixable.map((c) => ({ ...outcomes.get(c.result.fingerprint)!, verdict: c.verdict, reason: c.result.detail })),
      fixable.map((c) => c.result),
    );
  }
  // no updateImpacts: a flown template's estimated impact is dropped (measured beats estimated), the others keep playback's
  await store.finishRun(flightId, 'done');
  storeMs += performance.now() - w0;
  return summarize(store, run, s, await store.getFlightResults(flightId), storeMs, performance.now() - t0);
}

async function summarize(store: Store, run: RunRecord, s: FlightSettings, results: readonly FlightResultRecord[], storeMs: number, wallMs: number): Promise<FlightSummary> {
  const outcomes = await store.getOutcomes(run.id);
  const flown = new Set(results.map((r) => r.fingerprint));
  const counts: Partial<Record<OutcomeRecord['verdict'], number>> = {};
  for (const o of outcomes) if (flown.has(o.fingerprint)) counts[o.verdict] = (counts[o.verdict] ?? 0) + 1;
  const sum = (k: keyof FlightResultRecord['timings']) => results.reduce((a, r) => a + r.timings[k], 0);
  return {
    flightId: run.id,
    playbackRun: s.playbackRun,
    flown: results.length,
    total: outcomes.length,
    counts,
    emptyBoth: results.filter((r) => r.emptyBoth).length,
    weightShare: s.weightShare,
    timings: { executeMs: sum('executeMs'), compareMs: sum('compareMs'), statisticsMs: sum('statisticsMs'), storeMs, wallMs },
    snapshotSha256: s.snapshotSha256,
  };
}

/** The execution settings a flight recorded, as its jobs carry them. */
function executionOf(s: FlightSettings): FlightExecution {
  return { timeoutMs: s.timeoutMs, ...(s.engine ? { engine: s.engine } : {}), limits: s.limits, perf: s.perf, tolerance: s.tolerance, maxRows: s.maxRows };
}

function notFlown(o: OutcomeRecord, flightId: string): OutcomeRecord {
  return { ...o, runId: flightId, reason: `not flown (playback's estimate): ${o.reason}`, approved: false };
}

function describeSelection(sel: Selection, control = 0): string {
  switch (sel.kind) {
    case 'changed':
      return `changed${control ? ` + ${control} control` : ''}`;
    case 'all':
      return 'all';
    case 'sample':
      return `sample:${sel.n}`;
    case 'risk':
      return `risk:${Math.round(sel.budgetMs / 1000)}s`;
  }
}

/**
 * A snapshot must exist, be a file, and carry a masking report with a clean
 * leak scan that names this very file's sha256 (unless told the data holds
 * nothing personal). Returns the file's sha256.
 */
export async function checkSnapshot(path: string, allowUnmasked: boolean): Promise<string> {
  if (!existsSync(path)) throw new FlightdeckError('not-found', `snapshot not found: ${path} (write one with flightdeck desensitize)`, { location: { file: path } });
  if (!statSync(path).isFile()) throw new FlightdeckError('usage-error', `the snapshot ${path} is not a file`, { location: { file: path } });
  const sha = await sha256File(path);
  if (allowUnmasked) return sha;
  const reportPath = reportPaths(path).json;
  let report: MaskingReport;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as MaskingReport;
  } catch {
    throw new FlightdeckError(
      'usage-error',
      `${path} has no masking report (${reportPath}): flights run on desensitized snapshots (flightdeck desensitize --source DB --policy POLICY --key-file KEY --out ${path}); for data that holds nothing personal, pass --allow-unmasked`,
      { location: { file: path } },
    );
  }
  if (report.kind !== 'masking-report' || report.leakScan?.leaks !== 0) {
    throw new FlightdeckError('usage-error', `the masking report of ${path} does not show a clean leak scan (${report.leakScan?.leaks ?? '?'} leaks); refusing to fly it`, { location: { file: reportPath } });
  }
  if (report.snapshotSha256 !== sha) {
    throw new FlightdeckError(
      'usage-error',
      `${path} is not the file its masking report describes (${report.snapshotSha256 ? 'its sha256 differs' : 'the report names no sha256'}): it was changed or replaced after desensitize; write the snapshot again`,
      { location: { file: reportPath } },
    );
  }
  return sha;
}
