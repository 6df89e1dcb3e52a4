/**
 * The structural plan diff: an edit script between two printed plans
 * (insert | remove | move | update | keep, each tagged with the operator and
 * where it sits), plus the unified text diff as the second view, and a
 * change signature that clusters diffs of the same shape across templates.
 */
import { createTwoFilesPatch } from 'diff';
import { matchTrees } from './match.ts';
import { parsePlanText, preOrder, type PlanTreeNode } from './plan-tree.ts';

export type EditType = 'insert' | 'remove' | 'move' | 'update' | 'keep';

export interface PlanEdit {
  readonly type: EditType;
  /** operator of the node (the new one's for insert/update/move/keep, the old one's for remove) */
  readonly op: string;
  /** for update: the old operator when it changed (e.g. HASH_JOIN → NESTED_LOOP_JOIN) */
  readonly oldOp?: string;
  readonly oldLabel?: string;
  readonly newLabel?: string;
  /** operator of the parent it sits under (new tree; old tree for remove); null at the root */
  readonly parentOp: string | null;
  /** argument keys whose values changed (update only) */
  readonly changedArgs?: readonly string[];
  /** pre-order index in the old / new tree */
  readonly oldIndex?: number;
  readonly newIndex?: number;
}

export interface PlanDiff {
  /** every node accounted for: keeps included, in new-tree pre-order, removes last */
  readonly edits: readonly PlanEdit[];
  readonly counts: Readonly<Record<EditType, number>>;
  /** shape of the change, independent of the template: the key change clusters group by */
  readonly signature: string;
  /** one line for people, e.g. "HASH_JOIN → NESTED_LOOP_JOIN under HASH_GROUP_BY" */
  readonly description: string;
  /** unified diff of the two texts */
  readonly textDiff: string;
}

/**
 * Plans larger than this (in operators, either side) get the text diff and a
 * coarse signature only: the matcher's cost grows quickly with plan size and
 * runs on the worker's event loop.
 */
export const MAX_STRUCTURAL_NODES = 400;

export function diffPlans(oldText: string, newText: string, names: { old?: string; new?: string } = {}): PlanDiff {
  const textDiff = createTwoFilesPatch(names.old ?? 'base', names.new ?? 'head', oldText, newText, '', '', { context: 3 });
  const size = (t: string) => t.split('\n').filter((l) => l.trim()).length;
  if (size(oldText) > MAX_STRUCTURAL_NODES || size(newText) > MAX_STRUCTURAL_NODES) {
    const counts: Record<EditType, number> = { insert: 0, remove: 0, move: 0, update: 0, keep: 0 };
    return { edits: [], counts, signature: `large plan changed (over ${MAX_STRUCTURAL_NODES} operators)`, description: 'large plan changed; see the text diff', textDiff };
  }
  const a = parsePlanText(oldText);
  const b = parsePlanText(newText);
  const edits: PlanEdit[] = [];
  if (a && b) {
    const { oldToNew, newToOld } = matchTrees(a, b);
    for (const y of preOrder(b)) {
      const x = newToOld.get(y);
      const parentOp = y.parent ? y.parent.op : null;
      if (!x) {
        edits.push({ type: 'insert', op: y.op, newLabel: y.label, parentOp, newIndex: y.index });
        continue;
      }
      const moved = isMoved(x, y, oldToNew);
      if (x.label !== y.label) {
        edits.push({
          type: 'update', op: y.op, ...(x.op !== y.op ? { oldOp: x.op } : {}), oldLabel: x.label, newLabel: y.label, parentOp,
          changedArgs: changedArgs(x.label, y.label), oldIndex: x.index, newIndex: y.index,
        });
        if (moved) edits.push({ type: 'move', op: y.op, oldLabel: x.label, newLabel: y.label, parentOp, oldIndex: x.index, newIndex: y.index });
      } else if (moved) {
        edits.push({ type: 'move', op: y.op, oldLabel: x.label, newLabel: y.label, parentOp, oldIndex: x.index, newIndex: y.index });
      } else {
        edits.push({ type: 'keep', op: y.op, oldLabel: x.label, newLabel: y.label, parentOp, oldIndex: x.index, newIndex: y.index });
      }
    }
    for (const x of preOrder(a)) {
      if (!oldToNew.has(x)) edits.push({ type: 'remove', op: x.op, oldLabel: x.label, parentOp: x.parent ? x.parent.op : null, oldIndex: x.index });
    }
  } else {
    if (b) for (const y of preOrder(b)) edits.push({ type: 'insert', op: y.op, newLabel: y.label, parentOp: y.parent?.op ?? null, newIndex: y.index });
    if (a) for (const x of preOrder(a)) edits.push({ type: 'remove', op: x.op, oldLabel: x.label, parentOp: x.parent?.op ?? null, oldIndex: x.index });
  }
  const counts: Record<EditType, number> = { insert: 0, remove: 0, move: 0, update: 0, keep: 0 };
  for (const e of edits) counts[e.type]++;
  return {
    edits,
    counts,
    signature: changeSignature(edits),
    description: describeChange(edits),
    textDiff,
  };
}

