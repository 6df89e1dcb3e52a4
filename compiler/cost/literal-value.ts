/**
 * Constants as the estimator compares them with catalog statistics.
 *
 * The catalog encodes `min` / `max` of orderable columns as numbers: numbers
 * as is, dates as days since 1970-01-01, timestamps as seconds since the
 * epoch (see `ColumnStats` in compiler/ir/catalog.ts). A literal in a
 * predicate is put on the same scale here, by the type of the expression it
 * is compared with, so `l_shipdate < DATE '1995-01-01'` and
 * `l_shipdate < '1995-01-01'` both interpolate between the column's min and max.
 */
import type { Expr, Literal } from '../ir/plan.ts';
import { isNumeric, type TypeName } from '../ir/types.ts';

const MS_PER_DAY = 86_400_000;
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const TEMPORAL_TEXT = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*$/;

/**
 * `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` as days since 1970-01-01 (`date`, floored)
 * or seconds since the epoch (`timestamp`), UTC; null when the text is not
 * such a value.
 */
export function parseTemporal(text: string, as: 'date' | 'timestamp'): number | null {
  const m = TEMPORAL_TEXT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second >= 61) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, 0, 0);
  const ms = d.getTime() + second * 1000;
  if (!Number.isFinite(ms)) return null;
  return as === 'date' ? Math.floor(ms / MS_PER_DAY) : ms / 1000;
}

/**
 * The constant an expression stands for, when it is one the estimator can
 * read: a literal, a CAST of a constant (taking the cast's type), the
 * negation of a numeric constant, or arithmetic on constants (numbers, and
 * date / timestamp ± interval or integer days), evaluated approximately —
 * enough to place a value between min and max, so plans estimate alike
 * before and after fold-constants. Anything else (parameters, outer
 * columns, scalar subqueries) is null: a value not known at planning time.
 */
export function constantOf(e: Expr): Literal | null {
  switch (e.kind) {
    case 'literal':
      return e;
    case 'arith': {
      const a = constantOf(e.left);
      const b = constantOf(e.right);
      return a && b ? approximateArith(e.op, a, b, e.type) : null;
    }
    case 'cast': {
      const inner = constantOf(e.arg);
      if (!inner) return null;
      return { kind: 'literal', value: inner.value, type: e.type };
    }
    case 'func': {
      if (e.name !== 'negate' || e.args.length !== 1) return null;
      const inner = constantOf(e.args[0]!);
      if (!inner || typeof inner.value !== 'string' || !NUMBER_TEXT.test(inner.value)) return null;
      const text = inner.value.trim();
      return { kind: 'literal', value: text.startsWith('-') ? text.slice(1) : `-${text.replace(/^\+/, '')}`, type: inner.type };
    }
    default:
      return null;
  }
}

const INTERVAL_TEXT = /^\s*([+-]?\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute|second)s?\s*$/i;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function temporal(l: Literal): boolean {
  return l.type === 'date' || l.type === 'timestamp';
}

/** `a op b` on constants, as a literal of `type`; null when either is NULL or the operation is not numeric or date arithmetic. */
function approximateArith(op: string, a: Literal, b: Literal, type: TypeName): Literal | null {
  if (typeof a.value !== 'string' || typeof b.value !== 'string') return null;
  if (temporal(a) || temporal(b)) {
    if (op !== '+' && op !== '-') return null;
    if (!temporal(a) && op === '-') return null;
    const [base, other] = temporal(a) ? [a, b] : [b, a];
    const seconds = parseTemporal(base.value as string, 'timestamp');
    const m = other.type === 'interval' ? INTERVAL_TEXT.exec(other.value as string) : null;
    const days = other.type !== 'interval' && NUMBER_TEXT.test(other.value as string) ? Number(other.value) : null;
    if (seconds === null || (!m && days === null)) return null;
    const sign = op === '-' ? -1 : 1;
    const d = new Date(seconds * 1000);
    const amount = sign * Number(m ? m[1] : days);
    const unit = m ? m[2]!.toLowerCase() : 'day';
    if (unit === 'year') d.setUTCFullYear(d.getUTCFullYear() + amount);
    else if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + amount);
    else {
      const unitSeconds: Record<string, number> = { week: 604_800, day: 86_400, hour: 3_600, minute: 60, second: 1 };
      d.setTime(d.getTime() + amount * unitSeconds[unit]! * 1000);
    }
    if (!Number.isFinite(d.getTime())) return null;
    const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (type === 'date') return { kind: 'literal', value: day, type: 'date' };
    return { kind: 'literal', value: `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`, type: 'timestamp' };
  }
  if (!NUMBER_TEXT.test(a.value) || !NUMBER_TEXT.test(b.value)) return null;
  const x = Number(a.value);
  const y = Number(b.value);
  const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' && y !== 0 ? x / y : op === '%' && y !== 0 ? x % y : NaN;
  if (!Number.isFinite(r)) return null;
  return { kind: 'literal', value: String(r), type: isNumeric(type) ? type : 'double' };
}

/** True for the types whose min / max the catalog keeps as numbers. */
export function isOrderedType(type: TypeName): boolean {
  return isNumeric(type) || type === 'date' || type === 'timestamp';
}

/**
 * A literal on the catalog's numeric scale for a column of `type`:
 * numbers for numeric columns, days for dates, seconds for timestamps;
 * null when the value cannot be placed (strings, booleans, NULL, text that
 * does not parse as that type).
 */
export function valueOnScale(lit: Literal, type: TypeName): number | null {
  if (typeof lit.value !== 'string') return null;
  return textOnScale(lit.value, type);
}

/** Like {@link valueOnScale} for a value given as text (a most-common value, say). */
export function textOnScale(text: string, type: TypeName): number | null {
  if (type === 'date' || type === 'timestamp') return parseTemporal(text, type);
  if (isNumeric(type)) {
    if (!NUMBER_TEXT.test(text)) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** The text a literal is matched against most-common values with: booleans as `true` / `false`; null for SQL NULL. */
export function literalText(lit: Literal): string | null {
  if (lit.value === null) return null;
  if (typeof lit.value === 'boolean') return lit.value ? 'true' : 'false';
  return lit.value;
}

/**
 * Whether two values of a column of `type`, given as text, are the same
 * value: numerically for numbers and dates (so `0.06` equals `0.060`),
 * case-insensitively for booleans, exactly for everything else.
 */
export function sameValue(a: string, b: string, type: TypeName): boolean {
  if (a === b) return true;
  if (isOrderedType(type)) {
    const x = textOnScale(a, type);
    const y = textOnScale(b, type);
    return x !== null && y !== null && x === y;
  }
  if (type === 'boolean') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return false;
}
