/**
 * `/runs/:id` — one run at a glance: counts by verdict with weight and
 * weighted impact, the charts (cost ratios, latency, clusters), the change
 * clusters with "Approve cluster", the top regressions and every result
 * mismatch.
 */
import { useCallback } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { RunOverview } from '../../../server/api-types.ts';
import type { ClusterRecord } from '../../../store/records.ts';
import { useRunProgress } from '../api/events.ts';
import { useApi, useMe } from '../api/hooks.ts';
import { ApproveButton } from '../components/ApproveDialog.tsx';
import { OutcomeList } from '../components/OutcomeList.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ErrorView, Loading } from '../components/States.tsx';
import { VerdictBadge } from '../components/VerdictBadge.tsx';
import { ClusterChart } from '../charts/ClusterChart.tsx';
import { CostRatioChart } from '../charts/CostRatioChart.tsx';
import { LatencyChart } from '../charts/LatencyChart.tsx';
import { fmtDuration, fmtInt, fmtNum, fmtWhen } from '../format.ts';
import { verdictRank } from '../verdicts.ts';

export default function RunOverviewPage() {
  const { id = '' } = useParams();
  // a fresh page per run: no data carried over from the last one
  return <RunOverview key={id} id={id} />;
}

function RunOverview({ id }: { id: string }) {
  const navigate = useNavigate();
  const runPath = `/runs/${encodeURIComponent(id)}`;
  const overview = useApi<RunOverview>(`/api${runPath}`);
  const me = useMe();
  const { reload } = overview;
  // this run's own progress and end, streamed only while it runs; other runs' news is not this page's
  const onChange = useCallback((runId: string) => runId === id && reload(), [reload, id]);
  const progress = useRunProgress([id], onChange, { run: id, live: overview.data?.run.status === 'running' });

  if (overview.error && !overview.data) return <ErrorView error={overview.error} onRetry={overview.reload} />;
  if (!overview.data) return <Loading what={`run ${id}`} />;
  const { run, clusters, costRatios, latency, topRegressions, mismatches } = overview.data;
  const live = progress.get(id);
  const verdicts = (live?.verdicts ?? run.verdicts).toSorted((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict));
  const totalWeight = verdicts.reduce((s, v) => s + v.weight, 0);
  const openTemplates = (query: Record<string, string>) => navigate(`${runPath}/templates?${new URLSearchParams(query)}`);

  return (
    <section className="overview">
      <nav className="crumbs" aria-label="breadcrumb">
        <Link to="/">Runs</Link> / <span className="mono">{run.id}</span>
      </nav>
      <h1>
        {run.kind} <span className="mono">{run.id}</span> <span className={`status status-${live?.status ?? run.status}`}>{live?.status ?? run.status}</span>
      </h1>
      <p className="run-meta">
        <code>{run.baseSpec}</code> → <code>{run.headSpec}</code> · workload <b>{run.workload}</b> · {fmtInt(run.total)} templates · created {fmtWhen(run.createdAt)} · took {fmtDuration(run.durationMs)} ·{' '}
        <Link to={`${runPath}/templates`}>all templates →</Link>
      </p>
      {(live?.status ?? run.status) === 'running' && <ProgressBar done={live?.done ?? run.done} total={live?.total ?? run.total} label="run progress" />}
      {run.error && (
        <p className="error" role="alert">
          {run.error}
        </p>
      )}

      <div className="overview-grid">
        <div className="panel">
          <h2>Verdicts</h2>
          <table className="grid compact" data-testid="verdict-table">
            <thead>
              <tr>
                <th scope="col">Verdict</th>
                <th scope="col" className="num">Templates</th>
                <th scope="col" className="num">Weight</th>
                <th scope="col" className="num">Weighted impact</th>
              </tr>
            </thead>
            <tbody>
              {verdicts.map((v) => (
                <tr key={v.verdict}>
                  <td>
                    <Link to={`${runPath}/templates?verdict=${encodeURIComponent(v.verdict)}`} className="plain">
                      <VerdictBadge verdict={v.verdict} />
                    </Link>
                  </td>
                  <td className="num">{fmtInt(v.count)}</td>
                  <td className="num">
                    {fmtNum(v.weight)} <span className="muted small">{totalWeight ? `${((v.weight / totalWeight) * 100).toFixed(1)}%` : ''}</span>
                  </td>
                  <td className="num">{fmtNum(v.impact)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="panel">
          <CostRatioChart ratios={costRatios} />
        </div>
        <div className="panel">
          <LatencyChart points={latency} onOpen={(fp) => navigate(`${runPath}/templates/${encodeURIComponent(fp)}`)} />
        </div>
        <div className="panel">
          <ClusterChart clusters={clusters} onOpen={(sig) => openTemplates({ cluster: sig })} />
        </div>
      </div>

      <h2>Change clusters</h2>
      <ClusterTable runId={id} clusters={clusters} me={me.data} onApproved={overview.reload} />

      <h2>Top regressions</h2>
      <OutcomeList runId={id} rows={topRegressions} empty="No regressions, new errors, crashes or timeouts." testid="top-regressions" />

      <h2>Result mismatches</h2>
      <OutcomeList runId={id} rows={mismatches} empty={run.kind === 'flight' ? 'Every compared result matched.' : 'Results are compared by flights; this is a playback.'} testid="mismatches" />
    </section>
  );
}

function ClusterTable({ runId, clusters, me, onApproved }: { runId: string; clusters: readonly ClusterRecord[]; me: ReturnType<typeof useMe>['data']; onApproved: () => void }) {
  if (!clusters.length) return <p className="muted">No plan changed.</p>;
  const runPath = `/runs/${encodeURIComponent(runId)}`;
  return (
    <div className="table-wrap">
      <table className="grid compact" data-testid="clusters-table">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Verdicts</th>
            <th scope="col" className="num">Templates</th>
            <th scope="col" className="num">Weight</th>
            <th scope="col" className="num">Impact</th>
            <th scope="col">Example</th>
            <th scope="col">Approve</th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((c) => (
            <tr key={c.signature} data-testid="cluster-row" data-cluster={c.signature}>
              <td>
                <Link to={`${runPath}/templates?cluster=${encodeURIComponent(c.signature)}`}>{c.description}</Link>
              </td>
              <td>
                <span className="badges">
                  {Object.entries(c.verdicts).map(([v, n]) => (
                    <VerdictBadge key={v} verdict={v} count={n} />
                  ))}
                </span>
              </td>
              <td className="num">{fmtInt(c.templates)}</td>
              <td className="num">{fmtNum(c.weight)}</td>
              <td className="num">{fmtNum(c.impact)}</td>
              <td className="mono">
                <Link to={`${runPath}/templates/${encodeURIComponent(c.example)}`}>{c.example.slice(0, 12)}</Link>
              </td>
              <td>
                <ApproveButton me={me} request={{ run: runId, cluster: c.signature }} what={`cluster “${c.description}” (${c.templates} templates)`} label="Approve cluster" onApproved={onApproved} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
