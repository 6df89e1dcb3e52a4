/**
 * Live progress of runs, read from the store: one poller per watched run
 * (shared by every client watching it) asks the store for the run and its
 * counts by verdict every `pollMs`, and tells its listeners when anything
 * changed, then once more when the run is no longer running. A poller for
 * "every running run" does the same over the runs list. Since it only reads
 * the store, it follows runs written by any process — the server's own, a CLI
 * playback, a BullMQ coordinator — on the same store.
 */
import type { Store } from '../store/store.ts';
import type { RunProgress } from './api-types.ts';

export type ProgressEvent = { readonly type: 'progress'; readonly progress: RunProgress } | { readonly type: 'done'; readonly progress: RunProgress } | { readonly type: 'missing'; readonly runId: string };

type Listener = (e: ProgressEvent) => void;

/** the key of the poller over every running run */
export const ALL_RUNS = '*';

class Poller {
  readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** per run: the last progress sent, as JSON, and whether `done` was sent */
  private readonly last = new Map<string, string>();
  private readonly finished = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly key: string,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly onEmpty: () => void,
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  /** a new listener hears the current state at once */
  add(listener: Listener): void {
    this.listeners.add(listener);
    for (const json of this.last.values()) {
      const progress = JSON.parse(json) as RunProgress;
      listener({ type: 'progress', progress });
      if (this.finished.has(progress.runId)) listener({ type: 'done', progress });
    }
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
    if (!this.listeners.size) this.onEmpty();
  }

  private emit(e: ProgressEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** the read in flight, if any (awaited before the store is closed) */
  current: Promise<void> = Promise.resolve();

  private tick(): Promise<void> {
    if (this.busy) return this.current;
    this.current = this.read();
    return this.current;
  }

  private async read(): Promise<void> {
    this.busy = true;
    try {
      const runs = this.key === ALL_RUNS ? await this.watchedRuns() : await this.oneRun(this.key);
      if (!runs) return;
      const counts = await this.store.verdictCounts(runs.map((r) => r.id));
      for (const r of runs) {
        const verdicts = counts.get(r.id) ?? [];
        // done from the same read as the counts, so the two always agree
        const progress: RunProgress = { runId: r.id, status: r.status, done: verdicts.reduce((n, v) => n + v.count, 0), total: r.total, verdicts };
        const json = JSON.stringify(progress);
        if (this.last.get(r.id) !== json) {
          this.last.set(r.id, json);
          this.emit({ type: 'progress', progress });
        }
        if (r.status !== 'running' && !this.finished.has(r.id)) {
          this.finished.add(r.id);
          this.emit({ type: 'done', progress });
        }
      }
    } catch (err) {
      // a busy store: try again at the next tick
      this.onError(err);
    } finally {
      this.busy = false;
    }
  }

  private async oneRun(id: string) {
    const run = await this.store.getRun(id);
    if (!run) {
      this.emit({ type: 'missing', runId: id });
      return null;
    }
    return [run];
  }

  /** running runs, and those that were running at the last tick (to send their `done`) */
  private async watchedRuns() {
    // the running runs and those announced as running, not the whole history
    const runs = await this.store.listRuns({ runningOr: [...this.last.keys()] });
    const watched = runs.filter((r) => r.status === 'running' || (this.last.has(r.id) && !this.finished.has(r.id)));
    // forget finished runs once announced, so the map stays the size of what runs
    for (const id of this.finished) {
      if (!watched.some((r) => r.id === id)) {
        this.finished.delete(id);
        this.last.delete(id);
      }
    }
    return watched;
  }
}

export class ProgressHub {
  private readonly pollers = new Map<string, Poller>();
  /** pollers stopped while a read may still be in flight */
  private readonly stopped = new Set<Poller>();

  constructor(
    private readonly store: Store,
    private readonly pollMs = 500,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Listen to one run (or ALL_RUNS); returns the function that stops listening. */
  subscribe(key: string, listener: Listener): () => void {
    let poller = this.pollers.get(key);
    if (!poller) {
      const created: Poller = new Poller(this.store, key, this.pollMs, this.onError, () => {
        created.stop();
        this.stopped.add(created);
        void created.current.finally(() => this.stopped.delete(created));
        if (this.pollers.get(key) === created) this.pollers.delete(key);
      });
      poller = created;
      this.pollers.set(key, poller);
      poller.start();
    }
    poller.add(listener);
    const p = poller;
    return () => p.remove(listener);
  }

  /** how many pollers run (one per watched run, however many clients watch it) */
  get pollerCount(): number {
    return this.pollers.size;
  }

  /** Stop every poller and wait for reads in flight (the store may be closed after this, not during a read). */
  async close(): Promise<void> {
    const all = [...this.pollers.values(), ...this.stopped];
    for (const p of all) p.stop();
    this.pollers.clear();
    await Promise.all(all.map((p) => p.current.catch(() => {})));
  }
}
