/**
 * The templates page's filters as they live in the URL
 * (`?verdict=…&cluster=…&table=…&rule=…&q=…&sort=…&order=…&page=…`), and
 * the API paths they turn into. The URL is the only state, so a link shares
 * exactly what one sees.
 */
export const PAGE_SIZE = 50;

export const FILTER_KEYS = ['verdict', 'cluster', 'table', 'rule'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const SORTS = ['impact', 'weight', 'cost-ratio', 'verdict', 'fingerprint', 'count', 'head-ms'] as const;
export type SortKey = (typeof SORTS)[number];

export interface TemplatesQuery {
  readonly filters: Readonly<Record<FilterKey, string>>;
  readonly q: string;
  readonly sort: SortKey;
  readonly order: 'asc' | 'desc';
  readonly page: number;
}

export function readQuery(params: URLSearchParams): TemplatesQuery {
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? (params.get('sort') as SortKey) : 'impact';
  return {
    filters: { verdict: params.get('verdict') ?? '', cluster: params.get('cluster') ?? '', table: params.get('table') ?? '', rule: params.get('rule') ?? '' },
    q: params.get('q') ?? '',
    sort,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: Math.max(0, Number(params.get('page') ?? 0) || 0),
  };
}

/** the filter part of the API query (shared by /outcomes and /facets) */
function filterParams(q: TemplatesQuery): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (q.filters[k]) p.set(k, q.filters[k]);
  if (q.q) p.set('q', q.q);
  return p;
}

export function outcomesPath(runId: string, q: TemplatesQuery): string {
  const p = filterParams(q);
  p.set('sort', q.sort);
  p.set('order', q.order);
  p.set('limit', String(PAGE_SIZE));
  p.set('offset', String(q.page * PAGE_SIZE));
  return `/api/runs/${encodeURIComponent(runId)}/outcomes?${p}`;
}

export function facetsPath(runId: string, q: TemplatesQuery): string {
  const p = filterParams(q).toString();
  return `/api/runs/${encodeURIComponent(runId)}/facets${p ? `?${p}` : ''}`;
}

/** a copy of the URL parameters with `changes` applied (empty string removes); any change but paging goes back to page 0 */
export function updateParams(params: URLSearchParams, changes: Record<string, string>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  if (!('page' in changes)) next.delete('page');
  return next;
}
