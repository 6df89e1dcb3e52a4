/**
 * The cost model: abstract units, about one unit per tuple touched once.
 *
 * Costs are cumulative: a node's cost is its children's costs plus its own
 * work. The formulas (n = input rows, out = output rows):
 *
 * | operator        | own work                                                         |
 * | --------------- | ---------------------------------------------------------------- |
 * | Scan            | out · (1 + Σ avgWidth(read columns) / 64)  — pruning lowers it    |
 * | Filter          | n · 0.1                                                          |
 * | Project         | out · 0.01 · (1 + computed expressions)                          |
 * | hash Join       | right.rows · 2 (build) + left.rows · 1 (probe) + out             |
 * | nested-loop Join| left.rows · right.rows · 1 + out                                 |
 * | Aggregate       | n · 1 (hash) + groups                                            |
 * | Distinct        | as Aggregate, every column a key                                 |
 * | Sort            | n · log2 n                                                       |
 * | TopN            | n · log2 k, k = limit + offset                                   |
 * | Limit           | out · 0.01                                                       |
 * | Window          | n · log2 n (the sort by partition and order keys) + n            |
 * | SetOp           | out (UNION ALL); (left.rows + right.rows) · 1 + out otherwise     |
 * | Values          | out                                                              |
 *
 * A join is a hash join when its condition has at least one equality
 * between an expression of the left input and one of the right; the right
 * input is always the build side (the lowering runs DuckDB with its
 * build-side flipping disabled), and building costs twice probing, so a
 * small relation on the right is cheaper. Without such an equality the join
 * is a nested loop over every pair, far costlier for the same inputs.
 *
 * A subquery expression not yet unnested adds its plan's cost once when it
 * is uncorrelated, and once per row evaluated when it is correlated, so
 * unnesting shows up as a lower cost.
 */

export const COST = {
  /** a scanned tuple costs 1 + (bytes of the columns read) / this */
  scanBytesPerUnit: 64,
  /** evaluating a filter predicate on one row */
  predicate: 0.1,
  /** one output row of a projection, per computed expression (plus one) */
  project: 0.01,
  /** inserting one row into a join's hash table (the right input) */
  hashBuild: 2,
  /** probing the hash table with one row (the left input) */
  hashProbe: 1,
  /** comparing one (left, right) pair in a nested-loop join */
  nestedLoopPair: 1,
  /** producing one output row of a join */
  joinOutput: 1,
  /** one input row into an aggregate / distinct / set-operation hash table */
  hashAggregate: 1,
  /** one output row of a Limit */
  limit: 0.01,
} as const;

/** A cost: finite and ≥ 0 (NaN becomes 0, Infinity the largest finite number). */
export function clampCost(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(Number.MAX_VALUE, Math.max(0, x));
}

export function scanCost(rows: number, bytesPerRow: number): number {
  return rows * (1 + Math.max(0, bytesPerRow) / COST.scanBytesPerUnit);
}

export function filterCost(inputRows: number): number {
  return inputRows * COST.predicate;
}

export function projectCost(rows: number, computedExprs: number): number {
  return rows * COST.project * (1 + computedExprs);
}

/** Own work of a hash join: build the right input, probe with the left, emit the output. */
export function hashJoinCost(leftRows: number, rightRows: number, outRows: number): number {
  return rightRows * COST.hashBuild + leftRows * COST.hashProbe + outRows * COST.joinOutput;
}

/** Own work of a nested-loop join: every pair compared, output emitted. */
export function nestedLoopCost(leftRows: number, rightRows: number, outRows: number): number {
  return leftRows * rightRows * COST.nestedLoopPair + outRows * COST.joinOutput;
}

export function aggregateCost(inputRows: number, groups: number): number {
  return inputRows * COST.hashAggregate + groups;
}

/** n · log2 n comparisons (n ≥ 2 for the logarithm, so a one-row sort costs 1). */
export function sortCost(rows: number): number {
  return rows * Math.log2(Math.max(2, rows));
}

/** n · log2 k: a heap of the k rows kept. */
export function topNCost(inputRows: number, keep: number): number {
  return inputRows * Math.log2(Math.max(2, keep));
}

export function limitCost(outRows: number): number {
  return outRows * COST.limit;
}

export function windowCost(inputRows: number, sorts: boolean): number {
  return (sorts ? sortCost(inputRows) : 0) + inputRows;
}

export function setOpCost(leftRows: number, rightRows: number, outRows: number, deduplicates: boolean): number {
  return (deduplicates ? (leftRows + rightRows) * COST.hashAggregate : 0) + outRows;
}
