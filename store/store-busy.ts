/**
 * "The store is busy": DuckDB's lock conflict recognised in its message text
 * (the only form it reports it in), and the error a user gets when another
 * process kept the store longer than this one would wait — naming that
 * process by PID and command line, so a user knows what to wait for or stop.
 */
import { readFileSync } from 'node:fs';
import { FlightdeckError } from '../compiler/errors.ts';

/** the DuckDB error behind err (openDatabase wraps it into an io-error) */
function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e && parts.length < 4; e = (e as Error).cause) parts.push(e instanceof Error ? e.message : String(e));
  return parts.join('\n');
}

/** `IO Error: Could not set lock on file "…": Conflicting lock is held in /usr/bin/node (PID 123)…` */
export function isLockConflict(err: unknown): boolean {
  return /could not set lock|conflicting lock/i.test(messageOf(err));
}

/** the process DuckDB names as holding the lock, described; null when its message names none */
export function lockHolder(err: unknown): string | null {
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/is.exec(messageOf(err));
  return lock ? describeProcess(Number(lock[2]), lock[1]!) : null;
}

const BUSY = new WeakSet<Error>();

/** whether err is the busy error below (a caller translating open errors passes it through as it is) */
export function isBusyError(err: unknown): err is FlightdeckError {
  return err instanceof FlightdeckError && BUSY.has(err);
}

/**
 * The busy error. `holder` is what the last lock conflict said; `waited` how
 * long this process waited (0: it did not wait); `queued` the PIDs of
 * processes that were waiting before this one, when they, not a holder, kept it out.
 */
export function busyError(path: string, options: { cause?: unknown; waitedMs?: number; queued?: readonly number[] } = {}): FlightdeckError {
  const holder = options.cause === undefined ? null : lockHolder(options.cause);
  const after = options.waitedMs ? formatSeconds(options.waitedMs) : null;
  // DuckDB adds "you would be able to open this database in read-only mode" when the holders only read
  const reading = options.cause !== undefined && /read-only mode/i.test(messageOf(options.cause));
  const who =
    !holder && options.queued?.length
      ? `other processes (PID ${options.queued.join(', ')}) were waiting for it before this one${after ? ` and still were after ${after}` : ''}`
      : `${holder ?? 'another process'} has it open for ${reading ? 'reading' : 'writing'}${after ? ` and did not let go of it within ${after}` : ''}`;
  const error = new FlightdeckError(
    'environment-error',
    `the store ${path} is busy: ${who}; DuckDB lets no other process open the file while one writes it, not even to read. Wait for it to finish, set FLIGHTDECK_STORE_WAIT (seconds) to wait longer, or use another store with --store`,
    { retryable: true, cause: options.cause },
  );
  BUSY.add(error);
  return error;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** `another process (PID 123: node bin/flightdeck.js playback …)`, from /proc where there is one; a password in a URL is never printed. */
export function describeProcess(pid: number, executable: string): string {
  let command = executable;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    // no /proc (macOS) or the process is gone: DuckDB's executable name will do
  }
  command = command.replace(/(\w+:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1***@').replace(/\s+/g, ' ').trim();
  if (command.length > 160) command = `${command.slice(0, 157)}…`;
  return `another process (PID ${pid}: ${command})`;
}
