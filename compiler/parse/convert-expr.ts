/**
 * node-sql-parser expressions → AstExpr. Literals keep their text, keyword
 * operators are upper-case, `!=` becomes `<>`, function names lower-case.
 */
import type { AstExpr, AstQuery } from '../ir/ast.ts';
import {
  describe,
  identifierName,
  listItems,
  sourceLocation,
  startOffset,
  unsupported,
  type ConvertContext,
  type Raw,
} from './convert-context.ts';
import { convertCast, convertExtract, convertInterval } from './convert-literal.ts';
import { convertWindowSpec } from './convert-window.ts';
import { convertQueryNode } from './convert-query.ts';
import { restoreBackslashes } from './rewrite-sql.ts';

const BINARY_OPS: Readonly<Record<string, string>> = {
  '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||', AND: 'AND', OR: 'OR',
};

export function convertExpr(node: Raw, cx: ConvertContext): AstExpr {
  if (node === null || typeof node !== 'object') throw unsupported(`expression ${describe(node)}`);
  switch (node.type) {
    case 'column_ref':
      return convertColumnRef(node, cx);
    case 'number':
      return { kind: 'literal', type: 'number', value: String(node.value) };
    case 'bigint':
      return { kind: 'literal', type: 'number', value: String(node.value) };
    case 'single_quote_string':
    case 'string': {
      if (typeof node.value !== 'string') throw unsupported(`string literal ${describe(node)}`);
      const v: string = restoreBackslashes(node.value);
      return { kind: 'literal', type: 'string', value: v.includes("''") ? v.split("''").join("'") : v };
    }
    case 'bool':
      return { kind: 'literal', type: 'boolean', value: node.value === true || String(node.value).toUpperCase() === 'TRUE' };
    case 'null':
      return { kind: 'literal', type: 'null', value: null };
    case 'date':
    case 'timestamp':
      if (typeof node.value !== 'string') throw unsupported(`${node.type} literal`);
      return { kind: 'literal', type: node.type, value: node.value };
    case 'time':
      if (typeof node.value !== 'string') throw unsupported('time literal');
      return { kind: 'cast', arg: { kind: 'literal', type: 'string', value: node.value }, type: 'time' };
    case 'interval':
      return convertInterval(node, cx);
    case 'binary_expr':
      return convertBinary(node, cx);
    case 'unary_expr':
      return convertUnary(node, cx);
    case 'function':
      return convertFunction(node, cx);
    case 'aggr_func':
      return convertAggregate(node, cx);
    case 'window_func':
      return convertWindowFunction(node, cx);
    case 'case':
      return convertCase(node, cx);
    case 'cast':
      return convertCast(node, cx);
    case 'extract':
      return convertExtract(node, cx);
    case 'expr_list': {
      const items = listItems(node);
      if (items.length === 1) return convertExpr(items[0], cx);
      throw unsupported('row value constructor (a, b, ...)');
    }
    case undefined:
      if (node.ast) return { kind: 'subquery', query: convertSubquery(node, cx) };
      throw unsupported('expression');
    default:
      throw unsupported(unsupportedExprName(node));
  }
}

