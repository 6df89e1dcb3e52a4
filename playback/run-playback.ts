/**
 * The playback coordinator: plan a Run (templates → batched jobs), hand the
 * jobs to a queue, write each result to the store as it arrives (keyed, so
 * a result delivered twice is one row), then compute workload impact and
 * change clusters. A run stopped halfway is resumed from what the store
 * still lacks.
 */
import { DEFAULT_BATCH_SIZE, DEFAULT_TIMEOUT_MS } from './defaults.ts';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { FlightdeckError } from '../compiler/errors.ts';
import type { Store } from '../store/store.ts';
import type { StoredTemplate } from '../store/records.ts';
import { computeClusters } from './clusters.ts';
import type { PlaybackJob, PlaybackJobResult } from './job.ts';
import type { PlaybackQueue } from './queue/queue.ts';
import { DEFAULT_THRESHOLDS, type CostThresholds, type Verdict } from './verdict.ts';

/** results are written to the store in groups of at least this many outcomes… */
export const WRITE_EVERY_OUTCOMES = 250;
/** …or when the oldest unwritten result is this old (ms) */
export const WRITE_EVERY_MS = 1000;

export interface PlaybackOptions {
  readonly workload: string;
  readonly catalogPath: string;
  readonly baseSpec: string;
  readonly headSpec: string;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly thresholds?: CostThresholds;
  readonly runId?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RunSummary {
  readonly runId: string;
  readonly total: number;
  readonly counts: Readonly<Partial<Record<Verdict, number>>>;
  readonly clusters: number;
}

export function newRunId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${ts}-${randomBytes(2).toString('hex')}`;
}

export function planJobs(runId: string, templates: readonly StoredTemplate[], o: { baseSpec: string; headSpec: string; catalogPath: string; batchSize: number; timeoutMs: number; thresholds: CostThresholds }): PlaybackJob[] {
  const jobs: PlaybackJob[] = [];
  for (let i = 0; i < templates.length; i += o.batchSize) {
    jobs.push({
      runId,
      batch: i / o.batchSize,
      baseSpec: o.baseSpec,
      headSpec: o.headSpec,
      catalogPath: o.catalogPath,
      timeoutMs: o.timeoutMs,
      thresholds: o.thresholds,
      templates: templates.slice(i, i + o.batchSize).map((t) => ({ fingerprint: t.fingerprint, sql: t.sql, weight: t.weight, count: t.count })),
    });
  }
  return jobs;
}

export async function startPlayback(store: Store, queue: PlaybackQueue, options: PlaybackOptions): Promise<RunSummary> {
  const workload = await store.getWorkload(options.workload);
  if (!workload) throw new FlightdeckError('not-found', `no workload '${options.workload}' in the store; import one with: flightdeck corpus import LOG --workload ${options.workload}`);
  const templates = await store.getTemplates(options.workload);
  if (!templates.length) {
    throw new FlightdeckError('usage-error', `workload '${options.workload}' has no templates: nothing to compare (check the import: flightdeck corpus show ${options.workload})`);
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new FlightdeckError('usage-error', `batch size must be a whole number ≥ 1, got ${batchSize}`);
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  if (!(thresholds.regressedAt > thresholds.improvedAt)) {
    throw new FlightdeckError('usage-error', `the regression threshold (${thresholds.regressedAt}) must be above the improvement threshold (${thresholds.improvedAt})`);
  }
  const runId = options.runId ?? newRunId();
  const settings = {
    batchSize,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    thresholds,
    // the run's templates in batch order: a resume re-issues exactly these batches (same job ids)
    fingerprints: templates.map((t) => t.fingerprint),
  };
  await store.createRun({
    id: runId, kind: 'playback', workload: options.workload, catalog: resolve(options.catalogPath), baseSpec: options.baseSpec, headSpec: options.headSpec,
    baseDescription: null, headDescription: null, queue: queue.name, total: templates.length, options: settings,
  });
  return executeRun(store, queue, runId, templates, options.onProgress);
}

export async function resumePlayback(store: Store, queue: PlaybackQueue, runId: string, onProgress?: (done: number, total: number) => void): Promise<RunSummary> {
  const run = await store.getRun(runId);
  if (!run) throw new FlightdeckError('not-found', `no run '${runId}' in the store`);
  if (run.kind !== 'playback') throw new FlightdeckError('usage-error', `run ${runId} is a ${run.kind} run, not a playback`);
  const planned = (run.options as { fingerprints?: string[] }).fingerprints;
  if (!planned) throw new FlightdeckError('usage-error', `run ${runId} was started by an older flightdeck that did not record its templates; start a new run`);
  const templates = await store.getTemplates(run.workload, planned);
  if (templates.length !== planned.length) {
    throw new FlightdeckError(
      'usage-error',
      `workload '${run.workload}' changed since run ${runId} started (${planned.length - templates.length} of its ${planned.length} templates are gone); start a new run`,
    );
  }
  const done = await store.outcomeFingerprints(runId);
  await store.reopenRun(runId);
  const byFingerprint = new Map(templates.map((t) => [t.fingerprint, t]));
  const ordered = planned.map((fp) => byFingerprint.get(fp)!);
  return executeRun(store, queue, runId, ordered, onProgress, done);
}

async function executeRun(
  store: Store,
  queue: PlaybackQueue,
  runId: string,
  templates: readonly StoredTemplate[],
  onProgress?: (done: number, total: number) => void,
  done: Set<string> = new Set(),
): Promise<RunSummary> {
  const run = (await store.getRun(runId))!;
  const o = run.options as { batchSize: number; timeoutMs: number; thresholds: CostThresholds };
  // batches over the run's whole template list, so batch i is the same job on every attempt;
  // a resumed run re-issues only the batches with a template still missing
  const jobs = planJobs(runId, templates, { baseSpec: run.baseSpec, headSpec: run.headSpec, catalogPath: run.catalog, ...o }).filter((j) =>
    j.templates.some((t) => !done.has(t.fingerprint)),
  );
  let described = run.baseDescription !== null;
  onProgress?.(done.size, run.total);
  // results are written in groups: one store transaction per job result costs about half the
  // coordinator's CPU (bench/playback-throughput.ts). A group is written when it holds
  // WRITE_EVERY_OUTCOMES outcomes or its first result is WRITE_EVERY_MS old, and at the end;
  // writes run one after another. A result still in memory when the coordinator dies is
  // compared again by --resume.
  let pending: PlaybackJobResult[] = [];
  let pendingOutcomes = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const writeGroup = async (group: readonly PlaybackJobResult[]) => {
    await store.saveOutcomes(group.flatMap((r) => r.outcomes), group.flatMap((r) => r.diffs));
    if (!described) {
      await store.setRunDescriptions(runId, group[0]!.descriptions.base, group[0]!.descriptions.head);
      described = true;
    }
    for (const r of group) for (const oc of r.outcomes) done.add(oc.fingerprint);
    onProgress?.(done.size, run.total);
  };
  /** write what is pending; a failed write stays in `writing`, so the next await reports it */
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const group = pending;
    pending = [];
    pendingOutcomes = 0;
    if (group.length) writing = writing.then(() => writeGroup(group));
    return writing;
  };
  try {
    await queue.run(jobs, async (result) => {
      if (result.runId !== runId) return;
      pending.push(result);
      pendingOutcomes += result.outcomes.length;
      // the timer's failure is reported by the next awaited flush (below or at the end)
      timer ??= setTimeout(() => void flush().catch(() => undefined), WRITE_EVERY_MS);
      if (pendingOutcomes >= WRITE_EVERY_OUTCOMES) await flush();
    });
    await flush();
  } catch (err) {
    // keep what was compared (a resume then redoes only the rest), and say if even that failed
    const unsaved = await flush().then(
      () => '',
      (e: unknown) => (e === err ? '' : ` (and the last results could not be stored: ${e instanceof Error ? e.message : String(e)})`),
    );
    const message = (err instanceof Error ? err.message : String(err)) + unsaved;
    await store.finishRun(runId, 'failed', message);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return finishRun(store, runId);
}

/** Workload impact (in SQL, over the whole run) and change clusters; marks the run done. */
export async function finishRun(store: Store, runId: string): Promise<RunSummary> {
  await store.updateImpacts(runId);
  const outcomes = await store.getOutcomes(runId);
  const clusters = await computeClusters(store, runId, outcomes);
  await store.saveClusters(runId, clusters);
  await store.finishRun(runId, 'done');
  const counts: Partial<Record<Verdict, number>> = {};
  for (const o of outcomes) counts[o.verdict] = (counts[o.verdict] ?? 0) + 1;
  return { runId, total: outcomes.length, counts, clusters: clusters.length };
}
