/**
 * The query shapes of the `shop` production log: what analysts, the web
 * app, fraud checks and reporting jobs run. Each shape draws its literals
 * from a seeded generator, so the same seed writes the same log.
 */
import { CATEGORIES, CHANNELS, CITIES, BRANDS, DEVICES, EVENT_TYPES, ORDER_STATUSES, PAYMENT_METHODS, SEGMENTS } from './schema.ts';

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

export type QueryKind = 'select' | 'dml' | 'nondeterministic';

export interface QueryShape {
  readonly name: string;
  readonly kind: QueryKind;
  /** who runs it */
  readonly project: 'checkout' | 'reporting' | 'marketing' | 'fraud' | 'support' | 'etl';
  /** typical duration in ms */
  readonly baseMs: number;
  readonly sql: (r: Rng) => string;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const cities = CITIES.map(([c]) => c);
const date = (r: Rng, fromYear = 2021, toYear = 2024) => `${r.int(fromYear, toYear)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
const list = (r: Rng, xs: readonly string[], lo: number, hi: number) => {
  const n = r.int(lo, hi);
  const out = new Set<string>();
  while (out.size < Math.min(n, xs.length)) out.add(q(r.pick(xs)));
  return [...out].join(', ');
};
const ids = (r: Rng, max: number, lo: number, hi: number) => Array.from({ length: r.int(lo, hi) }, () => r.int(1, max)).join(', ');

export const QUERY_SHAPES: readonly QueryShape[] = [
  { name: 'order-by-id', kind: 'select', project: 'checkout', baseMs: 2, sql: (r) => `SELECT order_id, status, total FROM orders WHERE order_id = ${r.int(1, 1_000_000)}` },
  { name: 'customer-orders', kind: 'select', project: 'checkout', baseMs: 4, sql: (r) => `select o.order_id, o.order_date, o.total from orders o where o.customer_id = ${r.int(1, 100_000)} order by o.order_date desc limit ${r.pick([5, 10, 20])}` },
  { name: 'order-items', kind: 'select', project: 'checkout', baseMs: 3, sql: (r) => `SELECT i.line_no, p.name, i.quantity, i.unit_price FROM order_items i JOIN products p ON p.product_id = i.product_id WHERE i.order_id = ${r.int(1, 1_000_000)} ORDER BY i.line_no` },
  { name: 'customer-profile', kind: 'select', project: 'support', baseMs: 2, sql: (r) => `select first_name, last_name, email, phone, city from customers where customer_id = ${r.int(1, 100_000)}` },
  { name: 'customer-by-email', kind: 'select', project: 'support', baseMs: 8, sql: (r) => `SELECT customer_id, first_name, last_name FROM customers WHERE email = ${q(`${r.pick(['ana', 'bo', 'chen', 'mei'])}.${r.pick(['berg', 'costa', 'xu'])}${r.int(1, 99999)}@example.com`)}` },
  { name: 'revenue-by-category', kind: 'select', project: 'reporting', baseMs: 120, sql: (r) => `SELECT p.category, sum(i.quantity * i.unit_price * (1 - i.discount)) AS revenue, count(DISTINCT o.order_id) AS orders
FROM orders o JOIN order_items i ON i.order_id = o.order_id JOIN products p ON p.product_id = i.product_id
WHERE o.order_date >= DATE ${q(date(r))} AND o.status IN (${list(r, ORDER_STATUSES, 1, 3)})
GROUP BY p.category ORDER BY revenue DESC` },
  { name: 'top-customers-cte', kind: 'select', project: 'marketing', baseMs: 90, sql: (r) => `WITH spend AS (
  SELECT customer_id, sum(total) AS spent, count(*) AS orders FROM orders WHERE order_date BETWEEN DATE ${q(date(r, 2021, 2022))} AND DATE ${q(date(r, 2023, 2024))} GROUP BY customer_id
)
SELECT c.customer_id, c.segment, s.spent, s.orders FROM spend s JOIN customers c ON c.customer_id = s.customer_id
WHERE s.spent > ${r.int(100, 5000)} ORDER BY s.spent DESC, c.customer_id LIMIT ${r.pick([10, 50, 100])}` },
  { name: 'monthly-revenue-window', kind: 'select', project: 'reporting', baseMs: 150, sql: (r) => `SELECT month, revenue, sum(revenue) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
  revenue - lag(revenue) OVER (ORDER BY month) AS change
FROM (SELECT date_trunc('month', order_date) AS month, sum(total) AS revenue FROM orders WHERE channel = ${q(r.pick(CHANNELS))} GROUP BY 1) m
ORDER BY month` },
  { name: 'rank-products-in-category', kind: 'select', project: 'marketing', baseMs: 70, sql: (r) => `SELECT * FROM (
  SELECT p.category, p.name, sum(i.quantity) AS units, rank() OVER (PARTITION BY p.category ORDER BY sum(i.quantity) DESC) AS rnk
  FROM order_items i JOIN products p ON p.product_id = i.product_id GROUP BY p.category, p.name
) ranked WHERE rnk <= ${r.int(3, 10)} ORDER BY category, rnk, name` },
  { name: 'customers-without-orders', kind: 'select', project: 'marketing', baseMs: 60, sql: (r) => `SELECT c.customer_id, c.email FROM customers c WHERE c.city = ${q(r.pick(cities))} AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND o.order_date > DATE ${q(date(r))}) ORDER BY c.customer_id LIMIT 200` },
  { name: 'big-orders-vs-customer-avg', kind: 'select', project: 'fraud', baseMs: 200, sql: (r) => `SELECT o.order_id, o.customer_id, o.total FROM orders o
