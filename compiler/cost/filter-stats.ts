/**
 * Column statistics after a filter.
 *
 * 1. Every column keeps the distinct values a random sample of the filter's
 *    selectivity would keep (Cardenas, see `distinctAfterSampling`): unique
 *    columns shrink proportionally, columns with few values keep them; all
 *    capped at the rows out.
 * 2. A column a conjunct constrains directly (a bare column compared with a
 *    constant, BETWEEN, IN, LIKE, IS [NOT] NULL, or equated with another
 *    column) is narrowed further:
 *    - x = c: 1 value, min = max = c, MCV {c: 1};
 *    - x <, <=, >, >= c and BETWEEN: min / max narrowed to the bounds;
 *    - x IN (…): at most as many values as the list;
 *    - any of them: distinct × (conjunct selectivity / (1 − nf)), null fraction 0,
 *      MCVs that fail the conjunct dropped and the rest renormalised by its selectivity;
 *    - x IS NULL: null fraction 1; x IS NOT NULL: 0;
 *    - x = y: both keep min(d_x, d_y).
 */
import type { ColumnRef, CompareOp, Expr } from '../ir/plan.ts';
import { conjuncts } from '../ir/walk.ts';
import { analyzeLikePattern } from './like-selectivity.ts';
import { constantOf, literalText, sameValue, textOnScale, valueOnScale } from './literal-value.ts';
import { compareSelectivity, isVariable, predicateSelectivity, satisfies } from './selectivity.ts';
import { capDistinct, clampFraction, sampleStats, type DerivedColumnStats, type RelationEstimate } from './stats.ts';

const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Statistics of a filter's output columns; `rowsOut` is the filter's estimated rows. */
export function filterStats(predicate: Expr, input: RelationEstimate, rowsOut: number): Map<number, DerivedColumnStats> {
  const sel = predicateSelectivity(predicate, input);
  const out = sampleStats(input.stats, input.rows, sel, rowsOut);
  for (const c of conjuncts(predicate)) narrow(c, input, out, rowsOut);
  return out;
}

function bareColumn(e: Expr, rel: RelationEstimate): ColumnRef | null {
  return e.kind === 'column' && rel.stats.has(e.id) ? e : null;
}

/** `stats` with only the MCVs `keep` says yes to, frequencies divided by the conjunct's selectivity. */
function keepMcvs(s: DerivedColumnStats, keep: (value: string) => boolean, sel: number): DerivedColumnStats['mostCommon'] {
  if (sel <= 0) return [];
  return s.mostCommon.filter((m) => keep(m.value)).map((m) => ({ value: m.value, frequency: clampFraction(m.frequency / sel) }));
}

function narrow(c: Expr, rel: RelationEstimate, out: Map<number, DerivedColumnStats>, rowsOut: number): void {
  const apply = (col: ColumnRef, sel: number, change: (s: DerivedColumnStats, before: DerivedColumnStats) => Partial<DerivedColumnStats>) => {
    const before = rel.stats.get(col.id)!;
    const cur = out.get(col.id)!;
    const share = before.nullFraction < 1 ? clampFraction(sel / (1 - before.nullFraction)) : 0;
    const distinct = Math.min(cur.distinct, Math.max(1, before.distinct * share));
    out.set(col.id, capDistinct({ ...cur, distinct, nullFraction: 0, ...change(cur, before) }, rowsOut));
  };
  switch (c.kind) {
    case 'compare': {
      const l = bareColumn(c.left, rel);
      const r = bareColumn(c.right, rel);
      if (l && r && c.op === '=') {
        const d = Math.min(out.get(l.id)!.distinct, out.get(r.id)!.distinct);
        for (const id of [l.id, r.id]) out.set(id, { ...out.get(id)!, distinct: d, nullFraction: 0 });
        return;
      }
      const col = l && !isVariable(c.right, rel) ? l : r && !isVariable(c.left, rel) ? r : null;
      if (!col) return;
      const op = col === l ? c.op : FLIPPED[c.op];
      const constant = col === l ? c.right : c.left;
      const lit = constantOf(constant);
      const sel = compareSelectivity(op, col, constant, rel);
      const type = col.type;
      const v = lit ? valueOnScale(lit, type) : null;
      const text = lit ? literalText(lit) : null;
      apply(col, sel, (s) => {
        const mcvs = keepMcvs(s, (value) => {
          if (text === null) return false;
          const mv = textOnScale(value, type);
          if (op === '=' || op === '<>') return sameValue(value, text, type) === (op === '=');
          return mv !== null && v !== null && satisfies(op, mv, v);
        }, sel);
        if (op === '=') {
          return { distinct: 1, min: v ?? s.min, max: v ?? s.max, mostCommon: text === null ? [] : [{ value: text, frequency: 1 }] };
        }
        if (op === '<>' || v === null || s.min === null || s.max === null) return { mostCommon: mcvs };
        const min = op === '>' || op === '>=' ? Math.max(s.min, v) : s.min;
        const max = op === '<' || op === '<=' ? Math.min(s.max, v) : s.max;
        return { min: Math.min(min, max), max, mostCommon: mcvs };
      });
      return;
    }
    case 'between': {
      const col = bareColumn(c.arg, rel);
      if (!col || isVariable(c.low, rel) || isVariable(c.high, rel)) return;
      const sel = predicateSelectivity(c, rel);
      const lo = constantOf(c.low);
      const hi = constantOf(c.high);
      const vl = lo ? valueOnScale(lo, col.type) : null;
      const vh = hi ? valueOnScale(hi, col.type) : null;
      apply(col, sel, (s) => {
        const known = vl !== null && vh !== null;
        const inside = (value: string) => {
          const mv = textOnScale(value, col.type);
          return known && mv !== null && (mv >= vl && mv <= vh) !== c.negated;
        };
        const mostCommon = keepMcvs(s, inside, sel);
        if (c.negated || !known || s.min === null || s.max === null) return { mostCommon };
        const min = Math.max(s.min, vl);
        const max = Math.min(s.max, vh);
        return { min: Math.min(min, max), max, mostCommon };
      });
      return;
    }
    case 'inList': {
      const col = bareColumn(c.arg, rel);
      if (!col || c.list.some((x) => isVariable(x, rel))) return;
      const texts = c.list.map((x) => constantOf(x)).map((l) => (l ? literalText(l) : null)).filter((t): t is string => t !== null);
      const sel = predicateSelectivity(c, rel);
      const inList = (value: string) => texts.some((t) => sameValue(value, t, col.type));
      apply(col, sel, (s) => ({
        ...(c.negated ? {} : { distinct: Math.min(s.distinct, Math.max(1, c.list.length)) }),
        mostCommon: keepMcvs(s, (v) => inList(v) !== c.negated, sel),
      }));
      return;
    }
    case 'like': {
      const col = bareColumn(c.arg, rel);
      const lit = constantOf(c.pattern);
      if (!col || !lit || typeof lit.value !== 'string' || isVariable(c.pattern, rel)) return;
      const p = analyzeLikePattern(lit.value, c.caseInsensitive);
      const sel = predicateSelectivity(c, rel);
      apply(col, sel, (s) => ({ mostCommon: keepMcvs(s, (v) => p.regex.test(v) !== c.negated, sel) }));
      return;
    }
    case 'isNull': {
      const col = bareColumn(c.arg, rel);
      if (!col) return;
      const cur = out.get(col.id)!;
      out.set(col.id, c.negated ? { ...cur, nullFraction: 0 } : { ...cur, distinct: 1, nullFraction: 1, mostCommon: [] });
      return;
    }
    default:
      return;
  }
}

