/**
 * node-sql-parser FROM lists → AstFrom[]. The parser gives a flat list where
 * an item with `join` joins everything before it (up to the previous comma
 * item); we rebuild the left-deep join trees. It also has blind spots we
 * repair here rather than pass on wrong:
 * - `a NATURAL JOIN b` / `a CROSS JOIN b` after an unaliased table come back
 *   as alias `natural` / `cross` on `a` plus a condition-less INNER JOIN;
 * - `a JOIN b ON c, d, e` comes back with `d, e` swallowed into an ON list;
 * - derived-table column aliases come back inside the alias string `s(a, b)`.
 */
import type { AstExpr, AstFrom, AstJoinType, AstQuery } from '../ir/ast.ts';
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
import { convertQueryNode } from './convert-query.ts';

const JOIN_TYPES: Readonly<Record<string, AstJoinType>> = {
  JOIN: 'inner',
  'INNER JOIN': 'inner',
  'LEFT JOIN': 'left',
  'LEFT OUTER JOIN': 'left',
  'RIGHT JOIN': 'right',
  'RIGHT OUTER JOIN': 'right',
  'FULL JOIN': 'full',
  'FULL OUTER JOIN': 'full',
  'CROSS JOIN': 'cross',
};

const ITEM_KEYS = new Set(['db', 'schema', 'table', 'as', 'join', 'on', 'using', 'expr', 'type', 'loc', 'surround']);

/** Keywords the parser mistakes for an alias right before a join. */
type JoinMarker = 'natural' | 'cross' | null;

export function convertFromList(items: Raw, cx: ConvertContext): AstFrom[] {
  if (!Array.isArray(items)) throw unsupported(`FROM ${describe(items)}`);
  const result: AstFrom[] = [];
  let current: AstFrom | null = null;
  let marker: JoinMarker = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item || typeof item !== 'object') throw unsupported('FROM item');
    const joinsNext = !isAbsent(items[i + 1]?.join);
    const itemMarker = joinsNext ? joinMarker(item, cx) : null;
    if (isAbsent(item.join)) {
      if (current) result.push(current);
      current = convertFromItem(item, itemMarker !== null, cx);
    } else {
      if (!current) throw unsupported('JOIN without a left side');
      const { join, swallowed } = convertJoin(current, item, marker, itemMarker !== null, cx);
      current = join;
      if (swallowed.length) {
        result.push(current);
        current = swallowed.pop()!;
        result.push(...swallowed);
      }
    }
    marker = itemMarker;
  }
  if (current) result.push(current);
  return result;
}

function joinMarker(item: Raw, cx: ConvertContext): JoinMarker {
  if (typeof item.as !== 'string') return null;
  const lower = item.as.toLowerCase();
  if (lower !== 'natural' && lower !== 'cross') return null;
  return cx.normalizeName(item.as) === lower ? lower : null; // a quoted "natural" is a real alias
}

function convertJoin(
  left: AstFrom,
  item: Raw,
  marker: JoinMarker,
  dropAlias: boolean,
  cx: ConvertContext,
): { join: AstFrom; swallowed: AstFrom[] } {
  const rawType = typeof item.join === 'string' ? item.join.toUpperCase().replace(/\s+/g, ' ') : '';
  let joinType = JOIN_TYPES[rawType];
  if (!joinType) {
    if (/^(UNION|INTERSECT|EXCEPT|MINUS)/.test(rawType)) throw unsupported('parenthesized set operation after another SELECT (move it into a derived table)');
    throw unsupported(rawType || 'join');
  }
  const right = convertFromItem(item, dropAlias, cx);
  const hasOn = !isAbsent(item.on);
  const hasUsing = !isAbsent(item.using);
  let natural = false;
  if (marker !== null) {
    if (hasOn || hasUsing) throw unsupported(`${marker.toUpperCase()} JOIN with ON/USING`);
    if (marker === 'natural') natural = true;
    else if (joinType === 'inner') joinType = 'cross';
    else throw unsupported(`CROSS ${rawType}`);
  }
  if (joinType === 'cross' && (hasOn || hasUsing)) throw unsupported('CROSS JOIN with ON/USING');
  const swallowed: AstFrom[] = [];
  let on: AstExpr | null = null;
  if (hasOn) {
    const cond = item.on;
    if (cond.type === 'expr_list') {
      const parts = listItems(cond);
      on = convertExpr(parts[0], cx);
      for (const extra of parts.slice(1)) swallowed.push(swallowedTable(extra, cx));
    } else {
      on = convertExpr(cond, cx);
    }
  }
  const using = hasUsing ? listItems(item.using).map((u: Raw) => identifierName(u, cx)) : null;
  return { join: { kind: 'join', joinType, left, right, on, using, natural }, swallowed };
}

