import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLog, detectFormat } from '../../../corpus/logs/read-log.ts';
import { mappingFrom } from '../../../corpus/logs/fields.ts';
import { splitStatements } from '../../../corpus/logs/sql-dir.ts';
import type { LogRecord, LogEntry, LogReject } from '../../../corpus/logs/types.ts';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'logs');

async function collect(path: string, opts = {}): Promise<{ format: string; entries: LogEntry[]; rejects: LogReject[] }> {
  const { format, records } = await readLog(path, opts);
  const all: LogRecord[] = [];
  for await (const r of records) all.push(r);
  return { format, entries: all.filter((r): r is LogEntry => r.kind === 'entry'), rejects: all.filter((r): r is LogReject => r.kind === 'reject') };
}

test('detects every format from the file itself', async () => {
  assert.equal(await detectFormat(join(FIX, 'native.jsonl')), 'jsonl');
  assert.equal(await detectFormat(join(FIX, 'mapped.csv')), 'csv');
  assert.equal(await detectFormat(join(FIX, 'pg-csvlog.csv')), 'pg-csvlog');
  assert.equal(await detectFormat(join(FIX, 'pg-stderr.log')), 'pg-stderr');
  assert.equal(await detectFormat(join(FIX, 'sql-dir')), 'sql-dir');
});

test('a missing log is a not-found error naming the path', async () => {
  await assert.rejects(readLog(join(FIX, 'nope.jsonl')), (e: Error & { code?: string }) => e.code === 'not-found' && /nope\.jsonl/.test(e.message));
});

test('JSON lines: fields mapped, bad lines rejected with reason and line number, reading goes on', async () => {
  const { entries, rejects } = await collect(join(FIX, 'native.jsonl'));
  assert.equal(entries.length, 4);
  assert.deepEqual(entries[0], {
    kind: 'entry', sql: 'select * from orders where id = 42', ts: '2026-11-01T10:00:00Z', user: 'ana', project: 'shop',
    durationMs: 12.5, status: 'ok', priority: 2, source: { file: join(FIX, 'native.jsonl'), line: 1 },
  });
  assert.equal(entries[2]!.sql, "update orders set status = 'paid' where id = 3");
  assert.equal(entries[3]!.priority, 3);
  assert.equal(entries[3]!.status, 'error');
  assert.deepEqual(rejects.map((r) => [r.reason, r.source.line]), [['malformed-json', 3], ['missing-sql', 4], ['malformed-json', 6], ['bad-field', 7]]);
});

test('CSV with a column mapping: multi-line quoted SQL keeps its first line number; bad rows rejected', async () => {
  const mapping = mappingFrom({ sql: 'query_text', ts: 'started', user: 'who', durationMs: 'elapsed_ms', project: 'db' });
  const { entries, rejects } = await collect(join(FIX, 'mapped.csv'), { mapping });
  assert.equal(entries[0]!.sql, 'select *\nfrom orders\nwhere id = 1');
  assert.equal(entries[0]!.source.line, 2);
  assert.equal(entries[0]!.user, 'ana');
  assert.equal(entries[0]!.durationMs, 5);
  assert.equal(entries[1]!.source.line, 5);
  assert.equal(entries.length, 2);
  assert.deepEqual(rejects.map((r) => r.reason).sort(), ['bad-csv-row', 'bad-field']);
  assert.equal(rejects.find((r) => r.reason === 'bad-field')!.source.line, 6);
});

test('PostgreSQL csvlog: statements from messages, parameters substituted, errors marked, noise skipped', async () => {
  const { entries, rejects } = await collect(join(FIX, 'pg-csvlog.csv'));
  assert.equal(entries.length, 3);
  assert.equal(entries[0]!.sql, 'SELECT o.id, o.total\nFROM orders o\nWHERE o.customer_id = 17');
  assert.equal(entries[0]!.durationMs, 12.345);
  assert.equal(entries[0]!.user, 'app');
  assert.equal(entries[0]!.project, 'shop');
  assert.equal(entries[0]!.source.line, 1);
  assert.equal(entries[1]!.sql, "select * from customers where id = 5 and city = 'O''Hara'");
  assert.equal(entries[1]!.source.line, 5);
  assert.deepEqual([entries[2]!.sql, entries[2]!.status], ['select * from nope', 'error']);
  assert.deepEqual(rejects.map((r) => [r.reason, r.source.line]), [['bad-csv-row', 7]]);
});

test('PostgreSQL stderr: continuation lines, execute + DETAIL parameters, ERROR + STATEMENT', async () => {
  const { entries, rejects } = await collect(join(FIX, 'pg-stderr.log'));
  assert.deepEqual(
    entries.map((e) => [e.source.line, e.sql, e.durationMs, e.status]),
    [
      [1, 'SELECT o.id, o.total\nFROM orders o\nWHERE o.customer_id = 17', 12.345, 'ok'],
      [5, 'select * from customers where id = 5', 0.512, 'ok'],
      [8, 'select * from nope', undefined, 'error'],
      [9, 'select count(*) from orders', undefined, 'ok'],
    ],
  );
  assert.equal(entries[0]!.ts, '2026-11-01 10:00:00.123 UTC');
  assert.deepEqual(rejects, []);
});

