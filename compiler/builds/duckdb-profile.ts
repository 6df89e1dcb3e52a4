/**
 * DuckDB's `EXPLAIN (ANALYZE, FORMAT JSON)` output → ExecuteProfile. The JSON
 * is the profiler's tree: a query node (latency, cpu_time,
 * system_peak_buffer_memory, in seconds and bytes), under it an
 * `EXPLAIN_ANALYZE` node, under that the query's operators (operator_name,
 * operator_cardinality, operator_timing in seconds). DuckDB 1.3.2 leaves the
 * query-level metrics at 0 when profiling through EXPLAIN ANALYZE; then the
 * latency is the wall time of the EXPLAIN ANALYZE statement measured around it
 * (`wallMs`), and cpu time / peak memory are left out rather than reported as 0.
 * A query DuckDB answers without running operators (`count(*)` of a whole
 * table, from its statistics) has an empty operator list.
 */
import { FlightdeckError } from '../errors.ts';
import type { ExecuteProfile, OperatorProfile } from './execute-result.ts';

interface ProfileNode {
  readonly operator_name?: unknown;
  readonly operator_type?: unknown;
  readonly operator_cardinality?: unknown;
  readonly operator_timing?: unknown;
  readonly latency?: unknown;
  readonly cpu_time?: unknown;
  readonly system_peak_buffer_memory?: unknown;
  readonly children?: readonly ProfileNode[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const positive = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
};

export function parseExplainAnalyze(text: string, wallMs: number): ExecuteProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FlightdeckError('build-error', 'EXPLAIN ANALYZE did not answer JSON');
  }
  const root = (Array.isArray(parsed) ? parsed[0] : parsed) as ProfileNode | undefined;
  if (!root || typeof root !== 'object') throw new FlightdeckError('build-error', 'EXPLAIN ANALYZE answered an empty profile');
  const operators: OperatorProfile[] = [];
  const walk = (node: ProfileNode, depth: number) => {
    operators.push({
      id: operators.length,
      depth,
      name: String(node.operator_name ?? node.operator_type ?? '').trim(),
      rows: num(node.operator_cardinality) ?? 0,
      timeMs: (num(node.operator_timing) ?? 0) * 1000,
    });
    for (const c of node.children ?? []) walk(c, depth + 1);
  };
  // the query's operators start under the EXPLAIN_ANALYZE node (which is not part of the query)
  let tops = root.children ?? [];
  if (tops.length === 1 && /EXPLAIN_ANALYZE/i.test(String(tops[0]!.operator_type ?? tops[0]!.operator_name ?? ''))) tops = tops[0]!.children ?? [];
  for (const top of tops) walk(top, 0);
  const latencyS = positive(root.latency);
  const cpuS = positive(root.cpu_time);
  const peak = positive(root.system_peak_buffer_memory);
  return {
    latencyMs: latencyS !== undefined ? latencyS * 1000 : wallMs,
    ...(cpuS !== undefined ? { cpuMs: cpuS * 1000 } : {}),
    ...(peak !== undefined ? { peakMemoryBytes: peak } : {}),
    operators,
  };
}