/** `a JOIN b ON c, t2` parses `t2` as a column of the ON list; it is the next FROM item. */
function swallowedTable(node: Raw, cx: ConvertContext): AstFrom {
  if (node?.type !== 'column_ref' || node.column === '*' || node.array_index?.length || node.schema) {
    throw unsupported('comma-separated FROM item after JOIN ... ON (use CROSS JOIN, or list comma items before the joins)');
  }
  const name = typeof node.column === 'string' ? cx.normalizeName(node.column) : identifierName(node.column?.expr, cx);
  const schema = node.table ? identifierName(node.table, cx) : null;
  return { kind: 'table', schema, name, alias: null };
}

function convertFromItem(item: Raw, dropAlias: boolean, cx: ConvertContext): AstFrom {
  if (!isAbsent(item.prefix)) throw unsupported(String(item.prefix).toUpperCase());
  rejectUnknownKeys(item, ITEM_KEYS, 'a FROM item');
  const { alias, columns } = dropAlias ? { alias: null, columns: null } : splitAlias(item.as, cx);
  const e = item.expr;
  if (e && typeof e === 'object') {
    if (e.ast) return { kind: 'subquery', query: convertQueryNode(e.ast, cx), alias, columnAliases: columns };
    if (e.type === 'values') return { kind: 'subquery', query: convertValues(e, cx), alias, columnAliases: columns };
    if (e.type === 'tables') {
      if (alias !== null) throw unsupported('alias on a parenthesized join');
      const inner = convertFromList(e.expr, cx);
      return inner.reduce((l, r) => ({ kind: 'join', joinType: 'cross', left: l, right: r, on: null, using: null, natural: false }));
    }
    if (e.type === 'function') throw unsupported('table function in FROM');
    throw unsupported(`FROM ${describe(e)}`);
  }
  if (typeof item.table !== 'string' && !(item.table && typeof item.table === 'object')) throw unsupported('FROM item');
  const name = identifierName(item.table, cx);
  if (name === 'only' && alias !== null) throw unsupported('FROM ONLY');
  if (columns !== null) throw unsupported('column aliases on a table (t AS x(a, b))');
  const db = item.db ?? item.schema;
  return { kind: 'table', schema: isAbsent(db) ? null : identifierName(db, cx), name, alias };
}

/** `s` → alias `s`; `s(a, b)` → alias `s`, columns `a`, `b` (the parser's string form). */
function splitAlias(as: Raw, cx: ConvertContext): { alias: string | null; columns: string[] | null } {
  if (isAbsent(as)) return { alias: null, columns: null };
  if (typeof as !== 'string') return { alias: identifierName(as, cx), columns: null };
  const open = as.indexOf('(');
  if (open < 0 || !as.endsWith(')') || cx.normalizeName(as) === as && as.toLowerCase() !== as) {
    return { alias: cx.normalizeName(as), columns: null };
  }
  const columns = as
    .slice(open + 1, -1)
    .split(',')
    .map((c) => c.trim());
  if (columns.some((c) => c === '')) throw unsupported(`alias ${as}`);
  return { alias: cx.normalizeName(as.slice(0, open).trim()), columns: columns.map((c) => cx.normalizeName(c)) };
}

function convertValues(e: Raw, cx: ConvertContext): AstQuery {
  const rows = listItems(e.values).map((row: Raw) => {
    if (row?.type !== 'expr_list') throw unsupported('VALUES row');
    return listItems(row).map((v: Raw) => convertExpr(v, cx));
  });
  if (rows.length === 0) throw unsupported('empty VALUES');
  const width = rows[0]!.length;
  if (rows.some((r: AstExpr[]) => r.length !== width)) throw unsupported('VALUES rows of different lengths');
  return { kind: 'query', with: [], body: { kind: 'values', rows }, orderBy: [], limit: null, offset: null };
}
