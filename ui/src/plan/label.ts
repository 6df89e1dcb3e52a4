/**
 * A plan line as the canonical printer writes it — `OP(key=[value], …)` —
 * split into its operator and arguments, so the tree can emphasise the
 * arguments a diff says changed. Brackets nest (`filters=[a IN [1, 2]]`);
 * a label that does not follow the form is shown whole.
 */

export interface PlanArg {
  readonly key: string;
  readonly value: string;
}

export interface ParsedLabel {
  readonly op: string;
  readonly args: readonly PlanArg[];
  /** the label did not parse as OP(key=[value], …): show it as is */
  readonly raw: string | null;
}

const cache = new Map<string, ParsedLabel>();

export function parseLabel(op: string, label: string): ParsedLabel {
  const hit = cache.get(label);
  if (hit && hit.op === op) return hit;
  const parsed = parse(op, label);
  if (cache.size > 5000) cache.clear();
  cache.set(label, parsed);
  return parsed;
}

function parse(op: string, label: string): ParsedLabel {
  const open = label.indexOf('(');
  if (open < 0) return { op: label.trim() || op, args: [], raw: null };
  if (!label.endsWith(')')) return { op, args: [], raw: label };
  const head = label.slice(0, open).trim() || op;
  const body = label.slice(open + 1, -1);
  const args: PlanArg[] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ' || body[i] === ',') i++;
    if (i >= body.length) break;
    const eq = body.indexOf('=[', i);
    if (eq < 0) return { op: head, args: [], raw: label };
    const key = body.slice(i, eq).trim();
    let depth = 0;
    let j = eq + 1;
    for (; j < body.length; j++) {
      const c = body[j];
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) break;
    }
    if (depth !== 0) return { op: head, args: [], raw: label };
    args.push({ key, value: body.slice(eq + 2, j) });
    i = j + 1;
  }
  return { op: head, args, raw: null };
}
