/**
 * The set-based SQL that fills the TPC-H tables (specification section
 * 4.2.3). Every pseudo-random value is `hash(seed, key, salt) % n`: a pure
 * function of the row's key and a per-column salt, so the data is the same
 * for a seed whatever the thread scheduling (DuckDB's random() is not).
 * Keys: the table's own key (lineitem: l_orderkey * 8 + l_linenumber).
 * Salts: 1-99 the text pool, then 100 per table.
 */
import {
  ADJECTIVES, ADVERBS, AUXILIARIES, COLORS, CONTAINER_SYLLABLE_1, CONTAINER_SYLLABLE_2, INSTRUCTIONS, MODES,
  NATIONS, NOUNS, PREPOSITIONS, PRIORITIES, REGIONS, SEGMENTS, TERMINATORS, TYPE_SYLLABLE_1, TYPE_SYLLABLE_2,
  TYPE_SYLLABLE_3, VERBS, sqlList,
} from './words.ts';

export interface TpchSizes {
  readonly suppliers: number;
  readonly parts: number;
  readonly customers: number;
  readonly orders: number;
  readonly clerks: number;
  /** suppliers whose comment holds "Customer ... Complaints" (and as many "... Recommends") */
  readonly specialSuppliers: number;
}

/** Fragments in the text pool; comments are random substrings of them. */
export const TEXT_POOL_FRAGMENTS = 2048;
/** Sentences per fragment: at least 32 × 12 characters, enough for an offset < 200 plus 198 characters. */
const SENTENCES_PER_FRAGMENT = 32;

/** The spec's dates: STARTDATE, CURRENTDATE, and ENDDATE - 151 days (the last order date). */
export const START_DATE = '1992-01-01';
export const CURRENT_DATE = '1995-06-17';
export const LAST_ORDER_DATE = '1998-08-02';

const V_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,';

