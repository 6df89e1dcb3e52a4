/**
 * DuckDB's `EXPLAIN (FORMAT JSON)` tree, normalised and printed in the
 * canonical style (one operator per line, two-space indent, `Op(key=[value])`,
 * keys in a fixed order), so plans from different DuckDB versions diff
 * cleanly:
 *
 * - operator names trimmed (1.3.2 writes `"SEQ_SCAN "`);
 * - table names unqualified (1.5.6 writes `memory.main.t` / `<db>.main.t`),
 *   and database / schema qualifiers dropped from column references (1.3.2
 *   writes `"<db>".main.t.c` in ORDER BY): they name the catalog file;
 * - `extra_info` keys in snake_case (`Join Type` → `join_type`), list values
 *   joined (conjunct lists with ` AND `), whitespace runs collapsed, empty
 *   values dropped;
 * - projections DuckDB adds only to compress / decompress columns
 *   (`__internal_compress_*`, `__internal_decompress_*`) are marked
 *   `internal`: printed in `explain` and kept in `json`, folded away in
 *   `simplified` and not counted in the cost.
 *
 * Estimates: DuckDB's optimizer costs plans by cardinality, so `cost` is the
 * sum of the operators' estimated cardinalities and `rows` the root's
 * estimate (when the root reports none — TOP_N, PERFECT_HASH_GROUP_BY — the
 * nearest estimate below it on its first input).
 */

export interface DuckdbPlanNode {
  readonly op: string;
  /** normalised extra_info, keys in print order */
  readonly details: Readonly<Record<string, string>>;
  /** a compression projection DuckDB inserted for execution only */
  readonly internal?: true;
  readonly children: readonly DuckdbPlanNode[];
}

/** keys printed in `simplified`, in this order: the shape of the plan */
const SIMPLIFIED_KEYS = ['table', 'function', 'join_type', 'conditions', 'expression', 'filters'] as const;
/** keys printed first in `explain`, in this order; the rest follow sorted, `estimated_cardinality` last */
const EXPLAIN_FIRST = [
  ...SIMPLIFIED_KEYS,
  'type',
  'groups',
  'aggregates',
  'projections',
  'order_by',
  'top',
  'offset',
] as readonly string[];
const ESTIMATE = 'estimated_cardinality';
const CONJUNCT_KEYS = new Set(['conditions', 'filters']);

interface RawNode {
  name?: unknown;
  children?: unknown;
  extra_info?: unknown;
}

/** The JSON text DuckDB returns for EXPLAIN (FORMAT JSON) → normalised root operators (usually one). */
export function normalizeDuckdbPlan(raw: unknown): DuckdbPlanNode[] {
  const roots = Array.isArray(raw) ? raw : [raw];
  return roots.map((r) => normalizeNode(r as RawNode));
}

function normalizeNode(raw: RawNode): DuckdbPlanNode {
  const op = String(raw.name ?? '?').trim();
  const info = raw.extra_info && typeof raw.extra_info === 'object' && !Array.isArray(raw.extra_info) ? (raw.extra_info as Record<string, unknown>) : undefined;
  const details: Record<string, string> = {};
  if (info !== undefined) {
    const entries: [KeyInfo, string][] = [];
    for (const rawKey in info) {
      const k = keyInfo(rawKey);
      if (k.key === '') continue;
      const value = unqualify(formatValue(info[rawKey], k.joiner), k.keep);
      if (value === '') continue;
      // insertion sort by rank, then name: a node has a handful of keys
      let at = entries.length;
      while (at > 0 && compareKeys(entries[at - 1]![0], k) > 0) at--;
      entries.splice(at, 0, [k, value]);
    }
    for (const [k, v] of entries) details[k.key] = v;
  }
  const rawChildren = raw.children;
  const children: DuckdbPlanNode[] = [];
  if (Array.isArray(rawChildren)) for (const c of rawChildren) children.push(normalizeNode(c as RawNode));
  return op === 'PROJECTION' && isCompressionProjection(details) ? { op, details, internal: true, children } : { op, details, children };
}

interface KeyInfo {
  /** `Join Type` → `join_type` */
  readonly key: string;
  readonly rank: number;
  /** how list values are joined: conjunct lists with ` AND ` */
  readonly joiner: string;
  /** qualifier parts kept: 1 for the table name, 2 (table.column) elsewhere */
  readonly keep: 1 | 2;
}

const KEYS = new Map<string, KeyInfo>();

/** What a raw `extra_info` key becomes (memoised: plans repeat a handful of keys). */
function keyInfo(rawKey: string): KeyInfo {
  let k = KEYS.get(rawKey);
  if (k === undefined) {
    const key = rawKey
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
    k = { key, rank: RANK.get(key) ?? 500, joiner: CONJUNCT_KEYS.has(key) ? ' AND ' : ', ', keep: key === 'table' ? 1 : 2 };
    if (KEYS.size < 1000) KEYS.set(rawKey, k);
  }
  return k;
}

