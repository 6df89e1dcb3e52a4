import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLeasedDatabase, storeWaitMs } from '../../store/duckdb-lease.ts';
import { waitersDir } from '../../store/lease-waiters.ts';
import { isBusyError } from '../../store/store-busy.ts';

const WORKER = fileURLToPath(new URL('../fixtures/lease/lease-worker.ts', import.meta.url));
/** no child lives longer than this: a hang fails the test instead of stalling the suite */
const CHILD_LIMIT_MS = 60_000;

interface Child {
  readonly proc: ChildProcess;
  /** resolves with the first line carrying this event */
  event(name: string): Promise<Record<string, unknown>>;
  /** the final line: `{ done }` or `{ error }` */
  readonly result: Promise<{ done?: Record<string, unknown>; error?: { code: string; message: string } }>;
}

function worker(op: Record<string, unknown>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(op)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const listeners: (() => void)[] = [];
  let buffer = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, i)) as Record<string, unknown>);
      buffer = buffer.slice(i + 1);
      for (const l of listeners) l();
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const limit = setTimeout(() => proc.kill('SIGKILL'), CHILD_LIMIT_MS);
  const exited = new Promise<void>((r) => proc.on('exit', () => (clearTimeout(limit), r())));
  const result = exited.then(() => {
    const last = lines.find((l) => 'done' in l || 'error' in l);
    if (!last) throw new Error(`worker ${JSON.stringify(op)} ended without a result (signal ${proc.signalCode}): ${stderr}`);
    return last as { done?: Record<string, unknown>; error?: { code: string; message: string } };
  });
  result.catch(() => {}); // a worker the test kills on purpose has no result, and nobody asks for it
  return {
    proc,
    event: (name) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => l.event === name);
          if (hit) resolve(hit);
        };
        listeners.push(check);
        check();
        void exited.then(() => setImmediate(() => reject(new Error(`worker exited before "${name}": ${JSON.stringify(lines)} ${stderr}`))));
      }),
    result,
  };
}

async function withStore(fn: (path: string, dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'fd-lease-'));
  const path = join(dir, 'store.duckdb');
  const db = await openLeasedDatabase(path);
  await db.run('CREATE TABLE items (tag VARCHAR, n INTEGER, pid INTEGER)');
  db.close();
  try {
    await fn(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(what: string, check: () => boolean, limitMs = 30_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a writer writing in a loop and a reader counting share the file: both succeed, the reader sees the count grow', async () => {
  await withStore(async (path, dir) => {
    const stop = join(dir, 'stop');
    const reader = worker({ op: 'read', store: path, stop });
    const writer = worker({ op: 'write', store: path, tag: 'a', ms: 2000 });
    const w = await writer.result;
    writeFileSync(stop, '');
    const r = await reader.result;
    assert.equal(w.error, undefined, JSON.stringify(w.error));
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const written = Number(w.done!.written);
    const counts = r.done!.counts as number[];
    assert.ok(written > 0);
    assert.deepEqual(counts.toSorted((x, y) => x - y), counts, 'counts never go back');
    assert.equal(counts.at(-1), written, 'the last read, after the writer ended, sees every row');
    assert.ok(counts.some((n) => n > 0 && n < written), `the reader read while the writer was writing: ${counts.join(',')}`);
  });
});

test('two writers interleave inserts into one table: every row is there, each saw the other', async () => {
  await withStore(async (path) => {
    const a = worker({ op: 'write', store: path, tag: 'a', rows: 20, until: 'b' });
    const b = worker({ op: 'write', store: path, tag: 'b', rows: 20, until: 'a' });
    const [ra, rb] = await Promise.all([a.result, b.result]);
    assert.equal(ra.error, undefined, JSON.stringify(ra.error));
    assert.equal(rb.error, undefined, JSON.stringify(rb.error));
    assert.equal(ra.done!.sawOther, true);
    assert.equal(rb.done!.sawOther, true);
    const db = await openLeasedDatabase(path, { readOnly: true });
    const rows = await db.all('SELECT tag, count(*) AS n, count(DISTINCT n) AS d FROM items GROUP BY tag ORDER BY tag');
    db.close();
    assert.deepEqual(
      rows.map((r) => [r.tag, Number(r.n), Number(r.d)]),
      [['a', ra.done!.written, ra.done!.written], ['b', rb.done!.written, rb.done!.written]],
    );
  });
});

test('a holder killed with SIGKILL mid-hold: the waiter gets the file, stale records of dead processes are ignored and removed', async () => {
  await withStore(async (path) => {
    // a waiter that crashed long ago, first in the queue: must not block anyone
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(waitersDir(path), { recursive: true });
    const stale = join(waitersDir(path), `${'1'.padStart(15, '0')}-${dead.pid}-00000000-write`);
    writeFileSync(stale, '');

    const holder = worker({ op: 'hold', store: path });
    await holder.event('holding');
    const opener = worker({ op: 'open', store: path, readOnly: true, waitMs: 30_000 });
    await until('the opener to announce itself', () => readdirSync(waitersDir(path)).some((f) => f.includes(`-${opener.proc.pid}-`)));
    holder.proc.kill('SIGKILL');
    const r = await opener.result;
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.done!.count, 0);
    assert.equal(existsSync(stale), false, 'the dead waiter record was removed');
    assert.deepEqual(readdirSync(waitersDir(path)).filter((f) => f !== 'released'), [], 'the opener withdrew its record');
  });
});