/** Temporary macros for the generating connection (not stored in the database). */
export function macroSql(seed: number): string[] {
  // DuckDB combines the hashes of several arguments with XOR, so the low bits of
  // hash(seed, k, salt) would differ between salts by a constant and `% n` of
  // two columns would be correlated; hashing the result again mixes them.
  const h = (k: string, salt: string) => `hash(hash(${seed}::BIGINT, (${k})::BIGINT, (${salt})::BIGINT))`;
  return [
    // uniform integer in [lo, hi]
    `CREATE OR REPLACE TEMP MACRO rnd(k, salt, lo, hi) AS ((lo) + (${h('k', 'salt')} % ((hi) - (lo) + 1)::UBIGINT)::BIGINT)`,
    // uniform element of a list
    `CREATE OR REPLACE TEMP MACRO pick(words, k, salt) AS (words)[1 + (${h('k', 'salt')} % len(words)::UBIGINT)::INTEGER]`,
    // integer cents to DECIMAL(15,2), exactly
    `CREATE OR REPLACE TEMP MACRO money(c) AS ((c)::BIGINT * 0.01)::DECIMAL(15,2)`,
    // "CC-NNN-NNN-NNNN" with country code nationkey + 10
    `CREATE OR REPLACE TEMP MACRO phone(nation, k, salt) AS
      ((nation) + 10)::VARCHAR || '-' || rnd(k, salt, 100, 999)::VARCHAR || '-' || rnd(k, (salt) + 1, 100, 999)::VARCHAR
      || '-' || rnd(k, (salt) + 2, 1000, 9999)::VARCHAR`,
    // which text-pool fragment a row draws its text from
    `CREATE OR REPLACE TEMP MACRO text_id(k, salt) AS rnd(k, salt, 0, ${TEXT_POOL_FRAGMENTS - 1})::INTEGER`,
    // a comment: random substring of a fragment, length in [lo, hi]
    `CREATE OR REPLACE TEMP MACRO text_at(frag, k, salt, lo, hi) AS
      substr(frag, 1 + rnd(k, salt, 0, 199)::INTEGER, rnd(k, (salt) + 1, lo, hi)::INTEGER)`,
    // a v-string (addresses): random substring of a 64-character random string, length in [lo, hi]
    `CREATE OR REPLACE TEMP MACRO v_at(v, k, salt, lo, hi) AS
      substr(v, 1 + rnd(k, salt, 0, 64 - (hi))::INTEGER, rnd(k, (salt) + 1, lo, hi)::INTEGER)`,
    // the grammar of 4.2.2.14
    `CREATE OR REPLACE TEMP MACRO noun_phrase(k, s) AS CASE rnd(k, s, 0, 3)
      WHEN 0 THEN pick(${sqlList(NOUNS)}, k, (s) + 1)
      WHEN 1 THEN pick(${sqlList(ADJECTIVES)}, k, (s) + 2) || ' ' || pick(${sqlList(NOUNS)}, k, (s) + 1)
      WHEN 2 THEN pick(${sqlList(ADJECTIVES)}, k, (s) + 2) || ', ' || pick(${sqlList(ADJECTIVES)}, k, (s) + 3) || ' '
        || pick(${sqlList(NOUNS)}, k, (s) + 1)
      ELSE pick(${sqlList(ADVERBS)}, k, (s) + 4) || ' ' || pick(${sqlList(ADJECTIVES)}, k, (s) + 2) || ' '
        || pick(${sqlList(NOUNS)}, k, (s) + 1) END`,
    `CREATE OR REPLACE TEMP MACRO verb_phrase(k, s) AS CASE rnd(k, s, 0, 3)
      WHEN 0 THEN pick(${sqlList(VERBS)}, k, (s) + 1)
      WHEN 1 THEN pick(${sqlList(AUXILIARIES)}, k, (s) + 2) || ' ' || pick(${sqlList(VERBS)}, k, (s) + 1)
      WHEN 2 THEN pick(${sqlList(VERBS)}, k, (s) + 1) || ' ' || pick(${sqlList(ADVERBS)}, k, (s) + 3)
      ELSE pick(${sqlList(AUXILIARIES)}, k, (s) + 2) || ' ' || pick(${sqlList(VERBS)}, k, (s) + 1) || ' '
        || pick(${sqlList(ADVERBS)}, k, (s) + 3) END`,
    `CREATE OR REPLACE TEMP MACRO prep_phrase(k, s) AS pick(${sqlList(PREPOSITIONS)}, k, s) || ' the ' || noun_phrase(k, (s) + 1)`,
  ];
}

/** The text pool (dbgen's idea): fragments of grammar sentences, plus a random v-string per fragment. */
export function textPoolSql(): string {
  const sentences = TEXT_POOL_FRAGMENTS * SENTENCES_PER_FRAGMENT;
  const term = `pick(${sqlList(TERMINATORS)}, k, 2)`;
  return `CREATE TEMP TABLE text_pool AS
WITH sentence AS (
  SELECT k, CASE rnd(k, 1, 0, 4)
    WHEN 0 THEN noun_phrase(k, 10) || ' ' || verb_phrase(k, 20)
    WHEN 1 THEN noun_phrase(k, 10) || ' ' || verb_phrase(k, 20) || ' ' || prep_phrase(k, 30)
    WHEN 2 THEN noun_phrase(k, 10) || ' ' || verb_phrase(k, 20) || ' ' || noun_phrase(k, 40)
    WHEN 3 THEN noun_phrase(k, 10) || ' ' || prep_phrase(k, 30) || ' ' || verb_phrase(k, 20) || ' ' || noun_phrase(k, 40)
    ELSE noun_phrase(k, 10) || ' ' || prep_phrase(k, 30) || ' ' || verb_phrase(k, 20) || ' ' || prep_phrase(k, 50)
  END || ${term} AS s
  FROM (SELECT range AS k FROM range(${sentences}))
),
v_char AS (
  SELECT range AS k, substr('${V_ALPHABET}', 1 + rnd(range, 60, 0, 63)::INTEGER, 1) AS c FROM range(${TEXT_POOL_FRAGMENTS * 64})
)
SELECT f.id, f.frag, v.v
FROM (SELECT (k // ${SENTENCES_PER_FRAGMENT})::INTEGER AS id, string_agg(s, ' ' ORDER BY k) AS frag FROM sentence GROUP BY 1) f
JOIN (SELECT (k // 64)::INTEGER AS id, string_agg(c, '' ORDER BY k) AS v FROM v_char GROUP BY 1) v ON v.id = f.id`;
}

