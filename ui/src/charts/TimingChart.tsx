/**
 * A flown template's timing: the head/base latency ratio with its
 * confidence interval, against the A/A noise band (how far base-vs-base
 * ratios stray) and ×1; beside it the base and head medians.
 */
import { Bar, BarChart, CartesianGrid, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { FlightResultRecord } from '../../../store/records.ts';
import { fmtMs } from '../format.ts';

export function TimingChart({ flight }: { flight: FlightResultRecord }) {
  const { ratio, ratioLow, ratioHigh, noise } = flight;
  const medians = [
    { side: 'base', ms: flight.baseMs ?? 0 },
    { side: 'head', ms: flight.headMs ?? 0 },
  ];
  const lo = Math.min(ratioLow ?? ratio ?? 1, 1 - (noise ?? 0), 1) * 0.9;
  const hi = Math.max(ratioHigh ?? ratio ?? 1, 1 + (noise ?? 0), 1) * 1.1;
  const point = ratio === null ? [] : [{ x: ratio, y: 0 }];
  // ticks where the eye needs them: ×1 and the interval's ends
  const ticks = [...new Set([1, ratioLow, ratio, ratioHigh].filter((v): v is number => v !== null).map((v) => Number(v.toFixed(2))))].toSorted((a, b) => a - b);
  const colour = ratio !== null && ratio > 1 ? '#cf222e' : '#1a7f37';
  return (
    <div className="timing-charts" data-testid="chart-timing">
      <figure className="chart small-chart">
        <figcaption>head / base latency, interval and A/A noise band</figcaption>
        <ResponsiveContainer width="100%" height={110}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis type="number" dataKey="x" domain={[Number(lo.toFixed(3)), Number(hi.toFixed(3))]} ticks={ticks} interval={0} tickFormatter={(v: number) => `×${v.toFixed(2)}`} tick={{ fontSize: 11 }} />
            <YAxis type="number" dataKey="y" hide domain={[-1, 1]} />
            {noise !== null && <ReferenceArea x1={1 - noise} x2={1 + noise} fill="#8c959f" fillOpacity={0.25} label={{ value: 'A/A noise', fontSize: 10, position: 'insideTop' }} />}
            <ReferenceLine x={1} stroke="#57606a" />
            <Tooltip formatter={(v) => `×${Number(v).toFixed(3)}`} />
            {ratioLow !== null && ratioHigh !== null && <ReferenceArea x1={ratioLow} x2={ratioHigh} y1={-0.35} y2={0.35} fill={colour} fillOpacity={0.3} stroke={colour} label={{ value: 'interval', fontSize: 10, position: 'insideBottom', dy: 16 }} />}
            <Scatter data={point} fill={colour} isAnimationActive={false} name="ratio" />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart small-chart">
        <figcaption>median latency ({flight.pairs} pairs)</figcaption>
        <ResponsiveContainer width="100%" height={110}>
          <BarChart data={medians} layout="vertical" margin={{ top: 8, right: 40, bottom: 8, left: 8 }}>
            <XAxis type="number" tickFormatter={(v: number) => fmtMs(v)} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="side" width={40} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(v) => fmtMs(Number(v))} />
            <Bar dataKey="ms" fill="#0969da" isAnimationActive={false} label={{ position: 'right', fontSize: 11, formatter: (v: unknown) => fmtMs(Number(v)) }} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
