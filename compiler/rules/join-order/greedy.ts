/**
 * Greedy operator ordering (GOO) for regions too large for dynamic
 * programming: start from the leaves and repeatedly join the pair of
 * partial plans whose join has the fewest estimated rows (ties: the lower
 * cost, then the pair met first), preferring pairs an edge connects; a
 * cross product is taken only when no connected pair is left. O(n³) join
 * estimates for n leaves.
 */
import type { Estimator } from '../../cost/estimate.ts';
import { buildJoin, chooseSides, crossingEdges, type JoinChoice, type JoinGraph, type PartialPlan } from './join-graph.ts';

export function enumerateGreedy(graph: JoinGraph, items: readonly PartialPlan[], estimator: Estimator): PartialPlan {
  const plans = [...items];
  while (plans.length > 1) {
    let best: { i: number; j: number; connected: boolean; choice: JoinChoice } | undefined;
    for (let i = 0; i < plans.length; i++) {
      for (let j = i + 1; j < plans.length; j++) {
        const edges = crossingEdges(graph, plans[i]!.mask, plans[j]!.mask);
        const connected = edges.length > 0;
        if (best && best.connected && !connected) continue;
        const choice = chooseSides(plans[i]!, plans[j]!, edges, estimator);
        const better =
          !best ||
          (connected && !best.connected) ||
          choice.rows < best.choice.rows ||
          (choice.rows === best.choice.rows && choice.cost < best.choice.cost);
        if (better) best = { i, j, connected, choice };
      }
    }
    const { i, j, choice } = best!;
    plans[i] = buildJoin(graph, choice, estimator);
    plans.splice(j, 1);
  }
  return plans[0]!;
}
