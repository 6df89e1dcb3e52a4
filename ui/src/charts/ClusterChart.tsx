/**
 * Change clusters (templates sharing a change signature) by size and
 * weighted impact: horizontal bars, the largest fifteen by impact. Clicking
 * a cluster opens the templates table filtered to it.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClusterRecord } from '../../../store/records.ts';

const TOP = 15;

export function ClusterChart({ clusters, onOpen }: { clusters: readonly ClusterRecord[]; onOpen: (signature: string) => void }) {
  const data = clusters
    .toSorted((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || b.templates - a.templates)
    .slice(0, TOP)
    .map((c) => ({ signature: c.signature, name: c.description.length > 38 ? `${c.description.slice(0, 37)}…` : c.description, templates: c.templates, impact: Number(c.impact.toFixed(3)) }));
  const open = (d: unknown) => {
    const sig = (d as { payload?: { signature?: string } }).payload?.signature;
    if (sig) onOpen(sig);
  };
  return (
    <figure className="chart" data-testid="chart-clusters">
      <figcaption>
        Change clusters by size and weighted impact {clusters.length > TOP && <span className="muted">(top {TOP} of {clusters.length})</span>}
      </figcaption>
      {data.length === 0 ? (
        <p className="muted">No plan changed, so there are no clusters.</p>
      ) : (
        <ResponsiveContainer width="100%" height={Math.max(140, 28 + data.length * 26)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }} barGap={1}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" xAxisId="templates" orientation="bottom" tick={{ fontSize: 11 }} allowDecimals={false} />
            <XAxis type="number" xAxisId="impact" orientation="top" tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={230} tick={{ fontSize: 11 }} interval={0} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar xAxisId="templates" dataKey="templates" name="templates" fill="#0969da" cursor="pointer" onClick={open} isAnimationActive={false} />
            <Bar xAxisId="impact" dataKey="impact" name="weighted impact" fill="#bf8700" cursor="pointer" onClick={open} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
