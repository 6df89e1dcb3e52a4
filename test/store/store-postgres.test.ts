/**
 * What only the PostgreSQL store does (the shared cases are in
 * store.test.ts): several processes' stores writing the same and different
 * runs at once, with a reader reading meanwhile; opening a fresh store from
 * several stores at once (the migration lock); connection, database and
 * login failures as one-line environment errors that never print the
 * password. Skipped with a one-line reason when no server answers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/store.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { MIGRATIONS } from '../../store/migrations.ts';
import type { DiffRecord, OutcomeRecord } from '../../store/records.ts';
import { createPgDatabase, dropPgDatabases, PG_SERVER, pgStoreUnavailable } from '../helpers/pg-store.ts';
import { newRun, outcome, template } from './store-suite.ts';

const skip = (await pgStoreUnavailable()) ?? undefined;
if (skip) console.log(`skipping the PostgreSQL store tests: ${skip}`);
after(() => dropPgDatabases());

const TEMPLATES = 300;
const WRITERS = 4;
const BATCH = 25;

/** writer w's deliveries: every template of run A (all writers overlap there, each in its own order), its quarter of run B */
function deliveries(w: number): { outcomes: OutcomeRecord[]; diffs: DiffRecord[] }[] {
  const fps = Array.from({ length: TEMPLATES }, (_, i) => `fp${String(i).padStart(3, '0')}`);
  const a = [...fps.slice(w * 75), ...fps.slice(0, w * 75)];
  if (w % 2) a.reverse();
  const b = fps.filter((_, i) => i % WRITERS === w);
  const out: { outcomes: OutcomeRecord[]; diffs: DiffRecord[] }[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += BATCH) {
    const part = [...a.slice(i, i + BATCH).map((fp) => outcome('A', fp, 'plan-changed', `w${w}`)), ...b.slice(i, i + BATCH).map((fp) => outcome('B', fp, 'regressed', `w${w}`))];
    out.push({ outcomes: part, diffs: part.filter((o) => Number(o.fingerprint.slice(2)) % 2 === 0).map((o) => ({ runId: o.runId, fingerprint: o.fingerprint, edits: [], textDiff: '-', description: o.worker! })) });
  }
  return out;
}

test('concurrent writers (separate pools) on the same and different runs: every row once, and a reader reads meanwhile', { skip }, async () => {
  const url = await createPgDatabase();
  const setup = await Store.open(url);
  await setup.createRun({ ...newRun('A'), total: TEMPLATES });
  await setup.createRun({ ...newRun('B'), total: TEMPLATES });
  await setup.close();

  const writers = await Promise.all(Array.from({ length: WRITERS }, () => Store.open(url)));
  const reader = await Store.open(url, { readOnly: true });
  const state = { writing: true };
  const seen: number[] = [];
  const reading = (async () => {
    while (state.writing) {
      const run = (await reader.getRun('A'))!;
      const page = await reader.queryOutcomes({ runId: 'B', limit: 10, offset: 0 });
      assert.ok(page.rows.length <= 10 && page.total <= TEMPLATES);
      seen.push(run.done);
    }
  })();
  try {
    await Promise.all(
      writers.map(async (s, w) => {
        let n = 0;
        for (const d of deliveries(w)) {
          await s.saveOutcomes(d.outcomes, d.diffs);
          // a whole-run UPDATE beside the others' upserts (the deadlock-prone mix a coordinator makes)
          if (++n % 4 === 0) await s.updateImpacts('A');
        }
      }),
    );
  } finally {
    state.writing = false;
    await reading;
  }
  try {
    const check = writers[0]!;
    for (const run of ['A', 'B']) {
      assert.deepEqual(await check.query('SELECT count(*) AS n, count(DISTINCT fingerprint) AS d FROM outcomes WHERE run_id = ?', [run]), [{ n: String(TEMPLATES), d: String(TEMPLATES) }], run);
      assert.deepEqual(await check.query('SELECT count(*) AS n FROM diffs WHERE run_id = ?', [run]), [{ n: String(TEMPLATES / 2) }], run);
    }
    // run B's templates were each written by exactly one writer: its own
    const b = await check.getOutcomes('B');
    assert.ok(b.every((o) => o.worker === `w${Number(o.fingerprint.slice(2)) % WRITERS}`));
    // a diff is the one its outcome's writer delivered (a transaction writes both)
    const mismatched = await check.query(`SELECT count(*) AS n FROM outcomes o JOIN diffs d USING (run_id, fingerprint) WHERE d.description <> o.worker`);
    assert.deepEqual(mismatched, [{ n: '0' }]);
    assert.ok(seen.length > 0, 'the reader read while the writers wrote');
    assert.deepEqual(seen, seen.toSorted((x, y) => x - y), 'the reader never saw outcomes disappear');
  } finally {
    await reader.close();
    for (const s of writers) await s.close();
  }
});

