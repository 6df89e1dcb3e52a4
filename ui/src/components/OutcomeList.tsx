/** A short table of outcomes (top regressions, mismatches) linking each to its template. */
import { Link } from 'react-router';
import type { OutcomeSummary } from '../../../server/api-types.ts';
import { fmtNum, fmtRatio, shortFp } from '../format.ts';
import { VerdictBadge } from './VerdictBadge.tsx';

export function OutcomeList({ runId, rows, empty, testid }: { runId: string; rows: readonly OutcomeSummary[]; empty: string; testid: string }) {
  if (!rows.length) return <p className="muted" data-testid={testid}>{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="grid compact" data-testid={testid}>
        <thead>
          <tr>
            <th scope="col">Template</th>
            <th scope="col">Verdict</th>
            <th scope="col">Why</th>
            <th scope="col" className="num">Weight</th>
            <th scope="col" className="num">Impact</th>
            <th scope="col" className="num">Cost ratio</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={o.fingerprint}>
              <td className="mono">
                <Link to={`/runs/${encodeURIComponent(runId)}/templates/${encodeURIComponent(o.fingerprint)}`} title={o.sql}>
                  {shortFp(o.fingerprint)}
                </Link>
              </td>
              <td>
                <VerdictBadge verdict={o.verdict} />
                {o.approved && <span className="approved" title="approved">✓ approved</span>}
              </td>
              <td className="reason" title={o.reason}>
                {o.reason}
              </td>
              <td className="num">{fmtNum(o.weight)}</td>
              <td className="num">{fmtNum(o.impact)}</td>
              <td className="num">{fmtRatio(o.costRatio)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
