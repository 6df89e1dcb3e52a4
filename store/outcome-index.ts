/**
 * A finished run's outcomes, held in memory and answering the dashboard's
 * queries (outcome-queries.ts) with the same answers: the same filters,
 * the same order (the sort key, NULLS LAST, then the fingerprint), the same
 * counts and facets.
 *
 * Why: a page of a 100,000-outcome run costs a filter, a count and a sort
 * over the whole run on the store — 0.2–0.6 s on PostgreSQL under load, and
 * one statement at a time on DuckDB — while a finished run's outcomes never
 * change but for approvals. Here a sort is computed once per sort key and a
 * filter once per filter (both kept), so a page is a walk over at most the
 * run's rows in memory. What is kept is narrow: the columns of a page row,
 * the rules fired, and the searchable text as one lower-cased UTF-8 buffer
 * (the shown text of a page's rows is read from the store for those rows).
 *
 * A text search matches what the store's does: the term, lower-cased, as a
 * substring of the lower-cased fingerprint, reason or template text (the
 * workload's SQL when it was masked at import, else its normalized text).
 */
import { lowerLikeSql, MAX_PAGE, type Facet, type FacetCount, type OutcomeIndexRow, type OutcomeQuery, type OutcomeSort, type OutcomeSummary } from './outcome-query.ts';
import { clamp, type OutcomeFilter, type RunWorkload } from './outcome-queries.ts';

/** how the index reads its run: slices in fingerprint order (the store's keyset reads) */
export interface OutcomeIndexSource {
  readonly workload: RunWorkload;
  outcomes(after: string | null, limit: number): Promise<readonly OutcomeIndexRow[]>;
  texts(after: string | null, limit: number): Promise<readonly { fingerprint: string; text: string }[]>;
}

const SLICE = 50_000;
/** filters and text searches kept per index (a dashboard's readers ask for a few at a time) */
const KEPT_MASKS = 64;

type Row = Omit<OutcomeIndexRow, 'approved' | 'sql'>;

export class OutcomeIndex {
  private readonly approved: Uint8Array;
  private readonly orders = new Map<string, Uint32Array>();
  private readonly masks = new Map<string, { readonly mask: Uint8Array; readonly total: number }>();
  private readonly textHits = new Map<string, Uint8Array>();

  private constructor(
    readonly workload: RunWorkload,
    private readonly rows: readonly Row[],
    approved: readonly boolean[],
    /** lower(fingerprint) \0 lower(reason) \0 lower(text) \0, row after row */
    private readonly search: Buffer,
    private readonly starts: Uint32Array,
    /** fingerprint → row */
    private readonly byFp: ReadonlyMap<string, number>,
  ) {
    this.approved = Uint8Array.from(approved, (a) => (a ? 1 : 0));
  }

  /** read a run's outcomes and its templates' text, slice by slice */
  static async load(source: OutcomeIndexSource): Promise<OutcomeIndex> {
    const rows: Row[] = [];
    const approved: boolean[] = [];
    for (let after: string | null = null; ; ) {
      const slice = await source.outcomes(after, SLICE);
      for (const { approved: a, sql: _sql, ...row } of slice) {
        rows.push(row);
        approved.push(a);
      }
      if (slice.length < SLICE) break;
      after = slice.at(-1)!.fingerprint;
    }
    const byFp = new Map<string, number>();
    rows.forEach((r, i) => byFp.set(r.fingerprint, i));
    // the texts of the workload's templates; those of templates not in the run are skipped
    const texts = Array.from<string | undefined>({ length: rows.length });
    for (let after: string | null = null; ; ) {
      const slice = await source.texts(after, SLICE);
      for (const t of slice) {
        const i = byFp.get(t.fingerprint);
        if (i !== undefined) texts[i] = lowerLikeSql(t.text);
      }
      if (slice.length < SLICE) break;
      after = slice.at(-1)!.fingerprint;
    }
    const parts: Buffer[] = [];
    const starts = new Uint32Array(rows.length + 1);
    let at = 0;
    rows.forEach((row, i) => {
      const b = Buffer.from(`${lowerLikeSql(row.fingerprint)}\u0000${lowerLikeSql(row.reason)}\u0000${texts[i] ?? ''}\u0000`, 'utf8');
      texts[i] = undefined;
      starts[i] = at;
      parts.push(b);
      at += b.length;
    });
    starts[rows.length] = at;
    return new OutcomeIndex(source.workload, rows, approved, Buffer.concat(parts, at), starts, byFp);
  }

