/**
 * The queue contract the coordinator drives. Two adapters: `local`
 * (in-process worker slots, the embedded default) and `bullmq` (Redis,
 * workers anywhere). Both run the same processor (playback/job.ts) and
 * deliver every job's result at least once; the store's keyed writes make
 * "at least once" into "exactly once".
 */
import type { PlaybackJob, PlaybackJobResult } from '../job.ts';

/**
 * Attempts per job when its failure is retryable (isRetryable in
 * playback/job.ts); a failure that is not retryable fails the run at once.
 */
export const DEFAULT_ATTEMPTS = 3;

export interface PlaybackQueue {
  /** `local` or the Redis URL with its password redacted; recorded with the run */
  readonly name: string;
  /**
   * Run the jobs; call `onResult` for each finished job (awaited, in
   * completion order). Resolves when every job has delivered a result.
   */
  run(jobs: readonly PlaybackJob[], onResult: (result: PlaybackJobResult) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
