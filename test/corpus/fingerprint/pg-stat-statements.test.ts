/**
 * Fingerprints against a real PostgreSQL's pg_stat_statements: the same
 * statements run on a private cluster, each one's query id read from
 * pg_stat_statements, and the two groupings compared statement by
 * statement (a statement agrees when the statements sharing its group are
 * the same under both). The differences are the documented decisions of
 * docs/fingerprints.md, and only those.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintSql } from '../../../corpus/fingerprint/fingerprint.ts';
import { DEFAULT_SCHEMA_MAP, mapSchemas } from '../../../corpus/templates/schema-map.ts';
import { findPostgres, startCluster } from '../../helpers/pg-stat-cluster.ts';

const SETUP = `
create extension pg_stat_statements;
create table orders (id int primary key, customer_id int, d date, total numeric, status text);
create table customers (id int primary key, city text);
`;

const STATEMENTS: readonly string[] = [
  'select * from orders where id = 1',
  'select * from orders where id = 42',
  'select * from public.orders where id = 7',
  "select id from orders where d >= date '2024-01-01'",
  "select id from orders where d >= '2024-02-01'::date",
  "select id from orders where d >= cast('2024-03-01' as date)",
  "select id from orders where d >= '2024-04-01'",
  'select cast(d as text) from orders',
  'select d::text from orders',
  "select id from orders where status in ('a', 'b')",
  "select id from orders where status in ('a', 'b', 'c')",
  'select id from orders where total > 24',
  'select id from orders where total > 24.5',
  "select count(*) from public.orders o join public.customers c on c.id = o.customer_id where c.city = 'Oslo'",
  "select count(*) from orders o join customers c on c.id = o.customer_id where c.city = 'Rome'",
  "SELECT  COUNT(*) -- by hand\n  FROM orders O JOIN customers C ON C.id = O.customer_id WHERE C.city = 'Bergen'",
  'select id, total from orders order by total desc limit 5',
  'select id, total from orders order by total desc limit 10',
  'select cast(total + 1 as int) from orders',
  'select (total + 1)::int from orders',
  "select id from orders where d < now() - interval '3 days'",
  "select id from orders where d < now() - '5 days'::interval",
  "select id from orders where status = 'x' and total < 10",
  "select id from orders where total < 10 and status = 'x'",
  'select x.id from orders x where x.id = 3',
  'select o.id from orders o where o.id = 5',
  'select cast(total as integer) from orders',
  'select total::int4 from orders',
  'select total::int from orders',
];

/** Statements whose group differs, by design (see docs/fingerprints.md). */
const DECIDED_APART: ReadonlyMap<number, string> = new Map([
  // an untyped literal: PostgreSQL resolves it to date and merges it with 3-5; flightdeck keeps the text's shape, as libpg_query does
  [3, 'typed vs untyped literal'], [4, 'typed vs untyped literal'], [5, 'typed vs untyped literal'], [6, 'typed vs untyped literal'],
  // IN lists of different lengths: PostgreSQL 15 splits them; flightdeck merges them (as pt-query-digest, and PostgreSQL 18)
  [9, 'IN-list length'], [10, 'IN-list length'],
  // an integer and a decimal constant: different types to PostgreSQL; one template to flightdeck
  [11, 'integer vs decimal constant'], [12, 'integer vs decimal constant'],
  // alias names: PostgreSQL's query id ignores them; flightdeck keeps them (as libpg_query)
  [24, 'alias name'], [25, 'alias name'],
]);

/** Spellings flightdeck normalises, which PostgreSQL merges too. */
const NORMALISED_PAIRS: readonly (readonly [number, number])[] = [[0, 2], [3, 4], [4, 5], [7, 8], [13, 14], [14, 15], [18, 19], [20, 21], [26, 27], [27, 28]];

/** the statements sharing statement i's group, as text */
const group = (keys: readonly string[], i: number) => keys.flatMap((k, j) => (k === keys[i] ? [j] : [])).join(',');
const groups = (keys: readonly string[]) => new Set(keys).size;

const pg = findPostgres();

test('fingerprints agree with pg_stat_statements except where docs/fingerprints.md decides otherwise', { skip: typeof pg === 'string' ? pg : false }, (t) => {
  if (typeof pg === 'string') return;
  const cluster = startCluster(pg);
  try {
    cluster.psql(SETUP);
    // one statement at a time between resets: each one's query id is the only entry left
    const script = STATEMENTS.map((sql) => `select pg_stat_statements_reset();\n${sql};\nselect 'query id ' || queryid from pg_stat_statements where query not like '%pg_stat_statements%';`).join('\n');
    const ids = cluster
      .psql(script)
      .split('\n')
      .flatMap((l) => (l.startsWith('query id ') ? [l.slice('query id '.length)] : []));
    if (process.env.PG_QUERY_IDS) t.diagnostic(`query ids: ${ids.join(' ')}`);
    assert.equal(ids.length, STATEMENTS.length, `one query id per statement:\n${ids.join('\n')}`);
    const ours = STATEMENTS.map((sql) => fingerprintSql(mapSchemas(sql, DEFAULT_SCHEMA_MAP)).fingerprint);
    const disagree: number[] = [];
    for (let i = 0; i < STATEMENTS.length; i++) if (group(ours, i) !== group(ids, i)) disagree.push(i);
    const agreement = (STATEMENTS.length - disagree.length) / STATEMENTS.length;
    let pairs = 0;
    let pairsAgree = 0;
    for (let i = 0; i < STATEMENTS.length; i++) {
      for (let j = i + 1; j < STATEMENTS.length; j++) {
        pairs++;
        if ((ours[i] === ours[j]) === (ids[i] === ids[j])) pairsAgree++;
      }
    }
    t.diagnostic(`agreement with pg_stat_statements: ${STATEMENTS.length - disagree.length} of ${STATEMENTS.length} statements (${(agreement * 100).toFixed(0)}%), ${pairsAgree} of ${pairs} pairs; ${groups(ids)} query ids, ${groups(ours)} fingerprints`);
    for (const i of disagree) t.diagnostic(`  apart by design (${DECIDED_APART.get(i) ?? 'NOT DECIDED'}): ${STATEMENTS[i]!.replace(/\s+/g, ' ')}  [ours ${group(ours, i)}; PostgreSQL ${group(ids, i)}]`);
    assert.deepEqual(disagree, [...DECIDED_APART.keys()].toSorted((a, b) => a - b), 'the statements grouped differently are exactly the documented decisions');
    for (const [a, b] of NORMALISED_PAIRS) {
      assert.equal(ids[a], ids[b], `PostgreSQL merges: ${STATEMENTS[a]} / ${STATEMENTS[b]}`);
      assert.equal(ours[a], ours[b], `flightdeck merges: ${STATEMENTS[a]} / ${STATEMENTS[b]}`);
    }
  } finally {
    cluster.stop();
  }
});
