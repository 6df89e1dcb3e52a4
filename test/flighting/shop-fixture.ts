/**
 * A small `shop` database plus a planted table that hides personal data in
 * unexpected places: a free-text `notes` column, a JSON string, emails in a
 * column named `contact`, IBANs in `bank`, SSNs in `ref_code`, IPs in `src`.
 * The notes and payloads quote real customers' emails, so keeping them
 * unmasked is a leak the scan must find.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { generateShop } from '../../corpus/shop/generate.ts';

export const PLANTED_SENSITIVE = ['refunds.buyer', 'support_tickets.customer_id', 'support_tickets.notes', 'support_tickets.payload', 'support_tickets.contact', 'support_tickets.ref_code', 'support_tickets.src', 'support_tickets.bank'];
export const SHOP_SENSITIVE = [
  'customers.customer_id', 'customers.first_name', 'customers.last_name', 'customers.email', 'customers.phone', 'customers.street', 'customers.postal_code',
  'customers.birth_date', 'customers.card_number', 'orders.customer_id', 'events.customer_id', 'payments.card_number',
];

export async function plantedShop(scale = 0.002): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-desens-'));
  const { dbPath } = await generateShop({ scale, outDir: dir, seed: 3 });
  const db = await openDatabase(dbPath);
  try {
    await db.run(`
      CREATE TABLE support_tickets (ticket_id INTEGER PRIMARY KEY, customer_id INTEGER, opened_at TIMESTAMP, priority INTEGER, amount DECIMAL(10,2),
        notes VARCHAR, payload VARCHAR, contact VARCHAR, ref_code VARCHAR, src VARCHAR, bank VARCHAR, topic VARCHAR);
      INSERT INTO support_tickets
      SELECT i, c.customer_id, TIMESTAMP '2024-01-01' + to_hours(i), 1 + i % 3, (i * 7.31)::DECIMAL(10,2),
        CASE WHEN i % 3 = 0 THEN 'Called back, customer confirmed email ' || c.email || '. Will refund.'
             WHEN i % 3 = 1 THEN 'asked to call ' || coalesce(c.phone, '+44 20794600') || ' after 5pm'
             ELSE 'Parcel lost, please resend to ' || c.street || ', ' || c.city END,
        '{"email": "' || c.email || '", "iban": "GB82WEST12345698765432", "vip": false}',
        c.email,
        lpad((100 + i)::VARCHAR, 3, '0') || '-' || lpad((i % 90 + 10)::VARCHAR, 2, '0') || '-' || lpad((1000 + i)::VARCHAR, 4, '0'),
        '10.' || (i % 250)::VARCHAR || '.' || (i % 7)::VARCHAR || '.' || (i % 200 + 1)::VARCHAR,
        ['GB82WEST12345698765432', 'DE89370400440532013000', 'NL91ABNA0417164300', 'FR1420041010050500013M02606'][1 + i % 4],
        ['delivery', 'refund', 'login', 'invoice'][1 + i % 4]
      FROM range(1, 121) r(i) JOIN customers c ON c.customer_id = 1 + (i * 7) % (SELECT count(*) FROM customers);
      -- a declared foreign key under another name: it must get the customers' pseudonym
      CREATE TABLE refunds (refund_id INTEGER PRIMARY KEY, buyer INTEGER REFERENCES customers (customer_id), amount DECIMAL(10,2), created DATE);
      INSERT INTO refunds SELECT i, 1 + (i * 13) % (SELECT count(*) FROM customers), i * 1.5, DATE '2024-01-01' + i::INTEGER FROM range(1, 61) r(i);
      CHECKPOINT;
    `);
  } finally {
    db.close();
  }
  return { dir, db: dbPath };
}
