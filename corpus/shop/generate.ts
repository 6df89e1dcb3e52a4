/**
 * The `shop` data generator, in DuckDB SQL: set-based, deterministic for a
 * seed (every pseudo-random value is a hash of the seed, the row key and a
 * salt — never random(), whose values depend on thread scheduling), with
 * skew where real shops have it (a few customers and products get most
 * orders). SF 1 ≈ 100k customers, 5k products, 1M orders, 3M items, 2M events.
 */
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import {
  BRANDS, CATEGORIES, CHANNELS, CITIES, DEVICES, EVENT_TYPES, FIRST_NAMES, LAST_NAMES, ORDER_STATUSES, PAYMENT_METHODS, SEGMENTS, SHOP_SCHEMA, SHOP_TABLES, STREETS,
} from './schema.ts';

export interface ShopSizes {
  readonly customers: number;
  readonly products: number;
  readonly orders: number;
  readonly events: number;
}

export function shopSizes(scale: number): ShopSizes {
  return {
    customers: Math.max(50, Math.round(100_000 * scale)),
    products: Math.max(40, Math.round(5_000 * scale)),
    orders: Math.max(200, Math.round(1_000_000 * scale)),
    events: Math.max(400, Math.round(2_000_000 * scale)),
  };
}

const list = (xs: readonly string[]) => `[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;
/** a pseudo-random pick from a list: `pick(list, key expr, salt)` */
const pick = (xs: readonly string[], key: string, salt: number) => `${list(xs)}[1 + (hash(${SEED}, ${key}, ${salt}) % ${xs.length})::INTEGER]`;
/** uniform integer in [0, n) */
const uni = (n: number | string, key: string, salt: number) => `(hash(${SEED}, ${key}, ${salt}) % (${n}))::BIGINT`;
/** uniform double in [0, 1) */
const unit = (key: string, salt: number) => `((hash(${SEED}, ${key}, ${salt}) % 1000000007) / 1000000007.0)`;
const SEED = '__seed__';

export async function generateShop(options: { scale: number; outDir: string; seed?: number; onProgress?: (table: string) => void }): Promise<{ dbPath: string; tables: Record<string, number> }> {
  if (!(options.scale > 0)) throw new FlightdeckError('usage-error', `scale must be positive, got ${options.scale}`);
  mkdirSync(options.outDir, { recursive: true });
  const dbPath = join(options.outDir, 'shop.duckdb');
  for (const p of [dbPath, dbPath + '.wal']) if (existsSync(p)) rmSync(p);
  const s = shopSizes(options.scale);
  const seed = String(options.seed ?? 1);
  const db = await openDatabase(dbPath);
  const sql = (text: string) => db.run(text.replaceAll(SEED, seed));
  const cities = CITIES.map(([c]) => c);
  const countryOf = `map_from_entries(${`[${CITIES.map(([c, k]) => `('${c}', '${k}')`).join(', ')}]`})`;
  try {
    await sql(SHOP_SCHEMA);
    // every row is inserted complete (no UPDATE after it): DuckDB's distinct-count sketch of a column is
    // sampled as its rows are appended and an UPDATE does not refresh it, so a column filled by UPDATE would
    // keep the sketch of its placeholder ('' or 0: one distinct value) and its plans would rest on that
    await sql(`
      INSERT INTO customers
      SELECT id, first_name, last_name,
        lower(replace(first_name, '''', '')) || '.' || lower(replace(last_name, '''', '')) || id::VARCHAR || '@' || ${list(['example.com', 'mail.test', 'inbox.test', 'corp.test'])}[1 + (id % 4)],
        phone, street, city, ${countryOf}[city], postal_code, birth_date, card_number, segment, created_at
      FROM (SELECT id,
        ${pick(FIRST_NAMES, 'id', 1)} AS first_name,
        ${pick(LAST_NAMES, 'id', 2)} AS last_name,
        CASE WHEN ${uni(10, 'id', 3)} = 0 THEN NULL ELSE '+' || (40 + ${uni(9, 'id', 4)})::VARCHAR || ' ' || lpad((${uni(100000000, 'id', 5)})::VARCHAR, 8, '0') END AS phone,
        (1 + ${uni(199, 'id', 6)})::VARCHAR || ' ' || ${pick(STREETS, 'id', 7)} AS street,
        ${pick(cities, 'id', 8)} AS city,
        lpad((${uni(99999, 'id', 9)})::VARCHAR, 5, '0') AS postal_code,
        DATE '1940-01-01' + (${uni(365 * 66, 'id', 10)})::INTEGER AS birth_date,
        CASE WHEN ${uni(5, 'id', 11)} = 0 THEN NULL ELSE '4' || lpad((${uni('1000000000000000', 'id', 12)})::VARCHAR, 15, '0') END AS card_number,
        ${pick(SEGMENTS, 'id', 13)} AS segment,
        TIMESTAMP '2018-01-01' + to_seconds((${uni(86400 * 365 * 6, 'id', 14)})::BIGINT) AS created_at
      FROM range(1, ${s.customers + 1}) t(id))
      ORDER BY id;
    `);
    options.onProgress?.('customers');
    await sql(`
      INSERT INTO products
      SELECT id,
        ${pick(BRANDS, 'id', 20)} || ' ' || ${pick(['mini', 'pro', 'max', 'lite', 'classic', 'plus', 'eco', 'smart'], 'id', 21)} || ' ' || ${pick(CATEGORIES, 'id', 22)} || ' ' || id::VARCHAR,
        ${pick(CATEGORIES, 'id', 22)},
        ${pick(BRANDS, 'id', 20)},
        (round(1 + pow(${unit('id', 23)}, 2) * 999, 2))::DECIMAL(10,2),
        DATE '2017-01-01' + (${uni(365 * 7, 'id', 24)})::INTEGER
      FROM range(1, ${s.products + 1}) t(id);
    `);
    options.onProgress?.('products');
    // an order's lines are a function of its id, so they are generated first and its total is their sum
    await sql(`
      CREATE TEMP TABLE fd_lines AS
      SELECT o.id AS order_id, l.line_no,
        1 + floor(${s.products} * pow(${unit('o.id * 8 + l.line_no', 40)}, 1.8))::INTEGER AS product_id,
        1 + ${uni(5, 'o.id * 8 + l.line_no', 41)} AS quantity,
        CASE WHEN ${uni(4, 'o.id * 8 + l.line_no', 42)} = 0 THEN (${uni(4, 'o.id * 8 + l.line_no', 43)} * 0.05)::DECIMAL(4,2) ELSE 0 END AS discount
      FROM range(1, ${s.orders + 1}) o(id), LATERAL (SELECT unnest(range(1, 2 + ${uni(5, 'o.id', 44)}::INTEGER)) AS line_no) l;
      INSERT INTO orders
      SELECT id,
        1 + floor(${s.customers} * pow(${unit('id', 30)}, 2.2))::INTEGER,   -- skew: a few customers order a lot
        DATE '2021-01-01' + (${uni(365 * 4, 'id', 31)})::INTEGER,
        ${pick(ORDER_STATUSES, 'id', 32)},
        ${pick(CHANNELS, 'id', 33)},
        ship_city,
        ${countryOf}[ship_city],
        t.total
      FROM (SELECT id, ${pick(cities, 'id', 34)} AS ship_city FROM range(1, ${s.orders + 1}) r(id)) o
      JOIN (SELECT l.order_id, sum(l.quantity * p.price * (1 - l.discount))::DECIMAL(12,2) AS total
            FROM fd_lines l JOIN products p USING (product_id) GROUP BY l.order_id) t ON t.order_id = o.id
      ORDER BY id;
    `);
    options.onProgress?.('orders');
    await sql(`
      INSERT INTO order_items
      SELECT l.order_id, l.line_no, l.product_id, l.quantity, p.price, l.discount
      FROM fd_lines l JOIN products p USING (product_id)
      ORDER BY l.order_id, l.line_no;
      DROP TABLE fd_lines;
    `);
    options.onProgress?.('order_items');
    await sql(`
      INSERT INTO payments
      SELECT o.order_id, o.order_id, o.method,
        CASE WHEN o.method = 'card' THEN c.card_number END,
        o.total,
        o.order_date::TIMESTAMP + to_seconds((${uni(86400 * 2, 'o.order_id', 51)})::BIGINT),
        CASE WHEN ${uni(50, 'o.order_id', 52)} = 0 THEN 'declined' ELSE 'captured' END
      FROM (SELECT *, ${pick(PAYMENT_METHODS, 'order_id', 50)} AS method FROM orders WHERE status <> 'cancelled') o
      JOIN customers c ON c.customer_id = o.customer_id
      ORDER BY o.order_id;
    `);
    options.onProgress?.('payments');
    await sql(`
      INSERT INTO events
      SELECT id,
        CASE WHEN ${uni(6, 'id', 60)} = 0 THEN NULL ELSE 1 + floor(${s.customers} * pow(${unit('id', 61)}, 2))::INTEGER END,
        CASE WHEN ${uni(10, 'id', 62)} = 0 THEN NULL ELSE 1 + floor(${s.products} * pow(${unit('id', 63)}, 1.8))::INTEGER END,
        ${pick(EVENT_TYPES, 'id', 64)},
        TIMESTAMP '2024-01-01' + to_seconds((${uni(86400 * 365, 'id', 65)})::BIGINT),
        md5((id // 7)::VARCHAR || '${'${'}seed}')[1:12],
        ${pick(DEVICES, 'id', 66)}
      FROM range(1, ${s.events + 1}) t(id);
    `.replace("'${seed}'", `'${seed}'`));
    options.onProgress?.('events');
    const tables: Record<string, number> = {};
    for (const t of SHOP_TABLES) tables[t] = Number((await db.all(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
    await db.run('CHECKPOINT');
    return { dbPath, tables };
  } finally {
    db.close();
  }
}
