/**
 * A DuckDB file shared by processes on one machine, opened only while it is
 * used: the embedded store's way of letting `flightdeck serve`, a CLI
 * playback, `flightdeck runs` and `flightdeck demo` work on one file at once.
 *
 * DuckDB lets one process open a file for writing, and while it has it open
 * no other process can open it at all, not even read-only; any number of
 * processes may open it read-only together. So a process here holds the file
 * only for a `hold` — a transaction, or a few statements that must see one
 * state; a plain statement is its own short hold — and lets go of it (closes
 * the instance and its connection, which drops the OS lock):
 * - at the end of a hold, when another process waits for it (a cheap
 *   `readdir` of `<store>.waiters/`, see lease-waiters.ts);
 * - while idle, when a waiter appears (an unref'ed poll) or after `idleMs`
 *   without a hold anyway.
 * A process that finds the file locked announces itself in the waiting room,
 * retries with jittered backoff and, after `waitMs` (FLIGHTDECK_STORE_WAIT
 * seconds, default 60), fails with the `busy` error naming the holder.
 * Fairness: an acquirer first lets every earlier waiter it conflicts with go
 * (a writer conflicts with everyone; readers share), so a process that just
 * let go cannot grab the file again before the waiter it yielded to had a turn,
 * and readers arriving one after another cannot starve a waiting writer.
 * Crashes need no cleanup: the OS drops a dead process's lock, and records of
 * dead or silent waiters are removed or ignored.
 *
 * Why this and not:
 * - the server as the single owner, the CLI writing through HTTP: the CLI
 *   would need a server running to record a playback, two code paths would
 *   write the store, and two CLI runs without a server would still collide;
 * - PostgreSQL for sharing: that is the team backend (--store postgresql://);
 *   the embedded default must work with no service at all;
 * - copying the file for readers: a copy of a file being written is torn or
 *   stale (the WAL is separate), copying a large store per request is slow,
 *   and writers would still exclude each other.
 * The price is reopening: open + first query + close take about 17–25 ms
 * (median) on this machine, on 20 MB and 190 MB stores alike
 * (bench/store-lease.ts), paid only when the file changed hands or sat idle;
 * the reopened instance starts with a cold cache.
 *
 * Within one process there is one open handle per file (DuckDB itself would
 * let two instances of one process open a file for writing, unsafely): every
 * lease on a path shares it, opened for writing while any of them writes,
 * and their holds take turns on its one connection (a statement inside a
 * hold runs at once; DuckDB runs one statement per connection at a time anyway).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { openDatabase, type Database, type Params, type Row } from '../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../compiler/errors.ts';
import type { FSWatcher } from 'node:fs';
import { announce, conflicts, liveWaiters, signalReleased, touch, watchRoom, withdraw, type LeaseMode, type Waiter } from './lease-waiters.ts';
import { busyError, isLockConflict } from './store-busy.ts';

export interface LeasedDatabase {
  readonly path: string;
  readonly readOnly: boolean;
  run(sql: string, params?: Params): Promise<void>;
  all(sql: string, params?: Params): Promise<Row[]>;
  allJson(sql: string, params?: Params): Promise<Row[]>;
  rows(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  /** Keep the file open for the whole of fn (statements inside see one state; nested holds just run). */
  hold<T>(fn: () => Promise<T>): Promise<T>;
  /** whether this process has the file open right now (diagnostics, tests) */
  readonly isOpen: boolean;
  close(): void;
}

export interface LeaseOptions {
  readonly readOnly?: boolean;
  /** fail with `not-found` when the file does not exist (default true for readOnly) */
  readonly mustExist?: boolean;
  readonly threads?: number;
  /** how long to wait for another process to let go of the file (default FLIGHTDECK_STORE_WAIT seconds, else 60 s) */
  readonly waitMs?: number;
  /** let go of the file after this long without a hold (default 200 ms) */
  readonly idleMs?: number;
}

export const DEFAULT_WAIT_MS = 60_000;
export const DEFAULT_IDLE_MS = 200;

