/**
 * The static shape of a template's SQL that result comparison needs: does
 * the top-level query define an order (and on which output columns), does it
 * LIMIT without a total order, can its result change from run to run, is it
 * a write. Plain data with reasons; never throws — SQL the parser rejects
 * gets a conservative shape (order unknown, determinism unknown unless a
 * token says otherwise) with the parser's message.
 *
 * Structure (ORDER BY keys, LIMIT, nested LIMITs) comes from the project's
 * parser (compiler/parse, AstQuery); functions, sampling and writes from its
 * lexer (sql-scan.ts), which also reads SQL the grammar rejects.
 */
import { parseSql } from '../../compiler/parse/parse.ts';
import { isAggregateFunction } from '../../compiler/bind/functions.ts';
import type { AstExpr, AstOrderItem, AstQuery, AstQueryBody, AstSelectItem } from '../../compiler/ir/ast.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import { scanTokens, type NondeterminismSource, type WriteStatement } from './sql-scan.ts';
import { nestedQueries } from './ast-queries.ts';

export type { NondeterminismSource, WriteStatement } from './sql-scan.ts';

export interface OrderKey {
  /** 0-based output column position */
  readonly position: number;
  readonly desc: boolean;
  /** null = the engine's default */
  readonly nullsFirst: boolean | null;
}

/**
 * - `none`: no top-level ORDER BY (the result is a multiset)
 * - `keys`: every sort key is an output column: the order can be checked by value
 * - `unverifiable`: ordered, but on something that is not an output column (an
 *   expression, a column hidden by `*`): the order cannot be checked by value
 * - `unknown`: the SQL could not be parsed
 */
