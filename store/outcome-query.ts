/**
 * The queries the dashboard asks of a run's outcomes: one page of them,
 * filtered and sorted, and the counts behind its filters. Every value a user
 * types travels as a bound parameter; the only words spliced into SQL are
 * the sort column and direction, and those come from the closed lists below.
 */

/** sortable columns: the API name → the outcomes column */
export const OUTCOME_SORTS = {
  weight: 'o.weight',
  impact: 'o.impact',
  'cost-ratio': 'o.cost_ratio',
  verdict: 'o.verdict',
  fingerprint: 'o.fingerprint',
  count: 'o.count',
  'head-ms': 'o.head_ms',
} as const;

export type OutcomeSort = keyof typeof OUTCOME_SORTS;

export const FACETS = ['verdict', 'cluster', 'table', 'rule'] as const;
export type Facet = (typeof FACETS)[number];

/** the largest page a caller can ask for */
export const MAX_PAGE = 500;

export interface OutcomeQuery {
  readonly runId: string;
  /** any of these verdicts */
  readonly verdicts?: readonly string[];
  /** change cluster: the outcomes' change signature */
  readonly cluster?: string;
  /** a table either plan scans */
  readonly table?: string;
  /** a rule id fired by either build */
  readonly rule?: string;
  /** case-insensitive substring of the template's shown text (see OutcomeSummary.sql), its fingerprint or the verdict's reason */
  readonly text?: string;
  readonly sort?: OutcomeSort;
  readonly order?: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

/** one row of the templates table: an outcome without its plans */
export interface OutcomeSummary {
  readonly fingerprint: string;
  readonly verdict: string;
  readonly reason: string;
  readonly weight: number;
  readonly count: number;
  readonly impact: number | null;
  readonly costRatio: number | null;
  readonly baseMs: number | null;
  readonly headMs: number | null;
  readonly signature: string | null;
  readonly approved: boolean;
  readonly tables: readonly string[];
  /** the template's SQL when its workload was masked at import, else its normalized text (literals as `?`), cut to 240 characters */
  readonly sql: string;
}

/** an outcome as an in-memory index keeps it (outcome-index.ts): a page row without its text, with the rules either build fired */
export interface OutcomeIndexRow extends OutcomeSummary {
  readonly rules: readonly string[];
}

export interface OutcomePage {
  /** outcomes matching the filters (all pages) */
  readonly total: number;
  readonly rows: readonly OutcomeSummary[];
}

export interface FacetCount {
  readonly value: string;
  readonly count: number;
  readonly weight: number;
}

/** per verdict: how many templates, their weight and their summed impact */
export interface VerdictCount {
  readonly verdict: string;
  readonly count: number;
  readonly weight: number;
  readonly impact: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly target: string;
  readonly why: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * Lower case as the stores' `lower()` gives it (DuckDB; PostgreSQL under a
 * UTF-8 ctype): one code point at a time. JavaScript's toLowerCase has two
 * rules beyond that — a final Σ becomes ς, and İ becomes i plus a combining
 * dot — so a search lower-cased by it would find other rows than the store's.
 */
export function lowerLikeSql(text: string): string {
  const lower = text.toLowerCase();
  if (!/[\u0130\u03a3]/.test(text)) return lower;
  let out = '';
  for (const ch of text) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}
