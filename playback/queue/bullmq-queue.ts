/**
 * The coordinator side of the BullMQ path. Jobs get deterministic ids (run,
 * batch, content), so adding a job that exists is a no-op — a resumed
 * coordinator re-adds what is pending and harvests what workers finished
 * while it was away. Results are harvested by polling job states, not by
 * listening to events, so nothing is missed across coordinator restarts or
 * Redis restarts; a job that vanished (Redis lost its data) is added again.
 * A Redis that stays away longer than `redisTimeoutMs` ends the run with an
 * environment error telling how to resume it.
 */
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FlightdeckError } from '../../compiler/errors.ts';
import { hashString } from '../diff/plan-tree.ts';
import type { PlaybackJob, PlaybackJobResult } from '../job.ts';
import { DEFAULT_ATTEMPTS, type JobQueue, type QueueJob, type QueueJobResult } from './queue.ts';
import { assertRedisReachable, ConnectionWatch, createConnection, DEFAULT_REDIS_TIMEOUT_MS, QUEUE_NAME } from './bullmq-connection.ts';
import { redactRedisUrl, redactSecrets } from './redis-url.ts';

export interface BullmqQueueOptions {
  /** how often job states are polled, ms (default 200) */
  readonly pollMs?: number;
  /** how often vanished jobs are looked for, ms (default 2000) */
  readonly checkMs?: number;
  /** attempts per job when its failure is retryable (default 3); workers fail other failures at once */
  readonly attempts?: number;
  /** give up when Redis has been unreachable this long, ms (default 30 s) */
  readonly redisTimeoutMs?: number;
  /** one line each: no worker connected, Redis lost / back, Redis errors (all redacted) */
  readonly onWarning?: (message: string) => void;
  /** warn once when no worker has been connected for this long while jobs wait (default 10 s) */
  readonly idleWarnMs?: number;
}

/** Deterministic: the same run and batch always get the same id, so a resumed run finds what workers finished. */
export function jobIdFor(job: QueueJob): string {
  return `${job.runId}:${job.batch}:${hashString(job.templates.map((t) => t.fingerprint).join(','))}`;
}

export class BullmqQueue<J extends QueueJob = PlaybackJob, R extends QueueJobResult = PlaybackJobResult> implements JobQueue<J, R> {
  /** the URL without its password: what is printed and recorded with the run */
  readonly name: string;
  private stopped = false;
  /** when the Redis command the coordinator waits on was sent (null: none pending); a Redis that accepts but never answers is lost too */
  private waitingSince: number | null = null;

  private constructor(
    private readonly url: string,
    private readonly connection: Redis,
    private readonly queue: Queue,
    private readonly watch: ConnectionWatch,
    private readonly options: BullmqQueueOptions,
  ) {
    this.name = redactRedisUrl(url);
  }

  static async connect<J extends QueueJob = PlaybackJob, R extends QueueJobResult = PlaybackJobResult>(url: string, options: BullmqQueueOptions = {}): Promise<BullmqQueue<J, R>> {
    await assertRedisReachable(url);
    const warn = options.onWarning ?? (() => {});
    const watch = new ConnectionWatch(url, warn);
    const connection = createConnection(url);
    watch.follow(connection); // reconnects are handled by ioredis; commands wait; the watch bounds the wait
    const queue = new Queue(QUEUE_NAME, { connection });
    queue.on('error', (err) => watch.noteError(err));
    return new BullmqQueue<J, R>(url, connection, queue, watch, options);
  }

  /** A Redis round trip the run waits on, timed by run()'s watch (a frozen Redis never answers, and never closes the connection either). */
  private async ask<T>(command: () => Promise<T>): Promise<T> {
    this.waitingSince = Date.now();
    try {
      return await command();
    } finally {
      this.waitingSince = null;
    }
  }

  private async add(job: J): Promise<void> {
    return this.ask(() => this.addNow(job));
  }