  /**
   * What an outcome costs held, at least: its row (~500 bytes of heap at
   * 20,000–100,000 outcomes), its place in the kept sorts and filters, and
   * some text. A budget counts `bytes`; a run whose outcomes alone would
   * exceed it at this rate is not read at all.
   */
  static readonly BYTES_PER_OUTCOME = 640;

  /** bytes held, roughly (what a budget of indexes counts) */
  get bytes(): number {
    return this.search.length + this.rows.length * OutcomeIndex.BYTES_PER_OUTCOME;
  }

  /** the run's approved outcomes changed (an approval): mark exactly these */
  setApproved(fingerprints: Iterable<string>): void {
    this.approved.fill(0);
    for (const fp of fingerprints) {
      const i = this.byFp.get(fp);
      if (i !== undefined) this.approved[i] = 1;
    }
  }

  /** one page, as the store's queryOutcomes answers it, but each row's `sql` empty (the caller reads the page's texts) */
  page(q: OutcomeQuery): { total: number; rows: OutcomeSummary[] } {
    const { mask, total } = this.filter(q);
    const order = this.order(q.sort ?? 'weight', q.order === 'asc' ? 'asc' : 'desc');
    const limit = clamp(q.limit, MAX_PAGE);
    const offset = clamp(q.offset);
    const out: OutcomeSummary[] = [];
    if (limit === 0 || offset >= total) return { total, rows: out };
    let seen = 0;
    for (let k = 0; k < order.length && out.length < limit; k++) {
      const i = order[k]!;
      if (!mask[i]) continue;
      if (seen++ >= offset) {
        const { rules: _rules, ...row } = this.rows[i]!;
        out.push({ ...row, approved: this.approved[i] === 1, sql: '' });
      }
    }
    return { total, rows: out };
  }

  /** the counts behind one filter, under the others: as the store's outcomeFacet */
  facet(facet: Facet, q: OutcomeFilter): FacetCount[] {
    const { mask } = this.filter(q);
    // weights summed with Neumaier's compensation: sixths of a run add up to one, not 0.9999999999999999
    const acc = new Map<string, { count: number; weight: number; carry: number }>();
    const add = (value: string | null, weight: number) => {
      if (value === null) return;
      const a = acc.get(value);
      if (!a) return void acc.set(value, { count: 1, weight, carry: 0 });
      a.count++;
      const t = a.weight + weight;
      a.carry += Math.abs(a.weight) >= Math.abs(weight) ? a.weight - t + weight : weight - t + a.weight;
      a.weight = t;
    };
    for (let i = 0; i < this.rows.length; i++) {
      if (!mask[i]) continue;
      const r = this.rows[i]!;
      if (facet === 'verdict') add(r.verdict, r.weight);
      else if (facet === 'cluster') add(r.signature, r.weight);
      else for (const v of facet === 'table' ? r.tables : r.rules) add(v, r.weight);
    }
    return [...acc]
      .map(([value, a]) => ({ value, count: a.count, weight: a.weight + a.carry }))
      .sort((a, b) => b.count - a.count || cmp(a.value, b.value))
      .slice(0, 200);
  }

