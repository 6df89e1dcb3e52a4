import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { importLogs } from '../../../corpus/templates/import.ts';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'logs');

test('entries fold into templates with counts, durations, users, projects, priorities and weights', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-import-'));
  try {
    const log = join(dir, 'q.jsonl');
    writeFileSync(
      log,
      [
        { sql: 'select * from orders where id = 1', user: 'ana', project: 'p1', duration_ms: 10, priority: 2, ts: '2026-01-02' },
        { sql: 'SELECT * FROM orders WHERE id = 99', user: 'bo', project: 'p1', duration_ms: 30, priority: 1, ts: '2026-01-01' },
        { sql: 'select * from orders where id = 5', user: 'ana', project: 'p2', status: 'error', ts: '2026-01-03' },
        { sql: "select name from customers where city in ('a', 'b')", user: 'cy', duration_ms: 60 },
        { sql: 'insert into orders values (1)', user: 'cy' },
        { sql: 'select * from t where s = \'open', user: 'cy' },
      ].map((o) => JSON.stringify(o)).join('\n') + '\n',
    );
    const r = await importLogs([log]);
    assert.equal(r.entries, 4);
    assert.equal(r.rejected, 2);
    assert.equal(r.templates.length, 2);
    const [orders, customers] = r.templates;
    assert.equal(orders!.normalized, 'select * from orders where id = ?');
    assert.equal(orders!.sql, 'select * from orders where id = 1');
    assert.equal(orders!.count, 3);
    assert.equal(orders!.errorCount, 1);
    assert.equal(orders!.totalDurationMs, 40);
    assert.equal(orders!.meanDurationMs, 20);
    assert.equal(orders!.weight, 0.75);
    assert.equal(orders!.durationShare, 0.4);
    assert.deepEqual(orders!.users, ['ana', 'bo']);
    assert.deepEqual(orders!.projects, ['p1', 'p2']);
    assert.deepEqual(orders!.priorities, [1, 2]);
    assert.deepEqual([orders!.firstSeen, orders!.lastSeen], ['2026-01-01', '2026-01-03']);
    assert.equal(customers!.count, 1);
    assert.deepEqual(r.skippedByKind, { insert: 1 });
    assert.deepEqual(r.rejects.map((x) => [x.reason, x.count, x.kept, x.examples.map((e) => e.line)]), [['malformed-sql', 1, false, [6]], ['not-a-query', 1, false, [5]]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a template our parser cannot read is reported with line numbers but kept: other builds may read it', async () => {
  const r = await importLogs([join(FIX, 'native.jsonl')], { validate: (sql) => (sql.includes('customers where city') ? 'syntax error at line 1' : null) });
  const flagged = r.rejects.find((x) => x.reason === 'unparsable-sql');
  assert.equal(flagged?.count, 1);
  assert.equal(flagged?.kept, true);
  assert.equal(flagged?.examples[0]?.line, 9);
  assert.ok(r.templates.some((t) => t.sql.includes('customers where city')));
  // dropped lines are the others
  assert.equal(r.rejected, r.rejects.filter((x) => !x.kept).reduce((n, x) => n + x.count, 0));
});

test('several logs of different formats import into one workload; the stderr copy of a csvlog is skipped, not counted twice', async () => {
  // the two PostgreSQL fixtures are the stderr and csvlog copies of one server's log
  const r = await importLogs([join(FIX, 'native.jsonl'), join(FIX, 'pg-stderr.log'), join(FIX, 'pg-csvlog.csv')]);
  assert.deepEqual(r.files.map((f) => f.format), ['jsonl', 'pg-csvlog']);
  assert.equal(r.warnings?.length, 1);
  assert.match(r.warnings![0]!, /skipping 1 stderr file \(pg-stderr\.log\)/);
  const t = r.templates.find((x) => x.normalized.startsWith('select o.id, o.total from orders o where o.customer_id = ?'));
  assert.equal(t?.count, 1);
  assert.ok(r.templates.some((x) => x.firstSource.file.endsWith('native.jsonl')));
});

test('memory stays flat while streaming a large log (bounded by templates, not lines)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-import-big-'));
  try {
    const log = join(dir, 'big.jsonl');
    const out = createWriteStream(log);
    const lines = 200_000;
    for (let i = 0; i < lines; i++) {
      const line = JSON.stringify({ sql: `select * from t${i % 50} where id = ${i} and name = 'user-${i}-${'x'.repeat(200)}'`, duration_ms: i % 7 }) + '\n';
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const r = await importLogs([log], { progressEvery: 20_000, onProgress: () => (peak = Math.max(peak, process.memoryUsage().heapUsed)) });
    assert.equal(r.entries, lines);
    assert.equal(r.templates.length, 50);
    // the file is ~50 MB; a reader that held it would grow the heap by far more than this
    assert.ok(peak - before < 40 * 1024 * 1024, `heap grew by ${((peak - before) / 1e6).toFixed(1)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
