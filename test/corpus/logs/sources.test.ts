/**
 * Where logs come from and how their bytes become text (issue #6 §2):
 * .gz logs, standard input, folders of logs, strict decoding with an
 * encoding, and lines over the size limit skipped as they stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog, expandLogPath } from '../../../corpus/logs/read-log.ts';
import { importLogs } from '../../../corpus/templates/import.ts';
import type { LogEntry, LogRecord, LogReject } from '../../../corpus/logs/types.ts';

async function collect(path: string, opts = {}): Promise<{ format: string; entries: LogEntry[]; rejects: LogReject[] }> {
  const { format, records } = await readLog(path, opts);
  const all: LogRecord[] = [];
  for await (const r of records) all.push(r);
  return { format, entries: all.filter((r): r is LogEntry => r.kind === 'entry'), rejects: all.filter((r): r is LogReject => r.kind === 'reject') };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'fd-sources-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const STDERR_LOG = '2024-03-01 10:00:00.123 UTC [1] LOG:  duration: 1.5 ms  statement: SELECT a\n\tFROM t\n2024-03-01 10:00:01.123 UTC [1] LOG:  statement: SELECT 2\n';

test('a .gz log is decompressed as it streams, and its format detected from the decompressed text', async (t) => {
  const dir = tempDir(t);
  const jsonl = join(dir, 'q.jsonl.gz');
  writeFileSync(jsonl, gzipSync('{"sql":"select 1","user":"ana"}\n{"sql":"select 2"}\n'));
  const j = await collect(jsonl);
  assert.equal(j.format, 'jsonl');
  assert.deepEqual(j.entries.map((e) => [e.sql, e.source.line]), [['select 1', 1], ['select 2', 2]]);
  const stderr = join(dir, 'postgresql.log.gz');
  writeFileSync(stderr, gzipSync(STDERR_LOG));
  const s = await collect(stderr);
  assert.equal(s.format, 'pg-stderr');
  assert.deepEqual(s.entries.map((e) => e.sql), ['SELECT a\nFROM t', 'SELECT 2']);
  const csv = join(dir, 'q.csv.gz');
  writeFileSync(csv, gzipSync('query,user\n"select\n 1",ana\n'));
  assert.deepEqual((await collect(csv)).entries.map((e) => [e.sql, e.source.line]), [['select\n 1', 2]]);
  const broken = join(dir, 'broken.jsonl.gz');
  writeFileSync(broken, gzipSync('{"sql":"select 1"}\n'.repeat(1000)).subarray(0, 40));
  await assert.rejects(collect(broken), (e: Error & { code?: string }) => e.code === 'io-error' && /broken\.jsonl\.gz/.test(e.message));
});

test('a folder of .jsonl/.csv/.log files is read as those logs, in name order; a folder of .sql files as before', async (t) => {
  const dir = tempDir(t);
  const logs = join(dir, 'logs');
  mkdirSync(join(logs, 'old'), { recursive: true });
  writeFileSync(join(logs, '2024-03-02.jsonl'), '{"sql":"select 2"}\n');
  writeFileSync(join(logs, '2024-03-01.jsonl.gz'), gzipSync('{"sql":"select 1"}\n'));
  writeFileSync(join(logs, 'old', 'postgresql-2024-02-28.log'), STDERR_LOG);
  writeFileSync(join(logs, 'notes.md'), 'not a log');
  assert.deepEqual((await expandLogPath(logs)).map((p) => p.slice(logs.length + 1)), ['2024-03-01.jsonl.gz', '2024-03-02.jsonl', 'old/postgresql-2024-02-28.log']);
  const r = await importLogs([logs]);
  assert.deepEqual(r.files.map((f) => f.format), ['jsonl', 'jsonl', 'pg-stderr']);
  assert.equal(r.entries, 4);
  const sqls = join(dir, 'sqls');
  mkdirSync(sqls);
  writeFileSync(join(sqls, 'q1.sql'), 'select 1;');
  writeFileSync(join(sqls, 'answers.csv'), 'not,a,log\n');
  assert.deepEqual(await expandLogPath(sqls), [sqls]);
});

test('a log that is not UTF-8 is refused with its line number; with --encoding it is decoded, never stored with replacement characters', async (t) => {
  const dir = tempDir(t);
  const latin1 = Buffer.concat([
    Buffer.from('{"sql":"select 1"}\n{"sql":"select 2"}\n'),
    Buffer.from('{"sql":"select * from t where city = \'Zürich\'"}\n', 'latin1'),
  ]);
  for (const [name, bytes] of [['q.jsonl', latin1], ['q.jsonl.gz', gzipSync(latin1)]] as const) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    await assert.rejects(collect(path), (e: Error & { code?: string; location?: { line?: number } }) => {
      assert.equal(e.code, 'usage-error');
      assert.equal(e.location?.line, 3);
      assert.match(e.message, /line 3 is not valid utf-8 \(byte 0xfc at byte 40 of the line\); .*--encoding/);
      return true;
    });
    const decoded = await collect(path, { encoding: 'latin1' });
    assert.equal(decoded.entries[2]?.sql, "select * from t where city = 'Zürich'");
  }
  // the head used for detection is decoded strictly too, and so are .sql folders and CSV
  const head = join(dir, 'head.jsonl');
  writeFileSync(head, Buffer.from('{"sql":"select \'é\'"}\n', 'latin1'));
  await assert.rejects(collect(head), /line 1 is not valid utf-8/);
  const sqls = join(dir, 'sqls');
  mkdirSync(sqls);
  writeFileSync(join(sqls, 'a.sql'), Buffer.from("select 1;\nselect 'é';\n", 'latin1'));
  await assert.rejects(collect(sqls), /a\.sql line 2 is not valid utf-8/);
  assert.deepEqual((await collect(sqls, { encoding: 'windows-1252' })).entries.map((e) => e.sql), ['select 1', "select 'é'"]);
  const csv = join(dir, 'q.csv');
  writeFileSync(csv, Buffer.from("query\nselect 1\n\"select 'é'\"\n", 'latin1'));
  await assert.rejects(collect(csv), /q\.csv line 3 is not valid utf-8/);
  await assert.rejects(readLog(csv, { encoding: 'klingon' }), /unknown encoding 'klingon'/);
  // valid UTF-8 that contains U+FFFD is not mistaken for a decoding error
  const fffd = join(dir, 'fffd.jsonl');
  writeFileSync(fffd, '{"sql":"select \'\uFFFD\'"}\n');
  assert.equal((await collect(fffd)).entries[0]?.sql, "select '\uFFFD'");
});

test('a statement over the limit is rejected too-large with its line, in every format, and reading goes on', async (t) => {
  const dir = tempDir(t);
  // ~240 KB: over the 72 KiB line limit that a 4 KiB statement limit gives
  const big = 'select ' + Array.from({ length: 30000 }, (_, i) => `c${i}`).join(', ') + ' from t';
  const opts = { maxStatementBytes: 4096 };
  const jsonl = join(dir, 'q.jsonl');
  writeFileSync(jsonl, [{ sql: 'select 1' }, { sql: big }, { sql: 'select 2' }].map((o) => JSON.stringify(o)).join('\n') + '\n');
  const j = await collect(jsonl, opts);
  assert.deepEqual(j.entries.map((e) => e.sql), ['select 1', 'select 2']);
  assert.deepEqual(j.rejects.map((r) => [r.reason, r.source.line]), [['too-large', 2]]);
  assert.match(j.rejects[0]!.message, /over the 4 KiB statement limit \(raise it with --max-statement-bytes\)/);
  const stderr = join(dir, 'pg.log');
  writeFileSync(stderr, `${STDERR_LOG}2024-03-01 10:00:02.123 UTC [1] LOG:  statement: ${big.replaceAll(', ', ',\n\t')}\n2024-03-01 10:00:03.123 UTC [1] LOG:  statement: SELECT 3\n`);
  const s = await collect(stderr, opts);
  assert.deepEqual(s.entries.map((e) => e.sql), ['SELECT a\nFROM t', 'SELECT 2', 'SELECT 3']);
  assert.deepEqual(s.rejects.map((r) => [r.reason, r.source.line]), [['too-large', 4]]);
  const csv = join(dir, 'q.csv');
  writeFileSync(csv, `query\nselect 1\n"${big.replaceAll(', ', ',\n')}"\nselect 2\n`);
  const c = await collect(csv, opts);
  assert.deepEqual(c.entries.map((e) => e.sql), ['select 1', 'select 2']);
  assert.deepEqual(c.rejects.map((r) => r.reason), ['too-large']);
  // raised, the limit lets it in; a statement under the line limit but over the statement limit is caught by the import
  const r = await importLogs([jsonl], { maxStatementBytes: 1024 * 1024 });
  assert.deepEqual([r.entries, r.rejected, r.templates.length], [3, 0, 2]);
  const r2 = await importLogs([jsonl], { maxStatementBytes: 200_000 });
  assert.deepEqual(r2.rejects.map((x) => [x.reason, x.count, x.examples[0]?.line]), [['too-large', 1, 2]]);
  assert.match(r2.rejects[0]!.examples[0]!.message, /^statement of 2\d\d\.\d KiB is over the 195\.3 KiB statement limit/);
});

test('memory stays bounded by the limit, not by a 64 MB line', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'huge.jsonl');
  const out = createWriteStream(path);
  out.write('{"sql":"select 1"}\n{"sql":"select ');
  const chunk = 'x, '.repeat(1024 * 1024);
  for (let i = 0; i < 21; i++) if (!out.write(chunk)) await once(out, 'drain');
  out.end(' from t"}\n{"sql":"select 2"}\n');
  await once(out, 'finish');
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const r = await importLogs([path], { progressEvery: 1, onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
  peak = Math.max(peak, process.memoryUsage().rss);
  assert.equal(r.entries, 2);
  assert.deepEqual(r.rejects.map((x) => [x.reason, x.examples[0]?.line]), [['too-large', 2]]);
  assert.match(r.rejects[0]!.examples[0]!.message, /^line of 6\d(\.\d)? MiB is over the 1 MiB statement limit/);
  // a reader that held the line (and JSON-parsed it, then fingerprinted it) would need several times 64 MB
  assert.ok(peak - before < 48 * 1024 * 1024, `rss grew by ${((peak - before) / 1e6).toFixed(1)} MB`);
});

test('a file that is not CSV read with --format csv stops with a usage error after 100 bad rows, instead of crawling through csv-parse errors', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'q.jsonl');
  writeFileSync(path, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ sql: `select ${i} from t`, user: 'a"b' })).join('\n') + '\n');
  for (const format of ['csv', 'pg-csvlog'] as const) {
    await assert.rejects(collect(path, { format }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'usage-error');
      assert.match(e.message, /q\.jsonl does not read as CSV: its first 100 rows are all bad \(line 1: .*\); is --format right\?/);
      return true;
    });
  }
  // a CSV with some bad rows among good ones is read as before
  const mixed = join(dir, 'mixed.csv');
  writeFileSync(mixed, 'query\n' + Array.from({ length: 300 }, (_, i) => (i % 3 ? `select ${i}` : `x "y" z`)).join('\n') + '\n');
  const m = await collect(mixed);
  assert.equal(m.entries.length, 200);
  assert.equal(m.rejects.length, 100);
});

test('a log whose format cannot be told is refused without echoing its literals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-fmt-'));
  try {
    const log = join(dir, 'odd.txt');
    writeFileSync(log, "select * from customers where email = 'rosa.tanaka1@mail.test';\n");
    const err = await importLogs([log]).then(() => null, (e: unknown) => e as Error);
    assert.ok(err, 'an unknown format is an error');
    assert.match(err.message, /cannot tell the format .*first line, literals left out: "select \* from customers where email = '…';"/);
    assert.ok(!err.message.includes('rosa.tanaka1'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
