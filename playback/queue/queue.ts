/**
 * The queue contract the coordinator drives. Two adapters: `local`
 * (in-process worker slots, the embedded default) and `bullmq` (Redis,
 * workers anywhere). Both run the same processor (playback/job.ts) and
 * deliver every job's result at least once; the store's keyed writes make
 * "at least once" into "exactly once".
 */
import type { BuildPool, PlaybackJob, PlaybackJobResult } from '../job.ts';

/**
 * Attempts per job when its failure is retryable (isRetryable in
 * playback/job.ts); a failure that is not retryable fails the run at once.
 */
export const DEFAULT_ATTEMPTS = 3;

/** What every job carries, whatever it does: its run, its batch, its templates (flights use the same queues). */
export interface QueueJob {
  readonly runId: string;
  readonly batch: number;
  readonly templates: readonly { readonly fingerprint: string }[];
}

/** What every job returns. */
export interface QueueJobResult {
  readonly runId: string;
  readonly batch: number;
}

/** Runs one job with the build pool of one worker slot; `worker` names the slot in outcomes. */
export type JobProcessor<J extends QueueJob = PlaybackJob, R extends QueueJobResult = PlaybackJobResult> = (job: J, pool: BuildPool, worker: string) => Promise<R>;

export interface JobQueue<J extends QueueJob = PlaybackJob, R extends QueueJobResult = PlaybackJobResult> {
  /** `local` or the Redis URL with its password redacted; recorded with the run */
  readonly name: string;
  /**
   * Run the jobs; call `onResult` for each finished job (awaited, in
   * completion order). Resolves when every job has delivered a result.
   */
  run(jobs: readonly J[], onResult: (result: R) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export type PlaybackQueue = JobQueue<PlaybackJob, PlaybackJobResult>;
