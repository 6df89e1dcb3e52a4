/**
 * Expressions back to DuckDB SQL text. Every column is `c<id>` (ids are
 * plan-unique, so a name never clashes and a correlated reference resolves
 * to the outer query through ordinary SQL scoping). Every compound
 * expression is fully parenthesised, so the text never depends on operator
 * precedence.
 */
import { FlightdeckError } from '../errors.ts';
import type { AggregateCall, Expr, Literal, Plan, SortKey, WindowCall } from '../ir/plan.ts';

export interface ExprLowering {
  /** the SQL text (one SELECT) of a subquery plan */
  readonly subquery: (plan: Plan) => string;
  /** qualify top-level column references with this table alias (outermost ORDER BY), else bare */
  readonly qualifier?: string;
}

/** The SQL name of plan column `id`. */
export function columnName(id: number): string {
  return `c${id}`;
}

/** A double-quoted SQL identifier (always quoted: user names may be keywords, mixed case, have spaces or quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export function lowerLiteral(l: Literal): string {
  if (l.value === null) return 'NULL';
  if (typeof l.value === 'boolean') return l.value ? 'TRUE' : 'FALSE';
  const v = l.value;
  switch (l.type) {
    case 'integer':
    case 'bigint':
    case 'decimal':
      // as written: DuckDB types `0.06` as DECIMAL(3,2), exactly as in the source query
      return numberText(v);
    case 'double':
      // `1.5` alone would be a DECIMAL in DuckDB; exponent notation is already a DOUBLE
      return /[eE]/.test(v) ? numberText(v) : `CAST(${numberText(v)} AS DOUBLE)`;
    case 'date':
      return `DATE ${quoteString(v)}`;
    case 'timestamp':
      return `TIMESTAMP ${quoteString(v)}`;
    case 'interval':
      return `INTERVAL ${quoteString(v)}`;
    case 'boolean':
      if (/^(true|false)$/i.test(v)) return v.toUpperCase();
      return `CAST(${quoteString(v)} AS BOOLEAN)`;
    default:
      return quoteString(v);
  }
}

function numberText(v: string): string {
  if (!NUMBER.test(v)) throw new FlightdeckError('lower-error', `numeric literal '${v}' is not a number; cannot lower it to SQL`);
  const t = v.startsWith('+') ? v.slice(1) : v;
  // a negative literal is parenthesised so `a - -1` can never become a `--` comment
  return t.startsWith('-') ? `(${t})` : t;
}

const TYPE_TEXT = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$/;
const EXTRACT_FIELD = /^[A-Za-z_]+$/;
const FUNC_NAME = /^[a-z_][a-z0-9_]*$/;

export function lowerExpr(e: Expr, ctx: ExprLowering): string {
  const x = (a: Expr) => lowerExpr(a, ctx);
  switch (e.kind) {
    case 'column':
      return ctx.qualifier ? `${ctx.qualifier}.${columnName(e.id)}` : columnName(e.id);
    case 'literal':
      return lowerLiteral(e);
    case 'compare':
    case 'arith':
      return `(${x(e.left)} ${e.op} ${x(e.right)})`;
    case 'and':
      return e.args.length === 0 ? 'TRUE' : `(${e.args.map(x).join(' AND ')})`;
    case 'or':
      return e.args.length === 0 ? 'FALSE' : `(${e.args.map(x).join(' OR ')})`;
    case 'not':
      return `(NOT ${x(e.arg)})`;
    case 'func':
      return lowerFunc(e.name, e.args, ctx);
    case 'isNull':
      return `(${x(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'like':
      return `(${x(e.arg)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${x(e.pattern)})`;
    case 'inList':
      // `x IN ()` is not SQL; an empty list contains nothing
      if (e.list.length === 0) return e.negated ? 'TRUE' : 'FALSE';
      return `(${x(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(x).join(', ')}))`;
    case 'between':
      return `(${x(e.arg)} ${e.negated ? 'NOT ' : ''}BETWEEN ${x(e.low)} AND ${x(e.high)})`;
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(x(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${x(w.when)} THEN ${x(w.then)}`);
      if (e.else) parts.push(`ELSE ${x(e.else)}`);
      parts.push('END');
      return `(${parts.join(' ')})`;
    }
    case 'cast':
      return `CAST(${x(e.arg)} AS ${typeText(e.typeText)})`;
    case 'subquery': {
      const sub = ctx.subquery(e.plan);
      if (e.mode === 'scalar') return `(${sub})`;
      if (e.mode === 'exists') return `(${e.negated ? 'NOT ' : ''}EXISTS (${sub}))`;
      if (!e.arg) throw new FlightdeckError('lower-error', 'an IN subquery has no left-hand expression');
      return `(${x(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${sub}))`;
    }
  }
}

function typeText(t: string): string {
  const s = t.trim();
  if (!TYPE_TEXT.test(s)) throw new FlightdeckError('lower-error', `cast target type '${t}' is not a SQL type name`);
  return s.toUpperCase();
}

function lowerFunc(name: string, args: readonly Expr[], ctx: ExprLowering): string {
  const x = (a: Expr) => lowerExpr(a, ctx);
  switch (name) {
    case 'extract': {
      const field = args[0];
      if (args.length !== 2 || !field || field.kind !== 'literal' || typeof field.value !== 'string' || !EXTRACT_FIELD.test(field.value)) {
        throw new FlightdeckError('lower-error', 'extract needs a field name literal and one argument: extract(field FROM x)');
      }
      return `extract(${field.value.toLowerCase()} FROM ${x(args[1]!)})`;
    }
    case 'concat':
      // the IR's `concat` is SQL `||`: NULL if any operand is NULL (unlike DuckDB's concat())
      if (args.length === 0) throw new FlightdeckError('lower-error', 'concat (||) needs at least one operand');
      return `(${args.map(x).join(' || ')})`;
    case 'negate':
      if (args.length !== 1) throw new FlightdeckError('lower-error', `negate takes one argument, got ${args.length}`);
      return `(- ${x(args[0]!)})`;
    default:
      if (!FUNC_NAME.test(name)) throw new FlightdeckError('lower-error', `function name '${name}' is not a plain lower-case SQL identifier`);
      return `${name}(${args.map(x).join(', ')})`;
  }
}

/**
 * An ORDER BY or GROUP BY key. A bare integer literal there would be a
 * position (`ORDER BY 2` is the second column) and DuckDB rejects other
 * literals in ORDER BY; a constant key is spelt as a cast, which orders and
 * groups the same (every row has the same value).
 */
