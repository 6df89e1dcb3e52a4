/**
 * What a flight measured for one template: the result check (with the
 * differing columns and sample rows of a mismatch — snapshot values only,
 * masked by construction), the timing against the A/A noise band, the
 * operator that changed most, and the cross-check against DuckDB.
 */
import { memo } from 'react';
import type { FlightResultRecord } from '../../../store/records.ts';
import { TimingChart } from '../charts/TimingChart.tsx';
import { fmtInt, fmtMs, fmtNum, fmtRatio } from '../format.ts';

interface Mismatch {
  readonly against?: string;
  readonly columns?: readonly string[];
  readonly rowCountDelta?: number;
  readonly sampleRowsHidden?: string;
  readonly sampleRows?: readonly { readonly side: 'base' | 'head'; readonly position: number; readonly row: readonly (string | number | null)[] }[];
  readonly orderOnly?: boolean;
  readonly reason?: string;
  readonly columnTypeChanges?: readonly { readonly name: string; readonly base: string; readonly head: string }[];
}

interface OperatorChange {
  readonly name?: string;
  readonly description?: string;
  readonly baseTimeMs?: number;
  readonly headTimeMs?: number;
  readonly baseRows?: number;
  readonly headRows?: number;
}

function operatorOf(x: unknown): OperatorChange | null {
  if (!x || typeof x !== 'object') return null;
  const r = x as { byTime?: OperatorChange | null; byRows?: OperatorChange | null } & OperatorChange;
  return r.byTime ?? r.byRows ?? (r.name ? r : null);
}

export const FlightPanel = memo(function FlightPanel({ flight }: { flight: FlightResultRecord }) {
  const m = (flight.mismatch ?? null) as Mismatch | null;
  const op = operatorOf(flight.operatorChange);
  return (
    <div className="flight" data-testid="flight">
      <div className="flight-facts">
        <dl>
          <dt>Result check</dt>
          <dd>
            <span className={`status ${flight.correctness === 'same' ? 'status-done' : flight.correctness === 'result-mismatch' ? 'status-failed' : ''}`} data-testid="flight-correctness">
              {flight.correctness}
            </span>{' '}
            {flight.detail}
          </dd>
          <dt>Rows</dt>
          <dd>
            base {fmtInt(flight.baseRows)} · head {fmtInt(flight.headRows)}
            {flight.emptyBoth && <span className="warn"> · both empty: the data cannot show a difference</span>}
          </dd>
          <dt>Execution</dt>
          <dd>
            base {flight.baseExec} · head {flight.headExec}
          </dd>
          <dt>Performance</dt>
          <dd>
            <b>{flight.performance}</b> {fmtRatio(flight.ratio)} (interval {fmtRatio(flight.ratioLow)}–{fmtRatio(flight.ratioHigh)}, A/A noise{' '}
            {flight.noise === null ? '—' : `±${(flight.noise * 100).toFixed(1)}%`}, p {fmtNum(flight.pValue)}) · medians {fmtMs(flight.baseMs)} → {fmtMs(flight.headMs)}
          </dd>
          {op && (
            <>
              <dt>Changed most</dt>
              <dd>
                {op.description ?? op.name} {op.baseTimeMs !== undefined && `(${fmtMs(op.baseTimeMs)} → ${fmtMs(op.headTimeMs)}, rows ${fmtInt(op.baseRows)} → ${fmtInt(op.headRows)})`}
              </dd>
            </>
          )}
          {flight.crossCheck && (
            <>
              <dt>Cross-check</dt>
              <dd data-testid="cross-check">{flight.crossCheck}</dd>
            </>
          )}
        </dl>
        {flight.ratio !== null && <TimingChart flight={flight} />}
      </div>
      {m && <MismatchView m={m} />}
    </div>
  );
});

function MismatchView({ m }: { m: Mismatch }) {
  const against = m.against === 'original' ? 'original SQL' : 'base';
  const width = Math.max(0, ...(m.sampleRows ?? []).map((s) => s.row.length));
  return (
    <div className="mismatch" data-testid="mismatch">
      <h3>Result mismatch (head vs {against})</h3>
      <p>
        {m.columns?.length ? (
          <>
            Differing columns:{' '}
            {m.columns.map((c) => (
              <code key={c} className="diff-col">
                {c}
              </code>
            ))}
          </>
        ) : m.orderOnly ? (
          'Same rows, different order.'
        ) : (
          'The column count differs.'
        )}
        {m.rowCountDelta !== undefined && m.rowCountDelta !== 0 && ` · head has ${m.rowCountDelta > 0 ? '+' : ''}${m.rowCountDelta} rows`}
      </p>
      {m.columnTypeChanges?.length ? <p>Types changed: {m.columnTypeChanges.map((c) => `${c.name} ${c.base} → ${c.head}`).join(', ')}</p> : null}
      {m.sampleRowsHidden && <p className="muted">Sample rows not shown: {m.sampleRowsHidden}.</p>}
      {m.sampleRows?.length ? (
        <div className="table-wrap">
          <table className="grid compact mono" data-testid="mismatch-rows">
            <caption>Sample rows found on one side only (snapshot values)</caption>
            <thead>
              <tr>
                <th scope="col">side</th>
                <th scope="col" className="num">#</th>
                {Array.from({ length: width }, (_, i) => (
                  <th key={i} scope="col">
                    col {i + 1}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {m.sampleRows.map((s, i) => (
                <tr key={i} className={s.side === 'base' ? 'td-del' : 'td-add'}>
                  <td>{s.side === 'base' ? `− ${against}` : '+ head'}</td>
                  <td className="num">{s.position}</td>
                  {s.row.map((v, j) => (
                    <td key={j}>{v === null ? <span className="muted">NULL</span> : String(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
