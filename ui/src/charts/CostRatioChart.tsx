/** Distribution of the changed plans' cost ratios (head / base), a histogram on a log scale, stacked by verdict tone. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunOverview } from '../../../server/api-types.ts';
import { TONE_COLOURS } from '../verdicts.ts';
import { ratioBins } from './bins.ts';

export function CostRatioChart({ ratios }: { ratios: RunOverview['costRatios'] }) {
  const bins = ratioBins(ratios);
  return (
    <figure className="chart" data-testid="chart-cost-ratios">
      <figcaption>
        Cost ratio of changed plans (head / base, log scale) — {ratios.length.toLocaleString('en-US')} plans
      </figcaption>
      {bins.length === 0 ? (
        <p className="muted">No changed plan has a cost ratio.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={bins} margin={{ top: 8, right: 12, bottom: 4, left: 0 }} barCategoryGap={1}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={44} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="improved" stackId="a" name="improved" fill={TONE_COLOURS.good} isAnimationActive={false} />
            <Bar dataKey="other" stackId="a" name="changed / other" fill={TONE_COLOURS.changed} isAnimationActive={false} />
            <Bar dataKey="regressed" stackId="a" name="regressed" fill={TONE_COLOURS.bad} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