WHERE o.total > ${r.pick(['2', '3', '5'])} * (SELECT avg(o2.total) FROM orders o2 WHERE o2.customer_id = o.customer_id) AND o.order_date >= DATE ${q(date(r, 2024, 2024))}
ORDER BY o.total DESC, o.order_id LIMIT 50` },
  { name: 'declined-payments-by-city', kind: 'select', project: 'fraud', baseMs: 80, sql: (r) => `select c.city, count(*) as declined from payments p join orders o on o.order_id = p.order_id join customers c on c.customer_id = o.customer_id
where p.status = 'declined' and p.method in (${list(r, PAYMENT_METHODS, 1, 4)}) group by c.city having count(*) > ${r.int(0, 5)} order by declined desc, c.city` },
  { name: 'orders-with-payments-left-join', kind: 'select', project: 'reporting', baseMs: 50, sql: (r) => `SELECT o.order_id, o.status, p.method, p.amount FROM orders o LEFT JOIN payments p ON p.order_id = o.order_id
WHERE o.order_date = DATE ${q(date(r))} ORDER BY o.order_id` },
  { name: 'orders-missing-payment', kind: 'select', project: 'fraud', baseMs: 70, sql: (r) => `SELECT o.order_id, o.status, o.total, p.status AS payment_status FROM orders o LEFT JOIN payments p ON p.order_id = o.order_id
WHERE o.order_date >= DATE ${q(date(r, 2024, 2024))} AND o.channel = ${q(r.pick(CHANNELS))} AND (p.payment_id IS NULL OR p.status = 'declined') ORDER BY o.order_id` },
  { name: 'unpaid-orders', kind: 'select', project: 'checkout', baseMs: 40, sql: (r) => `SELECT o.order_id, o.total FROM orders o WHERE o.status = ${q(r.pick(['paid', 'shipped']))} AND o.order_id NOT IN (SELECT p.order_id FROM payments p WHERE p.status = 'captured') ORDER BY o.order_id LIMIT ${r.int(10, 100)}` },
  { name: 'products-in-cart-not-bought', kind: 'select', project: 'marketing', baseMs: 110, sql: (r) => `SELECT e.product_id, count(*) AS carts FROM events e
WHERE e.event_type = 'add_to_cart' AND e.event_time >= TIMESTAMP ${q(`${date(r, 2024, 2024)} 00:00:00`)}
  AND e.product_id NOT IN (SELECT i.product_id FROM order_items i JOIN orders o ON o.order_id = i.order_id WHERE o.customer_id = e.customer_id)
GROUP BY e.product_id ORDER BY carts DESC, e.product_id LIMIT 20` },
  { name: 'funnel-by-device', kind: 'select', project: 'marketing', baseMs: 140, sql: (r) => `SELECT device,
  count(*) FILTER (WHERE event_type = 'view') AS views,
  count(*) FILTER (WHERE event_type = 'add_to_cart') AS carts,
  count(*) FILTER (WHERE event_type = 'purchase') AS purchases
