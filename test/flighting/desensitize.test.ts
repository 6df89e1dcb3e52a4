/**
 * desensitize end to end on the planted shop: targets of issue #7 (row
 * counts, null fractions, distinct counts, foreign-key joins), a clean leak
 * scan with the suggested policy, a found leak when free text is kept,
 * atomic writes, an untouched source, key separation, folder sources.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { MaskingKey } from '../../flighting/desensitize/key.ts';
import { parsePolicy, type Policy } from '../../flighting/desensitize/policy.ts';
import { desensitize, reportPaths } from '../../flighting/desensitize/snapshot.ts';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { plantedShop } from './shop-fixture.ts';

let dir = '';
let src = '';
let policy: Policy;
const key = new MaskingKey(randomBytes(32));
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

before(async () => {
  ({ dir, db: src } = await plantedShop());
  policy = parsePolicy(JSON.parse(JSON.stringify((await suggestPolicy({ source: src, sample: 500 })).policy)));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function count(db: string, sql: string): Promise<number> {
  const d = await openDatabase(db, { readOnly: true });
  try {
    return Number((await d.all(sql))[0]!.n);
  } finally {
    d.close();
  }
}

test('the suggested policy gives a snapshot that keeps counts and joins, with a clean leak scan and no key inside', async () => {
  const srcHash = sha(src);
  const out = joinPath(dir, 'snap.duckdb');
  const r = await desensitize({ source: src, policy, key, out });
  assert.equal(r.snapshot, out);
  const report = r.report!;
  assert.deepEqual(report.summary.checksFailed, []);
  assert.equal(report.leakScan.leaks, 0, JSON.stringify(report.leakScan.hits));
  assert.ok(report.leakScan.secrets > 100);
  for (const t of report.tables) {
    for (const c of t.columns) {
      if (!c.after) continue;
      assert.equal(c.after.rows, c.before.rows, `${t.table}.${c.column} rows`);
      if (c.policy.kind !== 'null') assert.equal(c.after.nullFraction, c.before.nullFraction, `${t.table}.${c.column} null fraction`);
      if (['pseudonym', 'email', 'phone', 'card', 'name', 'address'].includes(c.policy.kind)) {
        assert.ok(Math.abs(c.after.distinct - c.before.distinct) <= 0.01 * c.before.distinct, `${t.table}.${c.column} distinct ${c.before.distinct} → ${c.after.distinct}`);
      }
    }
  }
  for (const join of [
    'SELECT count(*) AS n FROM orders o JOIN customers c ON c.customer_id = o.customer_id',
    'SELECT count(*) AS n FROM events e JOIN customers c ON c.customer_id = e.customer_id',
    'SELECT count(*) AS n FROM support_tickets s JOIN customers c ON c.customer_id = s.customer_id',
    'SELECT count(*) AS n FROM payments p JOIN orders o ON o.order_id = p.order_id JOIN customers c ON c.customer_id = o.customer_id',
    'SELECT count(*) AS n FROM payments p JOIN customers c ON c.card_number = p.card_number',
    'SELECT count(*) AS n FROM refunds r JOIN customers c ON c.customer_id = r.buyer',
  ]) {
    assert.equal(await count(out, join), await count(src, join), join);
  }
  assert.equal(await count(out, `SELECT count(*) AS n FROM customers WHERE email LIKE '%@example.%' OR email LIKE '%@mail.example'`), await count(out, 'SELECT count(*) AS n FROM customers'));
  // the key is in neither the snapshot nor the reports, as hex or as bytes
  const raw = Buffer.from(key.revealHex(), 'hex');
  for (const file of [out, ...r.reportFiles]) {
    const bytes = readFileSync(file);
    assert.equal(bytes.indexOf(key.revealHex()), -1, `key hex in ${file}`);
    assert.equal(bytes.indexOf(raw), -1, `key bytes in ${file}`);
  }
  assert.equal(sha(src), srcHash, 'the source is untouched');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temp file left');
});

test('the leak scan finds planted PII when free text is kept: no snapshot, counts only in the report', async () => {
  const leaky = structuredClone(policy) as Policy;
  leaky.tables.support_tickets!.columns.notes = { kind: 'keep' };
  leaky.tables.support_tickets!.columns.payload = { kind: 'keep' };
  const out = joinPath(dir, 'leaky.duckdb');
  const r = await desensitize({ source: src, policy: leaky, key, out });
  assert.equal(r.snapshot, null);
  assert.equal(existsSync(out), false, 'no snapshot written');
  const hits = Object.fromEntries(r.report!.leakScan.hits.map((h) => [`${h.table}.${h.column}`, h]));
  assert.ok(hits['support_tickets.notes']!.rows >= 40, JSON.stringify(hits));
  assert.equal(hits['support_tickets.payload']!.rows, 120, 'every JSON payload quotes an email');
  const text = readFileSync(reportPaths(out, true).json, 'utf8') + readFileSync(reportPaths(out, true).md, 'utf8');
  const d = await openDatabase(src, { readOnly: true });
  const emails = (await d.all('SELECT email FROM customers')).map((x) => String(x.email));
  d.close();
  assert.equal(emails.filter((e) => text.includes(e)).length, 0, 'the report names no original value');
});

test('a failure mid-way leaves no snapshot and no temp file; an existing snapshot survives', async () => {
  const out = joinPath(dir, 'atomic.duckdb');
  let steps = 0;
  await assert.rejects(desensitize({ source: src, policy, key, out, maskOnly: true, onProgress: () => { if (++steps === 2) throw new Error('disk full (simulated)'); } }), /disk full/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp') || f.startsWith('.atomic')), []);
  await desensitize({ source: src, policy, key, out, maskOnly: true });
  const previous = sha(out);
  await assert.rejects(desensitize({ source: src, policy, key, out, maskOnly: true, onProgress: () => { throw new Error('crash (simulated)'); } }));
  assert.equal(sha(out), previous, 'the previous snapshot is intact');
});

test('a masking statement that fails names its column and never a value, not even one near an original; nothing is written', async () => {
  const small = joinPath(dir, 'overflow.duckdb');
  const db = await openDatabase(small);
  try {
    // 200 amounts just under INTEGER's max, noised by up to ±50%: some overflow the column's type, whatever the key
    await db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL); INSERT INTO t SELECT i, 2147483000 + i FROM range(0, 200) r(i); CHECKPOINT;');
  } finally {
    db.close();
  }
  const p = parsePolicy({ version: 1, tables: { t: { columns: { id: { kind: 'keep' }, amount: { kind: 'noise', relative: 0.5 } } } } });
  const out = joinPath(dir, 'overflow-snap.duckdb');
  await assert.rejects(desensitize({ source: small, policy: p, key, out, maskOnly: true }), (e: unknown) => {
    const m = (e as Error).message;
    assert.match(m, /^masking the lookup of t\.amount failed: /, m);
    assert.ok(!/\d{4,}/.test(m), `no number in the message: ${m}`);
    assert.ok(!m.includes('LINE'), m);
    return true;
  });
  assert.equal(existsSync(out), false);
});

test('another key gives other pseudonyms; the same key gives the same ones', async () => {
  const other = new MaskingKey(randomBytes(32));
  const a = joinPath(dir, 'k1.duckdb');
  const b = joinPath(dir, 'k2.duckdb');
  const c = joinPath(dir, 'k1-again.duckdb');
  await desensitize({ source: src, policy, key, out: a, maskOnly: true });
  await desensitize({ source: src, policy, key: other, out: b, maskOnly: true });
  await desensitize({ source: src, policy, key, out: c, maskOnly: true });
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY); ATTACH '${c}' AS c (READ_ONLY)`);
    const shared = await db.all('SELECT count(*) AS n FROM a.customers x JOIN b.customers y ON x.email = y.email OR x.last_name || x.phone = y.last_name || y.phone');
    assert.equal(Number(shared[0]!.n), 0);
    // customer ids are shuffled within their range under each key: the same order (order_id is kept) gets another customer
    // (a random permutation has one fixed point on average; 10% would take a miracle)
    const ids = (await db.all('SELECT count(DISTINCT x.customer_id) AS n, count(DISTINCT x.customer_id) FILTER (WHERE x.customer_id = y.customer_id) AS same FROM a.orders x JOIN b.orders y USING (order_id)'))[0]!;
    assert.ok(Number(ids.same) < 0.1 * Number(ids.n), `${ids.same} of ${ids.n} customers keep their pseudonym under another key`);
    const range = (await db.all('SELECT min(customer_id) AS lo, max(customer_id) AS hi FROM b.customers'))[0]!;
    assert.deepEqual([Number(range.lo), Number(range.hi)], [1, Number((await db.all('SELECT count(*) AS n FROM b.customers'))[0]!.n)], 'the shuffle keeps the range');
    const same = await db.all('SELECT count(*) AS n FROM a.customers x JOIN c.customers y ON x.email = y.email AND x.customer_id = y.customer_id AND x.card_number IS NOT DISTINCT FROM y.card_number');
    assert.equal(Number(same[0]!.n), Number((await db.all('SELECT count(*) AS n FROM a.customers'))[0]!.n));
  } finally {
    db.close();
  }
});

test('a folder of Parquet and CSV files masks to the same values as the database', async () => {
  const folder = joinPath(dir, 'files');
  mkdirSync(folder);
  const d = await openDatabase(src, { readOnly: true });
  await d.run(`COPY customers TO '${joinPath(folder, 'customers.parquet')}' (FORMAT parquet); COPY orders TO '${joinPath(folder, 'orders.csv')}' (HEADER)`);
  d.close();
  const sub: Policy = { version: 1, tables: { customers: policy.tables.customers!, orders: policy.tables.orders! } };
  const out = joinPath(dir, 'from-files.duckdb');
  const r = await desensitize({ source: folder, policy: sub, key, out });
  assert.equal(r.report!.leakScan.leaks, 0);
  const db = await openDatabase(':memory:');
  try {
    await db.run(`ATTACH '${out}' AS f (READ_ONLY); ATTACH '${joinPath(dir, 'snap.duckdb')}' AS s (READ_ONLY)`);
    const diff = await db.all('SELECT count(*) AS n FROM (SELECT customer_id, email, phone, card_number FROM f.customers EXCEPT SELECT customer_id, email, phone, card_number FROM s.customers)');
    assert.equal(Number(diff[0]!.n), 0);
    const joined = await db.all('SELECT count(*) AS n FROM f.orders o JOIN f.customers c USING (customer_id)');
    assert.equal(Number(joined[0]!.n), await count(src, 'SELECT count(*) AS n FROM orders'));
  } finally {
    db.close();
  }
});

test('the snapshot keeps the primary keys; a masking that maps two keys to one is refused and writes nothing', async () => {
  const out = joinPath(dir, 'keys.duckdb');
  await desensitize({ source: src, policy, key, out, maskOnly: true });
  const keys = async (db: string) => {
    const d = await openDatabase(db, { readOnly: true });
    try {
      return (await d.all(`SELECT table_name, constraint_column_names AS cols FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' ORDER BY table_name`)).map((r) => `${r.table_name}(${(r.cols as string[]).join(',')})`);
    } finally {
      d.close();
    }
  };
  const expected = await keys(src);
  assert.ok(expected.includes('customers(customer_id)'));
  assert.deepEqual(await keys(out), expected);
  const merging = structuredClone(policy) as Policy;
  merging.tables.products!.columns.product_id = { kind: 'bucket', width: 1000 };
  const bad = joinPath(dir, 'merged-keys.duckdb');
  await assert.rejects(desensitize({ source: src, policy: merging, key, out: bad, maskOnly: true }), /masking table products failed: two keys got the same pseudonym/);
  assert.equal(existsSync(bad), false);
});
