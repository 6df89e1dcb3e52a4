/**
 * Reading DuckDB's physical plan: run lowered SQL with its settings, take
 * `EXPLAIN (FORMAT JSON)`, and reduce both DuckDB's plan and ours to their
 * join trees (join nodes with left/right children, scans as table names;
 * filters, projections, aggregates in between ignored) so they can be
 * compared.
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';
import type { LoweredSql } from '../../compiler/lower/lower.ts';
import type { Plan } from '../../compiler/ir/plan.ts';
import { forEachNode, nodeExprs, forEachExpr } from '../../compiler/ir/walk.ts';

/**
 * `type` is normalised across the two sides: inner (a cross product is an
 * inner join without condition), left, right, full, semi, anti, and `mark`
 * for the null-aware anti join of NOT IN (DuckDB runs it as a MARK join).
 * `op` is DuckDB's operator name or our join type, for messages.
 */
export type JoinTree =
  | { readonly kind: 'leaf'; readonly name: string }
  | { readonly kind: 'join'; readonly type: string; readonly op: string; readonly left: JoinTree; readonly right: JoinTree };

/** A physical operator as DuckDB's JSON explain gives it. */
export interface PhysicalNode {
  readonly name: string;
  readonly children: readonly PhysicalNode[];
  readonly extra_info?: Record<string, unknown>;
}

/** Physical join operators of DuckDB 1.5 whose children are (left/probe, right/build). */
const JOIN_OPERATORS = new Set([
  'HASH_JOIN',
  'NESTED_LOOP_JOIN',
  'PIECEWISE_MERGE_JOIN',
  'BLOCKWISE_NL_JOIN',
  'CROSS_PRODUCT',
  'IE_JOIN',
  'ASOF_JOIN',
]);
/** Joins DuckDB makes itself when it decorrelates a subquery left in place: not ours. */
const DELIM_JOINS = new Set(['LEFT_DELIM_JOIN', 'RIGHT_DELIM_JOIN', 'DELIM_JOIN']);
const SCANS = new Set(['SEQ_SCAN', 'TABLE_SCAN', 'READ_PARQUET', 'READ_CSV']);

/** Run `statements` (settings), then `fn`; reset what the settings changed afterwards. */
export async function withSettings<T>(db: Database, settings: readonly string[], fn: () => Promise<T>): Promise<T> {
  for (const s of settings) await db.run(s);
  try {
    return await fn();
  } finally {
    for (const s of settings) {
      const m = /^\s*SET\s+(\w+)\s*=/i.exec(s);
      if (m) await db.run(`RESET ${m[1]}`);
    }
  }
}

/** Execute lowered SQL as planned; rows as JSON-safe arrays. */
export async function runLowered(db: Database, lowered: LoweredSql): Promise<{ columns: string[]; rows: unknown[][] }> {
  return withSettings(db, lowered.settings, () => db.rows(lowered.sql));
}

/** DuckDB's physical plan of `sql` (run with `settings`), as the root operator. */
export async function explainPhysical(db: Database, sql: string, settings: readonly string[] = []): Promise<PhysicalNode> {
  const { rows } = await withSettings(db, settings, () => db.rows(`EXPLAIN (FORMAT JSON) ${sql}`));
  const physical = rows.find((r) => String(r[0]).trim() === 'physical_plan');
  if (!physical) throw new Error(`EXPLAIN gave no physical_plan row: ${JSON.stringify(rows).slice(0, 200)}`);
  const parsed = JSON.parse(String(physical[1])) as PhysicalNode[];
  if (parsed.length !== 1) throw new Error(`EXPLAIN gave ${parsed.length} root operators`);
  return parsed[0]!;
}

/** `memory.main.lineitem` → `lineitem`; trailing spaces and case normalised. */
export function normaliseTableName(name: string): string {
  const parts = name.trim().split('.');
  return parts[parts.length - 1]!.replace(/^"|"$/g, '').toLowerCase();
}