/** FLIGHTDECK_STORE_WAIT: seconds (a decimal), the bound on waiting for a busy store */
export function storeWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLIGHTDECK_STORE_WAIT?.trim();
  if (!raw) return DEFAULT_WAIT_MS;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(seconds)) throw new FlightdeckError('usage-error', `FLIGHTDECK_STORE_WAIT=${raw}: expected seconds to wait for a busy store, e.g. 60 or 0.5`);
  return Math.round(seconds * 1000);
}

/** the holds (per file) the current async context is inside, and whether each is still going on */
const inside = new AsyncLocalStorage<ReadonlyMap<LeaseCore, { live: boolean }>>();
const cores = new Map<string, LeaseCore>();

class LeaseCore {
  db: Database | null = null;
  private openMode: LeaseMode | null = null;
  /** holds in progress */
  private active = 0;
  /** another process waits (or a writer of this one needs a read handle reopened): no new hold joins; the handle closes when the last one ends */
  private yielding = false;
  private drained: (() => void)[] = [];
  private opening: Promise<void> | null = null;
  /** the end of the last hold queued (see hold) */
  private turn: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastUse = 0;
  users = 0;
  writers = 0;

  constructor(
    readonly path: string,
    private readonly options: { mustExist: boolean; threads?: number; waitMs: number; idleMs: number },
  ) {}

  get isOpen(): boolean {
    return this.db !== null;
  }

  private get mode(): LeaseMode {
    return this.writers > 0 ? 'write' : 'read';
  }

  async hold<T>(fn: () => Promise<T>): Promise<T> {
    const held = inside.getStore();
    // nested in a hold of this file that is still going on: already open (work a hold left behind, e.g. a timer, takes its own)
    if (held?.get(this)?.live) return fn();
    // holds take turns: they share one connection, where two transactions must not interleave
    const previous = this.turn;
    let next!: () => void;
    this.turn = new Promise<void>((r) => (next = r));
    await previous;
    try {
      await this.enter();
      const token = { live: true };
      try {
        return await inside.run(new Map([...(held ?? []), [this, token]]), fn);
      } finally {
        token.live = false;
        this.leave();
      }
    } finally {
      next();
    }
  }

  private async enter(): Promise<void> {
    for (;;) {
      if (this.db && !this.yielding && (this.openMode === 'write' || this.mode === 'read')) {
        this.active++;
        return;
      }
      if (this.db) {
        this.yielding = true;
        if (this.active === 0) this.release();
        else await new Promise<void>((r) => this.drained.push(r));
        continue;
      }
      this.opening ??= this.acquire().finally(() => {
        this.opening = null;
      });
      await this.opening;
    }
  }

  private leave(): void {
    this.active--;
    this.lastUse = Date.now();
    if (!this.yielding && this.othersWaiting()) this.yielding = true;
    if (this.active === 0 && (this.yielding || this.users === 0)) this.release(this.yielding);
  }

  /** the last lease on the file was closed: let go of it now, or when the holds in progress end */
  retire(): void {
    if (this.active === 0) this.release();
    else this.yielding = true;
  }

  private othersWaiting(): boolean {
    const mode = this.openMode;
    return mode !== null && liveWaiters(this.path).some((w) => conflicts(mode, w.mode));
  }

