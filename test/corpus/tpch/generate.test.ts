import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { generateTpch, tpchSizes, type GenerateTpchResult } from '../../../corpus/tpch/generate.ts';
import { COLORS } from '../../../corpus/tpch/words.ts';
import { listWorkloadQueries } from '../../../corpus/workloads/index.ts';

/** TPC-H queries that return no rows at SF 0.01 with seed 1 (Q18: no order has more than 300 items). */
const EMPTY_AT_SF_001 = ['q18'];

const TABLES = ['region', 'nation', 'supplier', 'part', 'partsupp', 'customer', 'lineitem', 'orders'];

let dir: string;
let result: GenerateTpchResult;
let progress: string[];
let db: Database;

async function one(sql: string): Promise<Record<string, unknown>> {
  const rows = await db.allJson(sql);
  assert.equal(rows.length, 1, sql);
  return rows[0]!;
}

async function count(sql: string): Promise<number> {
  return Number(Object.values(await one(sql))[0]);
}

/** Per table: a checksum of every column and of whole rows, computed in SQL. */
async function checksums(database: Database): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) out[t] = (await database.allJson(`SELECT sum(hash(${t})) AS row_sum, sum(hash(COLUMNS(*))) FROM ${t}`))[0];
  return out;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flightdeck-tpch-'));
  progress = [];
  result = await generateTpch({ scale: 0.01, outDir: join(dir, 'a'), seed: 1, onProgress: (t) => progress.push(t) });
  db = await openDatabase(result.dbPath, { readOnly: true });
});