  private async addNow(job: J): Promise<void> {
    // a job left failed by an earlier attempt of this run (the id is deterministic): try it again
    const existing = await Job.fromId(this.queue, jobIdFor(job));
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed');
      return;
    }
    await this.queue.add((job as { kind?: string }).kind === 'flight' ? 'flight-batch' : 'compile-batch', job, {
      jobId: jobIdFor(job),
      attempts: this.options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: false,
      removeOnFail: false,
    });
  }

  async run(jobs: readonly J[], onResult: (result: R) => Promise<void>): Promise<void> {
    if (!jobs.length) return;
    const runId = jobs[0]!.runId;
    const timeoutMs = this.options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    // commands wait while Redis is away (they would hang forever): this bounds the wait
    const lost = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const silent = this.waitingSince === null ? 0 : Date.now() - this.waitingSince;
        const down = Math.max(this.watch.downForMs(), silent);
        if (down < timeoutMs) return;
        this.stopped = true;
        reject(
          new FlightdeckError(
            'environment-error',
            `lost Redis at ${this.name} for ${(down / 1000).toFixed(0)} s (${this.watch.lastError() ?? 'no answer'}); run ${runId} is kept: ` +
              `once Redis is back, finish it with: flightdeck ${runId.startsWith('flight-') ? 'flight' : 'playback'} --resume ${runId} --queue ${this.name.includes('***') ? 'URL (the same --queue URL, or $FLIGHTDECK_QUEUE)' : this.name}`,
            { retryable: true },
          ),
        );
      }, Math.max(50, Math.min(1000, timeoutMs / 4)));
    });
    const driving = this.drive(jobs, onResult);
    driving.catch(() => {}); // when Redis is lost, the pending command fails on close(); the run already failed
    try {
      await Promise.race([driving, lost]);
    } finally {
      clearInterval(timer);
    }
  }

  private async drive(jobs: readonly J[], onResult: (result: R) => Promise<void>): Promise<void> {
    const outstanding = new Map<string, J>();
    for (const j of jobs) {
      outstanding.set(jobIdFor(j), j);
      await this.add(j);
    }
    const pollMs = this.options.pollMs ?? 200;
    const checkMs = this.options.checkMs ?? 2000;
    const attempts = this.options.attempts ?? DEFAULT_ATTEMPTS;
    let lastCheck = Date.now();
    let lastProgress = Date.now();
    let warned = false;
    while (outstanding.size && !this.stopped) {
      if (!warned && this.options.onWarning && Date.now() - lastProgress > (this.options.idleWarnMs ?? 10_000)) {
        if ((await this.queue.getWorkers()).length === 0) {
          warned = true;
          this.options.onWarning(`no worker is connected to ${this.name}; start one with: flightdeck worker --queue ${this.name}`);
        }
      }
      // look at this run's own jobs, never at the head of the queue's global lists
      // (other runs' leftovers could fill any window we read)
      const ids = [...outstanding.keys()];
      const found: (Job | undefined)[] = [];
      for (let i = 0; i < ids.length; i += 100) found.push(...(await this.ask(() => Promise.all(ids.slice(i, i + 100).map((id) => Job.fromId(this.queue, id))))));
      const check = Date.now() - lastCheck >= checkMs;
      if (check) lastCheck = Date.now();
      for (let i = 0; i < ids.length && !this.stopped; i++) {
        const id = ids[i]!;
        const job = found[i];
        if (!job) {
          if (check) await this.add(outstanding.get(id)!); // Redis restarted without its data: add it again
          continue;
        }
        if (job.finishedOn && job.returnvalue) {
          await onResult(job.returnvalue as R);
          outstanding.delete(id);
          lastProgress = Date.now();
          await job.remove().catch((err) => this.options.onWarning?.(`could not remove finished job ${id} (it stays in Redis): ${redactSecrets(String((err as Error)?.message ?? err), this.url)}`));
        } else if (job.finishedOn && job.failedReason) {
          // failed for good: out of attempts, or not retryable (the worker failed it at once)
          const n = job.attemptsMade;
          const why = n < attempts ? ' (not retryable)' : '';
          throw new FlightdeckError('build-error', `job ${id} failed after ${n} attempt${n === 1 ? '' : 's'}${why}: ${job.failedReason}`);
        }
      }
      if (outstanding.size) await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Counts by state, for progress and tests. */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  /** Attempts made for one job of a run (tests, diagnostics); null when Redis does not hold it. */
  async attemptsOf(job: J): Promise<number | null> {
    const j = await Job.fromId(this.queue, jobIdFor(job));
    return j ? j.attemptsMade : null;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.watch.stop();
    // with Redis gone, a graceful close would wait for it: disconnect first, then let BullMQ settle
    if (this.watch.downForMs() > 0) this.connection.disconnect();
    await this.queue.close().catch((err) => this.options.onWarning?.(`closing the queue: ${redactSecrets(String((err as Error)?.message ?? err), this.url)}`));
    this.connection.disconnect();
  }
}
