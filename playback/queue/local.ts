/**
 * The embedded default: N worker slots in this process, each with its own
 * base and head build processes (a build answers one request at a time), so
 * N slots keep 2N build processes busy — one slot per core by default.
 * A failed job is tried again only when the domain says it may succeed
 * (isRetryable), at most `attempts` times; any other failure fails the run
 * at once.
 */
import { availableParallelism } from 'node:os';
import { BuildPool, describeJobError, isRetryable, processPlaybackJob, type PlaybackJob, type PlaybackJobResult } from '../job.ts';
import { DEFAULT_ATTEMPTS, type JobProcessor, type JobQueue, type QueueJob, type QueueJobResult } from './queue.ts';

export interface LocalQueueOptions {
  readonly concurrency?: number;
  /** attempts per job when its failure is retryable (default 3); other failures are not tried again */
  readonly attempts?: number;
  /** told one line per failed attempt that is tried again */
  readonly onWarning?: (message: string) => void;
}

export class LocalQueue<J extends QueueJob = PlaybackJob, R extends QueueJobResult = PlaybackJobResult> implements JobQueue<J, R> {
  readonly name = 'local';
  private readonly pools: BuildPool[];
  private readonly attempts: number;
  private readonly process: JobProcessor<J, R>;

  /** `process`: what a job does (default: a playback batch; flights pass their own) */
  constructor(private readonly options: LocalQueueOptions = {}, process?: JobProcessor<J, R>) {
    const n = Math.max(1, options.concurrency ?? availableParallelism());
    this.pools = Array.from({ length: n }, () => new BuildPool());
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    this.process = process ?? (processPlaybackJob as unknown as JobProcessor<J, R>);
  }

  async run(jobs: readonly J[], onResult: (result: R) => Promise<void>): Promise<void> {
    let next = 0;
    let failed = false;
    const slot = async (pool: BuildPool, index: number) => {
      while (next < jobs.length && !failed) {
        const job = jobs[next++]!;
        let result: R | null = null;
        for (let attempt = 1; !result; attempt++) {
          try {
            result = await this.process(job, pool, `local:${process.pid}:${index}`);
          } catch (err) {
            if (!isRetryable(err) || attempt >= this.attempts || failed) {
              failed = true; // the other slots stop taking jobs
              throw err;
            }
            this.options.onWarning?.(`batch ${job.batch} failed (attempt ${attempt} of ${this.attempts}), trying again: ${describeJobError(err)}`);
          }
        }
        await onResult(result);
      }
    };
    // wait for every slot to stop before reporting a failure: none may still write once the caller closes the store
    const settled = await Promise.allSettled(this.pools.map((p, i) => slot(p, i)));
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.close()));
  }
}
