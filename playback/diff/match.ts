/**
 * Node matching between two plan trees, in the GumTree / Change Distiller
 * tradition:
 *
 * 1. top-down: identical subtrees (same structural hash) are matched,
 *    largest first; among several identical candidates, the one whose
 *    parent is already matched to the other's parent wins, then the one at
 *    the closest pre-order position;
 * 2. bottom-up: an inner node is matched to the unmatched node of the same
 *    operator whose descendants share the most matches with its own
 *    (Dice ≥ 0.5) — "the same aggregate over a different input";
 * 3. recovery: unmatched children of matched parents are paired by equal
 *    operator, then by label similarity (bigram Dice ≥ 0.5) — this is what
 *    recognises "the same join, now a nested loop".
 *
 * Everything iterates in pre-order with index tie-breaks: deterministic.
 */
import { postOrder, preOrder, type PlanTreeNode } from './plan-tree.ts';

export type Matching = Map<PlanTreeNode, PlanTreeNode>;

export interface MatchResult {
  /** old node → new node */
  readonly oldToNew: Matching;
  /** new node → old node */
  readonly newToOld: Matching;
}

const MIN_DICE = 0.5;
const MIN_LABEL_SIMILARITY = 0.5;

export function matchTrees(a: PlanTreeNode, b: PlanTreeNode): MatchResult {
  const oldToNew: Matching = new Map();
  const newToOld: Matching = new Map();
  const link = (x: PlanTreeNode, y: PlanTreeNode) => {
    oldToNew.set(x, y);
    newToOld.set(y, x);
  };
  const linkSubtree = (x: PlanTreeNode, y: PlanTreeNode) => {
    link(x, y);
    for (let i = 0; i < x.children.length; i++) linkSubtree(x.children[i]!, y.children[i]!);
  };

  // 1. top-down identical subtrees, tallest first
  const aNodes = preOrder(a);
  const bNodes = preOrder(b);
  const byHashB = new Map<string, PlanTreeNode[]>();
  for (const n of bNodes) {
    const list = byHashB.get(n.hash);
    if (list) list.push(n);
    else byHashB.set(n.hash, [n]);
  }
  const candidatesA = [...aNodes].sort((x, y) => y.height - x.height || x.index - y.index);
  for (const x of candidatesA) {
    if (oldToNew.has(x)) continue;
    const options = (byHashB.get(x.hash) ?? []).filter((y) => !newToOld.has(y));
    if (!options.length) continue;
    options.sort((y1, y2) => scoreContext(x, y2, oldToNew) - scoreContext(x, y1, oldToNew) || Math.abs(y1.index - x.index) - Math.abs(y2.index - x.index) || y1.index - y2.index);
    linkSubtree(x, options[0]!);
  }

  // 2. bottom-up by shared matched descendants
  const bUnmatchedInner = () => bNodes.filter((y) => !newToOld.has(y) && y.children.length > 0);
  for (const x of postOrder(a)) {
    if (oldToNew.has(x) || x.children.length === 0) continue;
    const xDesc = descendants(x);
    let best: PlanTreeNode | null = null;
    let bestScore = 0;
    for (const y of bUnmatchedInner()) {
      if (y.op !== x.op) continue;
      const yDesc = descendants(y);
      let common = 0;
      for (const d of xDesc) {
        const m = oldToNew.get(d);
        if (m && yDesc.has(m)) common++;
      }
      const dice = (2 * common) / (xDesc.size + yDesc.size);
      if (dice >= MIN_DICE && dice > bestScore) {
        best = y;
        bestScore = dice;
      }
    }
    if (best) link(x, best);
  }
  if (!oldToNew.has(a) && !newToOld.has(b)) link(a, b);

  // 3. recovery among children of matched parents
  for (const x of preOrder(a)) {
    const y = oldToNew.get(x);
    if (!y) continue;
    const freeA = x.children.filter((c) => !oldToNew.has(c));
    const freeB = y.children.filter((c) => !newToOld.has(c));
    for (const c of freeA) {
      const same = freeB.find((d) => !newToOld.has(d) && d.op === c.op);
      if (same) {
        link(c, same);
        continue;
      }
      let best: PlanTreeNode | null = null;
      let bestSim = MIN_LABEL_SIMILARITY;
      for (const d of freeB) {
        if (newToOld.has(d)) continue;
        const sim = labelSimilarity(c.label, d.label);
        if (sim >= bestSim) {
          best = d;
          bestSim = sim;
        }
      }
      if (best) link(c, best);
    }
  }
  return { oldToNew, newToOld };
}

function scoreContext(x: PlanTreeNode, y: PlanTreeNode, oldToNew: Matching): number {
  if (x.parent && y.parent && oldToNew.get(x.parent) === y.parent) return 2;
  if (x.parent && y.parent && x.parent.label === y.parent.label) return 1;
  return 0;
}

const descCache = new WeakMap<PlanTreeNode, Set<PlanTreeNode>>();

function descendants(n: PlanTreeNode): Set<PlanTreeNode> {
  let s = descCache.get(n);
  if (!s) {
    s = new Set();
    const walk = (m: PlanTreeNode) => {
      for (const c of m.children) {
        s!.add(c);
        walk(c);
      }
    };
    walk(n);
    descCache.set(n, s);
  }
  return s;
}

/** Dice coefficient over character bigrams, 0..1. */
export function labelSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const k = grams.get(g);
    if (k) {
      common++;
      grams.set(g, k - 1);
    }
  }
  return (2 * common) / (a.length - 1 + b.length - 1);
}
