/**
 * A template's base and head plans as the detail page draws them: two trees
 * (parsed from the printed `explain` text, else `simplified`) whose every
 * node carries its structural edit from the plan diff (keep / insert /
 * remove / move / update, with the changed arguments and the index of its
 * partner in the other tree), its estimated rows where the printer says, and
 * — for a flown template — the actual rows and time the flight profiled.
 *
 * Actuals are put on nodes only when they provably belong there: the
 * profile's operators, in pre-order, must have the same names at the same
 * depths as the printed tree (the rule operator-change.ts uses to match two
 * profiles). Otherwise no node gets actuals and `actualsNote` says why — a
 * reference build's plan, for instance, is lowered to SQL and executed by
 * DuckDB, whose operators are not the printed ones.
 */
import { diffPlans, parseArgs, type EditType, type PlanEdit } from '../playback/diff/plan-diff.ts';
import { parsePlanText, type PlanTreeNode } from '../playback/diff/plan-tree.ts';
import type { FlightResultRecord, OperatorActuals, OutcomeRecord } from '../store/records.ts';
import type { PlanDiffView, PlanNodeView } from './api-types.ts';

interface NodeMark {
  edit: EditType;
  changedArgs?: readonly string[];
  partner?: number;
  moved?: boolean;
}

/** `estimated_cardinality=[18]` (DuckDB builds) or `rows=[1200]` (the reference printer), when numeric */
export function estimatedRows(label: string): number | undefined {
  const args = parseArgs(label);
  const raw = args.get('estimated_cardinality') ?? args.get('rows');
  if (raw === undefined) return undefined;
  const inner = raw.replace(/^\[|\]$/g, '').replace(/^~/, '').trim();
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(inner)) return undefined;
  const n = Number(inner);
  return Number.isFinite(n) ? n : undefined;
}

/** Per side, each node's mark from the edit script (a node both updated and moved is an `update` with `moved`). */
function marksFrom(edits: readonly PlanEdit[]): { base: Map<number, NodeMark>; head: Map<number, NodeMark> } {
  const base = new Map<number, NodeMark>();
  const head = new Map<number, NodeMark>();
  const put = (side: Map<number, NodeMark>, index: number | undefined, mark: NodeMark) => {
    if (index === undefined) return;
    const prev = side.get(index);
    if (!prev) side.set(index, mark);
    else if (prev.edit === 'update' && mark.edit === 'move') side.set(index, { ...prev, moved: true });
    else if (prev.edit === 'move' && mark.edit === 'update') side.set(index, { ...mark, moved: true });
  };
  for (const e of edits) {
    const args = e.changedArgs ? { changedArgs: e.changedArgs } : {};
    if (e.type === 'insert') put(head, e.newIndex, { edit: 'insert' });
    else if (e.type === 'remove') put(base, e.oldIndex, { edit: 'remove' });
    else {
      put(base, e.oldIndex, { edit: e.type, ...args, ...(e.newIndex !== undefined ? { partner: e.newIndex } : {}) });
      put(head, e.newIndex, { edit: e.type, ...args, ...(e.oldIndex !== undefined ? { partner: e.oldIndex } : {}) });
    }
  }
  return { base, head };
}

/** names the printer and the profiler spell differently for one operator */
const ALIASES: Readonly<Record<string, string>> = { TABLE_SCAN: 'SEQ_SCAN' };
const canonical = (name: string) => {
  const n = name.trim().toUpperCase().replace(/\s+/g, '_');
  return ALIASES[n] ?? n;
};

function flatten(root: PlanTreeNode): { node: PlanTreeNode; depth: number }[] {
  const out: { node: PlanTreeNode; depth: number }[] = [];
  const walk = (n: PlanTreeNode, depth: number) => {
    out.push({ node: n, depth });
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

/** Why the profile cannot be put on this tree, or null when it lines up node for node. */
function misalignment(tree: PlanTreeNode | null, ops: readonly OperatorActuals[], side: 'base' | 'head'): string | null {
  if (!tree) return `the ${side} has no plan`;
  const nodes = flatten(tree);
  if (nodes.length !== ops.length) return `the ${side} plan prints ${nodes.length} operators and its profile has ${ops.length}`;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (canonical(n.node.op) !== canonical(ops[i]!.name) || n.depth !== ops[i]!.depth) {
      return `the ${side} plan's operator ${i + 1} is ${n.node.op} and its profile's is ${ops[i]!.name}`;
    }
  }
  return null;
}

function toView(node: PlanTreeNode, marks: Map<number, NodeMark>, actuals: readonly OperatorActuals[] | null, mostChanged: number | null): PlanNodeView {
  const mark = marks.get(node.index) ?? { edit: 'keep' as const };
  const est = estimatedRows(node.label);
  const act = actuals?.[node.index];
  return {
    index: node.index,
    op: node.op,
    label: node.label,
    edit: mark.edit,
    ...(mark.changedArgs?.length ? { changedArgs: mark.changedArgs } : {}),
    ...(mark.partner !== undefined ? { partner: mark.partner } : {}),
    ...(mark.moved ? { moved: true } : {}),
    ...(est !== undefined ? { estimatedRows: est } : {}),
    ...(act ? { actualRows: act.rows, actualMs: Math.round(act.timeMs * 1000) / 1000 } : {}),
    ...(act && mostChanged === node.index ? { mostChanged: true } : {}),
    children: node.children.map((c) => toView(c, marks, actuals, mostChanged)),
  };
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** the pre-order ids flighting named as the most changed operator (operator-change.ts) */
function mostChangedIds(flight: FlightResultRecord | null): { base: number | null; head: number | null } {
  const c = flight?.operatorChange as { baseId?: unknown; headId?: unknown } | null | undefined;
  return { base: numberOrNull(c?.baseId), head: numberOrNull(c?.headId) };
}

export function buildPlanDiffView(outcome: OutcomeRecord, flight: FlightResultRecord | null): PlanDiffView {
  const level = outcome.baseExplain !== null && outcome.headExplain !== null ? 'explain' : 'simplified';
  const baseText = (level === 'explain' ? outcome.baseExplain : outcome.baseSimplified) ?? '';
  const headText = (level === 'explain' ? outcome.headExplain : outcome.headSimplified) ?? '';
  const diff = diffPlans(baseText, headText);
  const baseTree = parsePlanText(baseText);
  const headTree = parsePlanText(headText);
  const marks = marksFrom(diff.edits);

  let actualsNote: string | null = null;
  let baseActuals: readonly OperatorActuals[] | null = null;
  let headActuals: readonly OperatorActuals[] | null = null;
  if (flight) {
    const ops = flight.operators;
    if (!ops) {
      actualsNote = flight.pairs > 0 ? 'this flight recorded no per-operator profile (flown before profiles were kept, or the engine ran no operators)' : 'not timed: the flight compared results only';
    } else {
      const why = misalignment(baseTree, ops.base, 'base') ?? misalignment(headTree, ops.head, 'head');
      if (why) actualsNote = `actual rows and time are not shown on the plan nodes: ${why}, so the executed operators cannot be matched to the printed ones`;
      else {
        baseActuals = ops.base;
        headActuals = ops.head;
      }
    }
  }
  const most = mostChangedIds(flight);
  return {
    level,
    base: baseTree ? toView(baseTree, marks.base, baseActuals, most.base) : null,
    head: headTree ? toView(headTree, marks.head, headActuals, most.head) : null,
    textDiff: diff.textDiff,
    description: diff.description,
    counts: diff.counts,
    ...(flight ? { actualsNote } : {}),
  };
}