/** The join tree of a DuckDB physical plan. Throws on DELIM joins (DuckDB decorrelating a subquery). */
export function physicalJoinTree(node: PhysicalNode): JoinTree {
  const name = node.name.trim();
  if (DELIM_JOINS.has(name)) throw new Error(`the physical plan has a ${name}: DuckDB decorrelated a subquery itself`);
  if (JOIN_OPERATORS.has(name)) {
    if (node.children.length !== 2) throw new Error(`${name} has ${node.children.length} children`);
    const type = name === 'CROSS_PRODUCT' ? 'inner' : String(node.extra_info?.['Join Type'] ?? '?').trim().toLowerCase();
    return { kind: 'join', type, op: name, left: physicalJoinTree(node.children[0]!), right: physicalJoinTree(node.children[1]!) };
  }
  if (SCANS.has(name)) {
    const table = node.extra_info?.Table ?? node.extra_info?.Function ?? name;
    return { kind: 'leaf', name: normaliseTableName(String(table)) };
  }
  if (node.children.length === 1) return physicalJoinTree(node.children[0]!);
  if (node.children.length === 0) return { kind: 'leaf', name: name === 'COLUMN_DATA_SCAN' ? 'values' : name.toLowerCase() };
  throw new Error(`${name} has ${node.children.length} children and is not a join`);
}

/** The join tree of one of our plans (subquery plans are not entered). */
export function planJoinTree(plan: Plan): JoinTree {
  switch (plan.kind) {
    case 'join':
      return {
        kind: 'join',
        type: plan.joinType === 'cross' ? 'inner' : plan.joinType === 'anti' && plan.nullAware ? 'mark' : plan.joinType,
        op: plan.joinType,
        left: planJoinTree(plan.left),
        right: planJoinTree(plan.right),
      };
    case 'scan':
      return { kind: 'leaf', name: plan.table.toLowerCase() };
    case 'values':
      return { kind: 'leaf', name: 'values' };
    case 'setop':
      throw new Error('set operations have no join tree to compare');
    default:
      return planJoinTree(plan.input);
  }
}

/** `(lineitem ⋈ (orders ⋈semi customer))`: shape and join types, for assertions and messages. */
export function formatJoinTree(t: JoinTree): string {
  if (t.kind === 'leaf') return t.name;
  return `(${formatJoinTree(t.left)} ⋈${t.type === 'inner' ? '' : t.type} ${formatJoinTree(t.right)})`;
}

/** The shape only: `(lineitem ⋈ (orders ⋈ customer))`, join types left out. */
export function formatJoinShape(t: JoinTree): string {
  return t.kind === 'leaf' ? t.name : `(${formatJoinShape(t.left)} ⋈ ${formatJoinShape(t.right)})`;
}

/** Same, with the operator of each join: `HASH_JOIN(lineitem, orders)`. */
export function formatJoinTreeWithOps(t: JoinTree): string {
  return t.kind === 'leaf' ? t.name : `${t.op}(${formatJoinTreeWithOps(t.left)}, ${formatJoinTreeWithOps(t.right)})`;
}

/** True if a subquery expression remains anywhere in the plan. */
export function hasSubqueryExpr(plan: Plan): boolean {
  let found = false;
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) forEachExpr(e, (x) => {
      if (x.kind === 'subquery') found = true;
    });
  });
  return found;
}

/** The number of join nodes in a join tree. */
export function countJoins(t: JoinTree): number {
  return t.kind === 'leaf' ? 0 : 1 + countJoins(t.left) + countJoins(t.right);
}

/** True if a set operation remains anywhere in the plan (DuckDB runs INTERSECT / EXCEPT as joins of its own). */
export function hasSetOp(plan: Plan): boolean {
  let found = false;
  forEachNode(plan, (n) => {
    if (n.kind === 'setop') found = true;
  });
  return found;
}
