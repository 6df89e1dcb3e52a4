/**
 * A BullMQ worker process (`flightdeck worker --queue redis://...`): runs
 * the same processor as the in-process queue, with one build pool per
 * concurrency slot. Returns plain data; never touches the store.
 */
import { Worker } from 'bullmq';
import { hostname } from 'node:os';
import { BuildPool, processPlaybackJob, type PlaybackJob, type PlaybackJobResult } from '../job.ts';
import { assertRedisReachable, createConnection, LOCK_DURATION_MS, MAX_STALLED_COUNT, QUEUE_NAME, STALLED_INTERVAL_MS } from './bullmq-connection.ts';

export interface RunningWorker {
  /** jobs finished by this worker */
  processed(): number;
  close(): Promise<void>;
}

export async function startWorker(url: string, options: { concurrency?: number; name?: string; onJob?: (r: PlaybackJobResult) => void } = {}): Promise<RunningWorker> {
  await assertRedisReachable(url);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const free: BuildPool[] = Array.from({ length: concurrency }, () => new BuildPool());
  const all = [...free];
  const name = options.name ?? `${hostname()}:${process.pid}`;
  let processed = 0;
  const connection = createConnection(url);
  connection.on('error', () => {});
  const worker = new Worker<PlaybackJob, PlaybackJobResult>(
    QUEUE_NAME,
    async (job) => {
      const pool = free.pop()!;
      try {
        return await processPlaybackJob(job.data, pool, name);
      } finally {
        free.push(pool);
      }
    },
    { connection, concurrency, lockDuration: LOCK_DURATION_MS, stalledInterval: STALLED_INTERVAL_MS, maxStalledCount: MAX_STALLED_COUNT, autorun: true },
  );
  worker.on('error', () => {});
  worker.on('completed', (_job, result) => {
    processed++;
    options.onJob?.(result);
  });
  await worker.waitUntilReady();
  return {
    processed: () => processed,
    async close() {
      await worker.close();
      await Promise.all(all.map((p) => p.close()));
      connection.disconnect();
    },
  };
}
