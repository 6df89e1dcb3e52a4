/**
 * PostgreSQL stores for tests, on the machine's server (FLIGHTDECK_TEST_PG,
 * default postgresql://postgres@127.0.0.1:5432, trust auth): each store is a
 * database of its own, `flightdeck_test_<random>`, dropped when the test file
 * ends. `pgStoreUnavailable()` says in one line why no server answers, for
 * `test(..., { skip })`.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const PG_SERVER = (process.env.FLIGHTDECK_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres`, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let unavailable: Promise<string | null> | undefined;

/** null when the server answers; else why not, in one line (with what to do) */
export function pgStoreUnavailable(): Promise<string | null> {
  unavailable ??= admin(async (c) => {
    await c.query('SELECT 1');
    return null;
  }).catch((err: Error) => `no PostgreSQL server at ${PG_SERVER} (${err.message.split('\n')[0]}): start one (trust auth for user postgres) or set FLIGHTDECK_TEST_PG to run the PostgreSQL store tests`);
  return unavailable;
}

const created: string[] = [];

/** A new, empty database; its URL names the store. */
export async function createPgDatabase(): Promise<string> {
  const name = `flightdeck_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return `${PG_SERVER}/${name}`;
}

/** Run SQL in a test database directly (not through a store): setting up what a store must refuse. */
export async function execPg(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drop every database this process created (forcing out connections a failed test left open). */
export async function dropPgDatabases(): Promise<void> {
  if (!created.length) return;
  const names = created.splice(0);
  await admin(async (c) => {
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
