/**
 * The DuckDB settings that make it execute a lowered plan as planned.
 *
 * The lowered SQL spells the join tree out explicitly (derived tables joined
 * in our order, our left input on the left). DuckDB would still re-plan it:
 * these are the optimizers of DuckDB 1.5.6 (`SELECT * FROM duckdb_optimizers()`)
 * that change the join tree or add/remove joins, each disabled for the reason
 * given. Everything else stays on.
 *
 * Disabled:
 * - `join_order`: the join order optimizer enumerates join orders (DPhyp) over
 *   every inner-join set and rebuilds the tree; also turns cross products
 *   under filters into joins at positions of its own choosing.
 * - `build_side_probe_side`: swaps a hash join's children so the smaller input
 *   is the build side (turning LEFT into RIGHT joins, SEMI into RIGHT_SEMI...);
 *   our left input must stay the probe (left) side.
 * - `join_elimination`: removes a join whose other side contributes no columns
 *   (unique-key left joins); the join must stay where we put it.
 * - `late_materialization`: rewrites top-N / limit queries into a join of the
 *   row ids back to the base table: adds a join we did not plan.
 * - `window_self_join`: rewrites some window aggregates into an aggregate
 *   joined back to its input: adds a join.
 * - `common_subplan`: replaces repeated identical subplans by one materialized
 *   CTE read twice, changing the scans under our joins.
 * - `in_clause`: rewrites a long constant `IN (...)` list into a MARK join
 *   against a constant table: adds a join for what our plan has as a
 *   filter expression.
 *
 * Kept, because they move filters, projections, aggregates or limits but
 * never a join, a join input or a join's side:
 * `filter_pushdown` (pushes filters into and through joins and down to scans;
 * it may strengthen a LEFT join to INNER when a pushed filter rejects NULLs,
 * or give a cross product the join condition of the filter above it —
 * the join stays in place with the same children), `filter_pullup`,
 * `expression_rewriter`, `regex_range`, `cte_filter_pusher`,
 * `empty_result_pullup` (only when a subtree is provably empty),
 * `deliminator` (only on DELIM joins from DuckDB's own decorrelation of a
 * subquery we left in place), `unnest_rewriter`, `unused_columns`,
 * `column_lifetime`, `statistics_propagation`, `common_subexpressions`,
 * `common_aggregate`, `limit_pushdown`, `row_group_pruner`, `top_n`,
 * `top_n_window_elimination`, `compressed_materialization`, `duplicate_groups`,
 * `reorder_filter`, `sampling_pushdown`, `join_filter_pushdown` (runtime
 * filters from a build side into the probe scan; the tree is unchanged),
 * `extension`, `materialized_cte`, `cte_inlining`, `sum_rewriter`.
 */
export const DISABLED_OPTIMIZERS: readonly string[] = [
  'join_order',
  'build_side_probe_side',
  'join_elimination',
  'late_materialization',
  'window_self_join',
  'common_subplan',
  'in_clause',
];

/** The statements to run before a lowered query. */
export function loweringSettings(): readonly string[] {
  return [`SET disabled_optimizers = '${DISABLED_OPTIMIZERS.join(',')}'`];
}