export function regionSql(): string {
  const values = REGIONS.map(([k, name]) => `(${k}, '${name}')`).join(', ');
  return `INSERT INTO region
SELECT r.k, r.name, text_at(tp.frag, r.k, 100, 31, 115)
FROM (VALUES ${values}) r(k, name) JOIN text_pool tp ON tp.id = text_id(r.k, 102)
ORDER BY r.k`;
}

export function nationSql(): string {
  const values = NATIONS.map(([k, name, region]) => `(${k}, '${name}', ${region})`).join(', ');
  return `INSERT INTO nation
SELECT n.k, n.name, n.region, text_at(tp.frag, n.k, 200, 31, 114)
FROM (VALUES ${values}) n(k, name, region) JOIN text_pool tp ON tp.id = text_id(n.k, 202)
ORDER BY n.k`;
}

/**
 * Suppliers. The `specialSuppliers` first in hash order get "Customer ... Complaints"
 * in their comment (Q16 excludes them), the next as many "Customer ... Recommends".
 */
export function supplierSql(sizes: TpchSizes): string {
  const n = sizes.specialSuppliers;
  return `INSERT INTO supplier
WITH b AS (
  SELECT range + 1 AS k, rnd(range + 1, 300, 0, 24)::INTEGER AS nk,
    row_number() OVER (ORDER BY rnd(range + 1, 301, 0, 1000000000), range) AS special
  FROM range(${sizes.suppliers})
),
c AS (
  SELECT b.k, b.nk, b.special, tp.v, text_at(tp.frag, b.k, 302, 25, 100) AS cmt,
    substr(tp.frag, 1 + rnd(b.k, 304, 0, 199)::INTEGER, rnd(b.k, 305, 1, 10)::INTEGER) AS mid,
    rnd(b.k, 306, 0, 10)::INTEGER AS pos
  FROM b JOIN text_pool tp ON tp.id = text_id(b.k, 307)
)
SELECT k, 'Supplier#' || lpad(k::VARCHAR, 9, '0'), v_at(v, k, 310, 10, 40), nk, phone(nk, k, 312),
  money(rnd(k, 315, -99999, 999999)),
  CASE
    WHEN special <= ${n} THEN left(left(cmt, pos) || 'Customer ' || mid || ' Complaints ' || substr(cmt, pos + 1), greatest(length(cmt), 40))
    WHEN special <= ${2 * n} THEN left(left(cmt, pos) || 'Customer ' || mid || ' Recommends ' || substr(cmt, pos + 1), greatest(length(cmt), 40))
    ELSE cmt
  END
FROM c
ORDER BY k`;
}

/** P_RETAILPRICE in cents (4.2.3): 90000 + ((key / 10) mod 20001) + 100 * (key mod 1000). */
function retailCents(key: string): string {
  return `(90000 + ((${key}) // 10) % 20001 + 100 * ((${key}) % 1000))`;
}

/** The colour at index `i` (mod 92) of COLORS. */
function colorSql(i: string): string {
  return `${sqlList(COLORS)}[1 + ((${i}) % ${COLORS.length})::INTEGER]`;
}

