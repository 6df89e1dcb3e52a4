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
import type { OutcomeIndex } from '../store/outcome-index.ts';
import type { OutcomeFilter } from '../store/outcome-queries.ts';
import type { Facet, FacetCount, OutcomePage, OutcomeQuery } from '../store/outcome-query.ts';
import type { Store } from '../store/store.ts';
import type { RunCache } from './run-cache.ts';

/** what the indexes may hold together: ~100,000 outcomes take ~60 MB (rows, and their searchable text) */
export const INDEX_BUDGET_BYTES = 384 * 1024 * 1024;

interface Held {
  /** status and outcome count: what, when it changes, needs the run read again */
  readonly content: string;
  approved: string;
  index: Promise<OutcomeIndex | null>;
  bytes: number;
}

export class RunOutcomes {
  private readonly held = new Map<string, Held>();

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
    const recent = (await this.store.listRuns()).filter((r) => r.status !== 'running').slice(0, runs);
    for (const r of recent) await this.index(r.id);
  }

  /** the run's index, or null: the run is running, is not there, or is too large for the budget */
  private async index(runId: string): Promise<OutcomeIndex | null> {
    const version = await this.cache.version(runId);
    if (version === null) return null;
    const [status, outcomes, approved] = version.split(':') as [string, string, string];
    if (status === 'running') return null;
    const content = `${status}:${outcomes}`;
    let held = this.held.get(runId);
    if (!held || held.content !== content) {
      held = { content, approved, index: this.store.loadOutcomeIndex(runId), bytes: 0 };
      this.held.set(runId, held);
      const mine = held;
      this.forgetOnFailure(runId, mine);
      mine.index.then((index) => {
        mine.bytes = index?.bytes ?? 0;
        this.evict(runId);
      }, () => {});
    } else if (held.approved !== approved) {
      held.approved = approved;
      held.index = held.index.then(async (index) => {
        index?.setApproved(await this.store.approvedFingerprints(runId));
        return index;
      });
      this.forgetOnFailure(runId, held);
    }
    // most recently read last
    this.held.delete(runId);
    this.held.set(runId, held);
    try {
      return await held.index;
    } catch {
      // the store answers this request; the next one reads the index again
      return null;
    }
  }

  /** a failed read or refresh is not kept: the next request reads the run again */
  private forgetOnFailure(runId: string, held: Held): void {
    const index = held.index;
    index.catch(() => {
      if (this.held.get(runId) === held && held.index === index) this.held.delete(runId);
    });
  }

  /**
   * Drop the least recently read indexes while the held ones exceed the
   * budget. A run that alone exceeds it keeps no index but is remembered as
   * too large, so its pages come from the store without reading it again.
   */
  private evict(newest: string): void {
    let total = 0;
    for (const h of this.held.values()) total += h.bytes;
    for (const [runId, h] of this.held) {
      if (total <= this.budgetBytes) break;
      if (runId === newest) continue;
      this.held.delete(runId);
      total -= h.bytes;
    }
    const h = this.held.get(newest);
    if (h && total > this.budgetBytes) {
      h.index = Promise.resolve(null);
      h.bytes = 0;
    }
  }
}
