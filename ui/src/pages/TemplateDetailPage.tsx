/**
 * `/runs/:id/templates/:fp` — one template in one run: its (masked) SQL,
 * the verdict and why, approval, the plans side by side as trees (or the
 * text diff), the rules each build fired, the cluster, and what a flight
 * measured.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { TemplateDetail } from '../../../server/api-types.ts';
import { useApi, useMe } from '../api/hooks.ts';
import { ApproveButton } from '../components/ApproveDialog.tsx';
import { SqlView } from '../components/SqlView.tsx';
import { ErrorView, Loading } from '../components/States.tsx';
import { VerdictBadge } from '../components/VerdictBadge.tsx';
import { FlightPanel } from '../detail/FlightPanel.tsx';
import { RulesPanel } from '../detail/RulesPanel.tsx';
import { PlanDiff } from '../plan/PlanDiff.tsx';
import { fmtInt, fmtMs, fmtNum, fmtRatio, fmtWhen } from '../format.ts';

export default function TemplateDetailPage() {
  const { id = '', fp = '' } = useParams();
  // a fresh page per template: no data or approval state carried over from the last one
  return <TemplateDetail key={`${id}/${fp}`} id={id} fp={fp} />;
}

function TemplateDetail({ id, fp }: { id: string; fp: string }) {
  const runPath = `/runs/${encodeURIComponent(id)}`;
  const detail = useApi<TemplateDetail>(`/api${runPath}/templates/${encodeURIComponent(fp)}`);
  const me = useMe();
  const [justApproved, setJustApproved] = useState<{ by: string; why: string; at: string } | null>(null);

  if (detail.error && !detail.data) return <ErrorView error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading what={`template ${fp.slice(0, 12)}`} />;
  const { outcome, template, plans, cluster, flight, run } = detail.data;
  const approval = detail.data.approval ?? justApproved;
  const approvable = outcome.verdict !== 'identical' && outcome.headPlanHash !== null;

  return (
    <section className="detail">
      <nav className="crumbs" aria-label="breadcrumb">
        <Link to="/">Runs</Link> / <Link to={runPath}>{id}</Link> / <Link to={`${runPath}/templates`}>templates</Link> / <span className="mono">{fp.slice(0, 16)}</span>
      </nav>
      <header className="detail-head">
        <h1>
          <span className="mono">{fp.slice(0, 16)}</span> <VerdictBadge verdict={outcome.verdict} />
        </h1>
        <div className="approve-box" data-testid="approval">
          {approval || outcome.approved ? (
            <span className="approved" data-testid="approved">
              ✓ approved{approval ? ` by ${approval.by} ${fmtWhen(approval.at)}: “${approval.why}”` : ''}
            </span>
          ) : approvable ? (
            <ApproveButton
              me={me.data}
              request={{ run: id, fingerprint: outcome.fingerprint }}
              what={`template ${fp.slice(0, 12)}`}
              onApproved={(_, why) => {
                setJustApproved({ by: me.data?.name ?? 'you', why, at: new Date().toISOString() });
                detail.reload();
              }}
            />
          ) : null}
        </div>
      </header>
      <p className="reason-line">{outcome.reason}</p>
      <dl className="facts">
        <dt>Run</dt>
        <dd>
          {run.kind} <code>{run.baseSpec}</code> → <code>{run.headSpec}</code>
        </dd>
        <dt>Weight</dt>
        <dd>
          {fmtNum(outcome.weight)} ({fmtInt(outcome.count)} executions)
        </dd>
        <dt>Cost</dt>
        <dd>
          {fmtNum(outcome.baseCost)} → {fmtNum(outcome.headCost)} ({fmtRatio(outcome.costRatio)}){outcome.recost && <span className="muted small"> — {outcome.recost}</span>}
        </dd>
        <dt>Impact</dt>
        <dd>{fmtNum(outcome.impact)}</dd>
        <dt>Compile time</dt>
        <dd>
          {fmtMs(outcome.baseMs)} → {fmtMs(outcome.headMs)}
        </dd>
        {cluster && (
          <>
            <dt>Cluster</dt>
            <dd data-testid="cluster">
              <Link to={`${runPath}/templates?cluster=${encodeURIComponent(cluster.signature)}`}>{cluster.description}</Link> ({fmtInt(cluster.templates)} templates, impact {fmtNum(cluster.impact)})
            </dd>
          </>
        )}
        {template && (
          <>
            <dt>Seen</dt>
            <dd>
              {fmtInt(template.count)} times{template.errorCount ? `, ${fmtInt(template.errorCount)} failed` : ''} · users {template.users.slice(0, 5).join(', ') || '—'} · first at <code>{template.source}</code>
            </dd>
          </>
        )}
      </dl>
      {(outcome.baseError || outcome.headError) && (
        <div className="errors">
          {outcome.baseError && (
            <p className="error">
              base: <b>{outcome.baseError.code}</b> {outcome.baseError.message}
            </p>
          )}
          {outcome.headError && (
            <p className="error">
              head: <b>{outcome.headError.code}</b> {outcome.headError.message}
            </p>
          )}
        </div>
      )}

      <h2>SQL</h2>
      {template ? <SqlView text={template.sql} /> : <p className="muted">The template is not in the store.</p>}
      {template?.literals === 'hidden' && (
        <p className="muted" data-testid="literals-hidden">
          Literals hidden: this workload was imported without a masking policy, so its values are shown as ? here and blanked in plans and messages.
        </p>
      )}

      <h2>Plans</h2>
      <PlanDiff plans={plans} />

      <h2>Rules</h2>
      <RulesPanel outcome={outcome} />

      {flight && (
        <>
          <h2>Flight</h2>
          <FlightPanel flight={flight} />
        </>
      )}
    </section>
  );
}
