/**
 * Result types of functions and operators, mirroring what DuckDB (the engine
 * the lowered SQL runs on) gives, folded into our type families
 * (HUGEINT → bigint, any DECIMAL(p,s) → decimal...). Checked against DuckDB
 * 1.5 with `SELECT typeof(...)`-style probes.
 *
 * A function missing from these tables is not an error: it binds with type
 * `unknown` and the lowering passes it through to DuckDB unchanged.
 */
import type { ArithOp } from '../ir/plan.ts';
import { isNumeric, promoteNumeric, type TypeName } from '../ir/types.ts';

/** Aggregate functions (a call without OVER aggregates; with OVER it is a window function). */
const AGGREGATES: ReadonlyMap<string, (args: readonly TypeName[]) => TypeName> = new Map<string, (args: readonly TypeName[]) => TypeName>([
  ['count', () => 'bigint'],
  ['count_star', () => 'bigint'],
  ['count_if', () => 'bigint'],
  ['approx_count_distinct', () => 'bigint'],
  ['sum', (a) => sumType(a[0])],
  ['avg', () => 'double'],
  ['mean', () => 'double'],
  ['min', (a) => a[0] ?? 'unknown'],
  ['max', (a) => a[0] ?? 'unknown'],
  ['any_value', (a) => a[0] ?? 'unknown'],
  ['arbitrary', (a) => a[0] ?? 'unknown'],
  ['first', (a) => a[0] ?? 'unknown'],
  ['last', (a) => a[0] ?? 'unknown'],
  ['mode', (a) => a[0] ?? 'unknown'],
  ['arg_min', (a) => a[0] ?? 'unknown'],
  ['arg_max', (a) => a[0] ?? 'unknown'],
  ['min_by', (a) => a[0] ?? 'unknown'],
  ['max_by', (a) => a[0] ?? 'unknown'],
  ['bit_and', (a) => a[0] ?? 'unknown'],
  ['bit_or', (a) => a[0] ?? 'unknown'],
  ['bit_xor', (a) => a[0] ?? 'unknown'],
  ['quantile_disc', (a) => a[0] ?? 'unknown'],
  ['median', (a) => medianType(a[0])],
  ['quantile_cont', (a) => medianType(a[0])],
  ['stddev', () => 'double'],
  ['stddev_samp', () => 'double'],
  ['stddev_pop', () => 'double'],
  ['variance', () => 'double'],
  ['var_samp', () => 'double'],
  ['var_pop', () => 'double'],
  ['corr', () => 'double'],
  ['covar_samp', () => 'double'],
  ['covar_pop', () => 'double'],
  ['regr_slope', () => 'double'],
  ['regr_intercept', () => 'double'],
  ['regr_r2', () => 'double'],
  ['product', () => 'double'],
  ['bool_and', () => 'boolean'],
  ['bool_or', () => 'boolean'],
  ['every', () => 'boolean'],
  ['string_agg', () => 'varchar'],
  ['group_concat', () => 'varchar'],
  ['listagg', () => 'varchar'],
  ['array_agg', () => 'unknown'],
  ['list', () => 'unknown'],
]);

/** Functions that exist only with OVER. */
const WINDOW_ONLY: ReadonlyMap<string, (args: readonly TypeName[]) => TypeName> = new Map<string, (args: readonly TypeName[]) => TypeName>([
  ['row_number', () => 'bigint'],
  ['rank', () => 'bigint'],
  ['dense_rank', () => 'bigint'],
  ['ntile', () => 'bigint'],
  ['percent_rank', () => 'double'],
  ['cume_dist', () => 'double'],
  ['lag', (a) => a[0] ?? 'unknown'],
  ['lead', (a) => a[0] ?? 'unknown'],
  ['first_value', (a) => a[0] ?? 'unknown'],
  ['last_value', (a) => a[0] ?? 'unknown'],
  ['nth_value', (a) => a[0] ?? 'unknown'],
]);

