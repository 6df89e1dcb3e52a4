/**
 * The coordinator side of the BullMQ path. Jobs get deterministic ids (run,
 * batch, content), so adding a job that exists is a no-op — a resumed
 * coordinator re-adds what is pending and harvests what workers finished
 * while it was away. Results are harvested by polling job states, not by
 * listening to events, so nothing is missed across coordinator restarts or
 * Redis restarts; a job that vanished (Redis lost its data) is added again.
 */
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FlightdeckError } from '../../compiler/errors.ts';
import { hashString } from '../diff/plan-tree.ts';
import type { PlaybackJob, PlaybackJobResult } from '../job.ts';
import type { PlaybackQueue } from './queue.ts';
import { assertRedisReachable, createConnection, QUEUE_NAME } from './bullmq-connection.ts';

export interface BullmqQueueOptions {
  /** how often job states are polled, ms (default 200) */
  readonly pollMs?: number;
  /** how often vanished jobs are looked for, ms (default 2000) */
  readonly checkMs?: number;
  /** attempts per job (default 3) before the run fails */
  readonly attempts?: number;
  /** told once when no worker has been connected for `idleWarnMs` (default 10 s) while jobs wait */
  readonly onWarning?: (message: string) => void;
  readonly idleWarnMs?: number;
}

/** Deterministic: the same run and batch always get the same id, so a resumed run finds what workers finished. */
export function jobIdFor(job: PlaybackJob): string {
  return `${job.runId}:${job.batch}:${hashString(job.templates.map((t) => t.fingerprint).join(','))}`;
}

export class BullmqQueue implements PlaybackQueue {
  private constructor(
    readonly name: string,
    private readonly connection: Redis,
    private readonly queue: Queue,
    private readonly options: BullmqQueueOptions,
  ) {}

  static async connect(url: string, options: BullmqQueueOptions = {}): Promise<BullmqQueue> {
    await assertRedisReachable(url);
    const connection = createConnection(url);
    connection.on('error', () => {}); // reconnects are handled by ioredis; commands wait
    const queue = new Queue(QUEUE_NAME, { connection });
    queue.on('error', () => {});
    return new BullmqQueue(url, connection, queue, options);
  }

  private async add(job: PlaybackJob): Promise<void> {
    // a job left failed by an earlier attempt of this run (the id is deterministic): try it again
    const existing = await Job.fromId(this.queue, jobIdFor(job));
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed');
      return;
    }
    await this.queue.add('compile-batch', job, {
      jobId: jobIdFor(job),
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: false,
      removeOnFail: false,
    });
  }

  async run(jobs: readonly PlaybackJob[], onResult: (result: PlaybackJobResult) => Promise<void>): Promise<void> {
    const outstanding = new Map<string, PlaybackJob>();
    for (const j of jobs) {
      outstanding.set(jobIdFor(j), j);
      await this.add(j);
    }
    const pollMs = this.options.pollMs ?? 200;
    const checkMs = this.options.checkMs ?? 2000;
    const attempts = this.options.attempts ?? 3;
    let lastCheck = Date.now();
    let lastProgress = Date.now();
    let warned = false;
    while (outstanding.size) {
      if (!warned && this.options.onWarning && Date.now() - lastProgress > (this.options.idleWarnMs ?? 10_000)) {
        if ((await this.queue.getWorkers()).length === 0) {
          warned = true;
          this.options.onWarning(`no worker is connected to ${this.name}; start one with: flightdeck worker --queue ${this.name}`);
        }
      }
      // look at this run's own jobs, never at the head of the queue's global lists
      // (other runs' leftovers could fill any window we read)
      const ids = [...outstanding.keys()];
      const jobs: (Job | undefined)[] = [];
      for (let i = 0; i < ids.length; i += 100) jobs.push(...(await Promise.all(ids.slice(i, i + 100).map((id) => Job.fromId(this.queue, id)))));
      const check = Date.now() - lastCheck >= checkMs;
      if (check) lastCheck = Date.now();
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const job = jobs[i];
        if (!job) {
          if (check) await this.add(outstanding.get(id)!); // Redis restarted without its data: add it again
          continue;
        }
        if (job.finishedOn && job.returnvalue) {
          await onResult(job.returnvalue as PlaybackJobResult);
          outstanding.delete(id);
          lastProgress = Date.now();
          await job.remove().catch(() => {});
        } else if (job.finishedOn && job.failedReason && job.attemptsMade >= attempts) {
          throw new FlightdeckError('build-error', `playback job ${id} failed after ${job.attemptsMade} attempts: ${job.failedReason}`, { retryable: true });
        }
      }
      if (outstanding.size) await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Counts by state, for progress and tests. */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.connection.disconnect();
  }
}
