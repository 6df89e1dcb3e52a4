/** A verdict as a small coloured badge (the name is always written: colour is never the only signal). */
import type { VerdictCount } from '../../../server/api-types.ts';
import { fmtInt } from '../format.ts';
import { toneOf, verdictRank } from '../verdicts.ts';

export function VerdictBadge({ verdict, count }: { verdict: string; count?: number }) {
  return (
    <span className={`badge tone-${toneOf(verdict)}`} data-testid="verdict-badge" data-verdict={verdict}>
      {verdict}
      {count !== undefined && <b>{fmtInt(count)}</b>}
    </span>
  );
}

/** counts by verdict, worst first; `identical` last so changes stand out */
export function VerdictBadges({ verdicts }: { verdicts: readonly VerdictCount[] }) {
  if (!verdicts.length) return <span className="muted">—</span>;
  const sorted = verdicts.toSorted((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict));
  return (
    <span className="badges" data-testid="verdict-badges">
      {sorted.map((v) => (
        <VerdictBadge key={v.verdict} verdict={v.verdict} count={v.count} />
      ))}
    </span>
  );
}
