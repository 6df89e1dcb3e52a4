/**
 * Which operator's actuals changed most between the base and the head
 * profile, for the report next to the plan diff.
 *
 * Operators are matched by pre-order position when the two profiled trees
 * have the same shape (same names at the same depths in the same order);
 * otherwise the k-th occurrence of a name in base is matched with the k-th
 * occurrence of that name in head, and what is left over on either side is
 * an operator that appeared or disappeared (its other side counts as 0).
 *
 * Two rankings, because they answer different questions:
 * - by time: the largest absolute change in operator time (ms) — the
 *   operator that explains a latency change;
 * - by rows: the largest relative change in actual rows, |ln((h+1)/(b+1))|
 *   — the operator whose cardinality moved (a changed join order or
 *   filter), large even when it is cheap.
 * Ties go to the earlier operator in base's pre-order.
 */
import type { ExecuteProfile, OperatorProfile } from '../execute/execute-result.ts';

export interface OperatorChange {
  readonly name: string;
  /** pre-order ids; null where the operator exists on one side only */
  readonly baseId: number | null;
  readonly headId: number | null;
  readonly baseTimeMs: number;
  readonly headTimeMs: number;
  readonly timeDeltaMs: number;
  readonly baseRows: number;
  readonly headRows: number;
  /** (head rows + 1) / (base rows + 1) */
  readonly rowsRatio: number;
}

export interface OperatorChangeReport {
  readonly matchedBy: 'position' | 'name';
  /** the operator with the largest |time change|; null when neither side has operators */
  readonly byTime: OperatorChange | null;
  /** the operator with the largest relative rows change; null when no operator's rows changed */
  readonly byRows: OperatorChange | null;
  /** how many operators appear on one side only */
  readonly unmatched: number;
}

const sameShape = (a: readonly OperatorProfile[], b: readonly OperatorProfile[]) => a.length === b.length && a.every((op, i) => op.name === b[i]!.name && op.depth === b[i]!.depth);

function change(b: OperatorProfile | null, h: OperatorProfile | null): OperatorChange {
  const baseRows = b?.rows ?? 0;
  const headRows = h?.rows ?? 0;
  const baseTimeMs = b?.timeMs ?? 0;
  const headTimeMs = h?.timeMs ?? 0;
  return {
    name: (b ?? h)!.name,
    baseId: b?.id ?? null,
    headId: h?.id ?? null,
    baseTimeMs,
    headTimeMs,
    timeDeltaMs: headTimeMs - baseTimeMs,
    baseRows,
    headRows,
    rowsRatio: (headRows + 1) / (baseRows + 1),
  };
}

/** Pairs of matched operators, then base-only and head-only ones. */
export function matchOperators(base: readonly OperatorProfile[], head: readonly OperatorProfile[]): { matchedBy: 'position' | 'name'; changes: OperatorChange[]; unmatched: number } {
  if (sameShape(base, head)) return { matchedBy: 'position', changes: base.map((b, i) => change(b, head[i]!)), unmatched: 0 };
  const headByName = new Map<string, OperatorProfile[]>();
  for (const h of head) headByName.set(h.name, [...(headByName.get(h.name) ?? []), h]);
  const changes: OperatorChange[] = [];
  let unmatched = 0;
  for (const b of base) {
    const h = headByName.get(b.name)?.shift() ?? null;
    if (!h) unmatched++;
    changes.push(change(b, h));
  }
  for (const rest of headByName.values()) {
    for (const h of rest) {
      unmatched++;
      changes.push(change(null, h));
    }
  }
  return { matchedBy: 'name', changes, unmatched };
}

const rowsScore = (c: OperatorChange) => Math.abs(Math.log(c.rowsRatio));

function largest(changes: readonly OperatorChange[], score: (c: OperatorChange) => number): OperatorChange | null {
  let best: OperatorChange | null = null;
  for (const c of changes) if (!best || score(c) > score(best)) best = c;
  return best;
}

export function operatorChange(base: ExecuteProfile, head: ExecuteProfile): OperatorChangeReport {
  const { matchedBy, changes, unmatched } = matchOperators(base.operators, head.operators);
  const byRows = largest(changes, rowsScore);
  return {
    matchedBy,
    byTime: largest(changes, (c) => Math.abs(c.timeDeltaMs)),
    byRows: byRows && rowsScore(byRows) > 0 ? byRows : null,
    unmatched,
  };
}
