/**
 * Null-rejection analysis (SQL three-valued logic).
 *
 * - `nullWhenNull(e)`: the columns c such that c IS NULL forces `e` to be
 *   NULL ("e is strict in c").
 * - `rejectedColumns(p)`: the columns c such that c IS NULL forces the
 *   predicate `p` to be NULL or FALSE, i.e. a row with c NULL never passes
 *   `p`. `x IS NULL`, COALESCE, CASE and an OR with a non-strict side reject
 *   nothing.
 * - `rejectedGroups(p)`: sets S of columns such that "every column of S is
 *   NULL" forces `p` not to be TRUE. Singletons for the columns above, plus
 *   one set for each OR whose every side rejects something: `o_totalprice >
 *   1000 OR o_orderstatus = 'F'` rejects rows where both columns are NULL —
 *   exactly what the NULL-extended rows of an outer join look like.
 */
import type { Expr } from '../../ir/plan.ts';

/**
 * Scalar functions that return NULL whenever any argument is NULL (DuckDB).
 * `concat` is not here: the function form skips NULL arguments.
 */
const STRICT_FUNCTIONS: ReadonlySet<string> = new Set([
  'negate', 'abs', 'sign', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'sqrt', 'cbrt', 'ln', 'log', 'log10', 'log2',
  'exp', 'pow', 'power', 'upper', 'lower', 'ucase', 'lcase', 'substring', 'substr', 'trim', 'ltrim', 'rtrim',
  'length', 'char_length', 'character_length', 'strlen', 'octet_length', 'left', 'right', 'reverse', 'replace',
  'lpad', 'rpad', 'starts_with', 'ends_with', 'prefix', 'suffix', 'contains', 'strpos', 'instr', 'position',
  'extract', 'date_part', 'datepart', 'year', 'month', 'day', 'dayofmonth', 'dayofweek', 'dayofyear', 'week',
  'weekofyear', 'quarter', 'hour', 'minute', 'second', 'date_trunc', 'datetrunc', 'strftime',
]);

/** True when the named function returns NULL as soon as one argument is NULL. */
export function isStrictFunction(name: string): boolean {
  return STRICT_FUNCTIONS.has(name.toLowerCase());
}

/** Columns whose NULL makes `e` NULL. */
export function nullWhenNull(e: Expr): Set<number> {
  switch (e.kind) {
    case 'column':
      return new Set([e.id]);
    case 'compare':
    case 'arith':
      return union(nullWhenNull(e.left), nullWhenNull(e.right));
    case 'not':
    case 'cast':
      return nullWhenNull(e.arg);
    case 'func':
      return isStrictFunction(e.name) ? unionAll(e.args.map(nullWhenNull)) : new Set();
    case 'like':
      return union(nullWhenNull(e.arg), nullWhenNull(e.pattern));
    case 'inList':
    case 'between':
      return nullWhenNull(e.arg);
    case 'and':
    case 'or':
      // NULL AND FALSE is FALSE, NULL OR TRUE is TRUE: NULL only if every argument is.
      return intersectAll(e.args.map(nullWhenNull));
    default:
      return new Set();
  }
}

/** Columns whose NULL makes the predicate `p` not TRUE (NULL or FALSE). */
export function rejectedColumns(p: Expr): Set<number> {
  switch (p.kind) {
    case 'and':
      return unionAll(p.args.map(rejectedColumns));
    case 'or':
      return intersectAll(p.args.map(rejectedColumns));
    case 'not':
      // NOT x is not TRUE exactly when x is TRUE or NULL.
      return nullWhenNull(p.arg);
    case 'isNull':
      return p.negated ? nullWhenNull(p.arg) : new Set();
    case 'between':
      // x BETWEEN lo AND hi is x >= lo AND x <= hi; NOT BETWEEN is an OR.
      return p.negated ? nullWhenNull(p.arg) : unionAll([nullWhenNull(p.arg), nullWhenNull(p.low), nullWhenNull(p.high)]);
    case 'subquery':
      // x IN (empty) is FALSE, x IN (...) with x NULL is NULL; NOT IN of an empty set is TRUE.
      return p.mode === 'in' && !p.negated && p.arg ? nullWhenNull(p.arg) : new Set();
    default:
      return nullWhenNull(p);
  }
}

/** Column sets whose all-NULL makes the predicate `p` not TRUE (see the file comment). */
export function rejectedGroups(p: Expr): Set<number>[] {
  if (p.kind === 'and') return p.args.flatMap(rejectedGroups);
  if (p.kind === 'or') {
    const sides = p.args.map(rejectedGroups);
    if (sides.length === 0 || sides.some((g) => g.length === 0)) return [];
    // each side rejects once one of its groups is all NULL; all of them NULL at once covers every side
    return [unionAll(sides.flat())];
  }
  return [...rejectedColumns(p)].map((id) => new Set([id]));
}

function union(a: Set<number>, b: Set<number>): Set<number> {
  for (const x of b) a.add(x);
  return a;
}

function unionAll(sets: readonly Set<number>[]): Set<number> {
  const out = new Set<number>();
  for (const s of sets) union(out, s);
  return out;
}

function intersectAll(sets: readonly Set<number>[]): Set<number> {
  if (sets.length === 0) return new Set();
  const [first, ...rest] = sets;
  return new Set([...first!].filter((x) => rest.every((s) => s.has(x))));
}