test('a holder that never lets go: the waiter fails after its bound with the busy error naming the holder', async () => {
  await withStore(async (path) => {
    const holder = worker({ op: 'hold', store: path });
    try {
      const { pid } = await holder.event('holding');
      const r = await worker({ op: 'open', store: path, readOnly: true, waitMs: 1000 }).result;
      assert.equal(r.error?.code, 'environment-error');
      assert.match(r.error!.message, /is busy/);
      assert.match(r.error!.message, new RegExp(`PID ${pid}: .*lease-worker\\.ts.*\\) has it open for writing and did not let go of it within \\d+\\.\\d s`));
      assert.match(r.error!.message, /FLIGHTDECK_STORE_WAIT/);
    } finally {
      holder.proc.kill('SIGKILL');
      await holder.result.catch(() => {});
    }
  });
});

test('readers hold the file together; a writer waits for them and, past its bound, names one', async () => {
  await withStore(async (path) => {
    const reader = worker({ op: 'hold', store: path, readOnly: true });
    try {
      const { pid } = await reader.event('holding');
      const second = await worker({ op: 'open', store: path, readOnly: true, waitMs: 1000 }).result;
      assert.equal(second.error, undefined, JSON.stringify(second.error));
      const writer = await worker({ op: 'open', store: path, readOnly: false, waitMs: 1000 }).result;
      assert.equal(writer.error?.code, 'environment-error');
      assert.match(writer.error!.message, new RegExp(`busy: another process \\(PID ${pid}: .*\\) has it open for reading`));
    } finally {
      reader.proc.kill('SIGKILL');
      await reader.result.catch(() => {});
    }
  });
});

test('readers reading in a loop, overlapping, do not starve a writer: it writes while they read', async () => {
  await withStore(async (path, dir) => {
    const stop = join(dir, 'stop');
    const readers = [worker({ op: 'read', store: path, stop }), worker({ op: 'read', store: path, stop })];
    try {
      await Promise.all(readers.map((r) => r.event('reading')));
      const w = await worker({ op: 'write', store: path, tag: 'w', rows: 5 }).result;
      assert.equal(w.error, undefined, JSON.stringify(w.error));
      assert.equal(w.done!.written, 5);
    } finally {
      writeFileSync(stop, '');
    }
    for (const r of readers) {
      const result = await r.result;
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal((result.done!.counts as number[]).at(-1), 5);
    }
  });
});