after(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generateTpch at SF 0.01', () => {
  test('writes the database and the 22 queries, reporting each table once in order', () => {
    assert.equal(result.dbPath, join(dir, 'a', 'tpch.duckdb'));
    assert.ok(existsSync(result.dbPath));
    assert.ok(!existsSync(`${result.dbPath}.tmp`));
    const files = readdirSync(result.queriesDir).toSorted();
    assert.deepEqual(files, Array.from({ length: 22 }, (_, i) => `q${String(i + 1).padStart(2, '0')}.sql`));
    assert.deepEqual(progress, TABLES);
  });

  test('row counts follow the specification formulas', async () => {
    const { lineitem, ...fixed } = result.tables;
    assert.deepEqual(fixed, { region: 5, nation: 25, supplier: 100, part: 2000, partsupp: 8000, customer: 1500, orders: 15000 });
    // 1..7 lines per order, uniform: about 4 per order
    assert.ok(lineitem! > 15000 * 3.9 && lineitem! < 15000 * 4.1, `lineitem ${lineitem}`);
    for (const t of TABLES) assert.equal(await count(`SELECT count(*) FROM ${t}`), result.tables[t], t);
  });

  test('columns have the TPC-H types and every table its primary key', async () => {
    const types = await db.allJson(
      `SELECT table_name || '.' || column_name AS c, data_type AS t FROM duckdb_columns()
       WHERE column_name IN ('l_orderkey', 'l_extendedprice', 'l_shipdate', 'o_orderkey', 'o_totalprice', 'p_partkey', 'p_retailprice', 'c_phone')`,
    );
    assert.deepEqual(Object.fromEntries(types.map((r) => [r.c, r.t])), {
      'customer.c_phone': 'VARCHAR',
      'lineitem.l_extendedprice': 'DECIMAL(15,2)',
      'lineitem.l_orderkey': 'BIGINT',
      'lineitem.l_shipdate': 'DATE',
      'orders.o_orderkey': 'BIGINT',
      'orders.o_totalprice': 'DECIMAL(15,2)',
      'part.p_partkey': 'INTEGER',
      'part.p_retailprice': 'DECIMAL(15,2)',
    });
    const keys = await db.allJson(
      `SELECT table_name AS t, array_to_string(constraint_column_names, ',') AS k FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' ORDER BY t`,
    );
    assert.deepEqual(Object.fromEntries(keys.map((r) => [r.t, r.k])), {
      customer: 'c_custkey',
      lineitem: 'l_orderkey,l_linenumber',
      nation: 'n_nationkey',
      orders: 'o_orderkey',
      part: 'p_partkey',
      partsupp: 'ps_partkey,ps_suppkey',
      region: 'r_regionkey',
      supplier: 's_suppkey',
    });
  });

  test('keys are dense ranges, order keys sparse (8 of each 32)', async () => {
    for (const [t, k, n] of [['supplier', 's_suppkey', 100], ['part', 'p_partkey', 2000], ['customer', 'c_custkey', 1500]] as const) {
      assert.deepEqual(await one(`SELECT min(${k}) AS lo, max(${k}) AS hi, count(DISTINCT ${k}) AS n FROM ${t}`), { lo: 1, hi: n, n: String(n) });
    }
    assert.deepEqual(await one(`SELECT min(o_orderkey) AS lo, max(o_orderkey) AS hi FROM orders`), { lo: '1', hi: String((14999 >> 3) * 32 + 8) });
    assert.equal(await count(`SELECT count(*) FROM orders WHERE (o_orderkey - 1) % 32 >= 8`), 0);
    const nations = await db.allJson(`SELECT n_nationkey AS k, n_name AS n, r_name AS r FROM nation JOIN region ON r_regionkey = n_regionkey ORDER BY k`);
    assert.deepEqual(nations[0], { k: 0, n: 'ALGERIA', r: 'AFRICA' });
    assert.deepEqual(nations[24], { k: 24, n: 'UNITED STATES', r: 'AMERICA' });
    assert.deepEqual(nations.filter((r) => r.r === 'EUROPE').map((r) => r.n), ['FRANCE', 'GERMANY', 'ROMANIA', 'RUSSIA', 'UNITED KINGDOM']);
  });

  test('foreign keys hold and lines are numbered 1..n per order', async () => {
    const orphans = {
      lineitemOrder: 'SELECT count(*) FROM lineitem WHERE l_orderkey NOT IN (SELECT o_orderkey FROM orders)',
      lineitemPartsupp: 'SELECT count(*) FROM lineitem LEFT JOIN partsupp ON ps_partkey = l_partkey AND ps_suppkey = l_suppkey WHERE ps_partkey IS NULL',
      partsuppPart: 'SELECT count(*) FROM partsupp WHERE ps_partkey NOT IN (SELECT p_partkey FROM part)',
      partsuppSupplier: 'SELECT count(*) FROM partsupp WHERE ps_suppkey NOT IN (SELECT s_suppkey FROM supplier)',
      ordersCustomer: 'SELECT count(*) FROM orders WHERE o_custkey NOT IN (SELECT c_custkey FROM customer)',
      ordersWithoutLines: 'SELECT count(*) FROM orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM lineitem)',
      customerNation: 'SELECT count(*) FROM customer WHERE c_nationkey NOT IN (SELECT n_nationkey FROM nation)',
      supplierNation: 'SELECT count(*) FROM supplier WHERE s_nationkey NOT IN (SELECT n_nationkey FROM nation)',
      nationRegion: 'SELECT count(*) FROM nation WHERE n_regionkey NOT IN (SELECT r_regionkey FROM region)',
      badLineNumbers: `SELECT count(*) FROM (SELECT l_orderkey, count(*) AS n, max(l_linenumber) AS m, min(l_linenumber) AS lo
        FROM lineitem GROUP BY l_orderkey) WHERE n <> m OR lo <> 1 OR n > 7`,
    };
    for (const [name, sql] of Object.entries(orphans)) assert.equal(await count(sql), 0, name);
  });

  test('partsupp: four distinct suppliers per part, by the specification formula', async () => {
    assert.equal(await count('SELECT count(*) FROM (SELECT ps_partkey FROM partsupp GROUP BY ps_partkey HAVING count(DISTINCT ps_suppkey) <> 4)'), 0);
    // PS_SUPPKEY = (ps_partkey + (i * ((S/4) + (int)(ps_partkey-1)/S))) modulo S + 1, S = 100
    const formula = `SELECT count(*) FROM partsupp WHERE ps_suppkey NOT IN (
      SELECT (ps_partkey + i * (25 + (ps_partkey - 1) // 100)) % 100 + 1 FROM range(4) r(i))`;
    assert.equal(await count(formula), 0);
  });

  test('dates: order dates in [1992-01-01, 1998-08-02], ship/commit/receipt offsets as specified', async () => {
    assert.deepEqual(await one(`SELECT min(o_orderdate)::VARCHAR AS lo, max(o_orderdate)::VARCHAR AS hi FROM orders`), {
      lo: '1992-01-01',
      hi: '1998-08-02',
    });
    const spans = await one(`SELECT min(l_shipdate - o_orderdate) AS s0, max(l_shipdate - o_orderdate) AS s1,
        min(l_commitdate - o_orderdate) AS c0, max(l_commitdate - o_orderdate) AS c1,
        min(l_receiptdate - l_shipdate) AS r0, max(l_receiptdate - l_shipdate) AS r1
      FROM lineitem JOIN orders ON o_orderkey = l_orderkey`);
    assert.deepEqual(Object.values(spans).map(Number), [1, 121, 30, 90, 1, 30]);
  });

  test('returnflag and linestatus follow the dates; R and A are independent of other columns', async () => {
    const bad = `SELECT count(*) FROM lineitem WHERE
      (l_receiptdate <= DATE '1995-06-17' AND l_returnflag NOT IN ('R', 'A'))
      OR (l_receiptdate > DATE '1995-06-17' AND l_returnflag <> 'N')
      OR (l_linestatus <> CASE WHEN l_shipdate > DATE '1995-06-17' THEN 'O' ELSE 'F' END)`;
    assert.equal(await count(bad), 0);
    // each hash-derived column must be its own coin: R vs A is about even within every ship instruction
    const split = await db.allJson(`SELECT l_shipinstruct AS i, avg(CASE WHEN l_returnflag = 'R' THEN 1 ELSE 0 END) AS r
      FROM lineitem WHERE l_returnflag <> 'N' GROUP BY 1 ORDER BY 1`);
    assert.equal(split.length, 4);
    for (const row of split) assert.ok(Number(row.r) > 0.45 && Number(row.r) < 0.55, JSON.stringify(row));
  });

  test('order status and total price are derived from the order lines, to the cent', async () => {
    const mismatches = `SELECT count(*) FROM orders JOIN (
        SELECT l_orderkey, round(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), 2) AS total,
          CASE WHEN bool_and(l_linestatus = 'F') THEN 'F' WHEN bool_and(l_linestatus = 'O') THEN 'O' ELSE 'P' END AS status
        FROM lineitem GROUP BY l_orderkey
      ) x ON x.l_orderkey = o_orderkey
      WHERE x.total <> o_totalprice OR x.status <> o_orderstatus`;
    assert.equal(await count(mismatches), 0);
    const statuses = await db.allJson(`SELECT DISTINCT o_orderstatus AS s FROM orders ORDER BY 1`);
    assert.deepEqual(statuses.map((r) => r.s), ['F', 'O', 'P']);
  });

  test('customers with c_custkey % 3 = 0 place no orders; the others do', async () => {
    assert.equal(await count('SELECT count(*) FROM orders WHERE o_custkey % 3 = 0'), 0);
    assert.ok((await count('SELECT count(DISTINCT o_custkey) FROM orders')) > 900);
  });

  test('prices, phones and names follow the specification formulas', async () => {
    const checks = {
      retailPrice: `SELECT count(*) FROM part WHERE p_retailprice * 100 <> 90000 + (p_partkey // 10) % 20001 + 100 * (p_partkey % 1000)`,
      extendedPrice: 'SELECT count(*) FROM lineitem JOIN part ON p_partkey = l_partkey WHERE l_extendedprice <> l_quantity * p_retailprice',
      quantity: 'SELECT count(*) FROM lineitem WHERE l_quantity NOT BETWEEN 1 AND 50 OR l_discount NOT BETWEEN 0 AND 0.10 OR l_tax NOT BETWEEN 0 AND 0.08',
      supplierPhone: `SELECT count(*) FROM supplier WHERE NOT regexp_full_match(s_phone, '\\d\\d-\\d{3}-\\d{3}-\\d{4}') OR s_phone[1:2]::INTEGER <> s_nationkey + 10`,
      customerPhone: `SELECT count(*) FROM customer WHERE NOT regexp_full_match(c_phone, '\\d\\d-\\d{3}-\\d{3}-\\d{4}') OR c_phone[1:2]::INTEGER <> c_nationkey + 10`,
      names: `SELECT count(*) FROM supplier WHERE s_name <> 'Supplier#' || lpad(s_suppkey::VARCHAR, 9, '0')`,
      brand: `SELECT count(*) FROM part WHERE p_brand NOT LIKE 'Brand#' || p_mfgr[14] || '_' OR p_mfgr NOT SIMILAR TO 'Manufacturer#[1-5]'`,
      acctbal: 'SELECT count(*) FROM customer WHERE c_acctbal NOT BETWEEN -999.99 AND 9999.99',
      commentLengths: `SELECT count(*) FROM lineitem WHERE length(l_comment) NOT BETWEEN 10 AND 43`,
      addressLengths: `SELECT count(*) FROM customer WHERE length(c_address) NOT BETWEEN 10 AND 40`,
    };
    for (const [name, sql] of Object.entries(checks)) assert.equal(await count(sql), 0, name);
  });

  test('word lists: types, containers, segments, modes and five distinct colours per part name', async () => {
    const distinct = async (col: string, table: string) => (await db.allJson(`SELECT DISTINCT ${col} AS v FROM ${table} ORDER BY 1`)).map((r) => r.v);
    assert.deepEqual(await distinct('c_mktsegment', 'customer'), ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY']);
    assert.deepEqual(await distinct('l_shipmode', 'lineitem'), ['AIR', 'FOB', 'MAIL', 'RAIL', 'REG AIR', 'SHIP', 'TRUCK']);
    assert.deepEqual(await distinct('o_orderpriority', 'orders'), ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW']);
    assert.deepEqual(await distinct('l_shipinstruct', 'lineitem'), ['COLLECT COD', 'DELIVER IN PERSON', 'NONE', 'TAKE BACK RETURN']);
    assert.equal((await distinct('p_type', 'part')).length, 150);
    assert.equal((await distinct('p_container', 'part')).length, 40);
    assert.equal(COLORS.length, 92);
    const names = await db.allJson(`SELECT p_name AS n FROM part`);
    const colors = new Set(COLORS);
    for (const { n } of names) {
      const words = String(n).split(' ');
      assert.equal(new Set(words).size, 5, String(n));
      assert.ok(words.every((w) => colors.has(w)), String(n));
    }
  });

  test('comments carry the words the queries look for, in the intended proportions', async () => {
    assert.equal(await count(`SELECT count(*) FROM supplier WHERE s_comment LIKE '%Customer%Complaints%'`), 1);
    assert.equal(await count(`SELECT count(*) FROM supplier WHERE s_comment LIKE '%Customer%Recommends%'`), 1);
    const special = await count(`SELECT count(*) FROM orders WHERE o_comment LIKE '%special%requests%'`);
    assert.ok(special > 15 && special < 1500, `special requests in ${special} of 15000 orders`);
    assert.ok((await count(`SELECT count(*) FROM part WHERE p_name LIKE 'forest%'`)) > 0);
  });

  test('another seed gives other data; regenerating with the same seed replaces it with identical tables', async () => {
    const out = join(dir, 'b');
    const other = await generateTpch({ scale: 0.01, outDir: out, seed: 2 });
    const a = await checksums(db);
    const dbOther = await openDatabase(other.dbPath, { readOnly: true });
    try {
      const c = await checksums(dbOther);
      for (const t of ['supplier', 'part', 'partsupp', 'customer', 'lineitem', 'orders']) assert.notDeepEqual(c[t], a[t], t);
    } finally {
      dbOther.close();
    }
    const again = await generateTpch({ scale: 0.01, outDir: out, seed: 1 });
    assert.deepEqual(readdirSync(out).toSorted(), ['queries', 'tpch.duckdb']);
    const dbAgain = await openDatabase(again.dbPath, { readOnly: true });
    try {
      assert.deepEqual(await checksums(dbAgain), a);
    } finally {
      dbAgain.close();
    }
  });

  test(`the 22 queries run; all but ${EMPTY_AT_SF_001.join(', ')} return rows`, async () => {
    const empty: string[] = [];
    const queries = listWorkloadQueries('tpch');
    assert.equal(queries.length, 22);
    for (const q of queries) {
      assert.equal(readFileSync(join(result.queriesDir, `${q.name}.sql`), 'utf8'), q.sql, `${q.name} copied`);
      const { rows } = await db.rows(q.sql);
      if (rows.length === 0) empty.push(q.name);
      else assert.ok(rows[0]!.some((v) => v !== null), `${q.name} returned only NULLs`);
    }
    assert.deepEqual(empty, EMPTY_AT_SF_001);
  });

  test('every analytics query runs, returns rows, and the same rows with one thread as with two', async () => {
    const queries = listWorkloadQueries('analytics');
    assert.ok(queries.length >= 25);
    const results: string[] = [];
    for (const q of queries) {
      const { rows } = await db.rows(q.sql);
      assert.ok(rows.length > 0, `${q.name} returned no rows`);
      results.push(JSON.stringify(rows));
    }
    await db.run('SET threads = 1');
    try {
      for (const [i, q] of queries.entries()) assert.equal(JSON.stringify((await db.rows(q.sql)).rows), results[i], q.name);
    } finally {
      await db.run('RESET threads');
    }
  });
});

describe('generateTpch errors', () => {
  test('an output folder that cannot be created is an io-error naming it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flightdeck-tpch-bad-'));
    try {
      const file = join(base, 'a-file');
      writeFileSync(file, 'x');
      await assert.rejects(
        generateTpch({ scale: 0.01, outDir: join(file, 'out') }),
        (err: unknown) => err instanceof FlightdeckError && err.code === 'io-error' && err.message.includes(join(file, 'out')),
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('tpchSizes', () => {
  test('scales the tables and refuses scales whose partsupp formula repeats a supplier', () => {
    assert.deepEqual(tpchSizes(1), { suppliers: 10000, parts: 200000, customers: 150000, orders: 1500000, clerks: 1000, specialSuppliers: 5 });
    for (const bad of [0, -1, Number.NaN, 0.001, 0.012]) {
      assert.throws(() => tpchSizes(bad), (err: unknown) => err instanceof FlightdeckError && err.code === 'usage-error', String(bad));
    }
  });
});
