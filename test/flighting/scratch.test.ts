/**
 * Writes run on a scratch copy (flighting/execute/scratch.ts): the snapshot's
 * bytes never change, the written table is summarised like a query result
 * (so base and head compare writes the way they compare queries), the copy is
 * gone afterwards, and anything that is not one plain write is refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../compiler/builds/open-build.ts';
import type { Build } from '../../compiler/builds/build.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { executeWriteOnScratch, writeTarget } from '../../flighting/execute/scratch.ts';
import type { ExecuteResult, ResultSummary } from '../../flighting/execute/execute-result.ts';
import { checksum } from '../security/hostile.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-scratch-test-'));
const scratchDir = join(dir, 'scratch');
let snapshot = '';
let snapshotSum = '';
let reader: Build;

before(async () => {
  snapshot = (await generateShop({ scale: 0.001, outDir: dir, seed: 9 })).dbPath;
  snapshotSum = checksum(snapshot);
  mkdirSync(scratchDir);
  reader = await openBuild('duckdb', { catalogPath: snapshot, timeoutMs: 30_000 });
});

after(async () => {
  await reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function query(sql: string, maxRows = 0): Promise<ResultSummary> {
  const r = await reader.execute!(sql, { mode: 'result', maxRows });
  assert.ok(r.ok && r.result, JSON.stringify(r));
  return r.ok ? r.result! : (undefined as never);
}

function summaryOf(r: ExecuteResult): ResultSummary {
  assert.ok(r.ok && r.result, JSON.stringify(r));
  return r.ok ? r.result! : (undefined as never);
}

function assertUntouched(): void {
  assert.equal(checksum(snapshot), snapshotSum, 'the snapshot changed');
  assert.equal(existsSync(`${snapshot}.wal`), false, 'the snapshot got a WAL');
  assert.deepEqual(readdirSync(scratchDir), [], 'the scratch copy was left behind');
}

test('a DELETE template leaves the snapshot byte for byte as it was and reports the rows left', async () => {
  const cutoff = "TIMESTAMP '2024-06-01 00:00:00'";
  const r = await executeWriteOnScratch(snapshot, `DELETE FROM events WHERE event_time < ${cutoff}`, { scratchDir });
  const written = summaryOf(r);
  const left = await query(`SELECT * FROM events WHERE NOT (event_time < ${cutoff}) ORDER BY event_id`);
  const all = await query('SELECT count(*) FROM events', 1);
  assert.ok(left.rowCount > 0 && left.rowCount < Number(all.rows![0]![0]), 'the template deletes some rows, not all');
  assert.equal(written.rowCount, left.rowCount);
  assert.deepEqual(written.columnChecksums, left.columnChecksums, 'the rows left are exactly the ones not deleted');
  assert.equal(written.rowChecksum, left.rowChecksum);
  assertUntouched();
});

test('UPDATE, INSERT and CREATE TABLE AS: the written table summarised (only the updated column changes)', async () => {
  const original = await query('SELECT * FROM orders');
  const updated = summaryOf(await executeWriteOnScratch(snapshot, "UPDATE orders SET status = 'shipped' WHERE status = 'paid'", { scratchDir }));
  assert.equal(updated.rowCount, original.rowCount);
  updated.columns.forEach((c, i) => {
    if (c.name === 'status') assert.notEqual(updated.columnChecksums[i], original.columnChecksums[i]);
    else assert.equal(updated.columnChecksums[i], original.columnChecksums[i], c.name);
  });
  const inserted = summaryOf(await executeWriteOnScratch(snapshot, "INSERT INTO events VALUES (99999999, 1, 1, 'view', TIMESTAMP '2024-06-01 10:00:00', 'abc', 'mobile')", { scratchDir, maxRows: 0 }));
  const events = await query('SELECT * FROM events');
  assert.equal(inserted.rowCount, events.rowCount + 1);
  const created = summaryOf(await executeWriteOnScratch(snapshot, '/* nightly */ CREATE TABLE paid AS SELECT order_id, total FROM orders WHERE status = \'paid\'', { scratchDir, maxRows: 2 }));
  const paid = await query("SELECT order_id, total FROM orders WHERE status = 'paid'");
  assert.equal(created.rowCount, paid.rowCount);
  assert.deepEqual(created.columnChecksums, paid.columnChecksums);
  assert.equal(created.rows?.length, 2);
  assertUntouched();
});

test('anything but one plain write is refused (unsupported) and nothing is written anywhere', async () => {
  const out = join(dir, 'out');
  mkdirSync(out);
  for (const sql of [
    'SELECT * FROM orders',
    'DELETE FROM orders; DELETE FROM customers',
    `COPY orders TO '${join(out, 'orders.csv')}'`,
    `INSERT INTO orders SELECT * FROM read_csv('/etc/passwd')`,
    `ATTACH '${join(out, 'x.duckdb')}' AS x`,
    'WITH q AS (SELECT 1) DELETE FROM orders',
    'CREATE VIEW v AS SELECT 1',
    'DROP TABLE orders',
    "SET enable_external_access = true",
  ]) {
    const r = await executeWriteOnScratch(snapshot, sql, { scratchDir });
    assert.equal(r.ok, false, sql);
    if (!r.ok) assert.equal(r.status, 'unsupported', `${sql}: ${JSON.stringify(r.error)}`);
  }
  const bad = await executeWriteOnScratch(snapshot, 'DELETE FROM nowhere', { scratchDir });
  assert.equal(!bad.ok && bad.status, 'error');
  assert.deepEqual(readdirSync(out), []);
  assertUntouched();
});

test('writeTarget reads the table from the statement head (quoted, qualified, after comments)', () => {
  assert.equal(writeTarget('  -- x\n/* y */ delete from main."Odd ""name"" "  where 1'), 'main."Odd ""name"" "');
  assert.equal(writeTarget('INSERT OR REPLACE INTO s . t VALUES (1)'), 's.t');
  assert.equal(writeTarget('create or replace temp table if not exists x as select 1'), 'x');
  assert.equal(writeTarget('UPDATE orders SET a = 1'), 'orders');
});
