/**
 * runConcurrently (the snapshot's two connections): a task starts only after
 * the tasks it waits for, two run at once on real DuckDB connections of one
 * instance, the task heading the costliest chain starts first, and a failure
 * stops new tasks, lets the running one finish, and is the error thrown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { runConcurrently, type Task } from '../../flighting/desensitize/concurrent.ts';

async function twoConnections(): Promise<[Database, Database]> {
  const db = await openDatabase(':memory:');
  await db.run(`ATTACH ':memory:' AS shared`);
  return [db, await db.connect()];
}

test('tasks wait for the tasks they read, and two run at once on two connections', async () => {
  const [a, b] = await twoConnections();
  try {
    const log: string[] = [];
    let open = 0;
    let overlap = 0;
    const task = (id: string, after: string[], sql: string): Task => ({
      id, after,
      run: async (db) => {
        log.push(`start ${id}`);
        open++;
        overlap = Math.max(overlap, open);
        await db.run(sql);
        open--;
        log.push(`end ${id}`);
      },
    });
    await runConcurrently([a, b], [
      task('x', [], 'CREATE TABLE shared.x AS SELECT range AS v FROM range(300000)'),
      task('y', [], 'CREATE TABLE shared.y AS SELECT range AS v FROM range(300000)'),
      task('xy', ['x', 'y'], 'CREATE TABLE shared.xy AS SELECT count(*) AS n FROM shared.x JOIN shared.y USING (v)'),
    ]);
    assert.ok(log.indexOf('start xy') > log.indexOf('end x') && log.indexOf('start xy') > log.indexOf('end y'), log.join(', '));
    assert.equal(overlap, 2, 'x and y ran at the same time');
    assert.equal(Number((await a.all('SELECT n FROM shared.xy'))[0]!.n), 300000);
  } finally {
    b.close();
    a.close();
  }
});

test('of the ready tasks, the one heading the costliest chain of work starts first; the given order breaks ties', async () => {
  const db = await openDatabase(':memory:');
  try {
    const order: string[] = [];
    const task = (id: string, cost: number, after: string[] = []): Task => ({ id, after, cost, run: async () => { order.push(id); } });
    await runConcurrently([db], [
      task('small', 1), task('mid', 50), task('tie', 50), task('gate', 1, []), task('big', 100, ['gate']), task('key', 20, ['big']), task('free', 0),
    ]);
    // gate heads gate → big → key (121): first, though it is listed late; then big + key (120), then mid before tie (same cost, listed first)
    assert.deepEqual(order, ['gate', 'big', 'mid', 'tie', 'key', 'small', 'free']);
  } finally {
    db.close();
  }
});

test('a task waiting for several counts them all: its inputs outrank a longer single chain; urgent tasks and their inputs go first', async () => {
  const db = await openDatabase(':memory:');
  try {
    const run = async (tasks: Task[]) => {
      const order: string[] = [];
      await runConcurrently([db], tasks.map((t) => ({ ...t, run: async () => { order.push(t.id); } })));
      return order;
    };
    const task = (id: string, cost: number, after: string[] = [], urgent = false): Task => ({ id, after, cost, urgent, run: async () => {} });
    // t waits for a, b and c (30 each) and costs 10: each input heads 30 + 10 + the other two's 60 = 100 > long (90); t alone, 10 < 90
    assert.deepEqual(await run([task('long', 90), task('a', 30), task('b', 30), task('c', 30), task('t', 10, ['a', 'b', 'c'])]), ['a', 'b', 'c', 'long', 't']);
    // alone, an input would head 30 + 10 = 40 and wait behind long
    assert.deepEqual(await run([task('long', 90), task('a', 30), task('t', 10, ['a'])]), ['long', 'a', 't']);
    // among the inputs of one task, the costliest first
    assert.deepEqual(await run([task('a', 10), task('b', 10), task('c', 100), task('t', 5, ['a', 'b', 'c'])]), ['c', 'a', 'b', 't']);
    // an input reached through another is counted once: p → t → d and p → d is a chain of 60, behind long (100)
    assert.deepEqual(await run([task('long', 100), task('p', 10), task('t', 10, ['p']), task('d', 40, ['t', 'p'])]), ['long', 'p', 't', 'd']);
    // an urgent task (a small table whose rows are logged) and the lookup it reads start before the costlier chains
    assert.deepEqual(await run([task('big', 100), task('lookup', 5), task('small', 10, ['lookup'], true), task('mid', 50)]), ['lookup', 'small', 'big', 'mid']);
  } finally {
    db.close();
  }
});

test('a failure starts nothing more, lets the running task finish, and is thrown', async () => {
  const [a, b] = await twoConnections();
  try {
    const ran: string[] = [];
    let slowDone = false;
    let failed = () => {};
    const badFailed = new Promise<void>((resolve) => (failed = resolve));
    await assert.rejects(runConcurrently([a, b], [
      // still running when 'bad' fails
      { id: 'slow', after: [], run: async (db) => { await db.run('CREATE TABLE shared.s AS SELECT count(*) FROM range(300000)'); await badFailed; slowDone = true; } },
      { id: 'bad', after: [], run: (db) => db.run('SELECT * FROM no_such_table').finally(() => setImmediate(failed)) },
      { id: 'later', after: ['bad'], run: async () => { ran.push('later'); } },
      { id: 'free', after: [], run: async () => { ran.push('free'); } },
    ]), /no_such_table/);
    assert.ok(slowDone, 'the running task finished before the error was thrown');
    assert.deepEqual(ran, [], 'no task started after the failure');
    await assert.rejects(runConcurrently([a], [{ id: 'p', after: ['q'], run: async () => {} }, { id: 'q', after: ['p'], run: async () => {} }]), /wait for each other/);
    await assert.rejects(runConcurrently([a], [{ id: 'p', after: ['nope'], run: async () => {} }]), /unknown task nope/);
  } finally {
    b.close();
    a.close();
  }
});
