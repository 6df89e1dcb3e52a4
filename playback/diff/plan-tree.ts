/**
 * Plan trees read back from the canonical printed text. Every build prints
 * one operator per line with two-space indentation (compiler/print and the
 * DuckDB normaliser share that format), so the structural diff works on any
 * build's output, the same way for all of them.
 */

export interface PlanTreeNode {
  /** index in pre-order, unique in its tree */
  readonly index: number;
  /** operator name: the text before the first `(` (`Join`, `HASH_JOIN`, `subquery#0:`) */
  readonly op: string;
  /** the full line without indentation: operator and arguments */
  readonly label: string;
  readonly children: PlanTreeNode[];
  parent: PlanTreeNode | null;
  /** structural hash of the subtree (labels and shape) */
  hash: string;
  /** number of nodes in the subtree */
  size: number;
  /** height of the subtree, leaves are 1 */
  height: number;
}

/** Parse printed plan text (one node per line, two spaces per level) into a tree. */
export function parsePlanText(text: string): PlanTreeNode | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return null;
  const stack: { depth: number; node: PlanTreeNode }[] = [];
  let root: PlanTreeNode | null = null;
  let index = 0;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const depth = Math.floor(indent / 2);
    const label = line.trim();
    const paren = label.indexOf('(');
    const node: PlanTreeNode = {
      index: index++,
      op: paren < 0 ? label : label.slice(0, paren),
      label,
      children: [],
      parent: null,
      hash: '',
      size: 1,
      height: 1,
    };
    while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack.length ? stack[stack.length - 1]!.node : null;
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else if (!root) {
      root = node;
    } else {
      // a second top-level line: hang it under the root so nothing is lost
      node.parent = root;
      root.children.push(node);
    }
    stack.push({ depth, node });
  }
  if (root) computeHashes(root);
  return root;
}

function computeHashes(node: PlanTreeNode): void {
  let size = 1;
  let height = 0;
  for (const c of node.children) {
    computeHashes(c);
    size += c.size;
    height = Math.max(height, c.height);
  }
  node.size = size;
  node.height = height + 1;
  node.hash = hashString(node.label + '(' + node.children.map((c) => c.hash).join(',') + ')');
}

/** 53-bit string hash (cyrb53), as hex; collisions are irrelevant at plan sizes. */
export function hashString(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** All nodes in pre-order. */
export function preOrder(root: PlanTreeNode): PlanTreeNode[] {
  const out: PlanTreeNode[] = [];
  const walk = (n: PlanTreeNode) => {
    out.push(n);
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

/** All nodes in post-order (children before parents). */
export function postOrder(root: PlanTreeNode): PlanTreeNode[] {
  const out: PlanTreeNode[] = [];
  const walk = (n: PlanTreeNode) => {
    for (const c of n.children) walk(c);
    out.push(n);
  };
  walk(root);
  return out;
}
