/**
 * The literal masker (TypeScript) and the data masker (SQL in DuckDB) give
 * the identical output for the same value and key, value by value, for
 * every policy kind; and the fakes keep their formats (Luhn, IBAN check).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { MaskingKey } from '../../flighting/desensitize/key.ts';
import { MASK_MACROS, maskSelect, lit, keyParams, hashMapStatements } from '../../flighting/desensitize/mask-sql.ts';
import { maskValue, luhnDigit, mod97 } from '../../flighting/desensitize/mask-value.ts';
import { ColumnPolicySchema, type ColumnPolicy } from '../../flighting/desensitize/policy.ts';
import { maskSelectWithLookups, valueMapStatements } from '../../flighting/desensitize/value-maps.ts';

const key = new MaskingKey(randomBytes(32));

interface Case { kind: string; type: string; policy: object; values: (string | null)[]; lookupOnly?: boolean }

const CASES: Case[] = [
  { kind: 'pseudonym-int', type: 'INTEGER', policy: { kind: 'pseudonym', domain: 'customer_id' }, values: ['1', '2', '-7', '2147483647', null] },
  { kind: 'pseudonym-int-range', type: 'INTEGER', policy: { kind: 'pseudonym', domain: 'customer_id', range: [1, 5000] }, values: ['1', '2', '4999', '5000', '5001', '0', '-3', null], lookupOnly: true },
  { kind: 'pseudonym-int-pins', type: 'INTEGER', policy: { kind: 'pseudonym', domain: 'customer_id', range: [1, 5000], pins: [1, 3, 4990, 5000] }, values: ['1', '2', '3', '4', '17', '4989', '4990', '4991', '5000', '5001', '0', null], lookupOnly: true },
  // a range ending at INTEGER's largest value (as --suggest proposes for a column whose max it is): nothing overflows
  { kind: 'pseudonym-int-max', type: 'INTEGER', policy: { kind: 'pseudonym', domain: 'big_id', range: [2147483448, 2147483647], pins: [2147483448, 2147483647] }, values: ['2147483448', '2147483449', '2147483600', '2147483646', '2147483647', null], lookupOnly: true },
  { kind: 'pseudonym-int-max-unpinned', type: 'INTEGER', policy: { kind: 'pseudonym', domain: 'big_id', range: [2147483547, 2147483647] }, values: ['2147483547', '2147483600', '2147483647', null], lookupOnly: true },
  // below a range that ends at INTEGER's largest value: the hash form outside it (above hi) still fits a BIGINT
  { kind: 'pseudonym-bigint-max', type: 'BIGINT', policy: { kind: 'pseudonym', domain: 'big_id', range: [2147483547, 2147483647] }, values: ['2147483547', '2147483647', '-7', '9', null], lookupOnly: true },
  { kind: 'pseudonym-str', type: 'VARCHAR', policy: { kind: 'pseudonym' }, values: ['abc', '', 'Ünïcødé ✓', "O'Hara", null] },
  { kind: 'email', type: 'VARCHAR', policy: { kind: 'email' }, values: ['alice@example.com', 'bob.smith+tag@corp.test', '', null] },
  { kind: 'phone', type: 'VARCHAR', policy: { kind: 'phone' }, values: ['+44 12345678', '(555) 123-4567', '+1 (555) 123-45678', '+1 (555) 123-456789', '0123456789012345678901234567890123456789', '', 'tél 0612345678', '+44 ٠١٢ 3456', null] },
  { kind: 'card', type: 'VARCHAR', policy: { kind: 'card' }, values: ['4111111111111111', '4111 1111 1111 1111', '5500-0000-0000-0004', '6011000990139424123', '12345678901234567890123', '12', '7', '', null] },
  { kind: 'iban', type: 'VARCHAR', policy: { kind: 'iban' }, values: ['GB82WEST12345698765432', 'DE89 3704 0044 0532 0130 00', 'NL91ABNA0417164300', null] },
  { kind: 'name', type: 'VARCHAR', policy: { kind: 'name' }, values: ['Ana', 'Bartholomew', "O'Hara", 'Mei Xu', 'JONAS', 'Ünal', null] },
  { kind: 'address', type: 'VARCHAR', policy: { kind: 'address' }, values: ['12 High St', 'Main Street', '199 Station Rd', null] },
  { kind: 'dob', type: 'DATE', policy: { kind: 'dob' }, values: ['1980-02-29', '1940-01-01', '2005-12-31', null] },
  { kind: 'dob-decade', type: 'DATE', policy: { kind: 'dob', keep: 'decade' }, values: ['1987-06-15', '1999-12-31', null] },
  { kind: 'dob-ts', type: 'TIMESTAMP', policy: { kind: 'dob' }, values: ['1980-02-29 13:45:00', null] },
  { kind: 'noise-dec', type: 'DECIMAL(12,2)', policy: { kind: 'noise', relative: 0.1 }, values: ['12.50', '0.01', '-99.99', '123456.78', null] },
  { kind: 'noise-int', type: 'INTEGER', policy: { kind: 'noise', relative: 0.2 }, values: ['1', '100', '-55', '7', null] },
  { kind: 'noise-real', type: 'REAL', policy: { kind: 'noise', relative: 0.1 }, values: ['12.5', '0.1', '-3.25', '123456.78', null] },
  { kind: 'noise-double', type: 'DOUBLE', policy: { kind: 'noise', relative: 0.1 }, values: ['12.5', '0.1', '-3.25', null] },
  { kind: 'bucket', type: 'INTEGER', policy: { kind: 'bucket', width: 10 }, values: ['0', '9', '10', '-1', '12345', null] },
  { kind: 'bucket-dec', type: 'DECIMAL(10,2)', policy: { kind: 'bucket', width: 5 }, values: ['4.99', '5.00', '123.45', null] },
  { kind: 'gen-month', type: 'DATE', policy: { kind: 'generalise', to: 'month' }, values: ['2024-02-29', '1999-12-31', null] },
  { kind: 'gen-year-ts', type: 'TIMESTAMP', policy: { kind: 'generalise', to: 'year' }, values: ['2024-02-29 10:00:00', null] },
  { kind: 'gen-prefix', type: 'VARCHAR', policy: { kind: 'generalise', prefix: 2 }, values: ['01234', 'A', 'Ünïcødé', null] },
  { kind: 'gen-map', type: 'VARCHAR', policy: { kind: 'generalise', map: { Oslo: 'Nordics', Bergen: 'Nordics' } }, values: ['Oslo', 'Bergen', 'Paris', null] },
  { kind: 'null', type: 'VARCHAR', policy: { kind: 'null' }, values: ['secret', null] },
  { kind: 'keep', type: 'VARCHAR', policy: { kind: 'keep' }, values: ['kept', null] },
];

test('SQL masking and the TypeScript literal masker agree value by value, for every kind', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(MASK_MACROS);
    let compared = 0;
    for (const c of CASES) {
      const policy = ColumnPolicySchema.parse(c.policy) as ColumnPolicy;
      const values = c.values.map((v) => (v === null ? `NULL::${c.type}` : `${lit(v)}::${c.type}`)).join('), (');
      await db.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (${values})) v(x)`);
      const sql = `SELECT CAST(x AS VARCHAR) AS masked FROM (${maskSelect('t', [{ column: 'x', type: c.type, policy }])})`;
      const orig = (await db.all('SELECT CAST(x AS VARCHAR) AS x FROM t')).map((r) => r.x as string | null);
      // a ranged key's in-place form is only for values outside its range: a lookup-only kind is compared through its lookup
      const rows = c.lookupOnly ? [] : await db.all(sql, keyParams(sql, key.revealHex()));
      if (!c.lookupOnly) assert.equal(rows.length, c.values.length);
      if (!c.lookupOnly) {
        // the hash-map path (distinct inputs hashed once, joined) gives the same values
        const { lookups: hashLookups, maps } = hashMapStatements([{ relation: 't', columns: [{ column: 'x', type: c.type, policy }] }]);
        for (const { sql } of hashLookups) await db.run(sql, keyParams(sql, key.revealHex()));
        const viaMaps = await db.all(`SELECT CAST(x AS VARCHAR) AS masked, CAST(__fd_orig AS VARCHAR) AS o FROM (${maskSelect('t', [{ column: 'x', type: c.type, policy }], { maps, withOriginal: true })})`);
        const direct = new Map(orig.map((o, i) => [String(o), rows[i]!.masked]));
        for (const r of viaMaps) assert.equal(r.masked, direct.get(String(r.o)), `${c.kind}: map path for ${JSON.stringify(r.o)}`);
      }
      // and the lookup path (every distinct value masked once into a TEMP table, joined), as the snapshot writes
      const lookups = valueMapStatements([{ name: 't', relation: 't', columns: [{ column: 'x', type: c.type, policy }] }]);
      for (const { sql } of lookups.lookups) await db.run(sql, keyParams(sql, key.revealHex()));
      const looked = `SELECT CAST(x AS VARCHAR) AS masked FROM (${maskSelectWithLookups('t', '(SELECT *, x AS __o FROM t)', [{ column: 'x', type: c.type, policy }, { column: '__o', type: c.type, policy: { kind: 'keep' } }], lookups, new Map()).sql}) ORDER BY ALL`;
      const viaLookups = (await db.all(looked, keyParams(looked, key.revealHex()))).map((r) => r.masked);
      const expected = c.lookupOnly ? orig.map((o) => { compared++; return maskValue(policy, o, { column: 'x', type: c.type }, key); }) : rows.map((r) => r.masked);
      assert.deepEqual(viaLookups, expected.sort((a, b) => (a === null ? 1 : b === null ? -1 : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)), `${c.kind}: lookup path`);
      if (!c.lookupOnly) rows.forEach((r, i) => {
        const ts = maskValue(policy, orig[i]!, { column: 'x', type: c.type }, key);
        assert.equal(ts, r.masked, `${c.kind}: value ${JSON.stringify(orig[i])}: SQL ${JSON.stringify(r.masked)} vs TypeScript ${JSON.stringify(ts)}`);
        compared++;
      });
    }
    process.stdout.write(`# compared ${compared} values across ${CASES.length} kinds\n`);
  } finally {
    db.close();
  }
});

test('dateShift: SQL and TypeScript agree per entity, and one entity keeps its intervals', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(MASK_MACROS);
    await db.run(`CREATE TABLE t AS SELECT * FROM (VALUES (1, DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00'), (1, DATE '2024-03-01', TIMESTAMP '2024-03-05 08:30:00'),
      (2, DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00'), (NULL, DATE '2020-05-05', TIMESTAMP '2020-05-05 00:00:00')) v(cid, d, ts)`);
    const policy = ColumnPolicySchema.parse({ kind: 'dateShift', entity: 'cid', maxDays: 60 }) as ColumnPolicy;
    const cols = [{ column: 'cid', type: 'INTEGER', policy: { kind: 'keep' } as ColumnPolicy }, { column: 'd', type: 'DATE', policy }, { column: 'ts', type: 'TIMESTAMP', policy }];
    const rows = await db.all(`SELECT CAST(cid AS VARCHAR) cid, CAST(d AS VARCHAR) d, CAST(ts AS VARCHAR) ts FROM (${maskSelect('t', cols)})`, [key.revealHex()]);
    const { lookups, maps } = hashMapStatements([{ relation: 't', columns: cols }]);
    for (const { sql } of lookups) await db.run(sql, keyParams(sql, key.revealHex()));
    const viaMaps = await db.all(`SELECT CAST(d AS VARCHAR) d, CAST(ts AS VARCHAR) ts FROM (${maskSelect('t', cols, { maps })}) ORDER BY ALL`);
    assert.deepEqual(viaMaps, [...rows].map((r) => ({ d: r.d, ts: r.ts })).sort((a, b) => `${a.d}${a.ts}`.localeCompare(`${b.d}${b.ts}`)));
    const src = await db.all(`SELECT CAST(cid AS VARCHAR) cid, CAST(d AS VARCHAR) d, CAST(ts AS VARCHAR) ts FROM t`);
    rows.forEach((r, i) => {
      const entity = src[i]!.cid as string | null;
      assert.equal(maskValue(policy, src[i]!.d as string, { column: 'd', type: 'DATE', entity }, key), r.d);
      assert.equal(maskValue(policy, src[i]!.ts as string, { column: 'ts', type: 'TIMESTAMP', entity }, key), r.ts);
    });
    assert.ok(rows[3]!.d !== null, 'a row without an entity keeps its date (shifted), not NULL');
    const days = (a: unknown, b: unknown) => (Date.parse(String(b)) - Date.parse(String(a))) / 86_400_000;
    assert.equal(days(rows[0]!.d, rows[1]!.d), days('2024-01-01', '2024-03-01'), 'one entity keeps its intervals');
  } finally {
    db.close();
  }
});

test('a date shifted per entity keys the shift on the entity\'s original even when a lookup masks the entity in the same table, streamed or sorted', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(MASK_MACROS);
    await db.run(`CREATE TABLE t AS SELECT CASE WHEN i % 9 = 0 THEN NULL ELSE i % 40 END AS cid, DATE '2024-01-01' + (i * 7 % 500)::INTEGER AS d FROM range(3000) r(i)`);
    const shift = ColumnPolicySchema.parse({ kind: 'dateShift', entity: 'cid', maxDays: 60 }) as ColumnPolicy;
    const columns = [{ column: 'cid', type: 'INTEGER', policy: ColumnPolicySchema.parse({ kind: 'pseudonym' }) as ColumnPolicy }, { column: 'd', type: 'DATE', policy: shift }];
    const values = valueMapStatements([{ name: 't', relation: 't', columns }]);
    assert.ok(values.byColumn.has('t\0cid'), 'the entity is masked by a lookup join');
    const hashes = hashMapStatements([{ relation: 't', columns: columns.filter((c) => c.column !== 'cid') }]);
    for (const { sql } of [...values.lookups, ...hashes.lookups]) await db.run(sql, keyParams(sql, key.revealHex()));
    const src = (await db.all('SELECT CAST(cid AS VARCHAR) AS cid, CAST(d AS VARCHAR) AS d FROM t ORDER BY rowid')).map((r) => [r.cid as string | null, r.d as string]);
    for (const order of ['streamed', { sortBy: '__r' }] as const) {
      const relation = order === 'streamed' ? 't' : '(SELECT *, rowid AS __r FROM t)';
      const { sql } = maskSelectWithLookups('t', relation, columns, values, hashes.maps, order);
      await db.run(`CREATE OR REPLACE TABLE out AS ${sql}`, keyParams(sql, key.revealHex()));
      const out = (await db.all('SELECT CAST(d AS VARCHAR) AS d FROM out ORDER BY rowid')).map((r) => r.d as string | null);
      src.forEach(([cid, d], i) => assert.equal(out[i], maskValue(shift, d, { column: 'd', type: 'DATE', entity: cid }, key), `${JSON.stringify(order)} row ${i}`));
    }
  } finally {
    db.close();
  }
});

test('fakes keep their formats: cards pass Luhn, IBANs pass mod 97, another key gives other pseudonyms', async () => {
  const other = new MaskingKey(randomBytes(32));
  const cardP = ColumnPolicySchema.parse({ kind: 'card' }) as ColumnPolicy;
  const ibanP = ColumnPolicySchema.parse({ kind: 'iban' }) as ColumnPolicy;
  for (let i = 0; i < 200; i++) {
    const card = maskValue(cardP, `4${String(i).padStart(15, '0')}`, { column: 'c', type: 'VARCHAR' }, key)!;
    assert.match(card, /^4\d{15}$/);
    assert.equal(luhnDigit(card.slice(0, -1)), card.slice(-1));
    const iban = maskValue(ibanP, `GB82WEST${String(i).padStart(14, '0')}`, { column: 'i', type: 'VARCHAR' }, key)!;
    assert.match(iban, /^GB\d\d[A-Z]{4}\d{14}$/);
    assert.equal(mod97(iban.slice(4) + iban.slice(0, 4)), 1);
  }
  const ranged = ColumnPolicySchema.parse({ kind: 'pseudonym', range: [1, 5000] }) as ColumnPolicy;
  const image = Array.from({ length: 5000 }, (_, i) => Number(maskValue(ranged, String(i + 1), { column: 'id', type: 'INTEGER' }, key)));
  assert.deepEqual([...image].sort((a, b) => a - b), Array.from({ length: 5000 }, (_, i) => i + 1), 'a ranged pseudonym permutes its range');
  assert.ok(image.filter((m, i) => m === i + 1).length < 10, 'and moves (almost) every value');
  const pinned = ColumnPolicySchema.parse({ kind: 'pseudonym', range: [1, 5000], pins: [1, 3, 4990, 5000] }) as ColumnPolicy;
  const stays = Array.from({ length: 5000 }, (_, i) => Number(maskValue(pinned, String(i + 1), { column: 'id', type: 'INTEGER' }, key)));
  assert.deepEqual([1, 3, 4990, 5000].map((x) => stays[x - 1]), [1, 3, 4990, 5000], 'pins stay');
  assert.equal(stays[1], 2, 'a stretch of one value between pins stays');
  const stretch = (x: number) => [1, 3, 4990, 5000].filter((p) => p <= x).length;
  assert.ok(stays.every((m, i) => stretch(m) === stretch(i + 1)), 'the rest stays between its pins');
  assert.deepEqual([...stays].sort((a, b) => a - b), Array.from({ length: 5000 }, (_, i) => i + 1), 'still a permutation of the range');
  assert.ok(stays.filter((m, i) => m === i + 1).length < 16, 'and moves (almost) every other value');
  assert.throws(() => ColumnPolicySchema.parse({ kind: 'pseudonym', range: [1, 10], pins: [11] }), /pins need a range and lie within it/);
  const p = ColumnPolicySchema.parse({ kind: 'pseudonym' }) as ColumnPolicy;
  const cx = { column: 'customer_id', type: 'INTEGER' };
  assert.notEqual(maskValue(p, '42', cx, key), maskValue(p, '42', cx, other));
  assert.equal(maskValue(p, '42', cx, key), maskValue(p, '42', cx, key));
  assert.equal(String(key), 'MaskingKey(hidden)');
  assert.ok(!JSON.stringify({ key }).includes(key.revealHex()));
});

test('a ranged key beyond the list size is joined instead: the same values in the same row order, and the same as TypeScript', async () => {
  const db = await openDatabase(':memory:');
  try {
    await db.run(MASK_MACROS);
    // rows out of value order, values in the range, outside it (both sides) and NULL
    await db.run(`CREATE TABLE t AS SELECT CASE WHEN i % 97 = 0 THEN NULL WHEN i % 89 = 0 THEN 5000 + i WHEN i % 83 = 0 THEN -i ELSE (hash(i) % 5000)::INTEGER + 1 END AS x
      FROM range(20000) r(i)`);
    const policy = ColumnPolicySchema.parse({ kind: 'pseudonym', domain: 'customer_id', range: [1, 5000], pins: [1, 3, 4990, 5000] }) as ColumnPolicy;
    const columns = [{ column: 'x', type: 'INTEGER', policy }];
    const written: (string | null)[][] = [];
    for (const listMax of [5000, 4999]) {
      const lookups = valueMapStatements([{ name: 't', relation: 't', columns }], 'temp.main', listMax);
      assert.equal(lookups.shuffles?.has('t\0x') ?? false, listMax >= 5000, `range of 5000 values, list up to ${listMax}: ${listMax >= 5000 ? 'a list' : 'a join'}`);
      for (const { sql } of lookups.lookups) await db.run(sql, keyParams(sql, key.revealHex()));
      const { sql: select } = maskSelectWithLookups('t', '(SELECT *, rowid AS __r FROM t)', columns, lookups, new Map(), { sortBy: '__r' });
      await db.run(`CREATE OR REPLACE TABLE out AS ${select}`, keyParams(select, key.revealHex()));
      written.push((await db.all('SELECT CAST(x AS VARCHAR) AS x FROM out ORDER BY rowid')).map((r) => r.x as string | null));
    }
    assert.deepEqual(written[1], written[0], 'the join writes what the list writes, row by row');
    const orig = (await db.all('SELECT CAST(x AS VARCHAR) AS x FROM t ORDER BY rowid')).map((r) => r.x as string | null);
    orig.forEach((o, i) => assert.equal(written[1]![i], maskValue(policy, o, { column: 'x', type: 'INTEGER' }, key), `row ${i}: ${JSON.stringify(o)}`));
  } finally {
    db.close();
  }
});