FROM events WHERE event_time BETWEEN TIMESTAMP ${q(`${date(r, 2024, 2024)} 00:00:00`)} AND TIMESTAMP '2024-12-31 23:59:59' GROUP BY device ORDER BY device` },
  { name: 'sessions-per-customer', kind: 'select', project: 'marketing', baseMs: 95, sql: (r) => `SELECT customer_id, count(DISTINCT session_id) AS sessions FROM events WHERE customer_id IS NOT NULL AND device = ${q(r.pick(DEVICES))} GROUP BY customer_id HAVING count(DISTINCT session_id) >= ${r.int(2, 6)} ORDER BY sessions DESC, customer_id LIMIT 100` },
  { name: 'segment-summary', kind: 'select', project: 'reporting', baseMs: 85, sql: (r) => `SELECT c.segment, c.country, count(DISTINCT c.customer_id) AS customers, sum(o.total) AS revenue, avg(o.total) AS avg_order
FROM customers c JOIN orders o ON o.customer_id = c.customer_id WHERE c.segment IN (${list(r, SEGMENTS, 1, 3)}) AND o.order_date >= DATE ${q(date(r))}
GROUP BY c.segment, c.country ORDER BY c.segment, revenue DESC` },
  { name: 'brand-share-cte-twice', kind: 'select', project: 'reporting', baseMs: 130, sql: (r) => `WITH sales AS (
  SELECT p.brand, sum(i.quantity * i.unit_price) AS revenue FROM order_items i JOIN products p ON p.product_id = i.product_id JOIN orders o ON o.order_id = i.order_id
  WHERE o.order_date >= DATE ${q(date(r))} GROUP BY p.brand
)
SELECT s.brand, s.revenue, s.revenue / (SELECT sum(revenue) FROM sales) AS share FROM sales s ORDER BY s.revenue DESC` },
  { name: 'repeat-buyers-exists', kind: 'select', project: 'marketing', baseMs: 75, sql: (r) => `SELECT count(*) AS repeat_buyers FROM customers c
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND o.channel = ${q(r.pick(CHANNELS))})
  AND EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer_id = c.customer_id AND o2.channel <> ${q(r.pick(CHANNELS))})` },
  { name: 'lapsing-customers-count', kind: 'select', project: 'marketing', baseMs: 120, sql: (r) => `SELECT c.customer_id, c.email, c.segment FROM customers c
WHERE c.segment = ${q(r.pick(SEGMENTS))} AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.customer_id AND o.order_date >= DATE ${q(date(r, 2023, 2024))}) < ${r.int(1, 3)}
ORDER BY c.customer_id LIMIT 500` },
  { name: 'customers-who-ordered-distinct', kind: 'select', project: 'marketing', baseMs: 70, sql: (r) => `SELECT DISTINCT c.customer_id, c.email, c.segment FROM customers c JOIN orders o ON o.customer_id = c.customer_id
WHERE o.channel = ${q(r.pick(CHANNELS))} AND o.order_date >= DATE ${q(date(r, 2023, 2024))} ORDER BY c.customer_id` },
  { name: 'products-search', kind: 'select', project: 'checkout', baseMs: 6, sql: (r) => `SELECT product_id, name, price FROM products WHERE category = ${q(r.pick(CATEGORIES))} AND name LIKE ${q(`${r.pick(BRANDS)}%`)} AND price BETWEEN ${r.int(1, 50)} AND ${r.int(100, 900)} ORDER BY price, product_id LIMIT 24` },
  { name: 'orders-in-list', kind: 'select', project: 'support', baseMs: 5, sql: (r) => `SELECT order_id, status, ship_city FROM orders WHERE order_id IN (${ids(r, 1_000_000, 1, 30)}) ORDER BY order_id` },
  { name: 'country-shipping-union', kind: 'select', project: 'reporting', baseMs: 65, sql: (r) => `SELECT ship_country AS country, 'orders' AS kind, count(*) AS n FROM orders WHERE order_date >= DATE ${q(date(r))} GROUP BY ship_country
