/**
 * node-sql-parser SELECT statements → AstQuery: WITH, set operations (its
 * flat `_next` chain, rebuilt with INTERSECT binding tighter than UNION and
 * EXCEPT), the SELECT body, ORDER BY, LIMIT and OFFSET.
 */
import type { AstCte, AstExpr, AstOrderItem, AstQuery, AstQueryBody, AstSelectItem } from '../ir/ast.ts';
import { FlightdeckError } from '../errors.ts';
import {
  describe,
  identifierName,
  isAbsent,
  listItems,
  rejectUnknownKeys,
  unsupported,
  type ConvertContext,
  type Raw,
} from './convert-context.ts';
import { convertExpr } from './convert-expr.ts';
import { convertFromList } from './convert-from.ts';
import { convertOrderBy, convertSpecification } from './convert-window.ts';

const SELECT_KEYS = new Set([
  'with', 'type', 'options', 'distinct', 'columns', 'into', 'from', 'where', 'groupby', 'having', 'orderby',
  'limit', '_limit', 'window', '_next', 'set_op', 'parentheses_symbol', 'loc',
]);

type SetOp = 'union' | 'intersect' | 'except';

interface Operand {
  readonly node: Raw;
  /** operator joining this operand to the next one */
  readonly op: { readonly op: SetOp; readonly all: boolean } | null;
}

/** A `select` statement node (with its `_next` chain) → AstQuery. */
export function convertQueryNode(node: Raw, cx: ConvertContext): AstQuery {
  if (!node || typeof node !== 'object') throw unsupported('subquery');
  if (node.type !== 'select') throw unsupported(`${String(node.type ?? 'unknown').toUpperCase()} as a query`);
  if (!node['_next']) return convertSingleSelect(node, cx);

  const operands: Operand[] = [];
  for (let n: Raw = node; n; n = n['_next']) {
    if (n.type !== 'select') throw unsupported(`${String(n.type ?? 'unknown').toUpperCase()} in a set operation`);
    operands.push({ node: n, op: n['_next'] ? parseSetOp(n.set_op) : null });
  }
  const first = operands[0]!.node;
  const last = operands[operands.length - 1]!.node;
  // Unparenthesised, the first operand's WITH and the last one's ORDER BY / LIMIT belong to the whole query.
  const outerWith = first.parentheses_symbol ? [] : convertWith(first.with, cx);
  const outerTail = last.parentheses_symbol ? null : last;
  const bodies = operands.map((o, i) => {
    const n = o.node;
    if (n.parentheses_symbol) {
      const q = convertSingleSelect(n, cx);
      return q.with.length || q.orderBy.length || q.limit || q.offset ? q : q.body;
    }
    if (i > 0 && !isAbsent(n.with)) throw unsupported('WITH inside a set operation operand without parentheses');
    if (n !== outerTail && (!isAbsent(n.orderby) || hasLimit(n))) {
      throw new FlightdeckError('parse-error', 'ORDER BY / LIMIT on a set operation operand must be inside parentheses');
    }
    return convertSelectBody(n, cx);
  });
  const body = combineSetOps(bodies, operands.map((o) => o.op));
  const tail = outerTail ? convertTail(outerTail, cx) : { orderBy: [], limit: null, offset: null };
  return { kind: 'query', with: outerWith, body: unwrapBody(body), ...tail };
}

function unwrapBody(b: AstQueryBody | AstQuery): AstQueryBody {
  if (b.kind !== 'query') return b;
  // a lone parenthesised operand cannot reach here: combineSetOps always yields a setop for 2+ operands
  throw new FlightdeckError('internal-error', 'set operation collapsed to a single query');
}

function convertSingleSelect(node: Raw, cx: ConvertContext): AstQuery {
  return { kind: 'query', with: convertWith(node.with, cx), body: convertSelectBody(node, cx), ...convertTail(node, cx) };
}

