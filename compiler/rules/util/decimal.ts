/**
 * Exact decimal arithmetic on literal text (scaled bigints, never floating
 * point), with the result scales DuckDB gives: `+`/`-` keep the larger
 * scale, `*` adds the scales (`0.06 * 2.00` is `0.1200`).
 */

export interface Decimal {
  /** the value times 10^scale */
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parse `24`, `-0.06`, `.5`; null for anything else (exponents, NaN, blanks). */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return null;
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  if (whole === '' && frac === '') return null;
  const units = BigInt((whole || '0') + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

export function formatDecimal(d: Decimal): string {
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const text = d.scale === 0 ? digits : `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  return neg ? `-${text}` : text;
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) - rescale(b, scale), scale };
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** -1, 0 or 1. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Number of significant digits a DECIMAL needs to hold `d` (its precision). */
export function decimalPrecision(d: Decimal): number {
  const digits = (d.units < 0n ? -d.units : d.units).toString().length;
  return Math.max(digits, d.scale + 1);
}
