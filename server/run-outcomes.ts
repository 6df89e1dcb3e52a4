/**
 * Where a templates page and its facets are answered: a finished run's
 * outcomes from memory (store/outcome-index.ts), a running run's from the
 * store. A finished run's outcomes change only by approval; the index is
 * read once per run and its approved marks refreshed when the run's approved
 * count changes (the RunCache version says when). A 100,000-outcome run on
 * PostgreSQL answers a page it was never asked for in ~1–5 ms from memory
 * against 0.2–0.6 s of sorting in the store (bench/dashboard-scale.ts).
 *
 * Indexes are kept for the runs read most recently, within a byte budget;
 * a run that alone is larger than the budget is answered by the store.
 * Reading one is shared by the requests that arrive meanwhile; a failed read
 * is not kept (the next request tries again, or the store answers).
 */
import { OutcomeIndex } from '../store/outcome-index.ts';
import type { OutcomeFilter } from '../store/outcome-queries.ts';
import type { Facet, FacetCount, OutcomePage, OutcomeQuery } from '../store/outcome-query.ts';
import type { Store } from '../store/store.ts';
import type { RunCache } from './run-cache.ts';

/** what the indexes may hold together: ~100,000 outcomes take ~60 MB (rows, and their searchable text) */
export const INDEX_BUDGET_BYTES = 384 * 1024 * 1024;

interface Held {
  /** status, outcome count and workload: what, when it changes, needs the run read again */
  readonly content: string;
  approved: string;
  index: Promise<OutcomeIndex | null>;
  bytes: number;
}

/** a failed read is tried again after this long (meanwhile the store answers) */
const RETRY_MS = 30_000;

export class RunOutcomes {
  private readonly held = new Map<string, Held>();
  /** runs found larger than the budget, with the content found so: answered by the store, never read again */
  private readonly tooLarge = new Map<string, string>();
  /** runs whose read failed, with when */
  private readonly failed = new Map<string, { readonly content: string; readonly at: number }>();

  constructor(
    private readonly store: Store,
    private readonly cache: RunCache,
    private readonly budgetBytes = INDEX_BUDGET_BYTES,
  ) {}

  async page(q: OutcomeQuery): Promise<OutcomePage> {
    const index = await this.index(q.runId);
    if (!index) return this.store.queryOutcomes(q);
    const page = index.page(q);
    const texts = await this.store.shownTexts(index.workload, page.rows.map((r) => r.fingerprint));
    return { total: page.total, rows: page.rows.map((r) => ({ ...r, sql: texts.get(r.fingerprint) ?? '' })) };
  }

  async facet(facet: Facet, q: OutcomeFilter): Promise<FacetCount[]> {
    const index = await this.index(q.runId);
    return index ? index.facet(facet, q) : this.store.outcomeFacet(facet, q);
  }

  /**
   * Read the most recently created finished runs ahead of their first page
   * (a server that just started), one after another; a failure is left to
   * the first request of that run.
   */
  async warm(runs = 2): Promise<void> {
    for (const id of await this.store.recentFinishedRuns(runs)) await this.index(id);
  }

  /** the run's index, or null: the run is running, is not there, is too large for the budget, or its read failed lately */
  private async index(runId: string): Promise<OutcomeIndex | null> {
    const version = await this.cache.version(runId);
    if (version === null) return null;
    // status:outcomes:approved:workload (Store.runVersion); the workload part may hold colons
    const [status, outcomes, approved, ...workload] = version.split(':') as [string, string, string, ...string[]];
    if (status === 'running') return null;
    const content = `${status}:${outcomes}:${workload.join(':')}`;
    if (this.tooLarge.get(runId) === content) return null;
    // a run that cannot fit is never read whole
    if (Number(outcomes) * OutcomeIndex.BYTES_PER_OUTCOME > this.budgetBytes) {
      this.tooLarge.set(runId, content);
      return null;
    }
    const failed = this.failed.get(runId);
    if (failed && failed.content === content && Date.now() - failed.at < RETRY_MS) return null;
    let held = this.held.get(runId);
    if (!held || held.content !== content) {
      held = { content, approved, index: this.store.loadOutcomeIndex(runId), bytes: 0 };
      this.held.set(runId, held);
      const mine = held;
      mine.index.then(
        (index) => {
          this.failed.delete(runId);
          mine.bytes = index?.bytes ?? 0;
          this.fit(runId, mine);
        },
        () => {
          this.failed.set(runId, { content, at: Date.now() });
          if (this.held.get(runId) === mine) this.held.delete(runId);
        },
      );
    } else if (held.approved !== approved) {
      held.approved = approved;
      const mine = held;
      const refreshed = held.index.then(async (index) => {
        index?.setApproved(await this.store.approvedFingerprints(runId));
        return index;
      });
      held.index = refreshed;
      // a failed refresh is not kept: the next request reads the run again
      refreshed.catch(() => {
        if (this.held.get(runId) === mine && mine.index === refreshed) this.held.delete(runId);
      });
    }
    // most recently read last
    this.held.delete(runId);
    this.held.set(runId, held);
    try {
      return await held.index;
    } catch {
      return null;
    }
  }

  /**
   * Keep a newly read index within the budget: a run larger than the budget
   * alone keeps none (it is remembered as too large, and the other runs'
   * indexes stay); otherwise the least recently read others are dropped
   * until the held ones fit.
   */
  private fit(runId: string, held: Held): void {
    if (this.held.get(runId) !== held) return;
    if (held.bytes > this.budgetBytes) {
      this.held.delete(runId);
      this.tooLarge.set(runId, held.content);
      return;
    }
    let total = 0;
    for (const h of this.held.values()) total += h.bytes;
    for (const [other, h] of this.held) {
      if (total <= this.budgetBytes) break;
      if (other === runId) continue;
      this.held.delete(other);
      total -= h.bytes;
    }
  }
}