export function partSql(sizes: TpchSizes): string {
  // five distinct colours: a start and four steps of 1..18, so the offsets stay below 92
  return `INSERT INTO part
WITH b AS (
  SELECT range + 1 AS k, rnd(range + 1, 400, 1, 5) AS m, rnd(range + 1, 401, 0, ${COLORS.length - 1}) AS c0,
    rnd(range + 1, 402, 1, 18) AS d1, rnd(range + 1, 403, 1, 18) AS d2, rnd(range + 1, 404, 1, 18) AS d3,
    rnd(range + 1, 405, 1, 18) AS d4
  FROM range(${sizes.parts})
)
SELECT k,
  ${colorSql('c0')} || ' ' || ${colorSql('c0 + d1')} || ' ' || ${colorSql('c0 + d1 + d2')} || ' '
    || ${colorSql('c0 + d1 + d2 + d3')} || ' ' || ${colorSql('c0 + d1 + d2 + d3 + d4')},
  'Manufacturer#' || m::VARCHAR,
  'Brand#' || m::VARCHAR || rnd(k, 410, 1, 5)::VARCHAR,
  pick(${sqlList(TYPE_SYLLABLE_1)}, k, 411) || ' ' || pick(${sqlList(TYPE_SYLLABLE_2)}, k, 412) || ' '
    || pick(${sqlList(TYPE_SYLLABLE_3)}, k, 413),
  rnd(k, 414, 1, 50)::INTEGER,
  pick(${sqlList(CONTAINER_SYLLABLE_1)}, k, 415) || ' ' || pick(${sqlList(CONTAINER_SYLLABLE_2)}, k, 416),
  money(${retailCents('k')}),
  text_at(tp.frag, k, 417, 5, 22)
FROM b JOIN text_pool tp ON tp.id = text_id(k, 419)
ORDER BY k`;
}

/** The supplier of part `pk`'s i-th partsupp row (4.2.3): (pk + i * (S/4 + (pk-1)/S)) mod S + 1. */
export function suppForPartSql(pk: string, i: string, suppliers: number): string {
  return `((${pk}) + (${i}) * (${Math.floor(suppliers / 4)} + ((${pk}) - 1) // ${suppliers})) % ${suppliers} + 1`;
}

export function partsuppSql(sizes: TpchSizes): string {
  return `INSERT INTO partsupp
WITH b AS (SELECT range AS k, range // 4 + 1 AS pk, range % 4 AS i FROM range(${sizes.parts * 4}))
SELECT pk, ${suppForPartSql('pk', 'i', sizes.suppliers)}, rnd(k, 500, 1, 9999)::INTEGER,
  money(rnd(k, 501, 100, 100000)), text_at(tp.frag, k, 502, 49, 198)
FROM b JOIN text_pool tp ON tp.id = text_id(k, 504)
ORDER BY k`;
}

export function customerSql(sizes: TpchSizes): string {
  return `INSERT INTO customer
WITH b AS (SELECT range + 1 AS k, rnd(range + 1, 600, 0, 24)::INTEGER AS nk FROM range(${sizes.customers}))
SELECT k, 'Customer#' || lpad(k::VARCHAR, 9, '0'), v_at(tp.v, k, 601, 10, 40), nk, phone(nk, k, 603),
  money(rnd(k, 606, -99999, 999999)), pick(${sqlList(SEGMENTS)}, k, 607), text_at(tp.frag, k, 608, 29, 116)
FROM b JOIN text_pool tp ON tp.id = text_id(k, 610)
ORDER BY k`;
}

/**
 * Orders without status and total (those come from their lineitems), plus
 * each order's line count. Keys are sparse: of each 32 key values only the
 * first 8 are used. Customers with c_custkey % 3 = 0 place no orders: a
 * random index r over the other customers maps to 3 * (r / 2) + r % 2 + 1.
 */