  /** which rows pass the filter (kept for the next pages and sorts) */
  private filter(q: OutcomeFilter): { mask: Uint8Array; total: number } {
    const key = JSON.stringify([q.verdicts ?? null, q.cluster ?? null, q.table ?? null, q.rule ?? null, q.text ?? null]);
    const kept = this.masks.get(key);
    if (kept) {
      this.masks.delete(key);
      this.masks.set(key, kept);
      return kept;
    }
    const verdicts = q.verdicts?.length ? new Set(q.verdicts) : null;
    const text = q.text ? this.textMatches(q.text) : null;
    const mask = new Uint8Array(this.rows.length);
    let total = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i]!;
      if (verdicts && !verdicts.has(r.verdict)) continue;
      if (q.cluster && r.signature !== q.cluster) continue;
      if (q.table && !r.tables.includes(q.table)) continue;
      if (q.rule && !r.rules.includes(q.rule)) continue;
      if (text && !text[i]) continue;
      mask[i] = 1;
      total++;
    }
    const value = { mask, total };
    this.masks.set(key, value);
    if (this.masks.size > KEPT_MASKS) this.masks.delete(this.masks.keys().next().value!);
    return value;
  }

  /** rows whose fingerprint, reason or text holds the term, ignoring case: one scan of the buffer (memchr-fast), hit by hit */
  private textMatches(term: string): Uint8Array {
    const lower = lowerLikeSql(term);
    const kept = this.textHits.get(lower);
    if (kept) return kept;
    const hits = new Uint8Array(this.rows.length);
    // the separator cannot be searched for (and PostgreSQL text cannot hold it)
    if (!lower.includes('\u0000')) {
      const needle = Buffer.from(lower, 'utf8');
      let pos = 0;
      while ((pos = this.search.indexOf(needle, pos)) !== -1) {
        const row = this.rowAt(pos);
        hits[row] = 1;
        pos = this.starts[row + 1]!;
      }
    }
    this.textHits.set(lower, hits);
    if (this.textHits.size > KEPT_MASKS) this.textHits.delete(this.textHits.keys().next().value!);
    return hits;
  }

  /** the row whose bytes hold buffer position `pos` */
  private rowAt(pos: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** the rows in a sort's order: the key (NULLS LAST either way), then the fingerprint ascending */
  private order(sort: OutcomeSort, dir: 'asc' | 'desc'): Uint32Array {
    const key = `${sort} ${dir}`;
    const kept = this.orders.get(key);
    if (kept) return kept;
    const rows = this.rows;
    const ids = new Uint32Array(rows.length);
    for (let i = 0; i < ids.length; i++) ids[i] = i;
    const sign = dir === 'asc' ? 1 : -1;
    const byFp = (a: number, b: number) => cmp(rows[a]!.fingerprint, rows[b]!.fingerprint);
    let compare: (a: number, b: number) => number;
    if (sort === 'verdict' || sort === 'fingerprint') {
      const text = (i: number) => rows[i]![sort];
      compare = (a, b) => sign * cmp(text(a), text(b)) || byFp(a, b);
    } else {
      const field = ({ weight: 'weight', impact: 'impact', 'cost-ratio': 'costRatio', count: 'count', 'head-ms': 'headMs' } as const)[sort];
      const values = Float64Array.from(rows, (r) => (r[field] === null ? Number.NaN : r[field]));
      compare = (a, b) => {
        const x = values[a]!;
        const y = values[b]!;
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? byFp(a, b) : Number.isNaN(x) ? 1 : -1;
        return x === y ? byFp(a, b) : sign * (x < y ? -1 : 1);
      };
    }
    ids.sort(compare);
    this.orders.set(key, ids);
    return ids;
  }
}

/**
 * UTF-16 order — code-point order but for characters past U+FFFF — as the
 * store compares text: DuckDB's binary collation, and PostgreSQL's under a
 * C.UTF-8 database collation. (Under a language collation PostgreSQL orders
 * a running run's verdicts and facet ties, which the store answers, its own
 * way; under a C ctype its lower() folds ASCII only. Verdicts, fingerprints
 * and rule ids are ASCII.)
 */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