test('stores opening a fresh database at once migrate it once', { skip }, async () => {
  const url = await createPgDatabase();
  const stores = await Promise.all(Array.from({ length: 4 }, () => Store.open(url)));
  try {
    assert.deepEqual(await stores[0]!.query('SELECT count(*) AS n FROM schema_migrations'), [{ n: String(MIGRATIONS.length) }]);
    for (const s of stores) assert.equal(await s.schemaVersion(), MIGRATIONS.at(-1)!.version);
  } finally {
    for (const s of stores) await s.close();
  }
});

test('two stores importing one workload and clustering one run at once take turns: no collision, one whole result', { skip }, async () => {
  const url = await createPgDatabase();
  const stores = await Promise.all([Store.open(url), Store.open(url)]);
  try {
    const w = { name: 'w', sources: [], entries: 1, rejected: 0, rejects: [] };
    const sets = [['1', '2', '3'], ['4', '5']].map((fps) => fps.map((fp) => template(fp, 1)));
    const cluster = (signature: string) => ({ signature, description: 'd', templates: 1, weight: 1, impact: 0, verdicts: {}, example: 'x' });
    for (let round = 0; round < 5; round++) {
      await Promise.all(stores.map((s, i) => s.saveWorkload(w, sets[i]!)));
      await Promise.all(stores.map((s, i) => s.saveClusters('r', i ? [cluster('a'), cluster('b')] : [cluster('a')])));
      const fps = (await stores[0]!.getTemplates('w')).map((t) => t.fingerprint);
      assert.ok(sets.some((set) => JSON.stringify(set.map((t) => t.fingerprint)) === JSON.stringify(fps)), fps.join());
      const clusters = (await stores[0]!.getClusters('r')).map((c) => c.signature).join();
      assert.ok(clusters === 'a' || clusters === 'a,b', clusters);
    }
  } finally {
    for (const s of stores) await s.close();
  }
});

/** the test server's URL with a user and password of our choosing */
function withLogin(user: string, database: string): string {
  const u = new URL(`${PG_SERVER}/${database}`);
  u.username = user;
  u.password = 's3cret-pw';
  return u.toString();
}

test('unreachable server, missing database, unknown role: one-line environment errors without the password', { skip }, async () => {
  const server = new URL(PG_SERVER);
  const cases: [string, RegExp][] = [
    [`postgresql://postgres:s3cret-pw@127.0.0.1:1/flightdeck`, /^cannot reach the store postgresql:\/\/postgres@127\.0\.0\.1:1\/flightdeck \(ECONNREFUSED\): start the PostgreSQL server or check the host and port/],
    [withLogin('postgres', 'flightdeck_no_such_db'), /^the store postgresql:\/\/postgres@.*\/flightdeck_no_such_db does not exist on that server: create the database \(createdb flightdeck_no_such_db\)/],
    [withLogin('flightdeck_no_such_role', 'postgres'), /^the store postgresql:\/\/flightdeck_no_such_role@.*\/postgres refused the login: check the user and password/],
  ];
  for (const [url, message] of cases) {
    for (const readOnly of [false, true]) {
      await assert.rejects(Store.open(url, { readOnly }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'environment-error', err.message);
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /s3cret|\n/);
        return true;
      });
    }
  }
  assert.ok(server.host);
});

test('a postgresql:// or postgres:// store is named as given, not made a path', () => {
  assert.equal(resolveStorePath('postgresql://u@h:5432/db'), 'postgresql://u@h:5432/db');
  assert.equal(resolveStorePath('postgres://u@h/db'), 'postgres://u@h/db');
  assert.match(resolveStorePath('rel/store.duckdb'), /^\/.*rel\/store\.duckdb$/);
});
