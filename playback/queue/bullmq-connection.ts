/**
 * Redis connections for BullMQ. A dead Redis is an environment error with
 * one line telling what to do, never a hang or a stack trace.
 */
import { Redis } from 'ioredis';
import { FlightdeckError } from '../../compiler/errors.ts';

export const QUEUE_NAME = 'flightdeck-playback';

/**
 * Stalled-job recovery: a worker killed mid-job stops renewing its lock; after
 * `lockDuration` another worker's stalled check (every `stalledInterval`)
 * moves the job back to waiting. BullMQ's defaults (30 s / 30 s) would take
 * about a minute; these take about 5–7 s. The lock is renewed every
 * lockDuration/2 from timers, and our processor never blocks the event loop
 * (builds run in child processes), so a slow job never loses its lock.
 */
export const LOCK_DURATION_MS = 5_000;
export const STALLED_INTERVAL_MS = 2_000;
export const MAX_STALLED_COUNT = 20;

export function parseRedisUrl(url: string): { host: string; port: number; db: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FlightdeckError('usage-error', `--queue must be a redis:// URL, got '${url}'`);
  }
  if (u.protocol !== 'redis:') throw new FlightdeckError('usage-error', `--queue must be a redis:// URL, got '${url}'`);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), db: Number(u.pathname.slice(1) || 0) };
}

/** A connection BullMQ can use (maxRetriesPerRequest null: commands wait through reconnects). */
export function createConnection(url: string): Redis {
  const { host, port, db } = parseRedisUrl(url);
  return new Redis({ host, port, db, maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(200 * n, 2000), lazyConnect: false });
}

/** Fail fast when Redis is not there: one ping with a short timeout. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const { host, port, db } = parseRedisUrl(url);
  const probe = new Redis({ host, port, db, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new FlightdeckError(
      'environment-error',
      `cannot reach Redis at ${url} (${(err as Error).message}); start it (e.g. redis-server --daemonize yes) or drop --queue to run in-process`,
      { cause: err },
    );
  } finally {
    probe.disconnect();
  }
}
