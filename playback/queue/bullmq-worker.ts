/**
 * A BullMQ worker process (`flightdeck worker --queue redis://...`): runs
 * the same processor as the in-process queue, with one build pool per
 * concurrency slot. Returns plain data; never touches the store.
 *
 * A failure the domain calls not retryable (a bad spec, a missing catalog,
 * an unknown version) fails its job at once (UnrecoverableError); others are
 * retried by BullMQ up to the job's attempts. Every failure and every Redis
 * error is logged as one redacted line. When Redis goes away the worker
 * keeps reconnecting (logged once when lost, once when back) rather than
 * exiting: a worker is a long-lived service, and a Redis restart should not
 * need every worker restarted; the coordinator is the one with a deadline.
 */
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { BuildPool, describeJobError, isRetryable, processPlaybackJob } from '../job.ts';
import type { JobProcessor, QueueJob, QueueJobResult } from './queue.ts';
import { assertRedisReachable, ConnectionWatch, createConnection, LOCK_DURATION_MS, MAX_STALLED_COUNT, QUEUE_NAME, STALLED_INTERVAL_MS } from './bullmq-connection.ts';
import { redactSecrets } from './redis-url.ts';

export interface RunningWorker {
  /** jobs finished by this worker */
  processed(): number;
  /**
   * Call at once when the process is told to stop (SIGTERM): the build
   * processes are being killed (compiler/builds kills them on the signal),
   * so a job still running is given back to the queue as waiting, not
   * completed with the crashes that follow nor counted as a failed attempt.
   */
  stopping(): void;
  close(): Promise<void>;
}

export interface WorkerOptions {
  readonly concurrency?: number;
  readonly name?: string;
  readonly onJob?: (r: QueueJobResult & { readonly templates?: number }) => void;
  /** what a job does (default: a playback batch); the CLI's worker passes one that also runs flight batches */
  readonly process?: JobProcessor<QueueJob, QueueJobResult>;
  /** one line per failed job and per Redis event (default: standard error) */
  readonly log?: (line: string) => void;
}

export async function startWorker(url: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  await assertRedisReachable(url);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const free: BuildPool[] = Array.from({ length: concurrency }, () => new BuildPool());
  const all = [...free];
  const name = options.name ?? `${hostname()}:${process.pid}`;
  let processed = 0;
  let stopping = false;
  const watch = new ConnectionWatch(url, (line) => log(`worker ${name}: ${line}`));
  const connection = createConnection(url);
  watch.follow(connection);
  const processJob = options.process ?? (processPlaybackJob as unknown as JobProcessor<QueueJob, QueueJobResult>);
  const worker = new Worker<QueueJob, QueueJobResult>(
    QUEUE_NAME,
    async (job, token) => {
      const pool = free.pop()!;
      const giveBack = async () => {
        await job.moveToWait(token);
        log(`worker ${name}: stopping; job ${job.id} (run ${job.data.runId}, batch ${job.data.batch}) given back to the queue`);
        throw new WaitingError();
      };
      try {
        const result = await processJob(job.data, pool, name);
        if (stopping) return await giveBack();
        return result;
      } catch (err) {
        if (stopping && !(err instanceof WaitingError)) return await giveBack();
        if (err instanceof WaitingError) throw err;
        const attempt = job.attemptsMade + 1;
        const of = job.opts.attempts ?? 1;
        const reason = redactSecrets(describeJobError(err), url);
        const where = `job ${job.id} (run ${job.data.runId}, batch ${job.data.batch})`;
        if (!isRetryable(err)) {
          log(`worker ${name}: ${where} failed, not retryable: ${reason}`);
          throw new UnrecoverableError(reason);
        }
        log(`worker ${name}: ${where} failed (attempt ${attempt} of ${of})${attempt < of ? ', will be tried again' : ''}: ${reason}`);
        throw new Error(reason, { cause: err }); // BullMQ keeps the message as the failed reason
      } finally {
        free.push(pool);
      }
    },
    { connection, concurrency, lockDuration: LOCK_DURATION_MS, stalledInterval: STALLED_INTERVAL_MS, maxStalledCount: MAX_STALLED_COUNT, autorun: true },
  );
  worker.on('error', (err) => watch.noteError(err));
  worker.on('completed', (job, result) => {
    processed++;
    options.onJob?.({ ...result, templates: job.data.templates.length });
  });
  await worker.waitUntilReady();
  return {
    processed: () => processed,
    stopping: () => {
      stopping = true;
    },
    async close() {
      watch.stop();
      await worker.close();
      await Promise.all(all.map((p) => p.close()));
      connection.disconnect();
    },
  };
}
