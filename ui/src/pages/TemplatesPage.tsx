/**
 * `/runs/:id/templates` — the run's outcomes as a table, filtered, sorted
 * and paged by the server. Facet dropdowns come from /facets (with counts),
 * the text search is debounced, and every control writes the URL.
 * Only the current page of rows is ever rendered.
 */
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { Facets, OutcomeSummary, Page } from '../../../server/api-types.ts';
import { useApi } from '../api/hooks.ts';
import { Pager } from '../components/Pager.tsx';
import { Empty, ErrorView, Loading } from '../components/States.tsx';
import { VerdictBadge } from '../components/VerdictBadge.tsx';
import { fmtInt, fmtMs, fmtNum, fmtRatio, shortFp } from '../format.ts';
import { FILTER_KEYS, PAGE_SIZE, facetsPath, outcomesPath, readQuery, updateParams, type FilterKey, type SortKey } from './templates-query.ts';

const COLUMNS: readonly { key: string; label: string; sort?: SortKey; num?: boolean }[] = [
  { key: 'fingerprint', label: 'Template', sort: 'fingerprint' },
  { key: 'verdict', label: 'Verdict', sort: 'verdict' },
  { key: 'reason', label: 'Why' },
  { key: 'weight', label: 'Weight', sort: 'weight', num: true },
  { key: 'count', label: 'Count', sort: 'count', num: true },
  { key: 'impact', label: 'Impact', sort: 'impact', num: true },
  { key: 'cost-ratio', label: 'Cost ratio', sort: 'cost-ratio', num: true },
  { key: 'head-ms', label: 'Base → head ms', sort: 'head-ms', num: true },
  { key: 'tables', label: 'Tables' },
];

const DEBOUNCE_MS = 250;

export function TemplatesPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const query = readQuery(params);
  const outcomes = useApi<Page<OutcomeSummary>>(outcomesPath(id, query));
  const facets = useApi<Facets>(facetsPath(id, query));
  const set = (changes: Record<string, string>) => setParams(updateParams(params, changes));

  const [text, setText] = useState(query.q);
  useEffect(() => setText(query.q), [query.q]);
  useEffect(() => {
    if (text === query.q) return;
    const t = setTimeout(() => setParams((p) => updateParams(p, { q: text }), { replace: true }), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, query.q, setParams]);

  const runPath = `/runs/${encodeURIComponent(id)}`;
  const anyFilter = FILTER_KEYS.some((k) => query.filters[k]) || query.q;
  return (
    <section>
      <nav className="crumbs" aria-label="breadcrumb">
        <Link to="/">Runs</Link> / <Link to={runPath}>{id}</Link> / templates
      </nav>
      <h1>Templates</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()} data-testid="template-filters">
        {FILTER_KEYS.map((k) => (
          <FacetSelect key={k} name={k} value={query.filters[k]} options={facets.data?.[k] ?? []} onChange={(v) => set({ [k]: v })} />
        ))}
        <label className="filter-search">
          Search
          <input type="search" value={text} placeholder="SQL, fingerprint or reason" onChange={(e) => setText(e.target.value)} data-testid="filter-q" />
        </label>
        {anyFilter && (
          <button type="button" onClick={() => setParams(new URLSearchParams(query.sort !== 'impact' || query.order !== 'desc' ? { sort: query.sort, order: query.order } : {}))} data-testid="filter-clear">
            Clear filters
          </button>
        )}
      </form>
      {outcomes.error && <ErrorView error={outcomes.error} onRetry={outcomes.reload} />}
      {!outcomes.data && outcomes.loading && <Loading what="templates" />}
      {outcomes.data && (
        <>
          <div className={`table-wrap${outcomes.loading ? ' stale' : ''}`} aria-busy={outcomes.loading}>
            <table className="grid" data-testid="templates-table" data-total={outcomes.data.total}>
              <thead>
                <tr>
                  {COLUMNS.map((c) => {
                    const active = c.sort === query.sort;
                    return (
                      <th key={c.key} scope="col" className={c.num ? 'num' : undefined} aria-sort={active ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                        {c.sort ? (
                          <button type="button" className="sort" onClick={() => set({ sort: c.sort!, order: active && query.order === 'desc' ? 'asc' : 'desc' })} data-testid={`sort-${c.sort}`}>
                            {c.label}
                            <span aria-hidden="true">{active ? (query.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                          </button>
                        ) : (
                          c.label
                        )}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {outcomes.data.rows.map((o) => (
                  <tr key={o.fingerprint} data-testid="template-row" data-fingerprint={o.fingerprint} data-verdict={o.verdict}>
                    <td className="mono">
                      <Link to={`${runPath}/templates/${encodeURIComponent(o.fingerprint)}`} title={o.sql}>
                        {shortFp(o.fingerprint)}
                      </Link>
                      <div className="sql-snippet" title={o.sql}>
                        {o.sql}
                      </div>
                    </td>
                    <td>
                      <VerdictBadge verdict={o.verdict} />
                      {o.approved && (
                        <span className="approved" title="approved">
                          ✓
                        </span>
                      )}
                    </td>
                    <td className="reason" title={o.reason}>
                      {o.reason}
                    </td>
                    <td className="num">{fmtNum(o.weight)}</td>
                    <td className="num">{fmtInt(o.count)}</td>
                    <td className="num">{fmtNum(o.impact)}</td>
                    <td className="num">{fmtRatio(o.costRatio)}</td>
                    <td className="num nowrap">
                      {fmtMs(o.baseMs)} → {fmtMs(o.headMs)}
                    </td>
                    <td className="tables">{o.tables.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {outcomes.data.total === 0 && <Empty>{anyFilter ? 'No template matches these filters.' : 'This run has no outcomes yet.'}</Empty>}
          <Pager offset={query.page * PAGE_SIZE} limit={PAGE_SIZE} total={outcomes.data.total} onPage={(o) => set({ page: o ? String(o / PAGE_SIZE) : '' })} testid="templates-pager" />
        </>
      )}
    </section>
  );
}

function FacetSelect({ name, value, options, onChange }: { name: FilterKey; value: string; options: readonly { value: string; count: number }[]; onChange: (v: string) => void }) {
  const known = options.some((o) => o.value === value);
  return (
    <label>
      {name}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={`filter-${name}`}>
        <option value="">all</option>
        {value && !known && <option value={value}>{value.length > 40 ? `${value.slice(0, 39)}…` : value}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value.length > 40 ? `${o.value.slice(0, 39)}…` : o.value} ({fmtInt(o.count)})
          </option>
        ))}
      </select>
    </label>
  );
}