test('PostgreSQL stderr with a custom log_line_prefix; text before the first record is rejected', async () => {
  const { entries, rejects } = await collect(join(FIX, 'pg-stderr-prefixed.log'), { format: 'pg-stderr', logLinePrefix: '%t [%p] %u@%d ' });
  assert.deepEqual(entries.map((e) => [e.sql, e.user, e.project]), [['select 1', 'app', 'shop']]);
  assert.deepEqual(rejects.map((r) => [r.reason, r.source.line]), [['unrecognised-line', 1]]);
});

test('a folder of .sql files: semicolons split statements outside strings, identifiers, comments and dollar quotes', async () => {
  const { entries } = await collect(join(FIX, 'sql-dir'));
  assert.deepEqual(
    entries.map((e) => [e.source.file.slice(FIX.length + 1), e.source.line, e.sql]),
    [
      ['sql-dir/a.sql', 2, 'select * from orders where id = 1'],
      ['sql-dir/a.sql', 4, `select 'a;b' as s, "x;y" from t /* ; */`],
      ['sql-dir/nested/b.sql', 1, 'select $$ ; $$ as d'],
    ],
  );
  assert.deepEqual(splitStatements('-- only a comment\n;\n'), []);
});

test('an unknown format names the options', async () => {
  await assert.rejects(readLog(join(FIX, 'sql-dir', 'readme.txt')), /pass --format/);
  await assert.rejects(readLog(join(FIX, 'native.jsonl'), { format: 'xml' as never }), /unknown log format 'xml'/);
});

test('review fixes: error parts between ERROR and STATEMENT, numeric time zones, spaces in %a, duplicate escapes, BOM, empty files, mapped CSV detection, .sql folders', async () => {
  const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'fd-readers-'));
  const err = join(dir, 'err.log');
  writeFileSync(err, '2024-03-01 10:00:00.123 +04 [1] ERROR:  column "x" does not exist\n2024-03-01 10:00:00.123 +04 [1] HINT:  Perhaps you meant "y".\n2024-03-01 10:00:00.123 +04 [1] CONTEXT:  somewhere\n2024-03-01 10:00:00.123 +04 [1] STATEMENT:  SELECT x FROM t\n');
  assert.deepEqual((await collect(err)).entries.map((e) => [e.source.line, e.sql, e.status]), [[4, 'SELECT x FROM t', 'error']]);
  const app = join(dir, 'app.log');
  writeFileSync(app, '2024-03-01 10:00:00 UTC [1]: user=app,db=shop,app=PostgreSQL JDBC Driver LOG:  statement: SELECT 1\n2024-03-01 10:00:01 UTC [2]: user=app,db=shop,app=psql LOG:  statement: SELECT 2\n');
  assert.deepEqual((await collect(app, { logLinePrefix: '%t [%p]: user=%u,db=%d,app=%a ' })).entries.map((e) => e.sql), ['SELECT 1', 'SELECT 2']);
  assert.deepEqual((await collect(app, { format: 'pg-stderr', logLinePrefix: '%t [%p]: user=%u,db=%u,app=%a ' })).entries.length, 2, 'a repeated escape does not crash');
  const bom = join(dir, 'bom.jsonl');
  writeFileSync(bom, '\uFEFF{"sql":"SELECT 1"}\n');
  assert.deepEqual((await collect(bom)).entries.map((e) => e.sql), ['SELECT 1']);
  const empty = join(dir, 'empty.log');
  writeFileSync(empty, '');
  assert.deepEqual(await collect(empty), { format: 'jsonl', entries: [], rejects: [] });
  const csv = join(dir, 'mapped.csv');
  writeFileSync(csv, 'stmt,who\n"select 1",ana\n');
  assert.equal((await collect(csv, { mapping: mappingFrom({ sql: 'stmt' }) })).entries[0]?.sql, 'select 1');
  const sqls = join(dir, 'sqls');
  mkdirSync(join(sqls, 'folder.sql'), { recursive: true });
  writeFileSync(join(sqls, 'a.sql'), "SELECT E'it\\'s; here' AS a;\nSELECT 2;\n/* outer /* inner */ still; comment */ SELECT 3;\nselect $fn1$ a; b $fn1$;\n");
  assert.deepEqual((await collect(sqls)).entries.map((e) => e.sql), ["SELECT E'it\\'s; here' AS a", 'SELECT 2', 'SELECT 3', 'select $fn1$ a; b $fn1$']);
});

test('parameters are substituted only where they are parameters, not inside literals, comments or dollar quotes', async () => {
  const { substituteParameters } = await import('../../../corpus/logs/pg-statement.ts');
  assert.equal(
    substituteParameters("select * from t where a = $1 and c = '$1' and d = $10 /* $2 */", "parameters: $1 = '5', $2 = 'x', $10 = '7'"),
    "select * from t where a = 5 and c = '$1' and d = 7 /* $2 */",
  );
  assert.equal(substituteParameters('select $$ $1 $$, $tag$ $1 $tag$, $1', "parameters: $1 = '5'"), "select $$ $1 $$, $tag$ $1 $tag$, 5");
});
