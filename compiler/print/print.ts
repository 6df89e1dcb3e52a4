/**
 * The one canonical plan printer (Calcite RelOptUtil.toString style).
 *
 * - One operator per line, two-space indent, `Op(key=[value], ...)`.
 * - Column ids are renumbered in order of first appearance while printing
 *   (`name#0`, `name#1`...), so two plans that differ only in the ids the
 *   binder happened to hand out print the same.
 * - Nothing else varies: no addresses, timestamps, paths or hash-set order.
 *
 * Levels
 * - `simplified`: the shape — operators and their defining arguments
 *   (tables, join types and conditions, predicates, keys, aggregates),
 *   columns by name, no ids, types, pruned column lists or estimates.
 *   Two plans are "identical" in playback when these match.
 * - `explain`: everything — ids, projections, scanned columns, types of
 *   computed columns, and `rows=` / `cost=` estimates where annotated.
 */
import type { AggregateCall, Expr, Literal, NamedExpr, Plan, SortKey, WindowCall } from '../ir/plan.ts';
import { exprType } from '../ir/walk.ts';

export type PrintLevel = 'simplified' | 'explain';

class Printer {
  private readonly ids = new Map<number, number>();
  private readonly lines: string[] = [];
  private subqueries: { label: string; plan: Plan }[] = [];
  private nextSubquery = 0;

  constructor(private readonly level: PrintLevel) {}

  print(plan: Plan, depth: number): void {
    const pending = this.subqueries;
    this.subqueries = [];
    const head = this.nodeLine(plan);
    this.lines.push('  '.repeat(depth) + head);
    const subs = this.subqueries;
    this.subqueries = pending;
    for (const s of subs) {
      this.lines.push('  '.repeat(depth + 1) + s.label);
      this.print(s.plan, depth + 2);
    }
    for (const child of planChildren(plan)) this.print(child, depth + 1);
  }

