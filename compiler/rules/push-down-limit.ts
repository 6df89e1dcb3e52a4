/**
 * push-down-limit: stop producing rows nobody will see.
 *
 * - Limit over Sort → TopN.
 * - Limit over Project → Project over Limit (a projection keeps row count).
 * - TopN over Project → Project over TopN when every key is a column the
 *   project passes through (or renames).
 * - Limit n OFFSET k over UNION ALL → each branch limited to n + k rows, the
 *   outer Limit kept.
 * - Limit n OFFSET k over a LEFT join → the left input limited to n + k rows
 *   (every left row yields at least one output row), the outer Limit kept;
 *   RIGHT mirrors.
 * - LIMIT 0 stays as it is.
 *
 * @example
 * ```sql
 * SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC LIMIT 10
 * ```
 * becomes
 * ```plan
 * Project(exprs=[o_orderkey, o_totalprice])
 *   TopN(keys=[o_totalprice DESC], limit=[10])
 *     Scan(table=[orders])
 * ```
 */
import type { ColumnRef, Expr, LimitNode, Plan, TopNNode } from '../ir/plan.ts';
import { exprColumnIds, hasSubquery } from '../ir/walk.ts';
import type { Rule } from './rule.ts';
import { rewritePlanDeep, substituteColumns } from './util/rewrite.ts';

export const pushDownLimit: Rule = {
  id: 'push-down-limit',
  description: 'Turns Sort+Limit into TopN and pushes limits below projections, into UNION ALL branches and the preserved side of outer joins.',
  apply: (plan) => rewritePlanDeep(plan, pushLimit),
};

function pushLimit(node: Plan): Plan {
  if (node.kind === 'limit') return pushLimitNode(node);
  if (node.kind === 'topN') return pushTopN(node);
  return node;
}

function pushLimitNode(limit: LimitNode): Plan {
  const input = limit.input;
  if (input.kind === 'project') {
    return { ...input, input: pushLimitNode({ ...limit, input: input.input, est: undefined }), est: undefined };
  }
  if (limit.limit === null) return limit;
  const rows = limit.limit + limit.offset;
  switch (input.kind) {
    case 'sort':
      return pushTopN({ kind: 'topN', input: input.input, keys: input.keys, limit: limit.limit, offset: limit.offset });
    case 'setop': {
      if (input.op !== 'union' || !input.all) return limit;
      const left = limitTo(input.left, rows);
      const right = limitTo(input.right, rows);
      if (left === input.left && right === input.right) return limit;
      return { ...limit, input: { ...input, left, right, est: undefined }, est: undefined };
    }
    case 'join': {
      if (input.joinType === 'left') {
        const left = limitTo(input.left, rows);
        return left === input.left ? limit : { ...limit, input: { ...input, left, est: undefined }, est: undefined };
      }
      if (input.joinType === 'right') {
        const right = limitTo(input.right, rows);
        return right === input.right ? limit : { ...limit, input: { ...input, right, est: undefined }, est: undefined };
      }
      return limit;
    }
    default:
      return limit;
  }
}

/** `plan` under a `LIMIT rows` (pushed on), unless it already returns at most that many rows. */
function limitTo(plan: Plan, rows: number): Plan {
  if (returnsAtMost(plan, rows)) return plan;
  return pushLimitNode({ kind: 'limit', input: plan, limit: rows, offset: 0 });
}

function returnsAtMost(plan: Plan, rows: number): boolean {
  switch (plan.kind) {
    case 'limit':
      return plan.limit !== null && plan.limit <= rows;
    case 'topN':
      return plan.limit <= rows;
    case 'project':
      return returnsAtMost(plan.input, rows);
    default:
      return false;
  }
}

function pushTopN(topN: TopNNode): Plan {
  const input = topN.input;
  if (input.kind !== 'project' || topN.keys.some((k) => hasSubquery(k.expr))) return topN;
  const renames = new Map<number, ColumnRef>();
  for (const n of input.exprs) if (n.expr.kind === 'column') renames.set(n.id, n.expr);
  const keyIds = topN.keys.flatMap((k) => [...exprColumnIds(k.expr)]);
  if (keyIds.length === 0 || !keyIds.every((id) => renames.has(id))) return topN;
  const keys = topN.keys.map((k) => ({ ...k, expr: substituteColumns(k.expr, renames) as Expr }));
  return { ...input, input: pushTopN({ ...topN, keys, input: input.input, est: undefined }), est: undefined };
}
