/**
 * Runs started from the API: a playback, or a flight (of a finished playback
 * run, or of a workload played back on the snapshot first), in the server's
 * process (`local`) or through BullMQ workers (a redis:// queue). `start`
 * checks what it can at once (builds, workload, run, files), answers the id,
 * and runs in the background; whatever fails later is recorded on the run
 * (it ends `failed` with its error) and logged — never thrown into the server.
 */
import { processFlightJob, type FlightJob, type FlightJobResult } from '../flighting/flight-job.ts';
import { checkSnapshot, newFlightId, startFlight, type FlightQueue } from '../flighting/run-flight.ts';
import { parseSelection } from '../flighting/select.ts';
import { parseDuration } from '../playback/duration.ts';
import { resolveConcurrency } from '../playback/queue/concurrency.ts';
import { LocalQueue } from '../playback/queue/local.ts';
import type { JobQueue, QueueJob, QueueJobResult } from '../playback/queue/queue.ts';
import { newRunId, startPlayback } from '../playback/run-playback.ts';
import type { Store } from '../store/store.ts';
import { HttpError, redactSecrets } from './api-error.ts';
import type { StartRunRequest } from './api-types.ts';
import { RunPolicy } from './run-policy.ts';

export interface StartedRun {
  /** the run to follow: the playback, or the flight */
  readonly id: string;
  /** a flight of a workload: the flight that follows the playback `id` */
  readonly flightId?: string;
}

type Log = (message: string) => void;
type Track = <Q extends JobQueue<QueueJob, QueueJobResult>>(queue: Promise<Q>) => Promise<Q>;

