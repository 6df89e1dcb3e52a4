/**
 * OVER (...) and WINDOW w AS (...) → AstWindowSpec, with frames normalised to
 * upper-case BETWEEN form: `ROWS 3 PRECEDING` → `ROWS BETWEEN 3 PRECEDING AND CURRENT ROW`.
 */
import type { AstOrderItem, AstWindowSpec } from '../ir/ast.ts';
import { describe, identifierName, listItems, rejectUnknownKeys, unsupported, type ConvertContext, type Raw } from './convert-context.ts';
import { convertExpr } from './convert-expr.ts';

const SPEC_KEYS = new Set(['name', 'partitionby', 'orderby', 'window_frame_clause']);

/** The `over` field of a function call. */
export function convertWindowSpec(over: Raw, cx: ConvertContext): AstWindowSpec {
  if (typeof over !== 'object' || over === null) throw unsupported('OVER clause');
  if (over.type !== undefined && over.type !== 'window') throw unsupported(`OVER ${describe(over)}`);
  return convertSpecification(over.as_window_specification, cx);
}

/** `as_window_specification`: a window name, or `{ window_specification }`. */
export function convertSpecification(spec: Raw, cx: ConvertContext): AstWindowSpec {
  if (typeof spec === 'string' || spec?.type === 'default' || spec?.type === 'double_quote_string') {
    return { name: identifierName(spec, cx), partitionBy: [], orderBy: [], frame: null };
  }
  const w = spec?.window_specification;
  if (!w || typeof w !== 'object') throw unsupported('window specification');
  rejectUnknownKeys(w, SPEC_KEYS, 'a window specification');
  return {
    name: w.name ? identifierName(w.name, cx) : null,
    partitionBy: listItems(w.partitionby).map((p: Raw) => convertExpr(p?.type === 'expr' ? p.expr : p, cx)),
    orderBy: convertOrderBy(w.orderby, cx),
    frame: w.window_frame_clause ? frameText(w.window_frame_clause) : null,
  };
}

export function convertOrderBy(items: Raw, cx: ConvertContext): AstOrderItem[] {
  if (items === null || items === undefined) return [];
  if (!Array.isArray(items)) throw unsupported('ORDER BY');
  return items.map((item: Raw) => {
    const dir = typeof item?.type === 'string' ? item.type.toUpperCase() : '';
    if (dir !== '' && dir !== 'ASC' && dir !== 'DESC') throw unsupported(`ORDER BY ${dir}`);
    const nulls = typeof item?.nulls === 'string' ? item.nulls.toUpperCase() : '';
    let nullsFirst: boolean | null = null;
    if (nulls.endsWith('FIRST')) nullsFirst = true;
    else if (nulls.endsWith('LAST')) nullsFirst = false;
    else if (nulls !== '') throw unsupported(`ORDER BY ${nulls}`);
    return { expr: convertExpr(item?.expr, cx), desc: dir === 'DESC', nullsFirst };
  });
}

/** `window_frame_clause` → `ROWS BETWEEN <bound> AND <bound>`. */
function frameText(frame: Raw): string {
  if (frame.type === 'binary_expr' && String(frame.operator).toUpperCase() === 'BETWEEN') {
    const unit = frameUnit(frame.left?.value);
    const bounds = listItems(frame.right);
    if (bounds.length !== 2) throw unsupported('window frame');
    return `${unit} BETWEEN ${boundText(bounds[0])} AND ${boundText(bounds[1])}`;
  }
  if (typeof frame.type === 'string' && frame.expr) {
    return `${frameUnit(frame.type)} BETWEEN ${boundText(frame.expr)} AND CURRENT ROW`;
  }
  throw unsupported('window frame');
}

function frameUnit(value: unknown): string {
  const unit = typeof value === 'string' ? value.toUpperCase() : '';
  if (unit !== 'ROWS') throw unsupported(`window frame ${unit || 'unit'}`);
  return unit;
}

/** `UNBOUNDED PRECEDING`, `CURRENT ROW`, `3 PRECEDING`, `1 FOLLOWING`. */
function boundText(bound: Raw): string {
  const raw = bound?.value;
  if (typeof raw !== 'string' && typeof raw !== 'number') throw unsupported('window frame bound');
  const words = String(raw).trim().split(/\s+/).map((w) => w.toUpperCase());
  const text = words.join(' ');
  if (text === 'UNBOUNDED PRECEDING' || text === 'UNBOUNDED FOLLOWING' || text === 'CURRENT ROW') return text;
  if (words.length === 2 && /^\d+$/.test(words[0]!) && (words[1] === 'PRECEDING' || words[1] === 'FOLLOWING')) return text;
  throw unsupported(`window frame bound ${text}`);
}
