/**
 * Evaluating operators on literals exactly as DuckDB would, or declining:
 * every function here returns null when it cannot be sure of DuckDB's
 * answer (doubles, overflow, unusual text), and the caller then leaves the
 * expression alone.
 */
import type { Expr, Literal, TypeName } from '../../ir/plan.ts';
import { hasSubquery } from '../../ir/walk.ts';
import { addDecimal, compareDecimal, decimalPrecision, formatDecimal, multiplyDecimal, parseDecimal, subtractDecimal, type Decimal } from './decimal.ts';
import { addInterval, formatDate, parseDate, parseInterval } from './dates.ts';

export function literal(value: string | boolean | null, type: TypeName): Literal {
  return { kind: 'literal', value, type };
}

export const TRUE: Literal = literal(true, 'boolean');
export const FALSE: Literal = literal(false, 'boolean');

export function isBooleanLiteral(e: Expr, value: boolean | null): boolean {
  return e.kind === 'literal' && e.value === value && (value !== null || e.type === 'boolean' || e.type === 'null');
}

/** A NULL literal, bare or cast to a type. */
export function isNullConstant(e: Expr): boolean {
  return (e.kind === 'literal' && e.value === null) || (e.kind === 'cast' && isNullConstant(e.arg));
}

/** A NULL literal with a subquery-free sibling can replace the whole operation (no error is lost). */
export function nullPropagates(operands: readonly Expr[]): boolean {
  return operands.some(isNullConstant) && !operands.some(hasSubquery);
}