function unsupportedExprName(node: Raw): string {
  switch (node.type) {
    case 'param':
    case 'var':
      return node.prefix === '$$' ? "dollar-quoted string ($$...$$)" : 'query parameter';
    case 'array':
      return 'ARRAY constructor';
    case 'origin':
      return `keyword ${String(node.value).toUpperCase()} in an expression`;
    case 'default': {
      const v = String(node.value ?? '');
      if (/^distinct from/i.test(v)) return 'IS [NOT] DISTINCT FROM';
      if (/^e'/i.test(v)) return "escape string E'...'";
      return `expression ${v.slice(0, 40)}`;
    }
    case 'hex_string':
    case 'full_hex_string':
    case 'bit_string':
    case 'natural_string':
      return `${node.type.replace(/_/g, ' ')} literal`;
    default:
      return `expression type ${describe(node)}`;
  }
}

export function convertSubquery(node: Raw, cx: ConvertContext): AstQuery {
  return convertQueryNode(node.ast, cx);
}

function convertColumnRef(node: Raw, cx: ConvertContext): AstExpr {
  if (node.array_index && node.array_index.length) throw unsupported('array subscript');
  if (node.collate) throw unsupported('COLLATE');
  if (node.property || node.subFields?.length) throw unsupported('field access on a column');
  const table = node.table === null || node.table === undefined || node.table === '' ? null : identifierName(node.table, cx);
  const column = node.column;
  if (column === '*') return { kind: 'star', table };
  let name: string;
  if (typeof column === 'string') name = cx.normalizeName(column);
  else if (column && typeof column === 'object' && column.expr) name = identifierName(column.expr, cx);
  else throw unsupported('column reference');
  return { kind: 'column', table, name };
}

function convertBinary(node: Raw, cx: ConvertContext): AstExpr {
  const rawOp = typeof node.operator === 'string' ? node.operator.toUpperCase() : '';
  const simple = BINARY_OPS[rawOp];
  if (simple) return { kind: 'binary', op: simple, left: convertExpr(node.left, cx), right: convertExpr(node.right, cx) };
  switch (rawOp) {
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE':
      if (node.right?.escape) throw unsupported('LIKE ... ESCAPE');
      return {
        kind: 'like',
        arg: convertExpr(node.left, cx),
        pattern: convertExpr(node.right, cx),
        negated: rawOp.startsWith('NOT'),
        caseInsensitive: rawOp.endsWith('ILIKE'),
      };
    case 'IN':
    case 'NOT IN':
      return convertIn(node, rawOp === 'NOT IN', cx);
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const bounds = listItems(node.right);
      if (bounds.length !== 2) throw unsupported('BETWEEN without two bounds');
      return {
        kind: 'between',
        arg: convertExpr(node.left, cx),
        low: convertExpr(bounds[0], cx),
        high: convertExpr(bounds[1], cx),
        negated: rawOp === 'NOT BETWEEN',
      };
    }
    case 'IS':
    case 'IS NOT': {
      const right = node.right;
      if (right?.type === 'null') return { kind: 'isNull', arg: convertExpr(node.left, cx), negated: rawOp === 'IS NOT' };
      if (right?.type === 'bool') throw unsupported('IS [NOT] TRUE/FALSE');
      if (right?.type === 'default' && /^distinct from/i.test(String(right.value))) throw unsupported('IS [NOT] DISTINCT FROM');
      throw unsupported(`IS [NOT] ${right?.type === 'column_ref' ? 'UNKNOWN/<name>' : describe(right)}`);
    }
    default:
      throw unsupported(`operator ${rawOp || describe(node)}`);
  }
}

function convertIn(node: Raw, negated: boolean, cx: ConvertContext): AstExpr {
  const arg = convertExpr(node.left, cx);
  const right = node.right;
  if (right?.ast) return { kind: 'inSubquery', arg, query: convertSubquery(right, cx), negated };
  const items = listItems(right);
  const only = items[0];
  if (items.length === 1 && only?.ast && !only.parentheses) {
    return { kind: 'inSubquery', arg, query: convertSubquery(only, cx), negated };
  }
  if (right?.type !== 'expr_list') throw unsupported(`IN ${describe(right)}`);
  return { kind: 'inList', arg, list: items.map((e) => convertExpr(e, cx)), negated };
}

function convertUnary(node: Raw, cx: ConvertContext): AstExpr {
  const op = typeof node.operator === 'string' ? node.operator.toUpperCase() : '';
  switch (op) {
    case '-': {
      const arg = convertExpr(node.expr, cx);
      if (arg.kind === 'literal' && arg.type === 'number' && typeof arg.value === 'string' && !arg.value.startsWith('-')) {
        return { kind: 'literal', type: 'number', value: '-' + arg.value };
      }
      return { kind: 'unary', op: '-', arg };
    }
    case '+':
      return { kind: 'unary', op: '+', arg: convertExpr(node.expr, cx) };
    case 'NOT':
    case '!': {
      const arg = convertExpr(node.expr, cx);
      if (arg.kind === 'exists' && !arg.negated && node.expr?.type === 'function') return { ...arg, negated: true };
      return { kind: 'unary', op: 'NOT', arg };
    }
    case 'NOT EXISTS':
      if (!node.expr?.ast) throw unsupported('NOT EXISTS without a subquery');
      return { kind: 'exists', query: convertSubquery(node.expr, cx), negated: true };
    case 'EXISTS':
      if (!node.expr?.ast) throw unsupported('EXISTS without a subquery');
      return { kind: 'exists', query: convertSubquery(node.expr, cx), negated: false };
    default:
      throw unsupported(`unary operator ${op || describe(node)}`);
  }
}

function functionName(node: Raw, cx: ConvertContext): string {
  const offset = startOffset(node);
  const renamed = offset >= 0 ? cx.input.renamedAt.get(offset) : undefined;
  if (renamed !== undefined) {
    cx.claimed.add(offset);
    return renamed;
  }
  const parts = node.name?.name;
  if (!Array.isArray(parts) || parts.length === 0) throw unsupported('function call without a name');
  return parts.map((p: Raw) => identifierName(p, cx)).join('.');
}

/** DISTINCT that `rewrite-sql.ts` blanked out of this call, if any. */
function claimDistinct(node: Raw, cx: ConvertContext): boolean {
  const offset = startOffset(node);
  if (offset < 0 || !cx.input.distinctAt.has(offset)) return false;
  cx.claimed.add(offset);
  return true;
}