  /** Subquery plans met while printing the last line(s), handed over once. */
  takeSubqueries(): { label: string; plan: Plan }[] {
    return this.subqueries.splice(0);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  private col(id: number, name: string): string {
    if (this.level === 'simplified') return quoteIdent(name);
    let n = this.ids.get(id);
    if (n === undefined) {
      n = this.ids.size;
      this.ids.set(id, n);
    }
    return `${quoteIdent(name)}#${n}`;
  }

  private est(plan: Plan): string[] {
    if (this.level !== 'explain' || !plan.est) return [];
    return [`rows=[${formatNumber(plan.est.rows)}]`, `cost=[${formatNumber(plan.est.cost)}]`];
  }

  nodeLine(plan: Plan): string {
    const args: string[] = [];
    const explain = this.level === 'explain';
    let op: string;
    switch (plan.kind) {
      case 'scan':
        op = 'Scan';
        args.push(`table=[${plan.table}]`);
        if (plan.alias !== plan.table) args.push(`alias=[${plan.alias}]`);
        if (explain) args.push(`columns=[${plan.columns.map((c) => this.col(c.id, c.name)).join(', ')}]`);
        break;
      case 'filter':
        op = 'Filter';
        args.push(`condition=[${this.expr(plan.predicate)}]`);
        break;
      case 'project':
        op = 'Project';
        args.push(`exprs=[${plan.exprs.map((n) => this.named(n)).join(', ')}]`);
        break;
      case 'join':
        op = 'Join';
        args.push(`type=[${plan.joinType}${plan.nullAware ? ' null-aware' : ''}]`);
        if (plan.condition) args.push(`condition=[${this.expr(plan.condition)}]`);
        break;
      case 'aggregate':
        op = 'Aggregate';
        args.push(`group=[${plan.groupBy.map((n) => this.named(n)).join(', ')}]`);
        args.push(`aggs=[${plan.aggregates.map((a) => this.aggregate(a)).join(', ')}]`);
        break;
      case 'window':
        op = 'Window';
        args.push(`functions=[${plan.functions.map((w) => this.window(w)).join(', ')}]`);
        break;
      case 'sort':
        op = 'Sort';
        args.push(`keys=[${this.keys(plan.keys)}]`);
        break;
      case 'limit':
        op = 'Limit';
        if (plan.limit !== null) args.push(`limit=[${plan.limit}]`);
        if (plan.offset) args.push(`offset=[${plan.offset}]`);
        break;
      case 'topN':
        op = 'TopN';
        args.push(`keys=[${this.keys(plan.keys)}]`, `limit=[${plan.limit}]`);
        if (plan.offset) args.push(`offset=[${plan.offset}]`);
        break;
      case 'distinct':
        op = 'Distinct';
        break;
      case 'setop':
        op = 'SetOp';
        args.push(`op=[${plan.op}${plan.all ? ' all' : ''}]`);
        if (explain) args.push(`columns=[${plan.columns.map((c) => this.col(c.id, c.name)).join(', ')}]`);
        break;
      case 'values':
        op = 'Values';
        if (explain) args.push(`columns=[${plan.columns.map((c) => this.col(c.id, c.name)).join(', ')}]`);
        args.push(`rows=[${plan.rows.map((r) => `(${r.map((e) => this.expr(e)).join(', ')})`).join(', ')}]`);
        break;
    }
    args.push(...this.est(plan));
    return args.length ? `${op}(${args.join(', ')})` : op;
  }

  private named(n: NamedExpr): string {
    const passThrough = n.expr.kind === 'column' && n.expr.id === n.id;
    if (this.level === 'simplified') {
      if (passThrough) return quoteIdent(n.name);
      return `${quoteIdent(n.name)}=${this.expr(n.expr)}`;
    }
    if (passThrough) return this.col(n.id, n.name);
    return `${this.col(n.id, n.name)}=${this.expr(n.expr)}`;
  }

  private aggregate(a: AggregateCall): string {
    const args = a.fn === 'count_star' ? '*' : (a.distinct ? 'DISTINCT ' : '') + a.args.map((e) => this.expr(e)).join(', ');
    const fn = a.fn === 'count_star' ? 'count' : a.fn;
    const filter = a.filter ? ` FILTER (WHERE ${this.expr(a.filter)})` : '';
    return `${this.col(a.id, a.name)}=${fn}(${args})${filter}`;
  }

  private window(w: WindowCall): string {
    const fn = w.fn === 'count_star' ? 'count' : w.fn;
    const args = w.fn === 'count_star' ? '*' : w.args.map((e) => this.expr(e)).join(', ');
    const over: string[] = [];
    if (w.partitionBy.length) over.push(`PARTITION BY ${w.partitionBy.map((e) => this.expr(e)).join(', ')}`);
    if (w.orderBy.length) over.push(`ORDER BY ${this.keys(w.orderBy)}`);
    if (w.frame) over.push(w.frame);
    return `${this.col(w.id, w.name)}=${fn}(${args}) OVER (${over.join(' ')})`;
  }

  private keys(keys: readonly SortKey[]): string {
    return keys
      .map((k) => {
        // NULLS LAST is the default (DuckDB's, for ASC and DESC alike): only NULLS FIRST is printed
        const nulls = k.nullsFirst ? ' NULLS FIRST' : '';
        return `${this.expr(k.expr)}${k.desc ? ' DESC' : ''}${nulls}`;
      })
      .join(', ');
  }

  /** SQL-like infix text; nested binary operators are parenthesised. */
  expr(e: Expr): string {
    switch (e.kind) {
      case 'column':
        return this.col(e.id, e.name);
      case 'literal':
        return formatLiteral(e);
      case 'compare':
        return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
      case 'arith':
        return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
      case 'and':
        return e.args.map((a) => this.operand(a)).join(' AND ');
      case 'or':
        return e.args.map((a) => this.operand(a)).join(' OR ');
      case 'not':
        return `NOT ${this.operand(e.arg)}`;
      case 'func':
        return `${e.name}(${e.args.map((a) => this.expr(a)).join(', ')})`;
      case 'isNull':
        return `${this.operand(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL`;
      case 'like':
        return `${this.operand(e.arg)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${this.operand(e.pattern)}`;
      case 'inList':
        return `${this.operand(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')})`;
      case 'between':
        return `${this.operand(e.arg)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.operand(e.low)} AND ${this.operand(e.high)}`;
      case 'case': {
        const parts = ['CASE'];
        if (e.operand) parts.push(this.expr(e.operand));
        for (const w of e.whens) parts.push(`WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`);
        if (e.else) parts.push(`ELSE ${this.expr(e.else)}`);
        parts.push('END');
        return parts.join(' ');
      }
      case 'cast':
        return `CAST(${this.expr(e.arg)} AS ${e.typeText.toUpperCase()})`;
      case 'subquery': {
        const label = `subquery#${this.nextSubquery++}`;
        this.subqueries.push({ label: `${label}:`, plan: e.plan });
        const typeSuffix = this.level === 'explain' && e.mode === 'scalar' ? `:${exprType(e)}` : '';
        if (e.mode === 'scalar') return `${label}${typeSuffix}`;
        if (e.mode === 'exists') return `${e.negated ? 'NOT ' : ''}EXISTS(${label})`;
        return `${this.operand(e.arg!)} ${e.negated ? 'NOT ' : ''}IN (${label})`;
      }
    }
  }

  private operand(e: Expr): string {
    const s = this.expr(e);
    switch (e.kind) {
      case 'compare':
      case 'arith':
      case 'and':
      case 'or':
      case 'not':
      case 'isNull':
      case 'like':
      case 'inList':
      case 'between':
        return `(${s})`;
      case 'subquery':
        return e.mode === 'scalar' ? s : `(${s})`;
      default:
        return s;
    }
  }
}

function planChildren(plan: Plan): Plan[] {
  switch (plan.kind) {
    case 'scan':
    case 'values':
      return [];
    case 'join':
    case 'setop':
      return [plan.left, plan.right];
    default:
      return [plan.input];
  }
}

/**
 * Identifiers print bare when they are plain lower-case words, else double-quoted.
 * A name holding a control character (a newline, a tab, U+2028 …) prints in
 * PostgreSQL's Unicode-escape form `U&"a\000Ab"`, so plan text stays one
 * operator per line and two different names never print alike.
 */
function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) return name;
  if (!CONTROL.test(name)) return `"${name.replace(/"/g, '""')}"`;
  return `U&"${name.replace(/"/g, '""').replace(/\\/g, '\\\\').replace(CONTROL_ALL, (c) => `\\${hex(c, 4)}`)}"`;
}

