/**
 * Base vs head latency of every flown template: a log-log scatter, one
 * point per template coloured by verdict tone, with the y = x line (points
 * above it got slower). Clicking a point opens its template.
 */
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LatencyPoint } from '../../../server/api-types.ts';
import { fmtMs } from '../format.ts';
import { TONE_COLOURS, toneOf, type Tone } from '../verdicts.ts';

const FLOOR = 0.01;

export function LatencyChart({ points, onOpen }: { points: readonly LatencyPoint[]; onOpen: (fingerprint: string) => void }) {
  const data = points.map((p) => ({ ...p, x: Math.max(FLOOR, p.baseMs), y: Math.max(FLOOR, p.headMs) }));
  const groups = new Map<Tone, typeof data>();
  for (const d of data) {
    const t = toneOf(d.verdict);
    groups.set(t, [...(groups.get(t) ?? []), d]);
  }
  let lo = Infinity;
  let hi = 0;
  for (const d of data) {
    lo = Math.min(lo, d.x, d.y);
    hi = Math.max(hi, d.x, d.y);
  }
  const domain: [number, number] = [10 ** Math.floor(Math.log10(lo || FLOOR)), 10 ** Math.ceil(Math.log10(hi || 1))];
  const ticks: number[] = [];
  for (let t = domain[0]; t <= domain[1] * 1.0001; t *= 10) ticks.push(t);
  return (
    <figure className="chart" data-testid="chart-latency">
      <figcaption>Base vs head latency per flown template (median ms, log–log; above the line = slower)</figcaption>
      {data.length === 0 ? (
        <p className="muted">Not a flight, or nothing was timed.</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" name="base" scale="log" domain={domain} ticks={ticks} tickFormatter={(v: number) => fmtMs(v)} tick={{ fontSize: 11 }} allowDataOverflow label={{ value: 'base ms', position: 'insideBottom', offset: -8, fontSize: 11 }} />
            <YAxis type="number" dataKey="y" name="head" scale="log" domain={domain} ticks={ticks} tickFormatter={(v: number) => fmtMs(v)} tick={{ fontSize: 11 }} width={60} allowDataOverflow label={{ value: 'head ms', angle: -90, position: 'insideLeft', fontSize: 11 }} />
            <ReferenceLine segment={[{ x: domain[0], y: domain[0] }, { x: domain[1], y: domain[1] }]} stroke="#57606a" strokeDasharray="4 4" ifOverflow="extendDomain" />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ payload }) => {
                const p = payload?.[0]?.payload as (LatencyPoint & { x: number }) | undefined;
                if (!p) return null;
                return (
                  <div className="chart-tip">
                    <code>{p.fingerprint.slice(0, 16)}</code> {p.verdict}
                    <br />
                    base {fmtMs(p.baseMs)} → head {fmtMs(p.headMs)}
                    {p.ratio !== null && ` (×${p.ratio.toFixed(2)})`}
                  </div>
                );
              }}
            />
            {[...groups].map(([tone, pts]) => (
              <Scatter
                key={tone}
                name={tone}
                data={pts}
                fill={TONE_COLOURS[tone]}
                fillOpacity={0.75}
                isAnimationActive={false}
                cursor="pointer"
                onClick={(item) => {
                  const fp = (item as { payload?: { fingerprint?: string } }).payload?.fingerprint;
                  if (fp) onOpen(fp);
                }}
              />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