function parseSetOp(raw: unknown): { op: SetOp; all: boolean } {
  const words = typeof raw === 'string' ? raw.toLowerCase().trim().split(/\s+/) : [];
  const op = words[0] === 'minus' ? 'except' : words[0];
  if (op !== 'union' && op !== 'intersect' && op !== 'except') throw unsupported(`set operation ${String(raw)}`);
  const modifier = words[1];
  if (words.length > 2 || (modifier !== undefined && modifier !== 'all' && modifier !== 'distinct')) {
    throw unsupported(`set operation ${String(raw).toUpperCase()}`);
  }
  return { op, all: modifier === 'all' };
}

/** Left-associative, INTERSECT before UNION/EXCEPT (SQL standard precedence). */
function combineSetOps(bodies: readonly (AstQueryBody | AstQuery)[], ops: readonly Operand['op'][]): AstQueryBody | AstQuery {
  // first pass: fold INTERSECT runs
  const terms: (AstQueryBody | AstQuery)[] = [bodies[0]!];
  const termOps: { op: SetOp; all: boolean }[] = [];
  for (let i = 1; i < bodies.length; i++) {
    const op = ops[i - 1]!;
    if (op.op === 'intersect') {
      const left = terms.pop()!;
      terms.push({ kind: 'setop', op: 'intersect', all: op.all, left, right: bodies[i]! });
    } else {
      terms.push(bodies[i]!);
      termOps.push(op);
    }
  }
  let acc = terms[0]!;
  for (let i = 1; i < terms.length; i++) {
    const op = termOps[i - 1]!;
    acc = { kind: 'setop', op: op.op, all: op.all, left: acc, right: terms[i]! };
  }
  return acc;
}

function hasLimit(node: Raw): boolean {
  return listItems(node.limit?.value).length > 0 || listItems(node['_limit']?.value).length > 0;
}

function convertTail(node: Raw, cx: ConvertContext): { orderBy: AstOrderItem[]; limit: AstExpr | null; offset: AstExpr | null } {
  return { orderBy: convertOrderBy(node.orderby, cx), ...convertLimit(node, cx) };
}

/**
 * `limit: { seperator, value }` (sic): `LIMIT n` → [n]; `LIMIT n OFFSET m` →
 * separator `offset`, [n, m]; `OFFSET m` alone → separator `offset`, [m],
 * with a following `LIMIT n` in `_limit`; MySQL `LIMIT m, n` → separator `,`.
 */
function convertLimit(node: Raw, cx: ConvertContext): { limit: AstExpr | null; offset: AstExpr | null } {
  const l = node.limit;
  const values = listItems(l?.value);
  const sep = typeof l?.seperator === 'string' ? l.seperator.toLowerCase() : '';
  let limit: Raw = null;
  let offset: Raw = null;
  if (sep === 'offset') {
    if (values.length === 2) [limit, offset] = values;
    else if (values.length === 1) offset = values[0];
  } else if (sep === ',') {
    if (values.length !== 2) throw unsupported('LIMIT with a comma');
    [offset, limit] = values;
  } else if (values.length === 1) {
    limit = values[0];
  } else if (values.length > 1) {
    throw unsupported('LIMIT');
  }
  const extra = listItems(node['_limit']?.value);
  if (extra.length === 1 && limit === null) limit = extra[0];
  else if (extra.length > 0) throw unsupported('LIMIT given twice');
  return { limit: limitExpr(limit, cx), offset: limitExpr(offset, cx) };
}

/** `LIMIT ALL` means no limit. */
function limitExpr(node: Raw, cx: ConvertContext): AstExpr | null {
  if (node === null || node === undefined) return null;
  if (node.type === 'origin' && String(node.value).toLowerCase() === 'all') return null;
  return convertExpr(node, cx);
}

function convertWith(items: Raw, cx: ConvertContext): AstCte[] {
  if (isAbsent(items)) return [];
  if (!Array.isArray(items)) throw unsupported('WITH');
  return items.map((cte: Raw) => {
    if (cte.recursive) throw unsupported('recursive CTE (WITH RECURSIVE)');
    rejectUnknownKeys(cte, CTE_KEYS, 'a WITH item');
    const stmt = cte.stmt?.ast ?? cte.stmt;
    return {
      name: identifierName(cte.name, cx),
      columns: isAbsent(cte.columns) ? null : cte.columns.map((c: Raw) => cteColumnName(c, cx)),
      query: convertQueryNode(stmt, cx),
    };
  });
}