const EXACT_NUMERIC: ReadonlySet<TypeName> = new Set(['integer', 'bigint', 'decimal']);
const INT_RANGE: Partial<Record<TypeName, readonly [bigint, bigint]>> = {
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** The widest decimal we fold into; DuckDB's limit is 38, literals stay far below. */
const MAX_FOLD_PRECISION = 18;

function exactNumber(l: Literal): Decimal | null {
  return EXACT_NUMERIC.has(l.type) && typeof l.value === 'string' ? parseDecimal(l.value) : null;
}

function inRange(v: bigint, type: TypeName): boolean {
  const r = INT_RANGE[type];
  return r !== undefined && v >= r[0] && v <= r[1];
}

/** -1/0/1 comparing two non-null literals of comparable types; null when not comparable here. */
export function compareLiterals(a: Literal, b: Literal): number | null {
  if (a.value === null || b.value === null) return null;
  const x = exactNumber(a);
  const y = exactNumber(b);
  if (x && y) return compareDecimal(x, y);
  if (typeof a.value === 'boolean' && typeof b.value === 'boolean') return Number(a.value) - Number(b.value);
  if (typeof a.value !== 'string' || typeof b.value !== 'string' || a.type !== b.type) return null;
  switch (a.type) {
    case 'varchar':
      return Math.sign(Buffer.compare(Buffer.from(a.value, 'utf8'), Buffer.from(b.value, 'utf8')));
    case 'date':
      if (!parseDate(a.value) || !parseDate(b.value)) return null;
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case 'timestamp':
      if (!TIMESTAMP_TEXT.test(a.value) || !TIMESTAMP_TEXT.test(b.value)) return null;
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    default:
      return null;
  }
}

/** `a op b` for two non-null literals, typed `type` (the binder's type of the operation). */
export function evaluateArith(op: string, a: Literal, b: Literal, type: TypeName): Literal | null {
  if (typeof a.value !== 'string' || typeof b.value !== 'string') return null;
  if (a.type === 'date' || b.type === 'date' || a.type === 'timestamp' || b.type === 'timestamp') return evaluateDateArith(op, a, b, type);
  const x = exactNumber(a);
  const y = exactNumber(b);
  if (!x || !y) return null;
  if (type === 'decimal') {
    if (x.scale === 0 && y.scale === 0 && a.type !== 'decimal' && b.type !== 'decimal') return null;
    const r = op === '+' ? addDecimal(x, y) : op === '-' ? subtractDecimal(x, y) : op === '*' ? multiplyDecimal(x, y) : null;
    if (!r || decimalPrecision(r) > MAX_FOLD_PRECISION) return null;
    return literal(formatDecimal(r), 'decimal');
  }
  if ((type !== 'integer' && type !== 'bigint') || x.scale !== 0 || y.scale !== 0) return null;
  let v: bigint;
  if (op === '+') v = x.units + y.units;
  else if (op === '-') v = x.units - y.units;
  else if (op === '*') v = x.units * y.units;
  else if (op === '%' && y.units !== 0n) v = x.units % y.units; // truncated, sign of the dividend, like DuckDB
  else return null; // `/` on integers is a DOUBLE division in DuckDB: not folded
  // DuckDB computes in the wider operand type and raises on overflow: keep such expressions.
  const computeType: TypeName = a.type === 'bigint' || b.type === 'bigint' ? 'bigint' : 'integer';
  if (!inRange(v, computeType) || !inRange(v, type)) return null;
  return literal(v.toString(), type);
}

/**
 * date ± interval (days, weeks, months, years), timestamp ± such an
 * interval (the time of day is kept) and date ± integer days.
 */
function evaluateDateArith(op: string, a: Literal, b: Literal, type: TypeName): Literal | null {
  if (op !== '+' && op !== '-') return null;
  const aIsTime = a.type === 'date' || a.type === 'timestamp';
  if (!aIsTime && op === '-') return null; // interval - date is not a thing
  const [base, other] = aIsTime ? [a, b] : [b, a];
  const sign = op === '-' ? -1 : 1;
  const text = String(base.value);
  let dateText = text;
  let time: string | null = null;
  if (base.type === 'timestamp') {
    if (!TIMESTAMP_TEXT.test(text)) return null;
    [dateText, time] = text.split(' ') as [string, string];
  } else if (base.type !== 'date') return null;
  const date = parseDate(dateText);
  if (!date) return null;
  let interval = null;
  if (other.type === 'interval') interval = parseInterval(String(other.value));
  else if (base.type === 'date' && (other.type === 'integer' || other.type === 'bigint') && /^[+-]?\d+$/.test(String(other.value))) {
    if (type !== 'date') return null;
    interval = { amount: Number(other.value), unit: 'day' as const };
  }
  if (!interval) return null;
  const r = addInterval(date, interval, sign);
  if (!r) return null;
  if (type === 'date' && time === null) return literal(formatDate(r), 'date');
  if (type === 'timestamp') return literal(`${formatDate(r)} ${time ?? '00:00:00'}`, 'timestamp');
  return null;
}

/** CAST of a non-null literal to `type` (`typeText` the written type) when the result is exact. */
export function evaluateCast(l: Literal, type: TypeName, typeText: string): Literal | null {
  if (typeof l.value !== 'string') return null;
  const text = l.value;
  const t = typeText.trim().toLowerCase();
  switch (type) {
    case 'varchar':
      if (!/^(varchar|text|string)(\s*\(\s*\d+\s*\))?$/.test(t)) return null;
      if (l.type === 'varchar') return literal(text, 'varchar');
      if (l.type === 'date' && parseDate(text)) return literal(text, 'varchar');
      if (EXACT_NUMERIC.has(l.type)) {
        const d = parseDecimal(text);
        return d ? literal(formatDecimal(d), 'varchar') : null;
      }
      return null;
    case 'date':
      if ((l.type === 'varchar' || l.type === 'date') && parseDate(text)) return literal(text, 'date');
      return null;
    case 'timestamp':
      if (l.type === 'date' && parseDate(text) && /^timestamp$/.test(t)) return literal(`${text} 00:00:00`, 'timestamp');
      return null;
    case 'integer':
    case 'bigint': {
      if (l.type !== 'varchar' && l.type !== 'integer' && l.type !== 'bigint') return null;
      if (!/^\s*[+-]?\d+\s*$/.test(text)) return null;
      const v = BigInt(text.trim());
      // the family `integer` also covers SMALLINT/TINYINT: fold only to the exact types we know
      const ok = type === 'bigint' ? /^(bigint|int8|long)$/.test(t) : /^(integer|int|int4|signed)$/.test(t);
      return ok && inRange(v, type) ? literal(v.toString(), type) : null;
    }
    case 'decimal': {
      if (!EXACT_NUMERIC.has(l.type)) return null;
      const d = parseDecimal(text);
      const m = /^(?:decimal|numeric)(?:\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
      if (!d || !m) return null;
      const precision = m[1] === undefined ? 18 : Number(m[1]);
      const scale = m[1] === undefined ? 3 : Number(m[2] ?? 0);
      if (d.scale > scale) return null; // DuckDB rounds: not folded
      const r = { units: d.units * 10n ** BigInt(scale - d.scale), scale };
      return decimalPrecision(r) <= precision ? literal(formatDecimal(r), 'decimal') : null;
    }
    default:
      return null;
  }
}

/** `-x` for an exact numeric literal, within the type's range. */
export function evaluateNegate(l: Literal, type: TypeName): Literal | null {
  const d = exactNumber(l);
  if (!d || l.type !== type) return null;
  const r = { units: -d.units, scale: d.scale };
  if ((type === 'integer' || type === 'bigint') && !inRange(r.units, type)) return null;
  return literal(formatDecimal(r), type);
}

/** `s [I]LIKE pattern` for two varchar literals; null when unsure (escapes, non-ASCII ILIKE). */
export function evaluateLike(s: Literal, pattern: Literal, caseInsensitive: boolean): boolean | null {
  if (typeof s.value !== 'string' || typeof pattern.value !== 'string') return null;
  if (s.type !== 'varchar' || pattern.type !== 'varchar' || pattern.value.includes('\\')) return null;
  let text = s.value;
  let pat = pattern.value;
  if (caseInsensitive) {
    if ([...text, ...pat].some((ch) => ch.charCodeAt(0) > 0x7f)) return null;
    text = text.toLowerCase();
    pat = pat.toLowerCase();
  }
  const source = [...pat]
    .map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'u').test(text);
}
