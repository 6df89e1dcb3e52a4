/**
 * The PostgreSQL backend runs a transaction again when the server aborts it
 * as a deadlock (SQLSTATE 40P01): two transactions on separate pools lock
 * two rows in opposite orders, the server picks one as the victim, and both
 * still commit — the victim's work once, not twice. Skipped with a
 * one-line reason when no server answers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresBackend } from '../../store/postgres-backend.ts';
import { createPgDatabase, dropPgDatabases, execPg, pgStoreUnavailable } from '../helpers/pg-store.ts';

const skip = (await pgStoreUnavailable()) ?? undefined;
if (skip) console.log(`skipping the PostgreSQL retry test: ${skip}`);
after(() => dropPgDatabases());

test('a transaction aborted as a deadlock is run again, and both writers commit once', { skip }, async () => {
  const url = await createPgDatabase();
  await execPg(url, 'CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0)');
  const [a, b] = await Promise.all([openPostgresBackend(url, false), openPostgresBackend(url, false)]);
  // both hold their first row before either asks for its second
  let arrive!: () => void;
  const arrived = new Promise<void>((r) => (arrive = r));
  let waiting = 2;
  const meet = () => {
    if (--waiting === 0) arrive();
    return arrived;
  };
  const attempts = { a: 0, b: 0 };
  const writer = (name: 'a' | 'b', first: number, second: number, add: number) =>
    (name === 'a' ? a : b).transaction(async (tx) => {
      attempts[name]++;
      await tx.run('UPDATE t SET v = v + ? WHERE id = ?', [add, first]);
      if (attempts[name] === 1) await meet();
      await tx.run('UPDATE t SET v = v + ? WHERE id = ?', [add, second]);
    });
  try {
    await Promise.all([writer('a', 1, 2, 1), writer('b', 2, 1, 10)]);
    assert.equal(attempts.a + attempts.b, 3, `one of them ran twice: ${JSON.stringify(attempts)}`);
    assert.deepEqual(await a.all('SELECT id, v FROM t ORDER BY id'), [{ id: 1, v: 11 }, { id: 2, v: 11 }]);
  } finally {
    await a.close();
    await b.close();
  }
});
