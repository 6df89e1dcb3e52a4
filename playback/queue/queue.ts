/**
 * The queue contract the coordinator drives. Two adapters: `local`
 * (in-process worker slots, the embedded default) and `bullmq` (Redis,
 * workers anywhere). Both run the same processor (playback/job.ts) and
 * deliver every job's result at least once; the store's keyed writes make
 * "at least once" into "exactly once".
 */
import type { PlaybackJob, PlaybackJobResult } from '../job.ts';

export interface PlaybackQueue {
  /** `local` or the redis URL, recorded with the run */
  readonly name: string;
  /**
   * Run the jobs; call `onResult` for each finished job (awaited, in
   * completion order). Resolves when every job has delivered a result.
   */
  run(jobs: readonly PlaybackJob[], onResult: (result: PlaybackJobResult) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