export function ordersBaseSql(sizes: TpchSizes): string {
  const ordering = sizes.customers - Math.floor(sizes.customers / 3);
  return `CREATE TEMP TABLE orders_base AS
WITH b AS (SELECT (range // 8) * 32 + range % 8 + 1 AS k FROM range(${sizes.orders})),
c AS (SELECT k, rnd(k, 700, 0, ${ordering - 1}) AS r FROM b)
SELECT k AS o_orderkey, (3 * (r // 2) + r % 2 + 1)::INTEGER AS o_custkey,
  DATE '${START_DATE}' + rnd(k, 701, 0, DATE '${LAST_ORDER_DATE}' - DATE '${START_DATE}')::INTEGER AS o_orderdate,
  pick(${sqlList(PRIORITIES)}, k, 702) AS o_orderpriority,
  'Clerk#' || lpad(rnd(k, 703, 1, ${sizes.clerks})::VARCHAR, 9, '0') AS o_clerk,
  text_at(tp.frag, k, 704, 19, 78) AS o_comment,
  rnd(k, 706, 1, 7)::INTEGER AS line_count
FROM c JOIN text_pool tp ON tp.id = text_id(k, 707)
ORDER BY k`;
}

/** Lineitems, 1-7 per order, built from the order by unnesting a range. */
export function lineitemSql(sizes: TpchSizes): string {
  return `INSERT INTO lineitem
WITH l AS (SELECT o_orderkey AS ok, o_orderdate AS od, unnest(range(1, line_count + 1))::INTEGER AS ln FROM orders_base),
a AS (
  SELECT ok, od, ln, ok * 8 + ln AS k FROM l
),
b AS (
  SELECT ok, od, ln, k, rnd(k, 800, 1, ${sizes.parts}) AS pk, rnd(k, 801, 0, 3) AS si, rnd(k, 802, 1, 50) AS qty,
    od + rnd(k, 803, 1, 121)::INTEGER AS ship
  FROM a
),
c AS (SELECT *, ship + rnd(k, 804, 1, 30)::INTEGER AS receipt FROM b)
SELECT ok, pk, ${suppForPartSql('pk', 'si', sizes.suppliers)}, ln, qty::DECIMAL(15,2),
  money(qty * ${retailCents('pk')}), money(rnd(k, 805, 0, 10)), money(rnd(k, 806, 0, 8)),
  CASE WHEN receipt <= DATE '${CURRENT_DATE}' THEN (CASE WHEN rnd(k, 807, 0, 1) = 0 THEN 'R' ELSE 'A' END) ELSE 'N' END,
  CASE WHEN ship > DATE '${CURRENT_DATE}' THEN 'O' ELSE 'F' END,
  ship, od + rnd(k, 808, 30, 90)::INTEGER, receipt,
  pick(${sqlList(INSTRUCTIONS)}, k, 809), pick(${sqlList(MODES)}, k, 810), text_at(tp.frag, k, 811, 10, 43)
FROM c JOIN text_pool tp ON tp.id = text_id(k, 813)`;
}

/**
 * Orders with O_ORDERSTATUS (F if all lines are F, O if all are O, else P)
 * and O_TOTALPRICE = sum(extendedprice * (1 + tax) * (1 - discount)), in one
 * aggregate join over lineitem.
 */
export function ordersSql(): string {
  return `INSERT INTO orders
SELECT b.o_orderkey, b.o_custkey,
  CASE WHEN a.f = a.n THEN 'F' WHEN a.f = 0 THEN 'O' ELSE 'P' END,
  a.total::DECIMAL(15,2), b.o_orderdate, b.o_orderpriority, b.o_clerk, 0, b.o_comment
FROM orders_base b
JOIN (
  SELECT l_orderkey, count(*) AS n, count(*) FILTER (WHERE l_linestatus = 'F') AS f,
    round(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), 2) AS total
  FROM lineitem GROUP BY l_orderkey
) a ON a.l_orderkey = b.o_orderkey
ORDER BY b.o_orderkey`;
}