export class RunStarter {
  private readonly active = new Map<string, { done: Promise<void>; queues: JobQueue<QueueJob, QueueJobResult>[] }>();
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly log: Log,
    private readonly policy: RunPolicy = new RunPolicy(),
  ) {}

  /** runs started here that are still going */
  get running(): number {
    return this.active.size;
  }

  async start(req: StartRunRequest): Promise<StartedRun> {
    if (this.closing) throw new HttpError('busy', 'the server is shutting down');
    if (req.base) this.policy.build(req.base, 'body.base');
    if (req.head) this.policy.build(req.head, 'body.head');
    const catalogPath = req.catalog === undefined ? undefined : this.policy.file(req.catalog, 'body.catalog');
    const snapshotFile = req.snapshot === undefined ? undefined : this.policy.file(req.snapshot, 'body.snapshot');
    this.policy.queue(req.queue);
    const timeoutMs = req.timeout ? parseDuration(req.timeout, 'timeout') : undefined;
    const timeout = timeoutMs !== undefined ? { timeoutMs } : {};
    if (req.workload && !(await this.store.getWorkload(req.workload))) throw new HttpError('not-found', `no workload '${req.workload}' in the store`);
    if (req.kind === 'playback') {
      const id = newRunId();
      await this.background(id, req, async (track, onProgress) => {
        await startPlayback(this.store, await track(openPlaybackQueue(req.queue, this.log)), { workload: req.workload!, catalogPath: catalogPath!, baseSpec: req.base!, headSpec: req.head!, runId: id, onProgress, ...timeout });
      });
      return { id };
    }
    const selection = parseSelection(req.select ?? 'changed');
    const budgetMs = req.budget ? parseDuration(req.budget, 'budget') : undefined;
    const snapshotPath = snapshotFile!;
    // a snapshot without a clean masking report is refused before anything runs (the API never flies unmasked data)
    await checkSnapshot(snapshotPath, false);
    if (req.run) {
      const run = await this.store.getRun(req.run);
      if (!run) throw new HttpError('not-found', `no run '${req.run}' in the store`);
      if (run.kind !== 'playback' || run.status !== 'done') throw new HttpError('conflict', `run ${req.run} is a ${run.status} ${run.kind}; fly a finished playback run`);
    }
    const flightId = newFlightId();
    const playbackId = req.run ? undefined : newRunId();
    const fly = async (track: Track, runId: string, onProgress?: () => void) => {
      await startFlight(this.store, await track(openFlightQueue(req.queue, this.log)), {
        runId, snapshotPath, selection, flightId, ...(onProgress ? { onProgress } : {}), ...timeout, ...(budgetMs !== undefined ? { perf: { budgetMs } } : {}),
      });
    };
    if (playbackId) {
      await this.background(playbackId, req, async (track, onProgress) => {
        await startPlayback(this.store, await track(openPlaybackQueue(undefined, this.log)), { workload: req.workload!, catalogPath: snapshotPath, baseSpec: req.base!, headSpec: req.head!, runId: playbackId, onProgress, ...timeout });
        await this.guard(flightId, req, () => fly(track, playbackId));
      });
      return { id: playbackId, flightId };
    }
    await this.background(flightId, req, (track, onProgress) => fly(track, req.run!, onProgress));
    return { id: flightId };
  }

  /**
   * Run `body` in the background; resolves once the run is in the store (its
   * first progress report) or has failed (then it is recorded as failed), so
   * a client that asks for the id at once finds it.
   */
  private background(id: string, req: StartRunRequest, body: (track: Track, onProgress: () => void) => Promise<void>): Promise<void> {
    const queues: JobQueue<QueueJob, QueueJobResult>[] = [];
    const track: Track = async (q) => {
      const opened = await q;
      queues.push(opened);
      return opened;
    };
    let created!: () => void;
    const inStore = new Promise<void>((resolve) => (created = resolve));
    const done = this.guard(id, req, () => body(track, () => created()))
      .catch(() => {})
      .finally(async () => {
        for (const q of queues) await q.close().catch(() => {});
        this.active.delete(id);
        created();
      });
    this.active.set(id, { done, queues });
    return inStore;
  }

  /** run `fn`; when it fails, the run `id` ends `failed` with the error (created first if it never was) */
  private async guard(id: string, req: StartRunRequest, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const message = redactSecrets(err instanceof Error ? err.message : String(err));
      this.log(`run ${id} failed: ${message}`);
      try {
        const run = await this.store.getRun(id);
        if (!run) {
          await this.store.createRun({
            id, kind: req.kind === 'flight' && id.startsWith('flight-') ? 'flight' : 'playback', workload: req.workload ?? '', catalog: req.catalog ?? req.snapshot ?? '',
            baseSpec: req.base ?? '', headSpec: req.head ?? '', baseDescription: null, headDescription: null, queue: queueName(req.queue), total: 0, options: {},
          });
        }
        if (!run || run.status === 'running') await this.store.finishRun(id, 'failed', message);
      } catch (e) {
        this.log(`run ${id}: could not record its failure: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      }
      throw err;
    }
  }

  /** Wait for every run started here (tests; a graceful stop after `close`). */
  async drain(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Stop taking runs; stop the queues of those still going (they end `failed`, resumable with --resume). */
  async close(): Promise<void> {
    this.closing = true;
    for (const a of this.active.values()) for (const q of a.queues) await q.close().catch(() => {});
    await this.drain();
  }
}

const queueName = (url: string | undefined) => (url && url !== 'local' ? redactSecrets(url) : 'local');

async function openPlaybackQueue(url: string | undefined, log: Log) {
  if (!url || url === 'local') return new LocalQueue({ concurrency: resolveConcurrency(undefined, {}).concurrency, onWarning: log });
  const { BullmqQueue } = await import('../playback/queue/bullmq-queue.ts');
  return BullmqQueue.connect(url, { onWarning: log });
}

async function openFlightQueue(url: string | undefined, log: Log): Promise<FlightQueue> {
  // one slot: timings are cleaner with one execution at a time
  if (!url || url === 'local') return new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1, onWarning: log }, processFlightJob);
  const { BullmqQueue } = await import('../playback/queue/bullmq-queue.ts');
  return BullmqQueue.connect<FlightJob, FlightJobResult>(url, { onWarning: log });
}
