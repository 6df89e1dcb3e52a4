/**
 * A query generator for scale: the i-th of up to 164,640 structurally
 * distinct queries over the `shop` schema, so a workload of N distinct
 * templates (100,000 for the dashboard's benchmarks) can be written without
 * repeating a fingerprint. Index i is read as mixed-radix digits, one digit
 * per choice — the join path, the projected columns, the predicate column and
 * operator, the grouping and the ordering — so different indices give
 * different query *shapes* (literals are stripped by fingerprinting; the
 * shapes differ in names and structure, never only in literals). Literals
 * come from a generator seeded by i, so the log is the same on every run.
 *
 * Every query binds against the shop catalog: the columns are the schema's
 * (schema.ts), joins follow its foreign keys.
 */
import { createRng, type Rng } from './query-templates.ts';

interface Column {
  readonly name: string;
  readonly type: 'int' | 'num' | 'text' | 'date' | 'time';
}

interface JoinPath {
  /** FROM … JOIN … text with aliases */
  readonly from: string;
  /** qualified columns available to the query */
  readonly columns: readonly Column[];
}

const c = (name: string, type: Column['type']): Column => ({ name, type });

const ORDERS = [c('o.order_id', 'int'), c('o.customer_id', 'int'), c('o.order_date', 'date'), c('o.status', 'text'), c('o.channel', 'text'), c('o.ship_city', 'text'), c('o.total', 'num')];
const CUSTOMERS = [c('cu.customer_id', 'int'), c('cu.city', 'text'), c('cu.country', 'text'), c('cu.segment', 'text'), c('cu.birth_date', 'date'), c('cu.created_at', 'time')];
const ITEMS = [c('i.product_id', 'int'), c('i.quantity', 'int'), c('i.unit_price', 'num'), c('i.discount', 'num'), c('i.line_no', 'int')];
const PRODUCTS = [c('p.category', 'text'), c('p.brand', 'text'), c('p.price', 'num'), c('p.created_at', 'date')];
const PAYMENTS = [c('pa.method', 'text'), c('pa.amount', 'num'), c('pa.paid_at', 'time'), c('pa.status', 'text')];
const EVENTS = [c('e.event_type', 'text'), c('e.device', 'text'), c('e.event_time', 'time'), c('e.product_id', 'int')];

const PATHS: readonly JoinPath[] = [
  { from: 'orders o', columns: ORDERS },
  { from: 'orders o JOIN customers cu ON cu.customer_id = o.customer_id', columns: [...ORDERS, ...CUSTOMERS] },
  { from: 'orders o JOIN order_items i ON i.order_id = o.order_id', columns: [...ORDERS, ...ITEMS] },
  { from: 'order_items i JOIN products p ON p.product_id = i.product_id', columns: [...ITEMS, ...PRODUCTS] },
  { from: 'orders o JOIN order_items i ON i.order_id = o.order_id JOIN products p ON p.product_id = i.product_id', columns: [...ORDERS, ...ITEMS, ...PRODUCTS] },
  { from: 'payments pa JOIN orders o ON o.order_id = pa.order_id', columns: [...PAYMENTS, ...ORDERS] },
  { from: 'events e JOIN customers cu ON cu.customer_id = e.customer_id', columns: [...EVENTS, ...CUSTOMERS] },
  { from: 'orders o LEFT JOIN payments pa ON pa.order_id = o.order_id', columns: [...ORDERS, ...PAYMENTS] },
];

/** every pair (a < b) of the first `n` columns */
function pairs(n: number): (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}

const OPS = ['=', '<', '>=', '<>', 'BETWEEN', 'IN', 'IS NOT NULL'] as const;
/** grouping: none, group by the first projected column with one of these aggregates over the path's numeric column */
const AGGS = ['', 'count(*)', 'sum', 'max', 'avg'] as const;
const ORDERINGS = ['', 'ORDER BY 1', 'ORDER BY 1 DESC LIMIT 10', 'ORDER BY 2, 1 LIMIT 100'] as const;

/** per join path: its column pairs, and how many queries it yields (pairs × predicate columns × operators × aggregates × orderings) */
const PER_PATH = PATHS.map((path) => {
  const projections = pairs(Math.min(8, path.columns.length));
  return { path, projections, count: projections.length * path.columns.length * OPS.length * AGGS.length * ORDERINGS.length };
});

/** how many distinct queries the generator makes: every path takes its turn while the smallest has queries left */
export const DISTINCT_QUERY_COUNT = PER_PATH.length * Math.min(...PER_PATH.map((p) => p.count));

function literal(col: Column, r: Rng): string {
  switch (col.type) {
    case 'int':
      return String(r.int(1, 100_000));
    case 'num':
      return `${r.int(1, 999)}.${r.int(0, 99)}`;
    case 'date':
      return `DATE '${r.int(2021, 2024)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}'`;
    case 'time':
      return `TIMESTAMP '${r.int(2021, 2024)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')} 00:00:00'`;
    default:
      return `'${r.pick(['web', 'app', 'delivered', 'books', 'card', 'view', 'mobile', 'vip', 'Oslo', 'acme'])}'`;
  }
}

function predicate(col: Column, op: (typeof OPS)[number], r: Rng): string {
  if (op === 'IS NOT NULL') return `${col.name} IS NOT NULL`;
  if (op === 'BETWEEN') return `${col.name} BETWEEN ${literal(col, r)} AND ${literal(col, r)}`;
  if (op === 'IN') return `${col.name} IN (${literal(col, r)}, ${literal(col, r)}, ${literal(col, r)})`;
  return `${col.name} ${op} ${literal(col, r)}`;
}

/**
 * The i-th distinct query (0 ≤ i < DISTINCT_QUERY_COUNT). Equal i give equal
 * text; different i give different fingerprints.
 */
export function distinctQuery(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= DISTINCT_QUERY_COUNT) throw new RangeError(`query index ${i} outside 0..${DISTINCT_QUERY_COUNT - 1}`);
  // the paths take turns (i mod 8), so any prefix of the indices mixes them
  const { path, projections } = PER_PATH[i % PER_PATH.length]!;
  let n = Math.floor(i / PER_PATH.length);
  const digit = (radix: number) => {
    const d = n % radix;
    n = Math.floor(n / radix);
    return d;
  };
  const [a, b] = projections[digit(projections.length)]!;
  const predColumn = path.columns[digit(path.columns.length)]!;
  const op = OPS[digit(OPS.length)]!;
  const agg = AGGS[digit(AGGS.length)]!;
  const ordering = ORDERINGS[digit(ORDERINGS.length)]!;
  const r = createRng(i + 1);
  const first = path.columns[a]!;
  const second = path.columns[b]!;
  const where = predicate(predColumn, op, r);
  if (!agg) return `SELECT ${first.name}, ${second.name} FROM ${path.from} WHERE ${where} ${ordering}`.trimEnd();
  const measure = path.columns.find((x) => x.type === 'num') ?? path.columns.find((x) => x.type === 'int')!;
  const value = agg === 'count(*)' ? `count(*) AS n_${second.name.replace('.', '_')}` : `${agg}(${measure.name}) AS ${agg}_${second.name.replace('.', '_')}`;
  // the second column names the aggregate's alias, so pairs (a, b) and (a, b') stay distinct
  return `SELECT ${first.name}, ${value} FROM ${path.from} WHERE ${where} GROUP BY ${first.name} ${ordering}`.trimEnd();
}