UNION ALL
SELECT country, 'customers' AS kind, count(*) AS n FROM customers GROUP BY country
ORDER BY country, kind` },
  { name: 'cities-with-both', kind: 'select', project: 'reporting', baseMs: 30, sql: (r) => `SELECT city FROM customers WHERE segment = ${q(r.pick(SEGMENTS))} INTERSECT SELECT ship_city FROM orders WHERE status = ${q(r.pick(ORDER_STATUSES))} ORDER BY city` },
  { name: 'customer-lifetime', kind: 'select', project: 'marketing', baseMs: 160, sql: (r) => `SELECT c.customer_id, c.created_at, min(o.order_date) AS first_order, max(o.order_date) AS last_order, count(o.order_id) AS orders
FROM customers c LEFT JOIN orders o ON o.customer_id = c.customer_id
WHERE c.created_at < TIMESTAMP ${q(`${date(r, 2019, 2023)} 00:00:00`)}
GROUP BY c.customer_id, c.created_at ORDER BY orders DESC, c.customer_id LIMIT 100` },
  { name: 'avg-basket-case', kind: 'select', project: 'reporting', baseMs: 90, sql: (r) => `SELECT CASE WHEN total < ${r.int(20, 80)} THEN 'small' WHEN total < ${r.int(200, 600)} THEN 'medium' ELSE 'large' END AS basket, count(*) AS orders, avg(total) AS avg_total
FROM orders WHERE channel = ${q(r.pick(CHANNELS))} GROUP BY 1 ORDER BY 1` },
  { name: 'payment-mix', kind: 'select', project: 'fraud', baseMs: 45, sql: (r) => `SELECT method, status, count(*) AS n, sum(amount) AS amount FROM payments WHERE paid_at >= TIMESTAMP ${q(`${date(r)} 00:00:00`)} GROUP BY method, status ORDER BY method, status` },
  { name: 'card-reuse-across-customers', kind: 'select', project: 'fraud', baseMs: 220, sql: (r) => `SELECT p.card_number, count(DISTINCT o.customer_id) AS customers FROM payments p JOIN orders o ON o.order_id = p.order_id
WHERE p.method = 'card' AND p.paid_at >= TIMESTAMP ${q(`${date(r, 2022, 2024)} 00:00:00`)} GROUP BY p.card_number HAVING count(DISTINCT o.customer_id) > ${r.int(1, 2)} ORDER BY customers DESC, p.card_number LIMIT 20` },
  { name: 'second-order-gap', kind: 'select', project: 'marketing', baseMs: 180, sql: (r) => `SELECT customer_id, order_date, order_date - lag(order_date) OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS days_since_previous
FROM orders WHERE customer_id <= ${r.int(100, 5000)} ORDER BY customer_id, order_date, order_id` },
  { name: 'orders-running-spend-window', kind: 'select', project: 'reporting', baseMs: 170, sql: (r) => `SELECT customer_id, order_id, order_date, nth_order, running_spend FROM (
  SELECT customer_id, order_id, order_date, row_number() OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS nth_order,
    sum(total) OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS running_spend
  FROM orders
) t WHERE customer_id <= ${r.int(100, 5000)} AND order_date >= DATE ${q(date(r, 2023, 2024))} ORDER BY customer_id, order_date, order_id` },
  { name: 'returns-by-product-full-join', kind: 'select', project: 'reporting', baseMs: 100, sql: (r) => `SELECT coalesce(a.product_id, b.product_id) AS product_id, a.sold, b.returned FROM
(SELECT i.product_id, sum(i.quantity) AS sold FROM order_items i JOIN orders o ON o.order_id = i.order_id WHERE o.status = 'delivered' AND o.order_date >= DATE ${q(date(r))} GROUP BY i.product_id) a
FULL OUTER JOIN
(SELECT i.product_id, sum(i.quantity) AS returned FROM order_items i JOIN orders o ON o.order_id = i.order_id WHERE o.status = 'returned' GROUP BY i.product_id) b
ON a.product_id = b.product_id ORDER BY product_id` },
  { name: 'five-way-join', kind: 'select', project: 'reporting', baseMs: 250, sql: (r) => `SELECT c.country, p.category, count(*) AS lines, sum(i.quantity) AS units