  /**
   * Close the instance and its connection (the OS lock goes with them).
   * `forWaiters`: another process takes over, so wake it. A writer's close
   * checkpoints the WAL into the file; skipping that on a handover
   * (PRAGMA disable_checkpoint_on_shutdown) was tried and was slower: every
   * later open replays the growing WAL (a writer beside a reader polling
   * every 250 ms wrote about 3× fewer rows).
   */
  release(forWaiters = false): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const db = this.db;
    this.db = null;
    this.openMode = null;
    this.yielding = false;
    if (this.users === 0 && cores.get(this.path) === this) cores.delete(this.path);
    try {
      db?.close();
    } finally {
      if (db && forWaiters) signalReleased(this.path);
      for (const r of this.drained.splice(0)) r();
    }
  }

  private async acquire(): Promise<void> {
    const mode = this.mode;
    const start = Date.now();
    const deadline = start + this.options.waitMs;
    let ticket: Waiter | null = null;
    let watcher: FSWatcher | null = null;
    let wake: (() => void) | null = null;
    let lastConflict: unknown;
    try {
      for (let attempt = 0; ; attempt++) {
        // earlier waiters this one conflicts with go first
        const ahead = liveWaiters(this.path).filter((w) => conflicts(mode, w.mode) && (!ticket || w.since < ticket.since || (w.since === ticket.since && w.pid < process.pid)));
        if (!ahead.length) {
          try {
            this.db = await openDatabase(this.path, { readOnly: mode === 'read', mustExist: this.options.mustExist, threads: this.options.threads });
            this.openMode = mode;
            this.lastUse = Date.now();
            this.startIdleTimer();
            return;
          } catch (err) {
            if (!isLockConflict(err)) throw err;
            lastConflict = err;
          }
        }
        const now = Date.now();
        if (now >= deadline) throw busyError(this.path, { cause: lastConflict, waitedMs: now - start, queued: ahead.map((w) => w.pid) });
        if (ticket) touch(ticket);
        else {
          ticket = announce(this.path, mode, start);
          watcher = watchRoom(this.path, () => wake?.());
        }
        await new Promise<void>((r) => {
          const timer = setTimeout(r, Math.max(0, Math.min(backoff(attempt), deadline - now)));
          wake = () => (clearTimeout(timer), r());
        });
        wake = null;
      }
    } finally {
      watcher?.close();
      withdraw(ticket);
    }
  }

  /** while open and idle: let go when someone waits, or after idleMs anyway; never keeps the process alive */
  private startIdleTimer(): void {
    const every = Math.max(10, Math.min(50, this.options.idleMs));
    this.timer = setInterval(() => {
      if (this.active > 0 || !this.db) return;
      if (this.othersWaiting()) this.release(true);
      else if (Date.now() - this.lastUse >= this.options.idleMs) this.release();
    }, every);
    this.timer.unref();
  }
}

/** jittered exponential backoff: 1–2 ms, 2–4 ms, … up to 50–100 ms */
function backoff(attempt: number): number {
  const ceiling = Math.min(100, 2 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Open a DuckDB file as a lease (see the top of this file). The file is
 * opened once here, so a missing file, a file that is not DuckDB or a store
 * busy beyond the bound fail now; then it is let go when idle. `:memory:` is
 * not shareable and is simply kept open.
 */
export async function openLeasedDatabase(path: string, options: LeaseOptions = {}): Promise<LeasedDatabase> {
  const readOnly = options.readOnly ?? false;
  if (path === ':memory:') return memoryDatabase(await openDatabase(path, options));
  const key = resolve(path);
  let core = cores.get(key);
  if (!core) {
    core = new LeaseCore(key, { mustExist: options.mustExist ?? readOnly, threads: options.threads, waitMs: options.waitMs ?? storeWaitMs(), idleMs: options.idleMs ?? DEFAULT_IDLE_MS });
    cores.set(key, core);
  }
  const c = core;
  c.users++;
  if (!readOnly) c.writers++;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    c.users--;
    if (!readOnly) c.writers--;
    if (c.users === 0) c.retire();
  };
  const use = <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new FlightdeckError('internal-error', `the store ${path} was used after it was closed`));
    return c.hold(() => fn(c.db!));
  };
  try {
    await use(async () => {});
  } catch (err) {
    close();
    throw err;
  }
  return {
    path,
    readOnly,
    run: (sql, params) => use((db) => db.run(sql, params)),
    all: (sql, params) => use((db) => db.all(sql, params)),
    allJson: (sql, params) => use((db) => db.allJson(sql, params)),
    rows: (sql) => use((db) => db.rows(sql)),
    hold: (fn) => use(() => fn()),
    get isOpen() {
      return c.isOpen;
    },
    close,
  };
}

function memoryDatabase(db: Database): LeasedDatabase {
  return {
    path: db.path,
    readOnly: false,
    run: (sql, params) => db.run(sql, params),
    all: (sql, params) => db.all(sql, params),
    allJson: (sql, params) => db.allJson(sql, params),
    rows: (sql) => db.rows(sql),
    hold: (fn) => fn(),
    isOpen: true,
    close: () => db.close(),
  };
}
