/**
 * AST expressions → bound expressions: names resolved to column ids, types
 * computed, shapes normalised (AND/OR flattened, `!=` → `<>`, `||` →
 * concat, unary minus → a negative literal or `negate`, EXTRACT → func
 * `extract`). Aggregate and window calls are handed to the collectors in
 * the environment, which return a reference to the column they will define.
 */
import type { AstExpr, AstQuery } from '../ir/ast.ts';
import type { ArithOp, CompareOp, Expr, Literal, SubqueryExpr } from '../ir/plan.ts';
import { typeFromSql, type TypeName } from '../ir/types.ts';
import { exprType, outputColumns } from '../ir/walk.ts';
import { bindError, type BindContext } from './context.ts';
import type { CteEnv } from './cte.ts';
import { outerReferences } from './expr-util.ts';
import { arithType, commonType, extractType, isAggregateFunction, isWindowOnlyFunction, scalarType } from './functions.ts';
import type { Scope } from './scope.ts';
import { bindQueryAst } from './bind-query.ts';
import type { AggregateCollector } from './bind-aggregate.ts';
import type { WindowCollector } from './bind-window.ts';

export interface ExprEnv {
  readonly ctx: BindContext;
  readonly scope: Scope;
  readonly ctes: CteEnv;
  /** the clause being bound, for messages: `WHERE`, `ON`, `SELECT`... */
  readonly clause: string;
  /** where aggregate calls go; null when they are not allowed here */
  readonly aggregates: AggregateCollector | null;
  /** the message when an aggregate appears and `aggregates` is null */
  readonly noAggregates?: string;
  readonly windows: WindowCollector | null;
  readonly noWindows?: string;
  /** select-list aliases, tried for an unqualified name no scope has (ORDER BY) */
  readonly aliases?: (name: string) => Expr | null;
}

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  '=': '=', '==': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const ARITH_OPS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);

export function bindExpr(e: AstExpr, env: ExprEnv): Expr {
  switch (e.kind) {
    case 'column': {
      if (env.aliases && e.table === null) {
        const found = env.scope.tryResolve(null, e.name, e.loc);
        if (found) return found;
        const alias = env.aliases(e.name);
        if (alias) return alias;
      }
      return env.scope.resolve(e.table, e.name, e.loc);
    }
    case 'star':
      throw bindError('bind-error', `'${e.table ? `${e.table}.*` : '*'}' is not allowed in ${env.clause}; it can only expand a SELECT list or count(*)`);
    case 'literal':
      return bindLiteral(e.type, e.value);
    case 'binary':
      return bindBinary(e.op, e.left, e.right, env);
    case 'unary': {
      if (e.op === 'NOT') return { kind: 'not', arg: bindExpr(e.arg, env) };
      const arg = bindExpr(e.arg, env);
      if (e.op === '+') return arg;
      if (arg.kind === 'literal' && typeof arg.value === 'string' && /^(integer|bigint|decimal|double)$/.test(arg.type)) {
        const value = arg.value.startsWith('-') ? arg.value.slice(1) : `-${arg.value}`;
        return { kind: 'literal', value, type: arg.type };
      }
      const type = exprType(arg);
      return { kind: 'func', name: 'negate', args: [arg], type: type === 'null' ? 'integer' : type };
    }
    case 'function':
      return bindFunction(e, env);
    case 'case': {
      const operand = e.operand ? bindExpr(e.operand, env) : null;
      // oxlint-disable-next-line unicorn/no-thenable -- `then` is the IR's name for a CASE result
      const whens = e.whens.map((w) => ({ when: bindExpr(w.when, env), then: bindExpr(w.then, env) }));
      const els = e.else ? bindExpr(e.else, env) : null;
      const type = commonType([...whens.map((w) => exprType(w.then)), ...(els ? [exprType(els)] : [])]);
      return { kind: 'case', operand, whens, else: els, type };
    }
    case 'cast':
      return { kind: 'cast', arg: bindExpr(e.arg, env), type: typeFromSql(e.type), typeText: e.type };
    case 'isNull':
      return { kind: 'isNull', arg: bindExpr(e.arg, env), negated: e.negated };
    case 'like':
      return {
        kind: 'like',
        arg: bindExpr(e.arg, env),
        pattern: bindExpr(e.pattern, env),
        negated: e.negated,
        caseInsensitive: e.caseInsensitive,
      };
    case 'inList':
      return { kind: 'inList', arg: bindExpr(e.arg, env), list: e.list.map((x) => bindExpr(x, env)), negated: e.negated };
    case 'between':
      return {
        kind: 'between',
        arg: bindExpr(e.arg, env),
        low: bindExpr(e.low, env),
        high: bindExpr(e.high, env),
        negated: e.negated,
      };
    case 'extract':
      return {
        kind: 'func',
        name: 'extract',
        args: [{ kind: 'literal', value: e.field, type: 'varchar' }, bindExpr(e.arg, env)],
        type: extractType(e.field),
      };
    case 'inSubquery': {
      const arg = bindExpr(e.arg, env);
      return bindSubquery(e.query, 'in', arg, e.negated, env);
    }
    case 'exists':
      return bindSubquery(e.query, 'exists', null, e.negated, env);
    case 'subquery':
      return bindSubquery(e.query, 'scalar', null, false, env);
    default:
      throw bindError('unsupported', `unsupported expression '${(e as { kind: string }).kind}'`);
  }
}

