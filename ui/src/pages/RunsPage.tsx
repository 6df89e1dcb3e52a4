/**
 * `/` — every run, newest first, paged (`?page=`): status (a live progress
 * bar from /api/events while running), kind, builds, workload, verdict
 * counts, duration, created. `?kind=` and `?status=` filter it.
 */
import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Page, RunSummary } from '../../../server/api-types.ts';
import { withQuery } from '../api/client.ts';
import { useRunProgress } from '../api/events.ts';
import { useApi } from '../api/hooks.ts';
import { Pager } from '../components/Pager.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { Empty, ErrorView, Loading } from '../components/States.tsx';
import { VerdictBadges } from '../components/VerdictBadge.tsx';
import { fmtDuration, fmtWhen } from '../format.ts';

const LIMIT = 25;

export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? '';
  const runs = useApi<Page<RunSummary>>(withQuery('/api/runs', { limit: LIMIT, offset: page * LIMIT, kind, status }));
  const setFilter = (key: 'kind' | 'status', value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      next.delete('page');
      return next;
    });
  const listed = useMemo(() => (runs.data?.rows ?? []).map((r) => r.id), [runs.data]);
  const { reload } = runs;
  const onChange = useCallback(() => reload(), [reload]);
  const progress = useRunProgress(listed, onChange);

  return (
    <section>
      <h1>Runs</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="filter runs">
        <label>
          kind
          <select value={kind} onChange={(e) => setFilter('kind', e.target.value)} data-testid="runs-filter-kind">
            <option value="">all</option>
            <option value="playback">playback</option>
            <option value="flight">flight</option>
          </select>
        </label>
        <label>
          status
          <select value={status} onChange={(e) => setFilter('status', e.target.value)} data-testid="runs-filter-status">
            <option value="">all</option>
            <option value="running">running</option>
            <option value="done">done</option>
            <option value="failed">failed</option>
          </select>
        </label>
      </form>
      {runs.error && <ErrorView error={runs.error} onRetry={runs.reload} />}
      {!runs.data && runs.loading && <Loading what="runs" />}
      {runs.data && runs.data.total === 0 && (kind || status) && <Empty>No {status} {kind || 'run'}s.</Empty>}
      {runs.data && runs.data.total === 0 && !kind && !status && (
        <Empty>
          No runs yet — run <code>flightdeck playback --workload … --base … --head …</code> (or <code>npm run demo</code>) and it shows up here.
        </Empty>
      )}
      {runs.data && runs.data.total > 0 && (
        <>
          <div className="table-wrap">
            <table className="grid" data-testid="runs-table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Builds (base → head)</th>
                  <th scope="col">Workload</th>
                  <th scope="col">Verdicts</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.rows.map((r) => {
                  const live = progress.get(r.id);
                  const status = live?.status ?? r.status;
                  return (
                    <tr key={r.id} data-testid="run-row" data-run={r.id} data-status={status}>
                      <td className="mono">
                        <Link to={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                      </td>
                      <td>
                        <span className={`status status-${status}`}>{status}</span>
                        {status === 'running' && <ProgressBar done={live?.done ?? r.done} total={live?.total ?? r.total} label={`run ${r.id} progress`} />}
                        {r.error && (
                          <div className="error small" title={r.error}>
                            {r.error.slice(0, 120)}
                          </div>
                        )}
                      </td>
                      <td>{r.kind}</td>
                      <td className="builds">
                        <Build side="base" spec={r.baseSpec} description={r.baseDescription} />
                        <Build side="head" spec={r.headSpec} description={r.headDescription} />
                      </td>
                      <td>{r.workload}</td>
                      <td>
                        <VerdictBadges verdicts={live?.verdicts ?? r.verdicts} />
                      </td>
                      <td className="num">{fmtDuration(r.durationMs)}</td>
                      <td className="nowrap">{fmtWhen(r.createdAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager offset={page * LIMIT} limit={LIMIT} total={runs.data.total} onPage={(o) =>
              setParams((p) => {
                const next = new URLSearchParams(p);
                if (o) next.set('page', String(o / LIMIT));
                else next.delete('page');
                return next;
              })
            } testid="runs-pager" />
        </>
      )}
    </section>
  );
}

function Build({ side, spec, description }: { side: 'base' | 'head'; spec: string; description: string | null }) {
  return (
    <div className="build" title={description ? `${spec}: ${description}` : spec}>
      <span className="muted small">{side === 'base' ? 'base' : '→ head'}</span> <code>{spec}</code>
      {description && <span className="muted small"> — {description}</span>}
    </div>
  );
}