const VARCHAR_FUNCTIONS = [
  'substring', 'substr', 'upper', 'lower', 'ucase', 'lcase', 'concat', 'concat_ws', 'trim', 'ltrim', 'rtrim',
  'btrim', 'replace', 'lpad', 'rpad', 'left', 'right', 'reverse', 'repeat', 'strftime', 'split_part',
  'regexp_replace', 'regexp_extract', 'md5', 'sha256', 'format', 'printf', 'chr', 'translate', 'overlay',
  'monthname', 'dayname', 'initcap', 'typeof', 'to_hex',
];
const BIGINT_FUNCTIONS = [
  'length', 'char_length', 'character_length', 'strlen', 'octet_length', 'bit_length', 'year', 'month', 'day',
  'dayofmonth', 'dayofweek', 'dayofyear', 'week', 'weekofyear', 'weekday', 'quarter', 'hour', 'minute', 'second',
  'millisecond', 'microsecond', 'yearweek', 'isodow', 'isoyear', 'decade', 'century', 'millennium', 'era',
  'date_diff', 'datediff', 'date_sub', 'datesub', 'strpos', 'instr', 'position', 'hash', 'bit_count',
];
const DOUBLE_FUNCTIONS = [
  'sqrt', 'cbrt', 'ln', 'log', 'log10', 'log2', 'exp', 'pow', 'power', 'random', 'pi', 'radians', 'degrees',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'cot', 'epoch', 'jaro_similarity', 'jaro_winkler_similarity',
];
const BOOLEAN_FUNCTIONS = [
  'starts_with', 'ends_with', 'prefix', 'suffix', 'contains', 'regexp_matches', 'regexp_full_match', 'isnan',
  'isinf', 'isfinite', 'like_escape',
];
const ARG_TYPE_FUNCTIONS = ['abs', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'negate', 'even', 'round_even'];
const PROMOTED_FUNCTIONS = ['coalesce', 'ifnull', 'greatest', 'least'];

const SCALARS: ReadonlyMap<string, (args: readonly TypeName[]) => TypeName> = (() => {
  const m = new Map<string, (args: readonly TypeName[]) => TypeName>();
  for (const f of VARCHAR_FUNCTIONS) m.set(f, () => 'varchar');
  for (const f of BIGINT_FUNCTIONS) m.set(f, () => 'bigint');
  for (const f of DOUBLE_FUNCTIONS) m.set(f, () => 'double');
  for (const f of BOOLEAN_FUNCTIONS) m.set(f, () => 'boolean');
  for (const f of ARG_TYPE_FUNCTIONS) m.set(f, (a) => (a[0] === 'null' ? 'integer' : a[0] ?? 'unknown'));
  for (const f of PROMOTED_FUNCTIONS) m.set(f, (a) => commonType(a));
  m.set('nullif', (a) => a[0] ?? 'unknown');
  m.set('sign', () => 'integer');
  m.set('ascii', () => 'integer');
  m.set('extract', (a) => (a.length > 0 ? 'bigint' : 'unknown'));
  m.set('date_part', () => 'bigint');
  m.set('datepart', () => 'bigint');
  // DuckDB: date_trunc over a DATE gives a TIMESTAMP too.
  m.set('date_trunc', () => 'timestamp');
  m.set('datetrunc', () => 'timestamp');
  m.set('time_bucket', () => 'timestamp');
  m.set('date_add', () => 'timestamp');
  m.set('current_date', () => 'date');
  m.set('today', () => 'date');
  m.set('last_day', () => 'date');
  m.set('make_date', () => 'date');
  m.set('now', () => 'timestamp');
  m.set('current_timestamp', () => 'timestamp');
  m.set('make_timestamp', () => 'timestamp');
  m.set('to_timestamp', () => 'timestamp');
  m.set('strptime', () => 'timestamp');
  for (const u of ['years', 'months', 'days', 'hours', 'minutes', 'seconds', 'weeks']) m.set(`to_${u}`, () => 'interval');
  return m;
})();