/**
 * Literal types: a number without `.` or exponent is `integer` when it fits
 * 32 bits, else `bigint` (DuckDB: BIGINT / HUGEINT); with `.` `decimal`;
 * with an exponent `double` (as DuckDB types them).
 */
export function bindLiteral(type: string, value: string | boolean | null): Literal {
  if (value === null || type === 'null') return { kind: 'literal', value: null, type: 'null' };
  if (typeof value === 'boolean') return { kind: 'literal', value, type: 'boolean' };
  switch (type) {
    case 'number': {
      const text = value.trim().replace(/^\+/, '').replace(/^(-?)\./, (_m, sign: string) => `${sign}0.`);
      return { kind: 'literal', value: text, type: numberLiteralType(text) };
    }
    case 'boolean':
      return { kind: 'literal', value: /^(true|t|1)$/i.test(value), type: 'boolean' };
    case 'date':
    case 'timestamp':
    case 'interval':
      return { kind: 'literal', value, type };
    case 'string':
      return { kind: 'literal', value, type: 'varchar' };
    default:
      throw bindError('unsupported', `unsupported literal type '${type}'`);
  }
}

function numberLiteralType(text: string): TypeName {
  if (/[eE]/.test(text)) return 'double';
  if (text.includes('.')) return 'decimal';
  const digits = text.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(digits)) return 'unknown';
  if (digits.length < 10 || (digits.length === 10 && digits <= '2147483647')) return 'integer';
  if (digits.length <= 38) return 'bigint';
  return 'double';
}

function bindBinary(op: string, left: AstExpr, right: AstExpr, env: ExprEnv): Expr {
  const upper = op.toUpperCase();
  if (upper === 'AND' || upper === 'OR') {
    const kind = upper === 'AND' ? 'and' : 'or';
    const args = [bindExpr(left, env), bindExpr(right, env)].flatMap((a) => (a.kind === kind ? a.args : [a]));
    return { kind, args };
  }
  const l = bindExpr(left, env);
  const r = bindExpr(right, env);
  const cmp = COMPARE_OPS[op];
  if (cmp) return { kind: 'compare', op: cmp, left: l, right: r };
  if (ARITH_OPS.has(op)) {
    const arithOp = op as ArithOp;
    return { kind: 'arith', op: arithOp, left: l, right: r, type: arithType(arithOp, exprType(l), exprType(r)) };
  }
  if (op === '||') return { kind: 'func', name: 'concat', args: [l, r], type: 'varchar' };
  throw bindError('unsupported', `unsupported operator '${op}'`);
}

function bindFunction(e: Extract<AstExpr, { kind: 'function' }>, env: ExprEnv): Expr {
  const name = e.name.toLowerCase();
  if (e.over) {
    if (!env.windows) throw bindError('bind-error', env.noWindows ?? `window functions are not allowed in ${env.clause}`, e.loc);
    return env.windows.bind(e, env);
  }
  if (e.star || isAggregateFunction(name)) {
    if (!env.aggregates) throw bindError('bind-error', env.noAggregates ?? `aggregate functions are not allowed in ${env.clause}`, e.loc);
    return env.aggregates.bind(e, env);
  }
  if (isWindowOnlyFunction(name)) {
    throw bindError('bind-error', `window function '${name}' requires an OVER clause`, e.loc);
  }
  if (e.distinct || e.filter) {
    throw bindError('bind-error', `${e.distinct ? 'DISTINCT' : 'FILTER'} is only allowed for aggregate functions, not '${name}'`, e.loc);
  }
  const args = e.args.map((a) => bindExpr(a, env));
  // concat() skips NULL arguments, `||` (our func 'concat') propagates them: say so explicitly
  if (name === 'concat') {
    const empty: Expr = { kind: 'literal', value: '', type: 'varchar' };
    const safe = args.map((a): Expr => ({ kind: 'func', name: 'coalesce', args: [{ kind: 'cast', arg: a, type: 'varchar', typeText: 'varchar' }, empty], type: 'varchar' }));
    return safe.slice(1).reduce<Expr>((acc, a) => ({ kind: 'func', name: 'concat', args: [acc, a], type: 'varchar' }), safe[0] ?? empty);
  }
  return { kind: 'func', name, args, type: scalarType(name, args.map(exprType)) };
}

function bindSubquery(query: AstQuery, mode: SubqueryExpr['mode'], arg: Expr | null, negated: boolean, env: ExprEnv): SubqueryExpr {
  const plan = bindQueryAst(env.ctx, query, env.scope, env.ctes);
  const columns = outputColumns(plan);
  if (mode !== 'exists' && columns.length !== 1) {
    const what = mode === 'scalar' ? 'a scalar subquery' : 'the subquery of IN';
    throw bindError('bind-error', `${what} must return exactly one column, but it returns ${columns.length}`);
  }
  const type: TypeName = mode === 'scalar' ? columns[0]!.type : 'boolean';
  return { kind: 'subquery', mode, plan, arg, negated, correlated: outerReferences(plan), type };
}
