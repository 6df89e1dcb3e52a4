/**
 * `flightdeck corpus import` as users drive it (issue #6 §2): importing
 * nothing never wipes a workload, replacing one takes --replace, and logs
 * come from .gz files, standard input, folders, other encodings; too large
 * and too deep statements are reported, not hung on.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';

let dir: string;
let env: Record<string, string>;
const jsonl = (...sqls: string[]) => sqls.map((sql) => JSON.stringify({ sql })).join('\n') + '\n';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fd-cli-import-'));
  env = { FLIGHTDECK_STORE: join(dir, 'store.duckdb') };
  writeFileSync(join(dir, 'q.jsonl'), jsonl('select a from t where b = 1', 'select a from t where b = 2', 'select c from u', 'select count(*) from v'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const show = (name: string) => runCli(['corpus', 'show', name], { env }).stdout.split('\n')[0];

test('importing nothing exits 1 with the reason and leaves the workload as it was; replacing needs --replace', () => {
  const first = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'w'], { env });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(show('w'), 'workload w: 3 templates, 4 queries, 0 lines rejected');

  const again = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'w'], { env });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /^error: usage-error: workload 'w' exists \(4 queries, imported .*\); pass --replace to replace it, or choose another --workload/);

  writeFileSync(join(dir, 'empty.jsonl'), '');
  const empty = runCli(['corpus', 'import', join(dir, 'empty.jsonl'), '--workload', 'w', '--replace'], { env });
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /^error: nothing imported: no queries found .*; workload 'w' is left as it was/m);

  mkdirSync(join(dir, 'nothing'));
  writeFileSync(join(dir, 'nothing', 'notes.md'), 'select 1');
  const folder = runCli(['corpus', 'import', join(dir, 'nothing'), '--workload', 'w', '--replace'], { env });
  assert.equal(folder.status, 1);
  assert.match(folder.stderr, /nothing imported.*workload 'w' is left as it was/);

  const wrongFormat = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'w', '--replace', '--format', 'csv'], { env });
  assert.equal(wrongFormat.status, 1);
  assert.match(wrongFormat.stdout, /bad-csv-row +\d+ +e\.g\. line 1, 2/);
  assert.match(wrongFormat.stderr, /^error: nothing imported: all 4 lines were rejected \(see above\); is --format csv right\?; workload 'w' is left as it was/m);

  const fresh = runCli(['corpus', 'import', join(dir, 'empty.jsonl'), '--workload', 'new'], { env });
  assert.equal(fresh.status, 1);
  assert.match(fresh.stderr, /workload 'new' was not created/);
  assert.equal(runCli(['corpus', 'show', 'new'], { env }).status, 2);

  assert.equal(show('w'), 'workload w: 3 templates, 4 queries, 0 lines rejected');
  writeFileSync(join(dir, 'one.jsonl'), jsonl('select 9 from t'));
  const replaced = runCli(['corpus', 'import', join(dir, 'one.jsonl'), '--workload', 'w', '--replace'], { env });
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.equal(show('w'), 'workload w: 1 templates, 1 queries, 0 lines rejected');
});

test("standard input ('-') and .gz logs are read", () => {
  const stdin = runCli(['corpus', 'import', '-', '--workload', 'stdin'], { env, input: jsonl('select 1 from t', 'select 2 from t') });
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.match(stdin.stdout, /^workload stdin: 1 templates from 2 queries \(\(stdin\) \[jsonl\]\)/);
  writeFileSync(join(dir, 'pg.log.gz'), gzipSync('2024-03-01 10:00:00.123 UTC [1] LOG:  statement: SELECT a\n\tFROM t\n'));
  const gz = runCli(['corpus', 'import', join(dir, 'pg.log.gz'), '--workload', 'gz'], { env });
  assert.equal(gz.status, 0, gz.stderr);
  assert.match(gz.stdout, /^workload gz: 1 templates from 1 queries \(.*pg\.log\.gz \[pg-stderr, log_line_prefix '%m \[%p\] ' detected\]\)/);
});

test('a log that is not UTF-8 is refused with the line; --encoding reads it', () => {
  writeFileSync(join(dir, 'latin1.jsonl'), Buffer.concat([Buffer.from(jsonl('select 1 from t')), Buffer.from(jsonl("select * from t where city = 'Zürich'"), 'latin1')]));
  const refused = runCli(['corpus', 'import', join(dir, 'latin1.jsonl'), '--workload', 'latin'], { env });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /^error: usage-error at .*latin1\.jsonl:2: .*latin1\.jsonl line 2 is not valid utf-8 \(byte 0xfc at byte 40 of the line\); if the log is in another encoding, pass --encoding/);
  assert.equal(runCli(['corpus', 'show', 'latin'], { env }).status, 2, 'nothing stored');
  const decoded = runCli(['corpus', 'import', join(dir, 'latin1.jsonl'), '--workload', 'latin', '--encoding', 'latin1'], { env });
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.match(runCli(['corpus', 'show', 'latin'], { env }).stdout, /city = \?/);
  assert.equal(runCli(['corpus', 'import', join(dir, 'latin1.jsonl'), '--workload', 'x', '--encoding', 'klingon'], { env }).status, 2);
});

test('too-large statements are rejected with their line; too-deep ones are kept and flagged; the limit can be raised', () => {
  const big = `select ${Array.from({ length: 3000 }, (_, i) => `c${i}`).join(', ')} from t`;
  const deep = `select ${'('.repeat(5000)}1${')'.repeat(5000)} from t`;
  writeFileSync(join(dir, 'odd.jsonl'), jsonl('select 1 from t', big, deep));
  const r = runCli(['corpus', 'import', join(dir, 'odd.jsonl'), '--workload', 'odd', '--max-statement-bytes', '12KiB'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^rejected 1 lines:\n {2}too-large +1 +e\.g\. line 2: statement of 1\d\.\d KiB is over the 12 KiB statement limit \(raise it with --max-statement-bytes\)$/m);
  assert.match(r.stdout, /^ {2}unparsable-sql +1 +e\.g\. line 3: the query nests parentheses, subqueries or CASE more than 200 levels deep/m);
  const raised = runCli(['corpus', 'import', join(dir, 'odd.jsonl'), '--workload', 'odd', '--replace', '--max-statement-bytes', '1MiB'], { env });
  assert.equal(raised.status, 0, raised.stderr);
  assert.match(raised.stdout, /^workload odd: 3 templates from 3 queries/);
  assert.equal(runCli(['corpus', 'import', join(dir, 'odd.jsonl'), '--workload', 'y', '--max-statement-bytes', 'lots'], { env }).status, 2);
});
