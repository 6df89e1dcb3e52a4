/**
 * Calendar arithmetic on literal text, the way DuckDB does it: adding
 * months keeps the day of month and clamps it to the month's last day
 * (`2000-01-31 + 1 month` is `2000-02-29`).
 */

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export type IntervalUnit = 'day' | 'month' | 'year';

export interface Interval {
  readonly amount: number;
  readonly unit: IntervalUnit;
}

/** Parse `yyyy-mm-dd` (a real calendar day); null otherwise. */
export function parseDate(text: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatDate(d: CalendarDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Parse `90 day`, `3 months`, `-1 year`, `2 weeks`; null for other units (hours, mixed intervals). */
export function parseInterval(text: string): Interval | null {
  const m = /^([+-]?\d+)\s+(day|days|week|weeks|month|months|year|years)$/i.exec(text.trim());
  if (!m) return null;
  const amount = Number(m[1]);
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  if (!Number.isSafeInteger(amount)) return null;
  if (unit === 'week') return { amount: amount * 7, unit: 'day' };
  return { amount, unit: unit as IntervalUnit };
}

/** `date + sign * interval`; null when the result leaves years 1..9999. */
export function addInterval(d: CalendarDate, interval: Interval, sign: 1 | -1): CalendarDate | null {
  const n = interval.amount * sign;
  let out: CalendarDate;
  if (interval.unit === 'day') {
    const ms = Date.UTC(d.year, d.month - 1, d.day) + n * 86_400_000;
    const t = new Date(ms);
    if (d.year < 100) return null; // Date.UTC maps years 0..99 to 1900+
    out = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
  } else {
    const months = d.year * 12 + (d.month - 1) + (interval.unit === 'year' ? n * 12 : n);
    const year = Math.floor(months / 12);
    const month = (months % 12) + 1;
    out = { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
  }
  return out.year >= 1 && out.year <= 9999 ? out : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
