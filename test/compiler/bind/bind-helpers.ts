/**
 * Shared pieces of the binder tests: SQL → plan through the real parser,
 * the explain text, the error a query fails with, and a checker for the
 * invariants of compiler/ir/plan.ts that every bound plan must keep.
 */
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { bindQuery } from '../../../compiler/bind/bind.ts';
import { printPlan } from '../../../compiler/print/print.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { Catalog } from '../../../compiler/ir/catalog.ts';
import type { ColumnDef, Plan } from '../../../compiler/ir/plan.ts';
import { children, forEachExpr, nodeExprs, outputColumns } from '../../../compiler/ir/walk.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';

export function bindSql(sql: string, catalog: Catalog = TPCH_CATALOG): Plan {
  return bindQuery(parseSql(sql, { dialect: 'postgresql' }), catalog);
}

/** The plan at `explain` level, after checking its invariants. */
export function explain(sql: string): string {
  const plan = bindSql(sql);
  checkPlanInvariants(plan);
  return printPlan(plan, 'explain');
}

/** Lines joined with newlines plus the final newline the printer writes. */
export function lines(...xs: string[]): string {
  return xs.join('\n') + '\n';
}

/** The FlightdeckError binding `sql` throws (fails the test if it binds). */
export function bindFailure(sql: string): FlightdeckError {
  try {
    bindSql(sql);
  } catch (err) {
    assert.ok(err instanceof FlightdeckError, `expected a FlightdeckError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected binding to fail: ${sql}`);
}

/** The result columns: name and type, in order. */
export function resultColumns(sql: string): string[] {
  return outputColumns(bindSql(sql)).map((c) => `${c.name}:${c.type}`);
}

/**
 * The invariants of compiler/ir/plan.ts:
 * - every column is defined once in the whole plan (subqueries included);
 *   a pass-through NamedExpr / group key re-exposes an input column;
 * - expressions refer only to their node's input columns, or to columns of
 *   enclosing queries listed in the subquery's `correlated`;
 * - Sort keys refer only to their input's columns.
 */
export function checkPlanInvariants(plan: Plan): void {
  const defined = new Map<number, string>();
  const define = (c: { id: number; name: string }, where: string): void => {
    assert.ok(!defined.has(c.id), `column id ${c.id} (${c.name}) defined twice: ${defined.get(c.id)} and ${where}`);
    defined.set(c.id, where);
  };
  const visit = (node: Plan, outer: ReadonlySet<number>): void => {
    const kids = children(node);
    for (const k of kids) visit(k, outer);
    const input = new Set<number>();
    for (const k of kids) for (const c of outputColumns(k)) input.add(c.id);
    const visible = new Set([...input, ...outer]);
    for (const e of nodeExprs(node)) {
      forEachExpr(e, (x) => {
        if (x.kind === 'column') assert.ok(visible.has(x.id), `${node.kind}: column ${x.name}#${x.id} is not an input column`);
        if (x.kind === 'subquery') {
          for (const id of x.correlated) assert.ok(visible.has(id), `${node.kind}: subquery correlated to #${id}, not visible`);
          visit(x.plan, visible);
        }
      });
    }
    const newColumns = (cols: readonly ColumnDef[]): void => cols.forEach((c) => define(c, `${node.kind} ${c.name}`));
    switch (node.kind) {
      case 'scan':
      case 'setop':
      case 'values':
        newColumns(node.columns);
        break;
      case 'project':
      case 'aggregate': {
        const named = node.kind === 'project' ? node.exprs : node.groupBy;
        const ids = new Set<number>();
        for (const n of named) {
          assert.ok(!ids.has(n.id), `${node.kind}: output id ${n.id} twice`);
          ids.add(n.id);
          const passThrough = n.expr.kind === 'column' && n.expr.id === n.id;
          if (passThrough) assert.ok(input.has(n.id), `${node.kind}: pass-through ${n.name}#${n.id} not in input`);
          else define(n, `${node.kind} ${n.name}`);
        }
        if (node.kind === 'aggregate') node.aggregates.forEach((a) => define(a, `aggregate ${a.name}`));
        break;
      }
      case 'window':
        node.functions.forEach((w) => define(w, `window ${w.name}`));
        break;
      case 'sort':
        for (const k of node.keys) {
          forEachExpr(k.expr, (x) => {
            if (x.kind === 'column') assert.ok(input.has(x.id), `sort key ${x.name}#${x.id} not an input column`);
          });
        }
        break;
      default:
        break;
    }
  };
  visit(plan, new Set());
}
