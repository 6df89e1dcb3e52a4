/**
 * A playback job: a batch of templates to compile with both builds. It
 * carries ids and small inputs only (never a live object), so the same job
 * runs in-process or in a BullMQ worker on another machine; the processor
 * returns plain data and never touches the store (the coordinator writes).
 */
import { hostname } from 'node:os';
import type { Build, OpenBuildOptions } from '../compiler/builds/build.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
import { FlightdeckError, toFlightdeckError } from '../compiler/errors.ts';
import type { DiffRecord, OutcomeRecord } from '../store/records.ts';
import { compareWithBuilds, type TemplateRef } from './compare.ts';
import type { CostThresholds } from './verdict.ts';

export interface PlaybackJob {
  readonly runId: string;
  readonly batch: number;
  readonly baseSpec: string;
  readonly headSpec: string;
  /** absolute path of the catalog database, as every worker sees it */
  readonly catalogPath: string;
  readonly timeoutMs: number;
  readonly thresholds: CostThresholds;
  readonly templates: readonly TemplateRef[];
}

export interface PlaybackJobResult {
  readonly runId: string;
  readonly batch: number;
  readonly outcomes: readonly OutcomeRecord[];
  readonly diffs: readonly DiffRecord[];
  readonly worker: string;
  readonly descriptions: { readonly base: string; readonly head: string };
}

/** A build taken from a pool; the pool never closes it until every holder released it. */
export interface BuildLease {
  readonly build: Build;
  release(): void;
}

interface PoolEntry {
  readonly build: Promise<Build>;
  /** jobs holding the build now (a held build is never closed, however long its batch runs) */
  holders: number;
  /** when the last holder let go (or when it was opened) */
  lastReleased: number;
}

/**
 * Builds kept open between jobs of one worker slot: a build process is
 * expensive to start (a DuckDB engine, a catalog), cheap to reuse. A build
 * is idle only while no job holds it: use is counted per job (from
 * `acquire` to `release`), not per lookup, so a batch longer than `idleMs`
 * keeps its builds.
 */
export class BuildPool {
  private readonly entries = new Map<string, PoolEntry>();
  private sweeper: NodeJS.Timeout | undefined;

  /** builds unused for `idleMs` are closed (a long-lived worker serves many runs, refs and catalogs) */
  constructor(
    private readonly options: Omit<OpenBuildOptions, 'catalogPath' | 'timeoutMs'> = {},
    private readonly idleMs = 5 * 60_000,
  ) {}

  /** Open (or reuse) a build and hold it until `release()`. */
  async acquire(spec: string, catalogPath: string, timeoutMs: number): Promise<BuildLease> {
    const key = `${spec}\u0000${catalogPath}\u0000${timeoutMs}`;
    this.sweeper ??= setInterval(() => void this.closeIdle(), Math.min(this.idleMs, 60_000)).unref();
    let entry = this.entries.get(key);
    if (!entry) {
      const opened = openBuild(spec, { ...this.options, catalogPath, timeoutMs });
      const created: PoolEntry = { build: opened, holders: 0, lastReleased: Date.now() };
      opened.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      this.entries.set(key, created);
      entry = created;
    }
    const held = entry;
    held.holders++;
    let build: Build;
    try {
      build = await held.build;
    } catch (err) {
      held.holders--;
      throw err;
    }
    let released = false;
    return {
      build,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        held.lastReleased = Date.now();
      },
    };
  }

  /** Close builds no job holds and none released for `idleMs`; returns how many were closed. */
  async closeIdle(now = Date.now()): Promise<number> {
    const idle = [...this.entries].filter(([, e]) => e.holders === 0 && now - e.lastReleased >= this.idleMs);
    for (const [key] of idle) this.entries.delete(key);
    await Promise.all(idle.map(async ([, e]) => (await e.build.catch(() => null))?.close()));
    return idle.length;
  }

  /** how many builds are open or opening */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(async (e) => (await e.build.catch(() => null))?.close()));
  }
}

export async function processPlaybackJob(job: PlaybackJob, pool: BuildPool, workerName = `${hostname()}:${process.pid}`): Promise<PlaybackJobResult> {
  if ((job as { kind?: string }).kind !== undefined) {
    throw new FlightdeckError('usage-error', `a ${(job as { kind?: string }).kind} job reached a playback-only worker: run the worker of a flightdeck that knows it (flightdeck worker)`);
  }
  // both builds open at once (each is its own process); both are held for the whole batch
  const [baseLease, headLease] = await Promise.allSettled([
    pool.acquire(job.baseSpec, job.catalogPath, job.timeoutMs),
    pool.acquire(job.headSpec, job.catalogPath, job.timeoutMs),
  ]);
  try {
    if (baseLease.status === 'rejected') throw baseLease.reason;
    if (headLease.status === 'rejected') throw headLease.reason;
    const base = baseLease.value.build;
    const head = headLease.value.build;
    const outcomes: OutcomeRecord[] = [];
    const diffs: DiffRecord[] = [];
    for (const t of job.templates) {
      const b = await base.compile(t.sql);
      const h = await head.compile(t.sql);
      const { outcome, diff } = await compareWithBuilds(job.runId, t, { base, head }, b, h, { thresholds: job.thresholds, worker: workerName });
      outcomes.push(outcome);
      if (diff) diffs.push(diff);
    }
    return { runId: job.runId, batch: job.batch, outcomes, diffs, worker: workerName, descriptions: { base: base.description, head: head.description } };
  } finally {
    if (baseLease.status === 'fulfilled') baseLease.value.release();
    if (headLease.status === 'fulfilled') headLease.value.release();
  }
}

/** System errors that may not happen again (resources, a busy machine); any other system error will. */
const TRANSIENT_SYSTEM_ERRORS: ReadonlySet<string> = new Set(['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM', 'EBUSY', 'ETIMEDOUT', 'ECONNRESET']);

/**
 * Whether a failed job may succeed if tried again. Decided here, in the
 * domain, for both queues: a FlightdeckError says so itself (a build that
 * crashed or hung while starting: yes; a bad spec, a missing catalog, an
 * unknown version, a refused hello: no); a transient system error: yes;
 * anything else is a defect that will fail the same way again: no.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof FlightdeckError) return err.retryable;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && TRANSIENT_SYSTEM_ERRORS.has(code);
}

/** One line for logs: `code: message` (the code of a FlightdeckError, `internal-error` otherwise). */
export function describeJobError(err: unknown): string {
  return toFlightdeckError(err).describe().replace(/\s*\n\s*/g, ' ');
}