function convertFunction(node: Raw, cx: ConvertContext): AstExpr {
  const name = functionName(node, cx);
  const args = listItems(node.args);
  if (name === 'exists') {
    if (args.length !== 1 || !args[0]?.ast) throw unsupported('EXISTS without a subquery');
    return { kind: 'exists', query: convertSubquery(args[0], cx), negated: false };
  }
  // node-sql-parser reads `NOT (x)` in WHERE as a call of a function named not
  if (name === 'not' && args.length === 1 && !node.over) return { kind: 'unary', op: 'NOT', arg: convertExpr(args[0], cx) };
  if (name === 'any' || name === 'some' || name === 'all') throw unsupported('ANY/SOME/ALL comparison');
  if (node.within_group || node.within_group_orderby) throw unsupported('WITHIN GROUP');
  if (node.suffix && !(Array.isArray(node.suffix) && node.suffix.length === 0)) throw unsupported(`${name}(...) suffix`);
  for (const a of args) {
    if (a?.type === 'origin') throw unsupported(`${name.toUpperCase()}(... ${String(a.value).toUpperCase()} ...)`);
  }
  const loc = sourceLocation(node);
  return {
    kind: 'function',
    name,
    args: args.map((a) => convertExpr(a, cx)),
    distinct: claimDistinct(node, cx),
    star: false,
    filter: null,
    over: node.over ? convertWindowSpec(node.over, cx) : null,
    ...(loc ? { loc } : {}),
  };
}

function convertAggregate(node: Raw, cx: ConvertContext): AstExpr {
  if (typeof node.name !== 'string') throw unsupported('aggregate without a name');
  const name = node.name.toLowerCase();
  const a = node.args ?? {};
  if (a.orderby && a.orderby.length) throw unsupported(`ORDER BY inside ${name}(...)`);
  if (node.within_group_orderby) throw unsupported('WITHIN GROUP');
  let distinct = claimDistinct(node, cx) || (typeof a.distinct === 'string' && a.distinct.toUpperCase() === 'DISTINCT');
  let star = false;
  let args: AstExpr[] = [];
  const e = a.expr;
  if (e?.type === 'star') star = true;
  else if (e && typeof e === 'object' && Object.keys(e).length > 0) {
    const inner = listItems(e);
    // sum(distinct(x)) is PostgreSQL's spelling of sum(DISTINCT x)
    if (inner.length === 1 && isDistinctCall(inner[0])) {
      distinct = true;
      args = listItems(inner[0].args).map((x) => convertExpr(x, cx));
    } else {
      args = inner.map((x) => convertExpr(x, cx));
    }
  }
  if (a.separator) {
    const delimiter = a.separator.delimiter ?? a.separator.value;
    if (!delimiter) throw unsupported(`${name} separator`);
    args.push(convertExpr(delimiter, cx));
  }
  const loc = sourceLocation(node);
  return {
    kind: 'function',
    name,
    args,
    distinct,
    star,
    filter: node.filter?.where ? convertExpr(node.filter.where, cx) : null,
    over: node.over ? convertWindowSpec(node.over, cx) : null,
    ...(loc ? { loc } : {}),
  };
}

function isDistinctCall(node: Raw): boolean {
  const parts = node?.type === 'function' ? node.name?.name : undefined;
  return Array.isArray(parts) && parts.length === 1 && String(parts[0]?.value).toLowerCase() === 'distinct';
}

function convertWindowFunction(node: Raw, cx: ConvertContext): AstExpr {
  if (typeof node.name !== 'string') throw unsupported('window function without a name');
  if (node.consider_nulls) throw unsupported('IGNORE/RESPECT NULLS');
  if (!node.over) throw unsupported(`${node.name} without OVER`);
  const loc = sourceLocation(node);
  return {
    kind: 'function',
    name: node.name.toLowerCase(),
    args: listItems(node.args).map((a) => convertExpr(a, cx)),
    distinct: false,
    star: false,
    filter: null,
    over: convertWindowSpec(node.over, cx),
    ...(loc ? { loc } : {}),
  };
}

function convertCase(node: Raw, cx: ConvertContext): AstExpr {
  const whens: { when: AstExpr; then: AstExpr }[] = [];
  let otherwise: AstExpr | null = null;
  for (const arm of Array.isArray(node.args) ? node.args : []) {
    // oxlint-disable-next-line unicorn/no-thenable -- `then` is the AST's name for a CASE result
    if (arm?.type === 'when') whens.push({ when: convertExpr(arm.cond, cx), then: convertExpr(arm.result, cx) });
    else if (arm?.type === 'else') otherwise = convertExpr(arm.result, cx);
    else throw unsupported('CASE arm');
  }
  if (whens.length === 0) throw unsupported('CASE without WHEN');
  return { kind: 'case', operand: node.expr ? convertExpr(node.expr, cx) : null, whens, else: otherwise };
}
