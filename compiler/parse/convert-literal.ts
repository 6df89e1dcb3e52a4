/**
 * Intervals, casts and EXTRACT: the places where node-sql-parser's output
 * needs normalising to our literal text conventions (`90 day`,
 * `decimal(15,2)`, `year`).
 */
import type { AstExpr } from '../ir/ast.ts';
import { describe, unsupported, type ConvertContext, type Raw } from './convert-context.ts';
import { convertExpr } from './convert-expr.ts';
import { restoreBackslashes } from './rewrite-sql.ts';

/** Interval units, singular lower-case, by every spelling we accept. */
const INTERVAL_UNITS: Readonly<Record<string, string>> = {
  microsecond: 'microsecond', microseconds: 'microsecond', us: 'microsecond',
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond',
  second: 'second', seconds: 'second', sec: 'second', secs: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour', h: 'hour',
  day: 'day', days: 'day', d: 'day',
  week: 'week', weeks: 'week', w: 'week',
  month: 'month', months: 'month', mon: 'month', mons: 'month',
  quarter: 'quarter', quarters: 'quarter',
  year: 'year', years: 'year', yr: 'year', yrs: 'year', y: 'year',
  decade: 'decade', decades: 'decade',
  century: 'century', centuries: 'century',
  millennium: 'millennium', millennia: 'millennium', millenniums: 'millennium',
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** `interval '90' day`, `interval '90 day'`, `interval 90 day` → literal `90 day`. */
export function convertInterval(node: Raw, _cx: ConvertContext): AstExpr {
  const e = node.expr;
  let text: string;
  if (e?.type === 'single_quote_string' || e?.type === 'string') text = restoreBackslashes(String(e.value));
  else if (e?.type === 'number' || e?.type === 'bigint') text = String(e.value);
  else throw unsupported(`INTERVAL of ${describe(e)}`);
  const unit = typeof node.unit === 'string' ? node.unit.trim() : '';
  return { kind: 'literal', type: 'interval', value: normalizeInterval(unit ? `${text} ${unit}` : text) };
}

/** `'3 MONTHS'` → `3 month`; anything but one number and one unit is unsupported. */
export function normalizeInterval(text: string): string {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1) {
    // '90day' or a bare number (PostgreSQL reads a bare number as seconds; we ask for a unit)
    const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-zA-Z]+)$/.exec(parts[0]!);
    if (m) parts.splice(0, 1, m[1]!, m[2]!);
  }
  if (parts.length !== 2 || !NUMBER.test(parts[0]!)) {
    throw unsupported(`interval '${text}' (write one number and one unit, e.g. INTERVAL '90' DAY)`);
  }
  const unit = INTERVAL_UNITS[parts[1]!.toLowerCase()];
  if (!unit) throw unsupported(`interval unit ${parts[1]}`);
  return `${parts[0]} ${unit}`;
}

/** CAST(x AS t), x::t, x::a::b (nested casts, innermost first). */
export function convertCast(node: Raw, cx: ConvertContext): AstExpr {
  const keyword = typeof node.keyword === 'string' ? node.keyword.toLowerCase() : 'cast';
  if (keyword !== 'cast') throw unsupported(keyword.toUpperCase());
  const targets: Raw[] = Array.isArray(node.target) ? node.target : [node.target];
  if (targets.length === 0) throw unsupported('CAST without a type');
  let expr = convertExpr(node.expr, cx);
  for (const t of targets) expr = { kind: 'cast', arg: expr, type: castTypeText(t) };
  return expr;
}

/** `{dataType: 'DECIMAL', length: 15, scale: 2, parentheses: true}` → `decimal(15,2)`. */
export function castTypeText(target: Raw): string {
  if (!target || typeof target.dataType !== 'string') throw unsupported('CAST to an unknown type');
  if (target.array) throw unsupported('array type');
  if (target.expr) throw unsupported(`CAST to ${target.dataType}(...)`);
  let text = target.dataType.toLowerCase();
  const length = target.length;
  if (length !== undefined && length !== null) {
    if (target.parentheses) text += `(${length}${target.scale !== undefined && target.scale !== null ? ',' + target.scale : ''})`;
    else text += String(length);
  }
  if (Array.isArray(target.suffix) && target.suffix.length > 0) {
    const words = target.suffix.filter((s: unknown) => typeof s === 'string');
    if (words.length !== target.suffix.length) throw unsupported(`type ${text} with modifiers`);
    text += ' ' + words.join(' ').toLowerCase();
  }
  return text;
}

/** EXTRACT(year FROM x); `EXTRACT(year FROM DATE '...')` keeps the typed literal. */
export function convertExtract(node: Raw, cx: ConvertContext): AstExpr {
  const args = node.args;
  if (!args || typeof args.field !== 'string') throw unsupported('EXTRACT');
  const field = args.field.toLowerCase();
  const source = args.source;
  const castType = typeof args.cast_type === 'string' ? args.cast_type.toUpperCase() : null;
  if (!castType) return { kind: 'extract', field, arg: convertExpr(source, cx) };
  if (source?.type !== 'single_quote_string' && source?.type !== 'string') throw unsupported(`EXTRACT from ${castType} ${describe(source)}`);
  const text = restoreBackslashes(String(source.value));
  let arg: AstExpr;
  if (castType === 'DATE') arg = { kind: 'literal', type: 'date', value: text };
  else if (castType === 'TIMESTAMP') arg = { kind: 'literal', type: 'timestamp', value: text };
  else if (castType === 'INTERVAL') arg = { kind: 'literal', type: 'interval', value: normalizeInterval(text) };
  else if (castType === 'TIME') arg = { kind: 'cast', arg: { kind: 'literal', type: 'string', value: text }, type: 'time' };
  else throw unsupported(`EXTRACT from ${castType} literal`);
  return { kind: 'extract', field, arg };
}