const CTE_KEYS = new Set(['name', 'stmt', 'columns', 'recursive']);

function cteColumnName(c: Raw, cx: ConvertContext): string {
  if (c?.type === 'column_ref') {
    const col = c.column;
    if (typeof col === 'string') return cx.normalizeName(col);
    return identifierName(col?.expr, cx);
  }
  return identifierName(c, cx);
}

function convertSelectBody(node: Raw, cx: ConvertContext): AstQueryBody {
  rejectUnknownKeys(node, SELECT_KEYS, 'SELECT');
  if (node.options && !isAbsent(node.options)) throw unsupported('SELECT options');
  if (node.into && (node.into.expr || node.into.type === 'into' || node.into.keyword)) throw unsupported('SELECT INTO');
  return {
    kind: 'select',
    distinct: convertDistinct(node.distinct),
    columns: convertColumns(node.columns, cx),
    from: isAbsent(node.from) ? [] : convertFromList(node.from, cx),
    where: isAbsent(node.where) ? null : convertExpr(node.where, cx),
    groupBy: convertGroupBy(node.groupby, cx),
    having: isAbsent(node.having) ? null : convertExpr(node.having, cx),
    windows: convertWindows(node.window, cx),
  };
}

function convertDistinct(d: Raw): boolean {
  if (isAbsent(d)) return false;
  const t = typeof d === 'string' ? d : d.type;
  if (t === null || t === undefined) return false;
  const text = String(t).toUpperCase();
  if (text === 'DISTINCT') return true;
  if (text === 'ALL') return false;
  throw unsupported(text === 'DISTINCT ON' ? 'DISTINCT ON' : `SELECT ${text}`);
}

function convertColumns(columns: Raw, cx: ConvertContext): AstSelectItem[] {
  if (!Array.isArray(columns) || columns.length === 0) throw unsupported('SELECT without a column list');
  return columns.map((c: Raw) => ({ expr: convertExpr(c?.expr, cx), alias: columnAlias(c?.as, cx) }));
}

function columnAlias(as: Raw, cx: ConvertContext): string | null {
  if (isAbsent(as)) return null;
  if (typeof as === 'string' && /^over\s*\(/i.test(as)) throw unsupported('OVER (window) in this form');
  return identifierName(as, cx);
}

const GROUPING_FUNCTIONS = new Set(['rollup', 'cube', 'grouping sets', 'grouping_sets']);

function convertGroupBy(groupby: Raw, cx: ConvertContext): AstExpr[] {
  if (isAbsent(groupby)) return [];
  const items = Array.isArray(groupby) ? groupby : groupby.columns;
  if (!Array.isArray(groupby) && !isAbsent(groupby.modifiers)) throw unsupported('GROUP BY modifiers (WITH ROLLUP)');
  if (isAbsent(items)) return [];
  if (!Array.isArray(items)) throw unsupported(`GROUP BY ${describe(items)}`);
  return items.map((item: Raw) => {
    const parts = item?.type === 'function' ? item.name?.name : undefined;
    const fn = Array.isArray(parts) && parts.length === 1 ? String(parts[0]?.value).toLowerCase() : '';
    if (GROUPING_FUNCTIONS.has(fn)) throw unsupported(`GROUP BY ${fn.toUpperCase()} (GROUPING SETS/ROLLUP/CUBE)`);
    return convertExpr(item, cx);
  });
}

function convertWindows(window: Raw, cx: ConvertContext): { name: string; spec: ReturnType<typeof convertSpecification> }[] {
  if (isAbsent(window)) return [];
  const items = listItems(window.expr);
  return items.map((w: Raw) => ({ name: identifierName(w.name, cx), spec: convertSpecification(w.as_window_specification, cx) }));
}
