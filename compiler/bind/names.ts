/**
 * Default names of select-list items and computed columns, close to the
 * names DuckDB gives (so the result columns of a query read the same
 * whichever build ran it). One deterministic scheme, from the syntax as
 * written:
 *
 * - a column reference: the column's name (`l_quantity`; `t.x` → `x`);
 * - a function call: `name(arg, ...)` with the arguments rendered by the
 *   rules below (`sum(l_quantity)`, `count(DISTINCT o_orderkey)`);
 *   `count(*)` → `count_star()`; with OVER → `name(args) OVER (...)`;
 * - binary operators in parentheses with spaces: `(l_extendedprice * (1 - l_discount))`;
 *   inside an expression a qualified column keeps its qualifier (`sum(l.l_tax)`);
 * - unary minus `-(x)`, `(NOT x)`; literals as written (strings quoted,
 *   `DATE '...'`, `INTERVAL '...'`, `NULL`, `true`/`false`);
 * - CAST(x AS TYPE), CASE ... END, extract(field FROM x), (x IS NULL),
 *   (x LIKE p), (x IN (a, b)), (x BETWEEN a AND b);
 * - subqueries: `(SELECT ...)` for a scalar subquery, `EXISTS(SELECT ...)`,
 *   `(x IN (SELECT ...))` — the subquery's text is not reproduced.
 */
import type { AstExpr, AstOrderItem, AstWindowSpec } from '../ir/ast.ts';

/** The name a select-list item gets when it has no alias. */
export function defaultName(e: AstExpr): string {
  if (e.kind === 'column') return e.name;
  return renderExpr(e);
}

export function renderExpr(e: AstExpr): string {
  switch (e.kind) {
    case 'column':
      return e.table ? `${e.table}.${e.name}` : e.name;
    case 'star':
      return e.table ? `${e.table}.*` : '*';
    case 'literal':
      return renderLiteral(e.type, e.value);
    case 'binary':
      return `(${renderExpr(e.left)} ${e.op} ${renderExpr(e.right)})`;
    case 'unary':
      if (e.op === 'NOT') return `(NOT ${renderExpr(e.arg)})`;
      return `${e.op}(${renderExpr(e.arg)})`;
    case 'function': {
      const call = e.star
        ? e.name === 'count' ? 'count_star()' : `${e.name}(*)`
        : `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(renderExpr).join(', ')})`;
      const filter = e.filter ? ` FILTER (WHERE ${renderExpr(e.filter)})` : '';
      return e.over ? `${call}${filter} OVER (${renderWindow(e.over)})` : call + filter;
    }
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(renderExpr(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${renderExpr(w.when)} THEN ${renderExpr(w.then)}`);
      if (e.else) parts.push(`ELSE ${renderExpr(e.else)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'cast':
      return `CAST(${renderExpr(e.arg)} AS ${e.type.toUpperCase()})`;
    case 'isNull':
      return `(${renderExpr(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'like':
      return `(${renderExpr(e.arg)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${renderExpr(e.pattern)})`;
    case 'inList':
      return `(${renderExpr(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(renderExpr).join(', ')}))`;
    case 'inSubquery':
      return `(${renderExpr(e.arg)} ${e.negated ? 'NOT ' : ''}IN (SELECT ...))`;
    case 'exists':
      return `${e.negated ? 'NOT ' : ''}EXISTS(SELECT ...)`;
    case 'subquery':
      return '(SELECT ...)';
    case 'between':
      return `(${renderExpr(e.arg)} ${e.negated ? 'NOT ' : ''}BETWEEN ${renderExpr(e.low)} AND ${renderExpr(e.high)})`;
    case 'extract':
      return `extract(${e.field} FROM ${renderExpr(e.arg)})`;
  }
}

function renderLiteral(type: string, value: string | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  switch (type) {
    case 'number':
      return value;
    case 'date':
      return `DATE '${value}'`;
    case 'timestamp':
      return `TIMESTAMP '${value}'`;
    case 'interval':
      return `INTERVAL '${value}'`;
    default:
      return `'${value.replace(/'/g, "''")}'`;
  }
}

function renderWindow(w: AstWindowSpec): string {
  const parts: string[] = [];
  if (w.name) parts.push(w.name);
  if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map(renderExpr).join(', ')}`);
  if (w.orderBy.length) parts.push(`ORDER BY ${w.orderBy.map(renderOrderItem).join(', ')}`);
  if (w.frame) parts.push(w.frame);
  return parts.join(' ');
}

function renderOrderItem(o: AstOrderItem): string {
  const nulls = o.nullsFirst === null ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
  return `${renderExpr(o.expr)}${o.desc ? ' DESC' : ''}${nulls}`;
}
