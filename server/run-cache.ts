/**
 * Answers about one run, kept while the run has not changed. A dashboard is
 * read by many people at once, mostly the same pages of the same finished
 * runs; each answer costs a scan of the run's outcomes, and a DuckDB store
 * runs one statement at a time. So the outcome pages, facets and overviews
 * are kept per run and query, tagged with the run's *version* — its status,
 * how many outcomes it has and how many are approved — and served while the
 * version is the same. The version is read from the store at most every
 * `versionMs` (shared by every request), so a change made by another process
 * (a CLI playback writing outcomes, another server approving) shows within
 * that time; this server's own approvals drop the versions at once.
 * Identical requests that arrive together are computed once.
 */
import type { Store } from '../store/store.ts';

interface Entry {
  readonly version: string;
  readonly value: Promise<unknown>;
}

export class RunCache {
  private readonly versions = new Map<string, { readonly at: number; readonly value: Promise<string | null> }>();
  /** insertion order is recency order (an entry read is moved to the end) */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Store,
    private readonly versionMs = 500,
    private readonly maxEntries = 2_000,
  ) {}

  /** the run's version, or null when there is no such run */
  version(runId: string): Promise<string | null> {
    const known = this.versions.get(runId);
    if (known && Date.now() - known.at < this.versionMs) return known.value;
    const value = this.store.runVersion(runId);
    this.versions.set(runId, { at: Date.now(), value });
    value.catch(() => this.versions.delete(runId));
    return value;
  }

  /** `compute()` for this run and key, or its kept answer while the run is unchanged; null when there is no such run */
  async get<T>(runId: string, key: string, compute: () => Promise<T>): Promise<T | null> {
    const version = await this.version(runId);
    if (version === null) return null;
    const k = `${runId}\u0000${key}`;
    const hit = this.entries.get(k);
    if (hit && hit.version === version) {
      this.entries.delete(k);
      this.entries.set(k, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(k, { version, value });
    value.catch(() => {
      if (this.entries.get(k)?.value === value) this.entries.delete(k);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** after a write by this server (an approval): every run's next request reads its version again */
  invalidate(): void {
    this.versions.clear();
  }
}
