/**
 * Query literal masking: a masked literal finds in the snapshot exactly the
 * rows the original literal finds in the source (equality and IN on every
 * value-determined kind), a whole shop log keeps no original value of a
 * masked column, and only literals change (the fingerprint stays).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { fingerprintSql } from '../../corpus/fingerprint/fingerprint.ts';
import { MaskingKey } from '../../flighting/desensitize/key.ts';
import { collectSecrets, scanTexts } from '../../flighting/desensitize/leak-scan.ts';
import { maskQueryLiterals, stringValue } from '../../flighting/desensitize/mask-query.ts';
import { parsePolicy, type Policy, type SourceColumn } from '../../flighting/desensitize/policy.ts';
import { desensitize } from '../../flighting/desensitize/snapshot.ts';
import { attachSource } from '../../flighting/desensitize/source.ts';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { importLogs } from '../../corpus/templates/import.ts';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { maskImportResult } from '../../flighting/desensitize/mask-workload.ts';
import { plantedShop } from './shop-fixture.ts';

let dir = '';
let src = '';
let snap = '';
let policy: Policy;
let columns: SourceColumn[] = [];
const key = new MaskingKey(randomBytes(32));

before(async () => {
  ({ dir, db: src } = await plantedShop());
  policy = parsePolicy(JSON.parse(JSON.stringify((await suggestPolicy({ source: src, sample: 500 })).policy)));
  snap = join(dir, 'snap.duckdb');
  await desensitize({ source: src, policy, key, out: snap, maskOnly: true });
  const d = await openDatabase(src, { readOnly: true });
  columns = (await d.all(`SELECT table_name AS t, column_name AS c, data_type AS ty FROM information_schema.columns`)).map((r) => ({ table: String(r.t), column: String(r.c), type: String(r.ty) }));
  d.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function countRows(db: Database, sql: string): Promise<number> {
  return Number((await db.all(`SELECT count(*) AS n FROM (${sql})`))[0]!.n);
}

test('a masked literal selects in the snapshot the rows its original selects in the source', async () => {
  const s = await openDatabase(src, { readOnly: true });
  const m = await openDatabase(snap, { readOnly: true });
  try {
    const q = (v: unknown) => `'${String(v).replaceAll("'", "''")}'`;
    const queries: string[] = [];
    const sample = await s.all(`SELECT customer_id, email, phone, card_number, first_name, last_name, street FROM customers USING SAMPLE reservoir(15 ROWS) REPEATABLE (1)`);
    for (const r of sample) {
      queries.push(`SELECT * FROM customers WHERE email = ${q(r.email)}`);
      queries.push(`select o.order_id from orders o where o.customer_id = ${r.customer_id}`);
      queries.push(`SELECT e.event_id FROM events e JOIN customers c ON c.customer_id = e.customer_id WHERE c.customer_id IN (${r.customer_id}, 1, 2)`);
      queries.push(`SELECT customer_id FROM customers WHERE first_name = ${q(r.first_name)} AND last_name <> ${q(r.last_name)}`);
      queries.push(`SELECT count(*) FROM customers c WHERE c.street = ${q(r.street)}`);
      if (r.phone !== null) queries.push(`SELECT customer_id FROM customers WHERE phone = ${q(r.phone)}`);
      if (r.card_number !== null) queries.push(`SELECT p.payment_id FROM payments p WHERE p.card_number IN (${q(r.card_number)}, '4111111111111111')`);
    }
    let compared = 0;
    for (const sql of queries) {
      const masked = maskQueryLiterals(sql, { policy, columns, key });
      assert.ok(masked.literals.length > 0 && masked.literals.every((l) => l.effect === 'exact'), `${sql}: ${JSON.stringify(masked.literals)}`);
      assert.equal(await countRows(m, masked.sql), await countRows(s, sql), `${sql}\n→ ${masked.sql}`);
      compared++;
    }
    process.stdout.write(`# ${compared} equality/IN queries: same row counts on the snapshot (masked literals) as on the source\n`);
  } finally {
    s.close();
    m.close();
  }
});

test('a shop log keeps no original value of a masked column, and fingerprints do not change', async () => {
  const log = join(dir, 'queries.jsonl');
  await writeShopLog({ path: log, lines: 1500, seed: 5 });
  const sqls = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [String(JSON.parse(l).sql)]; } catch { return []; } }))];
  assert.ok(sqls.length > 100, `read ${sqls.length} queries`);
  let touched = 0;
  const masked = sqls.map((sql) => {
    const r = maskQueryLiterals(sql, { policy, columns, key });
    if (r.literals.length) touched++;
    assert.deepEqual(fingerprintSql(r.sql), fingerprintSql(sql), `only literals change: ${sql}`);
    return r.sql;
  });
  assert.ok(touched > 20, `${touched} queries had masked literals`);
  // plant real values into the log, then check the masked log holds none of the source's sensitive values
  const s = await openDatabase(src, { readOnly: true });
  const emails = (await s.all('SELECT email, customer_id FROM customers LIMIT 5')).map((r) => `SELECT * FROM customers WHERE email = '${r.email}' OR customer_id = ${r.customer_id}`);
  s.close();
  const planted = emails.map((sql) => maskQueryLiterals(sql, { policy, columns, key }).sql);
  const db = await openDatabase(':memory:');
  try {
    const source = await attachSource(db, src);
    await collectSecrets(db, source, policy);
    assert.notEqual(await scanTexts(db, 'original', emails), null, 'the scan sees the planted originals');
    assert.equal(await scanTexts(db, 'masked workload', [...masked, ...planted]), null, 'no original value in the masked workload');
  } finally {
    db.close();
  }
  process.stdout.write(`# ${sqls.length} distinct log queries, ${touched} with masked literals; leak scan of the masked workload: 0\n`);
});

test('string literals are read as SQL writes them', () => {
  assert.equal(stringValue("'O''Hara'"), "O'Hara");
  assert.equal(stringValue("E'a\\'b'"), "a'b");
  assert.equal(stringValue('$$x y$$'), 'x y');
  assert.equal(stringValue("$t$it's$t$"), "it's");
});

test('import-time masking: templates masked and reject messages redacted before anything is stored', async () => {
  const log = join(dir, 'import.jsonl');
  const lines = [
    { sql: "SELECT * FROM customers WHERE email = 'import.planted@example.com'" },
    { sql: "SELECT * FROM customers WHERE last_name = 'O'Brien' AND phone = '+44 555'" },
  ];
  writeFileSync(log, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const imported = await importLogs([log], { validate: syntaxError });
  assert.ok(JSON.stringify(imported).includes('import.planted@example.com'));
  const { result, summary } = maskImportResult(imported, { policy, columns, key });
  const text = JSON.stringify(result);
  assert.ok(!text.includes('import.planted@example.com'), text);
  assert.ok(!text.includes("O'Brien") && !text.includes('+44 555'), 'the unparsable line is kept but its quoted fragments are masked or blanked');
  assert.ok(summary.literals >= 1);
});