FROM customers c, orders o, order_items i, products p, payments pay
WHERE c.customer_id = o.customer_id AND o.order_id = i.order_id AND i.product_id = p.product_id AND pay.order_id = o.order_id
  AND pay.status = 'captured' AND p.brand = ${q(r.pick(BRANDS))} AND c.country = ${q(r.pick(CITIES)[1])}
GROUP BY c.country, p.category ORDER BY units DESC, p.category` },
  { name: 'duplicate-order-lines', kind: 'select', project: 'etl', baseMs: 110, sql: (r) => `SELECT a.order_id, a.product_id, a.line_no, b.line_no AS duplicate_line
FROM order_items a JOIN order_items b ON b.order_id = a.order_id AND b.product_id = a.product_id AND b.line_no > a.line_no JOIN orders o ON o.order_id = a.order_id
WHERE o.order_date >= DATE ${q(date(r, 2024, 2024))} AND o.channel = ${q(r.pick(CHANNELS))} ORDER BY a.order_id, a.line_no, duplicate_line` },
  { name: 'events-per-type-distinct', kind: 'select', project: 'marketing', baseMs: 55, sql: (r) => `SELECT DISTINCT event_type, device FROM events WHERE event_type IN (${list(r, EVENT_TYPES, 1, 4)}) ORDER BY event_type, device` },
  { name: 'latest-order-per-customer', kind: 'select', project: 'support', baseMs: 140, sql: (r) => `SELECT customer_id, order_id, order_date, total FROM (
  SELECT o.*, row_number() OVER (PARTITION BY customer_id ORDER BY order_date DESC, order_id DESC) AS rn FROM orders o WHERE o.ship_country = ${q(r.pick(CITIES)[1])}
) t WHERE rn = 1 ORDER BY customer_id LIMIT ${r.pick([50, 100, 500])}` },
  { name: 'products-never-ordered', kind: 'select', project: 'reporting', baseMs: 35, sql: (r) => `SELECT p.product_id, p.name FROM products p WHERE p.category = ${q(r.pick(CATEGORIES))} AND p.product_id NOT IN (SELECT product_id FROM order_items) ORDER BY p.product_id` },
  { name: 'birthday-campaign', kind: 'select', project: 'marketing', baseMs: 25, sql: (r) => `SELECT customer_id, first_name, email FROM customers WHERE extract(month FROM birth_date) = ${r.int(1, 12)} AND segment <> 'enterprise' ORDER BY customer_id LIMIT 500` },
  { name: 'order-status-counts', kind: 'select', project: 'etl', baseMs: 15, sql: (r) => `select status, count(*) from orders where order_date = date ${q(date(r))} group by status order by status` },
  // non-deterministic queries: the same SQL can legitimately return different rows
  { name: 'random-sample-customers', kind: 'nondeterministic', project: 'support', baseMs: 30, sql: (r) => `SELECT customer_id, city FROM customers WHERE country = ${q(r.pick(CITIES)[1])} ORDER BY random() LIMIT ${r.int(5, 20)}` },
  { name: 'recent-events-now', kind: 'nondeterministic', project: 'support', baseMs: 12, sql: (r) => `SELECT count(*) FROM events WHERE event_time > now() - INTERVAL '${r.int(1, 30)} day'` },
  { name: 'any-ten-orders', kind: 'nondeterministic', project: 'etl', baseMs: 3, sql: (r) => `SELECT order_id, total FROM orders WHERE status = ${q(r.pick(ORDER_STATUSES))} LIMIT ${r.pick([10, 25])}` },
  // DML: logged, but not compiled by playback
  { name: 'insert-event', kind: 'dml', project: 'etl', baseMs: 1, sql: (r) => `INSERT INTO events VALUES (${r.int(1, 1e9)}, ${r.int(1, 100000)}, ${r.int(1, 5000)}, 'view', TIMESTAMP '2024-06-01 10:00:00', 'abc', 'mobile')` },
  { name: 'update-order-status', kind: 'dml', project: 'checkout', baseMs: 2, sql: (r) => `UPDATE orders SET status = 'shipped' WHERE order_id = ${r.int(1, 1_000_000)}` },
  { name: 'delete-old-events', kind: 'dml', project: 'etl', baseMs: 40, sql: (r) => `DELETE FROM events WHERE event_time < TIMESTAMP ${q(`${date(r, 2020, 2023)} 00:00:00`)}` },
];