/**
 * Moved: its parent's match is not its new parent (other than by being
 * wrapped in an inserted node or unwrapped from a removed one), or its
 * position among siblings that stayed matched changed (join inputs swapped).
 */
function isMoved(x: PlanTreeNode, y: PlanTreeNode, oldToNew: Map<PlanTreeNode, PlanTreeNode>): boolean {
  if (!x.parent || !y.parent) return Boolean(x.parent) !== Boolean(y.parent);
  if (oldToNew.get(x.parent) !== y.parent) {
    // wrapped by an inserted node (P → C became P → New → C) or unwrapped from a removed
    // one: the insert or remove already says it; the child did not move
    const newToOld = new Map([...oldToNew].map(([k, v]) => [v, k]));
    const wrapped = !newToOld.has(y.parent) && y.parent.parent !== null && oldToNew.get(x.parent) === y.parent.parent;
    const unwrapped = !oldToNew.has(x.parent) && x.parent.parent !== null && oldToNew.get(x.parent.parent) === y.parent;
    return !(wrapped || unwrapped);
  }
  const oldSiblings = x.parent.children.filter((c) => oldToNew.get(c)?.parent === y.parent).map((c) => oldToNew.get(c)!);
  const newSiblings = y.parent.children.filter((c) => oldSiblings.includes(c));
  return oldSiblings.indexOf(y) !== newSiblings.indexOf(y);
}

/** `Op(k1=[v], k2=[w])` → Map k → v, tolerant of brackets inside values. */
export function parseArgs(label: string): Map<string, string> {
  const out = new Map<string, string>();
  const open = label.indexOf('(');
  if (open < 0) return out;
  const body = label.slice(open + 1, label.endsWith(')') ? -1 : undefined);
  let depth = 0;
  let start = 0;
  const pieces: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      pieces.push(body.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(body.slice(start));
  for (const p of pieces) {
    const eq = p.indexOf('=');
    if (eq > 0) out.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return out;
}

function changedArgs(oldLabel: string, newLabel: string): string[] {
  const a = parseArgs(oldLabel);
  const b = parseArgs(newLabel);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

function editShape(e: PlanEdit): string | null {
  const under = e.parentOp ? ` under ${e.parentOp}` : ' at root';
  switch (e.type) {
    case 'keep':
      return null;
    case 'update':
      return e.oldOp ? `${e.oldOp} → ${e.op}${under}` : `${e.op}{${(e.changedArgs ?? []).join(',')}} changed${under}`;
    case 'insert':
      return `${e.op} added${under}`;
    case 'remove':
      return `${e.op} removed${under}`;
    case 'move':
      return `${e.op} moved${under}`;
  }
}

/** Sorted, de-duplicated edit shapes: the same signature means the same kind of change. */
export function changeSignature(edits: readonly PlanEdit[]): string {
  const shapes = new Set<string>();
  for (const e of edits) {
    const s = editShape(e);
    if (s) shapes.add(s);
  }
  return [...shapes].sort().join('; ');
}

/** The most telling shapes first (operator swaps, then inserts/removes, then moves and argument changes), at most three. */
export function describeChange(edits: readonly PlanEdit[]): string {
  const rank = (e: PlanEdit) => (e.type === 'update' && e.oldOp ? 0 : e.type === 'insert' || e.type === 'remove' ? 1 : e.type === 'move' ? 2 : 3);
  const shapes: string[] = [];
  for (const e of [...edits].filter((x) => x.type !== 'keep').sort((x, y) => rank(x) - rank(y))) {
    const s = editShape(e)!;
    if (!shapes.includes(s)) shapes.push(s);
  }
  if (!shapes.length) return 'no structural change';
  return shapes.slice(0, 3).join('; ') + (shapes.length > 3 ? `; +${shapes.length - 3} more` : '');
}