export function lowerKey(e: Expr, ctx: ExprLowering): string {
  return e.kind === 'literal' ? `CAST(${lowerLiteral(e)} AS VARCHAR)` : lowerExpr(e, ctx);
}

export function lowerSortKeys(keys: readonly SortKey[], ctx: ExprLowering): string {
  // NULLS FIRST / LAST always spelt out: DuckDB's default (NULLS LAST both ways) is not every dialect's
  return keys.map((k) => `${lowerKey(k.expr, ctx)} ${k.desc ? 'DESC' : 'ASC'} ${k.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST'}`).join(', ');
}

export function lowerAggregate(a: AggregateCall, ctx: ExprLowering): string {
  const filter = a.filter ? ` FILTER (WHERE ${lowerExpr(a.filter, ctx)})` : '';
  if (a.fn === 'count_star') return `count(*)${filter}`;
  if (!FUNC_NAME.test(a.fn)) throw new FlightdeckError('lower-error', `aggregate name '${a.fn}' is not a plain lower-case SQL identifier`);
  const args = a.args.map((e) => lowerExpr(e, ctx)).join(', ');
  return `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${args})${filter}`;
}

export function lowerWindow(w: WindowCall, ctx: ExprLowering): string {
  const fn = w.fn === 'count_star' ? 'count(*)' : `${checkedName(w.fn)}(${w.args.map((e) => lowerExpr(e, ctx)).join(', ')})`;
  const over: string[] = [];
  if (w.partitionBy.length) over.push(`PARTITION BY ${w.partitionBy.map((e) => lowerExpr(e, ctx)).join(', ')}`);
  if (w.orderBy.length) over.push(`ORDER BY ${lowerSortKeys(w.orderBy, ctx)}`);
  if (w.frame) {
    if (!/^(ROWS|RANGE|GROUPS)\b[A-Z0-9 _']*$/.test(w.frame)) throw new FlightdeckError('lower-error', `window frame '${w.frame}' is not a frame clause`);
    over.push(w.frame);
  }
  return `${fn} OVER (${over.join(' ')})`;
}

function checkedName(name: string): string {
  if (!FUNC_NAME.test(name)) throw new FlightdeckError('lower-error', `function name '${name}' is not a plain lower-case SQL identifier`);
  return name;
}