/**
 * Characters that would break a plan line or hide in it: C0 and C1 controls,
 * DEL, and the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
}

/**
 * A string literal: `'it''s'` as SQL writes it; one holding a control
 * character prints as a PostgreSQL escape string, `E'a\nb'` (backslashes
 * doubled inside it), so a newline in a literal never splits a plan line and
 * `E'a\nb'` (newline) stays distinct from `'a\nb'` (backslash, n).
 */
function quoteString(value: string): string {
  if (!CONTROL.test(value)) return `'${value.replace(/'/g, "''")}'`;
  const body = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "''")
    .replace(CONTROL_ALL, (c) => SHORT_ESCAPES[c] ?? (c.charCodeAt(0) <= 0x7f ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
  return `E'${body}'`;
}

export function formatLiteral(l: Literal): string {
  if (l.value === null) return 'NULL';
  if (typeof l.value === 'boolean') return l.value ? 'TRUE' : 'FALSE';
  switch (l.type) {
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double':
      return l.value;
    case 'date':
      return `DATE ${quoteString(l.value)}`;
    case 'timestamp':
      return `TIMESTAMP ${quoteString(l.value)}`;
    case 'interval':
      return `INTERVAL ${quoteString(l.value)}`;
    default:
      return quoteString(l.value);
  }
}

/** Integers as is; others to 4 significant digits; always the same text for the same number. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return String(Math.round(n));
  return String(Number(n.toPrecision(4)));
}

export function printPlan(plan: Plan, level: PrintLevel): string {
  const p = new Printer(level);
  p.print(plan, 0);
  return p.text();
}

/** The plan as canonical JSON data: `{op, args, est?, children}` with renumbered ids; key order fixed. */
export function planToJson(plan: Plan): unknown {
  const p = new Printer('explain');
  const toJson = (node: Plan): unknown => {
    const line = p.nodeLine(node);
    const subs = p.takeSubqueries();
    const open = line.indexOf('(');
    return {
      op: open < 0 ? line : line.slice(0, open),
      args: open < 0 ? '' : line.slice(open + 1, -1),
      ...(node.est ? { rows: Math.round(node.est.rows), cost: Math.round(node.est.cost) } : {}),
      ...(subs.length ? { subqueries: subs.map((s) => ({ label: s.label.slice(0, -1), plan: toJson(s.plan) })) } : {}),
      children: planChildren(node).map(toJson),
    };
  };
  return toJson(plan);
}
