/**
 * Redis connections for BullMQ. A dead Redis is an environment error with
 * one line telling what to do, never a hang or a stack trace; a Redis that
 * goes away later is watched (logged once when lost, once when back) so the
 * coordinator can give up after a bounded time. The password of a URL is
 * never printed: every message goes through redactSecrets.
 */
import { Redis } from 'ioredis';
import { FlightdeckError } from '../../compiler/errors.ts';
import { parseRedisUrl, redactRedisUrl, redactSecrets } from './redis-url.ts';

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

/** how long a coordinator waits for a Redis that went away before it gives up (exit 2, resumable) */
export const DEFAULT_REDIS_TIMEOUT_MS = 30_000;

function connectionOptions(url: string) {
  const o = parseRedisUrl(url);
  return {
    host: o.host,
    port: o.port,
    db: o.db,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.tls ? { tls: { servername: o.tls.servername } } : {}),
  };
}

/** A connection BullMQ can use (maxRetriesPerRequest null: commands wait through reconnects). */
export function createConnection(url: string): Redis {
  return new Redis({ ...connectionOptions(url), maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(200 * n, 2000), lazyConnect: false });
}

/** Fail fast when Redis is not there or refuses us: one ping with a short timeout. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis({ ...connectionOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let lastError: Error | undefined;
  probe.on('error', (err: Error) => (lastError = err)); // reported below, in the thrown error
  let timer: NodeJS.Timeout | undefined;
  try {
    // a Redis that accepts the connection and never answers (frozen, or not Redis at all) must not hang us either
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const answered = (async () => {
      await probe.connect();
      await probe.ping();
    })();
    answered.catch(() => undefined); // when silence wins, the pending ping fails on disconnect
    await Promise.race([answered, silent]);
  } catch (err) {
    const message = redactSecrets((lastError ?? (err as Error)).message, url);
    const where = redactRedisUrl(url);
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
      throw new FlightdeckError('environment-error', `Redis at ${where} refused the credentials (${message}); check the user and password in --queue`, { cause: err });
    }
    throw new FlightdeckError(
      'environment-error',
      `cannot reach Redis at ${where} (${message}); start it (e.g. redis-server --daemonize yes) or drop --queue to run in-process`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

/**
 * Watches a connection's state: when it went down, the last error (redacted),
 * and one log line per change (lost / back), not one per reconnect attempt.
 */
export class ConnectionWatch {
  private downSince: number | null = null;
  private lastMessage: string | undefined;
  private lastLogged: string | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  /** follow a connection's events (call once per connection) */
  follow(connection: Redis): void {
    connection.on('error', (err: Error) => this.noteError(err));
    connection.on('close', () => this.noteDown());
    connection.on('ready', () => this.noteUp());
  }

  /** an error event from ioredis or BullMQ: logged once while Redis is down, each distinct one while it is up */
  noteError(err: unknown): void {
    if (this.stopped) return;
    const message = redactSecrets(err instanceof Error ? err.message : String(err), this.url).replace(/\s*\n\s*/g, ' ');
    this.lastMessage = message;
    if (this.downSince !== null) return; // told when the connection was lost
    if (isConnectionError(message)) {
      this.noteDown();
      return;
    }
    if (message === this.lastLogged) return;
    this.lastLogged = message;
    this.log(`redis error at ${redactRedisUrl(this.url)}: ${message}`);
  }

  private noteDown(): void {
    if (this.stopped || this.downSince !== null) return;
    this.downSince = Date.now();
    this.lastLogged = undefined;
    this.log(`lost Redis at ${redactRedisUrl(this.url)}${this.lastMessage ? ` (${this.lastMessage})` : ''}; reconnecting`);
  }

  private noteUp(): void {
    if (this.downSince === null) return;
    this.log(`Redis at ${redactRedisUrl(this.url)} is back after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s`);
    this.downSince = null;
    this.lastMessage = undefined;
  }

  /** we are closing the connection ourselves: what follows is not news */
  stop(): void {
    this.stopped = true;
  }

  /** ms Redis has been unreachable (0 when connected) */
  downForMs(now = Date.now()): number {
    return this.downSince === null ? 0 : now - this.downSince;
  }

  /** the last error seen, redacted */
  lastError(): string | undefined {
    return this.lastMessage;
  }
}

function isConnectionError(message: string): boolean {
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|connect ETIMEDOUT|Socket closed/i.test(message);
}
