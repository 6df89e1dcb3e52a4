/**
 * Dynamic programming over connected subsets (DPsub): for every subset of
 * leaves, in increasing numeric order of its bit mask (so every proper
 * subset is solved first), the cheapest plan among all splits into two
 * solved subsets that some join predicate connects. Bushy trees are
 * allowed. Masks are numbers here: the caller keeps this to small regions
 * (at most DP_LEAF_LIMIT leaves, 3^10 subset pairs to look at).
 *
 * Deterministic: splits are tried in a fixed order and a later split wins
 * only when strictly cheaper.
 */
import type { Estimator } from '../../cost/estimate.ts';
import { buildJoin, chooseSides, type JoinChoice, type JoinGraph, type JoinPredicate, type PartialPlan } from './join-graph.ts';

/** The largest region (in leaves) solved by dynamic programming; larger ones go to the greedy enumerator. */
export const DP_LEAF_LIMIT = 10;

/**
 * The most connected splits (join estimates) dynamic programming may cost;
 * denser graphs go to the greedy enumerator too. A chain of 10 has 165, a
 * star of 10 2,304, a clique of 10 29,524 (each estimate takes tens of
 * microseconds).
 */
export const DP_SPLIT_LIMIT = 3000;

interface LocalEdge {
  readonly local: number;
  readonly edge: JoinPredicate;
}

function localEdges(graph: JoinGraph, items: readonly PartialPlan[]): LocalEdge[] {
  const all = items.reduce((acc, it) => acc | it.mask, 0n);
  const localMask = (m: bigint): number => items.reduce((acc, it, k) => ((m & it.mask) !== 0n ? acc | (1 << k) : acc), 0);
  return graph.edges.filter((p) => (p.mask & ~all) === 0n).map((edge) => ({ local: localMask(edge.mask), edge }));
}

/** Edges a join of the disjoint subsets s1 and s2 completes. */
function crossing(edges: readonly LocalEdge[], s1: number, s2: number): JoinPredicate[] {
  const s = s1 | s2;
  const out: JoinPredicate[] = [];
  for (const e of edges) if ((e.local & ~s) === 0 && (e.local & s1) !== 0 && (e.local & s2) !== 0) out.push(e.edge);
  return out;
}

function connects(edges: readonly LocalEdge[], s1: number, s2: number): boolean {
  const s = s1 | s2;
  for (const e of edges) if ((e.local & ~s) === 0 && (e.local & s1) !== 0 && (e.local & s2) !== 0) return true;
  return false;
}

/**
 * How many connected splits dynamic programming over `items` would cost,
 * counting no further than `limit + 1`.
 */
export function countConnectedSplits(graph: JoinGraph, items: readonly PartialPlan[], limit: number): number {
  const n = items.length;
  const edges = localEdges(graph, items);
  const full = (1 << n) - 1;
  const connected = new Uint8Array(full + 1);
  for (let k = 0; k < n; k++) connected[1 << k] = 1;
  let count = 0;
  for (let s = 1; s <= full; s++) {
    if ((s & (s - 1)) === 0) continue;
    for (let s1 = (s - 1) & s; s1 > 0; s1 = (s1 - 1) & s) {
      const s2 = s ^ s1;
      if (s1 < s2 || !connected[s1] || !connected[s2] || !connects(edges, s1, s2)) continue;
      connected[s] = 1;
      if (++count > limit) return count;
    }
  }
  return count;
}

/**
 * The cheapest join tree over `items` (partial plans of disjoint leaf
 * sets). Without `allowCrossProducts`, only splits connected by an edge are
 * joined, and null is returned when `items` are not connected.
 */
export function enumerateDp(graph: JoinGraph, items: readonly PartialPlan[], estimator: Estimator, allowCrossProducts: boolean): PartialPlan | null {
  const n = items.length;
  if (n === 0) return null;
  if (n === 1) return items[0]!;
  const edges = localEdges(graph, items);
  const full = (1 << n) - 1;
  const best: (PartialPlan | undefined)[] = Array.from({ length: full + 1 }, () => undefined);
  items.forEach((it, k) => {
    best[1 << k] = it;
  });
  for (let s = 1; s <= full; s++) {
    if ((s & (s - 1)) === 0) continue;
    const first = s & -s;
    let winner: JoinChoice | undefined;
    for (let s1 = (s - 1) & s; s1 > 0; s1 = (s1 - 1) & s) {
      const s2 = s ^ s1;
      if (s1 < s2) continue; // each unordered split once
      const p1 = best[s1];
      const p2 = best[s2];
      if (!p1 || !p2) continue;
      const completed = crossing(edges, s1, s2);
      if (completed.length === 0 && !allowCrossProducts) continue;
      // on equal rows, the side holding the subset's first leaf stays on the left
      const choice = (s1 & first) !== 0 ? chooseSides(p1, p2, completed, estimator) : chooseSides(p2, p1, completed, estimator);
      if (!winner || choice.cost < winner.cost) winner = choice;
    }
    if (winner) best[s] = buildJoin(graph, winner, estimator);
  }
  return best[full] ?? null;
}