test('fair order: an acquirer lets an earlier waiter it conflicts with go first; readers do not queue behind readers', async () => {
  await withStore(async (path) => {
    // a live process standing in the waiting room (it never opens the file)
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      mkdirSync(waitersDir(path), { recursive: true });
      // a second before this process starts waiting (a tie within one millisecond is broken by PID)
      const plant = (mode: string) => {
        for (const f of readdirSync(waitersDir(path))) rmSync(join(waitersDir(path), f));
        writeFileSync(join(waitersDir(path), `${String(Date.now() - 1000).padStart(15, '0')}-${sleeper.pid}-0000abcd-${mode}`), '');
      };
      plant('write');
      await assert.rejects(openLeasedDatabase(path, { readOnly: true, waitMs: 300 }), new RegExp(`is busy: other processes \\(PID ${sleeper.pid}\\) were waiting for it before this one and still were after \\d+\\.\\d s`));
      plant('read');
      const reader = await openLeasedDatabase(path, { readOnly: true, waitMs: 300 });
      reader.close();
      await assert.rejects(openLeasedDatabase(path, { waitMs: 300 }), (err) => isBusyError(err) && new RegExp(`PID ${sleeper.pid}`).test(err.message));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});

test('an idle lease lets go of the file for another process and takes it back when used again', async () => {
  await withStore(async (path) => {
    const db = await openLeasedDatabase(path);
    try {
      await db.run(`INSERT INTO items VALUES ('t', 1, 0)`);
      const r = await worker({ op: 'open', store: path, readOnly: false, waitMs: 30_000 }).result;
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.equal(r.done!.count, 1);
      await db.run(`INSERT INTO items VALUES ('t', 2, 0)`);
      assert.equal(Number((await db.all('SELECT count(*) AS n FROM items'))[0]!.n), 2);
    } finally {
      db.close();
    }
  });
});

test('in one process, leases on one file share one handle; holds nest; a transaction is one hold; holds of two leases take turns', async () => {
  await withStore(async (path) => {
    const writer = await openLeasedDatabase(path);
    const reader = await openLeasedDatabase(path, { readOnly: true });
    try {
      const seen = await writer.hold(async () => {
        await writer.run('BEGIN TRANSACTION');
        await writer.run(`INSERT INTO items VALUES ('x', 1, 0)`);
        const inside = Number((await reader.all('SELECT count(*) AS n FROM items'))[0]!.n);
        await writer.run('ROLLBACK');
        return inside;
      });
      assert.equal(seen, 1, 'the read inside the hold ran on the same connection, in the transaction');
      assert.equal(Number((await reader.all('SELECT count(*) AS n FROM items'))[0]!.n), 0);
      assert.equal(writer.isOpen, true);
      // two transactions at once through two leases of the file: they take turns on its one connection
      const other = await openLeasedDatabase(path);
      const tx = (db: typeof writer, tag: string) =>
        db.hold(async () => {
          await db.run('BEGIN TRANSACTION');
          await db.run('INSERT INTO items VALUES (?, 1, 0)', [tag]);
          await new Promise((r) => setTimeout(r, 20));
          await db.run('INSERT INTO items VALUES (?, 2, 0)', [tag]);
          await db.run('COMMIT');
        });
      await Promise.all([tx(writer, 'p'), tx(other, 'q')]);
      other.close();
      assert.equal(Number((await reader.all('SELECT count(*) AS n FROM items'))[0]!.n), 4);
    } finally {
      writer.close();
      reader.close();
    }
    assert.equal(writer.isOpen, false, 'closing the last lease lets go of the file');
  });
});

test('in one process, a writer opening beside a reader reopens the shared handle for writing; work a hold left behind takes its own hold', async () => {
  await withStore(async (path) => {
    // the first lease's options are the shared handle's: let go after 10 ms idle
    const reader = await openLeasedDatabase(path, { readOnly: true, idleMs: 10 });
    const writer = await openLeasedDatabase(path);
    try {
      await writer.run(`INSERT INTO items VALUES ('w', 1, 0)`);
      assert.equal(Number((await reader.all('SELECT count(*) AS n FROM items'))[0]!.n), 1);
      let later: Promise<number> | undefined;
      await writer.hold(async () => {
        later = new Promise((resolve, reject) => setTimeout(() => reader.all('SELECT count(*) AS n FROM items').then((r) => resolve(Number(r[0]!.n)), reject), 150));
      });
      writer.close();
      assert.equal(await later, 1, 'the read started by the hold, after it ended, opened the file itself');
    } finally {
      writer.close();
      reader.close();
    }
  });
});

test('FLIGHTDECK_STORE_WAIT is seconds; anything else is a usage error', () => {
  assert.equal(storeWaitMs({}), 60_000);
  assert.equal(storeWaitMs({ FLIGHTDECK_STORE_WAIT: '0.5' }), 500);
  assert.throws(() => storeWaitMs({ FLIGHTDECK_STORE_WAIT: '10s' }), /FLIGHTDECK_STORE_WAIT=10s: expected seconds/);
});