export type ResultOrder =
  | { readonly kind: 'none' }
  | { readonly kind: 'keys'; readonly keys: readonly OrderKey[] }
  | { readonly kind: 'unverifiable'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface QueryShape {
  /** the project's parser read it (else `parseError` says why) */
  readonly parsed: boolean;
  readonly parseError?: string;
  readonly write: WriteStatement | null;
  readonly order: ResultOrder;
  readonly hasLimit: boolean;
  readonly hasOffset: boolean;
  /** LIMIT/OFFSET at the top level without any ORDER BY: which rows come back is arbitrary */
  readonly limitWithoutOrder: boolean;
  /** ORDER BY + LIMIT/OFFSET: rows tied on the keys at the boundary may differ between runs (uniqueness is unknown statically) */
  readonly limitMayTie: boolean;
  /** a LIMIT/OFFSET inside a subquery or CTE over an ORDER BY: ties there can change which rows flow on */
  readonly nestedLimitMayTie: boolean;
  /** `no`: some source below makes the result vary; `unknown`: not parsed and no source found */
  readonly deterministic: 'yes' | 'no' | 'unknown';
  readonly nondeterministic: readonly NondeterminismSource[];
  /** one line per fact above, for reports */
  readonly reasons: readonly string[];
}

export function analyzeQueryShape(sql: string, options: { readonly dialect?: string } = {}): QueryShape {
  const scan = scanTokens(sql);
  let ast: AstQuery | null = null;
  let parseError: string | undefined;
  try {
    ast = parseSql(sql, options.dialect === undefined ? {} : { dialect: options.dialect });
  } catch (err) {
    parseError = err instanceof FlightdeckError ? err.describe() : `the parser failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const reasons: string[] = [];
  const sources = [...scan.nondeterministic];
  if (scan.write) reasons.push(scan.write.reason);

  if (ast === null) {
    reasons.push(`not parsed (${parseError}): order unknown, determinism from tokens only`);
    const hasLimit = scan.topLevelLimit;
    const hasOffset = scan.topLevelOffset;
    const limitWithoutOrder = (hasLimit || hasOffset) && !scan.topLevelOrderBy;
    if (limitWithoutOrder) sources.push(limitSource('LIMIT/OFFSET at the top level without ORDER BY (from tokens)'));
    for (const s of sources) reasons.push(s.reason);
    return {
      parsed: false,
      parseError: parseError ?? 'not parsed',
      write: scan.write,
      order: scan.topLevelOrderBy ? { kind: 'unknown', reason: 'ORDER BY present but the query could not be parsed' } : { kind: 'unknown', reason: 'the query could not be parsed' },
      hasLimit,
      hasOffset,
      limitWithoutOrder,
      limitMayTie: (hasLimit || hasOffset) && scan.topLevelOrderBy,
      nestedLimitMayTie: false,
      deterministic: sources.length > 0 ? 'no' : 'unknown',
      nondeterministic: sources,
      reasons,
    };
  }

  const order = resultOrder(ast);
  const hasLimit = ast.limit !== null;
  const hasOffset = ast.offset !== null;
  const limited = hasLimit || hasOffset;
  const oneRow = atMostOneRow(ast.body);
  const limitWithoutOrder = limited && ast.orderBy.length === 0 && !oneRow;
  if (limitWithoutOrder) sources.push(limitSource('LIMIT/OFFSET without ORDER BY returns an arbitrary subset of the rows'));
  if (limited && ast.orderBy.length === 0 && oneRow) reasons.push('LIMIT/OFFSET over a single-row aggregate: no choice of rows');
  let nestedLimitMayTie = false;
  for (const { query: q, inExists } of nestedQueries(ast)) {
    // EXISTS (... LIMIT n): any n >= 1 rows answer the same; an OFFSET still chooses
    if ((q.limit === null || inExists) && q.offset === null) continue;
    if (q.orderBy.length === 0 && !atMostOneRow(q.body)) sources.push(limitSource('LIMIT/OFFSET without ORDER BY inside a subquery picks arbitrary rows'));
    else if (q.orderBy.length > 0) nestedLimitMayTie = true;
  }
  const limitMayTie = limited && ast.orderBy.length > 0;
  if (order.kind === 'keys') reasons.push(`ordered by output column(s) ${order.keys.map((k) => `#${k.position + 1}${k.desc ? ' DESC' : ''}`).join(', ')}`);
  else if (order.kind === 'unverifiable') reasons.push(`ordered, but ${order.reason}: the order cannot be checked by value`);
  if (limitMayTie) reasons.push('ORDER BY with LIMIT/OFFSET: rows tied on the sort keys at the boundary may differ');
  if (nestedLimitMayTie) reasons.push('a subquery takes LIMIT/OFFSET over an ORDER BY: ties there may change the result');
  for (const s of sources) reasons.push(s.reason);
  return {
    parsed: true,
    write: scan.write,
    order,
    hasLimit,
    hasOffset,
    limitWithoutOrder,
    limitMayTie,
    nestedLimitMayTie,
    deterministic: sources.length > 0 ? 'no' : 'yes',
    nondeterministic: sources,
    reasons,
  };
}

function limitSource(reason: string): NondeterminismSource {
  return { kind: 'limit-without-order', what: 'limit', reason };
}

/** The top-level ORDER BY as output column positions, when every key is one. */
function resultOrder(ast: AstQuery): ResultOrder {
  if (ast.orderBy.length === 0) return { kind: 'none' };
  const items = outputItems(ast.body);
  const keys: OrderKey[] = [];
  for (const item of ast.orderBy) {
    const position = keyPosition(item, items);
    if (typeof position === 'string') return { kind: 'unverifiable', reason: position };
    keys.push({ position, desc: item.desc, nullsFirst: item.nullsFirst });
  }
  return { kind: 'keys', keys };
}

/** The select list an ORDER BY refers to: a set operation's names come from its first operand. */
function outputItems(body: AstQueryBody | AstQuery): readonly AstSelectItem[] | null {
  if (body.kind === 'query') return outputItems(body.body);
  if (body.kind === 'select') return body.columns;
  if (body.kind === 'setop') return outputItems(body.left);
  return null; // VALUES: positions only
}

/** The key's 0-based output position, or why it has none. */
function keyPosition(item: AstOrderItem, items: readonly AstSelectItem[] | null): number | string {
  const e = item.expr;
  if (e.kind === 'literal' && e.type === 'number' && typeof e.value === 'string' && /^\d+$/.test(e.value)) {
    const n = Number(e.value);
    if (n < 1 || (items !== null && !items.some((i) => i.expr.kind === 'star') && n > items.length)) return `ORDER BY ${n} is not an output column`;
    // a `*` before the position hides how many columns come first
    const starBefore = items !== null && items.slice(0, n - 1).some((i) => i.expr.kind === 'star');
    return starBefore ? `ORDER BY ${n} follows a * whose width is unknown here` : n - 1;
  }
  if (items === null) return 'a sort key that is not a position over VALUES';
  const hasStar = items.some((i) => i.expr.kind === 'star');
  // an item after a `*` has no known position
  const known = (k: number): boolean => !(hasStar && items.slice(0, k).some((j) => j.expr.kind === 'star'));
  // an unqualified name is an output alias first (as in DuckDB and PostgreSQL), then an output expression
  let at = e.kind === 'column' && e.table === null ? items.findIndex((i) => i.alias === e.name) : -1;
  if (at < 0) at = items.findIndex((i) => sameExpr(i.expr, e));
  if (at >= 0 && known(at)) return at;
  if (at >= 0 || hasStar) return `the sort key ${describeExpr(e)} may be a column inside *, at an unknown position`;
  return `the sort key ${describeExpr(e)} is not an output column`;
}

function sameExpr(item: AstExpr, key: AstExpr): boolean {
  if (key.kind === 'column' && item.kind === 'column') {
    return item.name === key.name && (key.table === null || item.table === null || item.table === key.table);
  }
  return JSON.stringify(stripLoc(item)) === JSON.stringify(stripLoc(key));
}

function stripLoc(e: AstExpr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v: unknown) => (k === 'loc' ? undefined : v)));
}

function describeExpr(e: AstExpr): string {
  if (e.kind === 'column') return e.table ? `${e.table}.${e.name}` : e.name;
  if (e.kind === 'function') return `${e.name}(...)`;
  return `(${e.kind} expression)`;
}

/** A SELECT without GROUP BY whose list aggregates (or that reads no table) returns at most one row. */
function atMostOneRow(body: AstQueryBody): boolean {
  if (body.kind !== 'select' || body.groupBy.length > 0) return false;
  if (body.from.length === 0) return true;
  return body.columns.some((c) => isPlainAggregate(c.expr));
}

function isPlainAggregate(e: AstExpr): boolean {
  switch (e.kind) {
    case 'function':
      return e.over === null && isAggregateFunction(e.name);
    case 'binary':
      return isPlainAggregate(e.left) || isPlainAggregate(e.right);
    case 'unary':
    case 'cast':
      return isPlainAggregate(e.arg);
    default:
      return false;
  }
}
