/**
 * One queue carries both kinds of job, so one `flightdeck worker` serves
 * playback runs and flights: a flight batch says so (`kind: 'flight'`), a
 * playback batch does not. Lives in flighting/ because it sees both
 * processors (playback/ may not import flighting/).
 */
import { processPlaybackJob, type PlaybackJob } from '../playback/job.ts';
import type { JobProcessor, QueueJob, QueueJobResult } from '../playback/queue/queue.ts';
import { processFlightJob, type FlightJob } from './flight-job.ts';

export const processAnyJob: JobProcessor<QueueJob, QueueJobResult> = (job, pool, worker) =>
  (job as { kind?: string }).kind === 'flight' ? processFlightJob(job as FlightJob, pool, worker) : processPlaybackJob(job as PlaybackJob, pool, worker);