function compareKeys(a: KeyInfo, b: KeyInfo): number {
  return a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const RANK = new Map<string, number>([...EXPLAIN_FIRST.map((k, i) => [k, i] as const), [ESTIMATE, 1000]]);

function formatValue(v: unknown, joiner: string): string {
  if (typeof v === 'string') return v.includes('\n') ? v.replace(/\s*\n\s*/g, ' ').trim() : v.trim();
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) {
    let out = '';
    for (const x of v) {
      const text = formatValue(x, joiner);
      if (text !== '') out = out === '' ? text : out + joiner + text;
    }
    return out;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const IDENT = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** a single-quoted string (left alone), or a chain of three or more dotted identifiers */
const QUALIFIED = new RegExp(String.raw`'(?:[^']|'')*'|(${IDENT}(?:\.${IDENT}){2,})`, 'g');
const PART = new RegExp(IDENT, 'g');
/** cheap pre-check: something like `a.b.` somewhere */
const MAYBE_CHAIN = /[\w$"]\.(?:"[^"]*"|[A-Za-z_][\w$]*)\./;

/**
 * Drop database and schema qualifiers, which name the catalog file rather
 * than the plan: `"tpch-tiny".main.lineitem.l_tax` → `lineitem.l_tax` (keep 2
 * parts) and, for the `table` detail, `memory.main.lineitem` → `lineitem`
 * (keep 1). Text inside string literals is left alone.
 */
function unqualify(text: string, keep: 1 | 2): string {
  if (text.indexOf('.') < 0 || !MAYBE_CHAIN.test(text)) return text;
  if (keep === 1 && !text.includes("'")) {
    const parts = text.match(PART);
    if (parts && parts.join('.') === text) return parts[parts.length - 1]!;
  }
  return text.replace(QUALIFIED, (whole, chain: string | undefined) => {
    if (!chain) return whole;
    const parts = chain.match(PART)!;
    return parts.slice(-2).join('.');
  });
}

const COMPRESSION = /^__internal_(?:de)?compress_\w*\(#\d+(?:,[^)]*)?\)$/;

/** A PROJECTION that only passes columns through (`#n`) or (de)compresses them, compressing at least one. */
function isCompressionProjection(details: Record<string, string>): boolean {
  if (details.projections === undefined || !details.projections.includes('__internal_')) return false;
  const items = splitTopLevel(details.projections);
  return items.some((x) => COMPRESSION.test(x)) && items.every((x) => COMPRESSION.test(x) || /^#\d+$/.test(x));
}

/** Split `a(b, c), d` on top-level commas. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

export type DuckdbPrintLevel = 'simplified' | 'explain';

export function printDuckdbPlan(roots: readonly DuckdbPlanNode[], level: DuckdbPrintLevel): string {
  const out: Printed = { simplified: '', explain: '' };
  for (const r of roots) printNode(r, 0, 0, out);
  return (level === 'simplified' ? out.simplified : out.explain) + '\n';
}

interface Printed {
  simplified: string;
  explain: string;
}

const INDENT: string[] = [''];
function indent(depth: number): string {
  while (INDENT.length <= depth) INDENT.push(INDENT[INDENT.length - 1] + '  ');
  return INDENT[depth]!;
}

/** Both levels in one walk: `simplified` folds internal projections away and keeps only the shape keys. */
function printNode(node: DuckdbPlanNode, simplifiedDepth: number, explainDepth: number, out: Printed): void {
  const { op, details } = node;
  let all = '';
  for (const k in details) all = all === '' ? `${k}=[${details[k]}]` : `${all}, ${k}=[${details[k]}]`;
  const explainLine = indent(explainDepth) + (all === '' ? op : `${op}(${all})`);
  out.explain = out.explain === '' ? explainLine : `${out.explain}\n${explainLine}`;
  if (!node.internal) {
    let shape = '';
    for (const k of SIMPLIFIED_KEYS) {
      const v = details[k];
      if (v !== undefined) shape = shape === '' ? `${k}=[${v}]` : `${shape}, ${k}=[${v}]`;
    }
    const line = indent(simplifiedDepth) + (shape === '' ? op : `${op}(${shape})`);
    out.simplified = out.simplified === '' ? line : `${out.simplified}\n${line}`;
  }
  const nextSimplified = node.internal ? simplifiedDepth : simplifiedDepth + 1;
  for (const c of node.children) printNode(c, nextSimplified, explainDepth + 1, out);
}

function estimate(node: DuckdbPlanNode): number | undefined {
  const text = node.details[ESTIMATE];
  if (text === undefined) return undefined;
  const m = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(text);
  return m ? Number(m[0]) : undefined;
}

/** cost = sum of estimated cardinalities (internal projections excluded); rows = the root's estimate. */
export function estimateDuckdbPlan(roots: readonly DuckdbPlanNode[]): { cost: number; rows: number } {
  let cost = 0;
  const visit = (node: DuckdbPlanNode) => {
    if (!node.internal) cost += estimate(node) ?? 0;
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  let rows: number | undefined;
  for (let n: DuckdbPlanNode | undefined = roots[0]; n && rows === undefined; n = n.children[0]) rows = estimate(n);
  return { cost, rows: rows ?? 0 };
}

/** The three printed levels plus estimates, from the text DuckDB returned. */
export function convertDuckdbExplain(explainJson: string): { simplified: string; explain: string; json: unknown; cost: number; rows: number } {
  const roots = normalizeDuckdbPlan(JSON.parse(explainJson));
  const { cost, rows } = estimateDuckdbPlan(roots);
  const out: Printed = { simplified: '', explain: '' };
  for (const r of roots) printNode(r, 0, 0, out);
  return {
    simplified: out.simplified + '\n',
    explain: out.explain + '\n',
    json: roots.length === 1 ? roots[0] : roots,
    cost,
    rows,
  };
}
