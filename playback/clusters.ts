/**
 * Change clusters: the plan changes of a run grouped by the shape of their
 * edit script (the change signature), so a reviewer reviews patterns —
 * "HASH_JOIN → NESTED_LOOP_JOIN under HASH_GROUP_BY: 312 templates" — not
 * thousands of queries one by one.
 */
import type { Store } from '../store/store.ts';
import type { ClusterRecord, OutcomeRecord } from '../store/records.ts';

export async function computeClusters(store: Store, runId: string, outcomes: readonly OutcomeRecord[]): Promise<ClusterRecord[]> {
  const groups = new Map<string, OutcomeRecord[]>();
  for (const o of outcomes) {
    if (!o.signature) continue;
    const g = groups.get(o.signature);
    if (g) g.push(o);
    else groups.set(o.signature, [o]);
  }
  const clusters: ClusterRecord[] = [];
  for (const [signature, members] of groups) {
    const heaviest = [...members].sort((a, b) => b.weight - a.weight || (a.fingerprint < b.fingerprint ? -1 : 1))[0]!;
    const verdicts: Record<string, number> = {};
    for (const m of members) verdicts[m.verdict] = (verdicts[m.verdict] ?? 0) + 1;
    const diff = await store.getDiff(runId, heaviest.fingerprint);
    clusters.push({
      signature,
      description: diff?.description ?? signature,
      templates: members.length,
      weight: members.reduce((s, m) => s + m.weight, 0),
      impact: members.reduce((s, m) => s + (m.impact ?? 0), 0),
      verdicts,
      example: heaviest.fingerprint,
    });
  }
  return clusters.sort((a, b) => b.templates - a.templates || b.weight - a.weight || a.signature.localeCompare(b.signature));
}
