/**
 * A playback job: a batch of templates to compile with both builds. It
 * carries ids and small inputs only (never a live object), so the same job
 * runs in-process or in a BullMQ worker on another machine; the processor
 * returns plain data and never touches the store (the coordinator writes).
 */
import { hostname } from 'node:os';
import type { Build, OpenBuildOptions } from '../compiler/builds/build.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
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

/**
 * Builds kept open between jobs of one worker slot: a build process is
 * expensive to start (a DuckDB engine, a catalog), cheap to reuse.
 */
export class BuildPool {
  private readonly open = new Map<string, Promise<Build>>();
  private readonly lastUsed = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;

  /** builds unused for `idleMs` are closed (a long-lived worker serves many runs, refs and catalogs) */
  constructor(
    private readonly options: Omit<OpenBuildOptions, 'catalogPath' | 'timeoutMs'> = {},
    private readonly idleMs = 5 * 60_000,
  ) {}

  get(spec: string, catalogPath: string, timeoutMs: number): Promise<Build> {
    const key = `${spec}\u0000${catalogPath}\u0000${timeoutMs}`;
    this.lastUsed.set(key, Date.now());
    this.sweeper ??= setInterval(() => void this.closeIdle(), Math.min(this.idleMs, 60_000)).unref();
    const existing = this.open.get(key);
    if (existing) return existing;
    const opened = openBuild(spec, { ...this.options, catalogPath, timeoutMs });
    opened.catch(() => this.open.delete(key));
    this.open.set(key, opened);
    return opened;
  }

  /** Close builds not used for `idleMs`; returns how many were closed. */
  async closeIdle(now = Date.now()): Promise<number> {
    const idle = [...this.lastUsed].filter(([, t]) => now - t >= this.idleMs).map(([k]) => k);
    for (const key of idle) {
      const build = this.open.get(key);
      this.open.delete(key);
      this.lastUsed.delete(key);
      await (await build?.catch(() => null))?.close();
    }
    return idle.length;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.open.values()];
    this.open.clear();
    this.lastUsed.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

export async function processPlaybackJob(job: PlaybackJob, pool: BuildPool, workerName = `${hostname()}:${process.pid}`): Promise<PlaybackJobResult> {
  const base = await pool.get(job.baseSpec, job.catalogPath, job.timeoutMs);
  const head = await pool.get(job.headSpec, job.catalogPath, job.timeoutMs);
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
}