export function isAggregateFunction(name: string): boolean {
  return AGGREGATES.has(name);
}

export function isWindowOnlyFunction(name: string): boolean {
  return WINDOW_ONLY.has(name);
}

export function aggregateType(fn: string, args: readonly TypeName[]): TypeName {
  return AGGREGATES.get(fn)?.(args) ?? 'unknown';
}

export function windowType(fn: string, args: readonly TypeName[]): TypeName {
  return (WINDOW_ONLY.get(fn) ?? AGGREGATES.get(fn))?.(args) ?? 'unknown';
}

/** The type of a scalar function call; `unknown` for functions not in the table. */
export function scalarType(fn: string, args: readonly TypeName[]): TypeName {
  return SCALARS.get(fn)?.(args) ?? 'unknown';
}

/** extract(field FROM x): bigint, except the fractional epoch. */
export function extractType(field: string): TypeName {
  return field === 'epoch' ? 'double' : 'bigint';
}

function sumType(arg: TypeName | undefined): TypeName {
  switch (arg) {
    case 'integer':
    case 'bigint':
    case 'boolean':
      return 'bigint'; // DuckDB: HUGEINT
    case 'decimal':
    case 'double':
    case 'interval':
      return arg;
    default:
      return 'unknown';
  }
}

function medianType(arg: TypeName | undefined): TypeName {
  if (arg === 'integer' || arg === 'bigint') return 'double';
  return arg ?? 'unknown';
}

/**
 * The common type of several values (CASE branches, COALESCE arguments,
 * VALUES columns, set-operation columns): NULLs ignored, numerics promoted,
 * otherwise the first non-null type.
 */
export function commonType(types: readonly TypeName[]): TypeName {
  const known: TypeName[] = types.filter((t) => t !== 'null');
  if (known.length === 0) return types.length ? 'null' : 'unknown';
  if (known.every(isNumeric)) return known.reduce((a, b) => promoteNumeric(a, b));
  return known[0]!;
}

/**
 * Arithmetic result types, DuckDB's rules:
 * - numeric op numeric: promoted, except `/` which is always double;
 * - date ± interval, timestamp ± interval → timestamp; date ± integer → date;
 *   date - date → bigint; timestamp - timestamp → interval;
 * - interval ± interval, interval * / number → interval;
 * - a NULL operand takes the other's type; anything else is `unknown`.
 */
export function arithType(op: ArithOp, left: TypeName, right: TypeName): TypeName {
  if (left === 'unknown' || right === 'unknown') return 'unknown';
  if (left === 'null' && right === 'null') return 'integer';
  const l = left === 'null' ? right : left;
  const r = right === 'null' ? left : right;
  const numL = isNumeric(l);
  const numR = isNumeric(r);
  if (numL && numR) return op === '/' ? 'double' : promoteNumeric(l, r);
  if (op === '+' || op === '-') {
    if ((l === 'date' || l === 'timestamp') && r === 'interval') return 'timestamp';
    if (l === 'interval' && (r === 'date' || r === 'timestamp') && op === '+') return 'timestamp';
    if (l === 'date' && (r === 'integer' || r === 'bigint')) return 'date';
    if ((l === 'integer' || l === 'bigint') && r === 'date' && op === '+') return 'date';
    if (l === 'date' && r === 'date' && op === '-') return 'bigint';
    if (l === 'timestamp' && r === 'timestamp' && op === '-') return 'interval';
    if (l === 'interval' && r === 'interval') return 'interval';
  }
  if ((op === '*' || op === '/') && l === 'interval' && numR) return 'interval';
  if (op === '*' && numL && r === 'interval') return 'interval';
  // A string literal against a number is cast to the number's type.
  if (numL && r === 'varchar') return op === '/' ? 'double' : l;
  if (l === 'varchar' && numR) return op === '/' ? 'double' : r;
  return 'unknown';
}
