/**
 * The waiting room of a leased DuckDB file (see duckdb-lease.ts): a process
 * that cannot open the file, or that must let an earlier waiter go first,
 * announces itself with one empty file in `<store>.waiters/`, named
 * `<since>-<pid>-<random>-<read|write>` so that one `readdir` tells a holder
 * who waits, since when and for what. Everything is in the name: listing the
 * room costs one system call when nobody waits (the folder is absent or empty).
 *
 * It survives crashes without a cleanup step: a record whose PID is gone is
 * removed by whoever lists the room, and a record its waiter has not touched
 * for STALE_MS (a hung process, or a PID reused after a crash) is ignored.
 * A waiter touches its record at every retry, far more often than STALE_MS.
 * A holder that lets go for waiters writes `released` in the room, which
 * wakes them (fs.watch) before their next backoff would.
 */
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export type LeaseMode = 'read' | 'write';

export interface Waiter {
  readonly file: string;
  readonly pid: number;
  /** when it started waiting (ms since the epoch): the queue's order */
  readonly since: number;
  readonly mode: LeaseMode;
}

/** a record untouched this long is not a live waiter (waiters touch theirs at least every few hundred ms) */
export const STALE_MS = 10_000;

const NAME = /^(\d{15})-(\d+)-([0-9a-f]+)-(read|write)$/;

export function waitersDir(storePath: string): string {
  return `${storePath}.waiters`;
}

/** whether a process with this PID exists (EPERM: it exists, owned by another user) */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Announce this process as waiting. Returns the record, or null when the
 * room cannot be written (a store on a read-only disk or folder): the waiter
 * then only retries, and a holder still lets go of the file when idle.
 */
export function announce(storePath: string, mode: LeaseMode, since = Date.now()): Waiter | null {
  const dir = waitersDir(storePath);
  const name = `${String(since).padStart(15, '0')}-${process.pid}-${randomBytes(4).toString('hex')}-${mode}`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), '');
  } catch {
    return null;
  }
  return { file: join(dir, name), pid: process.pid, since, mode };
}

/** Keep a record fresh (see STALE_MS); a record removed meanwhile is written again. */
export function touch(w: Waiter): void {
  const now = new Date();
  try {
    utimesSync(w.file, now, now);
  } catch {
    try {
      writeFileSync(w.file, '');
    } catch {
      // the room is gone or read-only: keep retrying without a record
    }
  }
}

export function withdraw(w: Waiter | null): void {
  if (w) rmSync(w.file, { force: true });
}

/**
 * The live waiters of other processes, oldest first. Records of dead
 * processes are removed; stale ones are skipped.
 */
export function liveWaiters(storePath: string, now = Date.now()): Waiter[] {
  const dir = waitersDir(storePath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Waiter[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const w: Waiter = { file: join(dir, name), pid: Number(m[2]), since: Number(m[1]), mode: m[4] as LeaseMode };
    if (w.pid === process.pid) continue;
    if (!isAlive(w.pid)) {
      rmSync(w.file, { force: true });
      continue;
    }
    try {
      if (now - statSync(w.file).mtimeMs > STALE_MS) continue;
    } catch {
      continue; // withdrawn while we looked
    }
    out.push(w);
  }
  return out.toSorted((a, b) => a.since - b.since || a.pid - b.pid || a.file.localeCompare(b.file));
}

/** whether a process in `mode` and a waiter in `other` cannot both have the file open */
export function conflicts(mode: LeaseMode, other: LeaseMode): boolean {
  return mode === 'write' || other === 'write';
}

/**
 * A holder that let go for waiters says so (a write of `<room>/released`),
 * so that they retry at once instead of at their next backoff.
 */
export function signalReleased(storePath: string): void {
  try {
    writeFileSync(join(waitersDir(storePath), 'released'), String(process.pid));
  } catch {
    // no room (nobody announced) or read-only: waiters retry on their own
  }
}

/** Call wake when a holder signals that it let go; null where the platform cannot watch (waiters then only poll). */
export function watchRoom(storePath: string, wake: () => void): FSWatcher | null {
  try {
    const watcher = watch(waitersDir(storePath), { persistent: false }, (_event, name) => {
      if (name === 'released') wake();
    });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return null;
  }
}
