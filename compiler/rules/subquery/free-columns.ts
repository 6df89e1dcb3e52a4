/**
 * Which columns a plan refers to without producing them: its correlation
 * with enclosing queries. Subquery plans nested in its expressions count as
 * part of it (their own columns are produced inside, their references to
 * this plan's columns are not free).
 */
import type { ColumnDef, Expr, Plan } from '../../ir/plan.ts';
import { exprColumnIds, forEachNode, nodeExprs, outputColumns } from '../../ir/walk.ts';

/** Every column id some node of `plan` (subquery plans included) outputs or scans. */
export function producedColumnIds(plan: Plan): Set<number> {
  const out = new Set<number>();
  forEachNode(plan, (n) => {
    for (const c of outputColumns(n)) out.add(c.id);
    if (n.kind === 'scan') for (const c of n.columns) out.add(c.id);
  });
  return out;
}

/** Column ids `plan` refers to but does not produce: references to enclosing queries. */
export function freeColumnIds(plan: Plan): Set<number> {
  const referenced = new Set<number>();
  forEachNode(plan, (n) => {
    for (const e of nodeExprs(n)) exprColumnIds(e, referenced);
  });
  const produced = producedColumnIds(plan);
  const free = new Set<number>();
  for (const id of referenced) if (!produced.has(id)) free.add(id);
  return free;
}

/** True when every column `e` refers to (subquery correlations included) is in `available`. */
export function refersOnlyTo(e: Expr, available: ReadonlySet<number>): boolean {
  for (const id of exprColumnIds(e)) if (!available.has(id)) return false;
  return true;
}

/** A column reference to `c`. */
export function columnRefTo(c: ColumnDef): Expr {
  return { kind: 'column', id: c.id, name: c.name, type: c.type };
}
