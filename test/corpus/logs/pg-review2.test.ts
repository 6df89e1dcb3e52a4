/**
 * Second review of the PostgreSQL log import (issue #9): a `%u@%d/%a` prefix
 * told from Debian's, PostgreSQL 17's `Parameters:`, a foreign line in the
 * log (archive_command's `cp:` error) kept out of the statement before it,
 * padded escapes (`%10p`), symlinked include_dir files, postgresql.auto.conf
 * under data_directory, and rotated logs named one by one joined in time order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectLogLinePrefix } from '../../../corpus/logs/pg-prefix-detect.ts';
import { prefixRegex, readPgStderr } from '../../../corpus/logs/pg-stderr.ts';
import { readLogLinePrefix, readPgConf } from '../../../corpus/logs/pg-conf.ts';
import { ByteSource } from '../../../corpus/logs/source.ts';
import { importLogs } from '../../../corpus/templates/import.ts';
import type { LogEntry, LogRecord } from '../../../corpus/logs/types.ts';

const root = mkdtempSync(join(tmpdir(), 'fd-pg-review2-'));
let n = 0;
const tree = (files: Record<string, string>): string => {
  const dir = join(root, String(n++));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};
const read = async (text: string, prefix: string): Promise<LogRecord[]> => {
  const file = join(tree({ 'x.log': text }), 'x.log');
  const out: LogRecord[] = [];
  for await (const r of readPgStderr(ByteSource.open(file), prefix)) out.push(r);
  return out;
};
const entries = (recs: LogRecord[]) => recs.filter((r): r is LogEntry => r.kind === 'entry');

test("a %u@%d/%a prefix is told from Debian's %u@%d (the one that explains more of each line wins): database and application recovered", async () => {
  const head = [
    '2024-03-01 10:00:00.100 UTC [811] LOG:  checkpoint starting: time',
    '2024-03-01 10:00:00.200 UTC [900] app@shop/psql LOG:  duration: 0.2 ms  statement: SELECT a FROM t',
    '2024-03-01 10:00:00.400 UTC [900] app@shop/psql LOG:  duration: 1.5 ms  statement: SELECT b FROM t',
  ].join('\n');
  assert.equal(detectLogLinePrefix(head)?.prefix, '%m [%p] %q%u@%d/%a ');
  const dir = tree({ 't3.log': head + '\n' });
  const r = await importLogs([join(dir, 't3.log')], { filter: { include: { database: ['shop'], application: ['psql'] } } });
  assert.equal(r.files[0]?.logLinePrefix, '%m [%p] %q%u@%d/%a ');
  assert.equal(r.entries, 2);
  // Debian's own lines still go to Debian's prefix (a `/` in a database name is rare, the tie is not broken towards %a)
  assert.equal(detectLogLinePrefix('2024-03-01 10:00:00.200 UTC [900] app@shop LOG:  statement: SELECT 1')?.prefix, '%m [%p] %q%u@%d ');
});

test("PostgreSQL 17's DETAIL:  Parameters: is read like parameters:", async () => {
  const recs = await read(
    [
      "2024-03-01 10:00:00.500 UTC [901] LOG:  duration: 0.2 ms  execute <unnamed>: SELECT * FROM t WHERE id = $1 LIMIT $2",
      "2024-03-01 10:00:00.500 UTC [901] DETAIL:  Parameters: $1 = '7', $2 = '3'",
      '',
    ].join('\n'),
    '%m [%p] ',
  );
  assert.deepEqual(entries(recs).map((e) => e.sql), ["SELECT * FROM t WHERE id = 7 LIMIT 3"]);
});

test("a line with neither the prefix nor PostgreSQL's continuation tab (archive_command's cp error) is its own unrecognised line, never SQL", async () => {
  const recs = await read(
    [
      '2024-03-01 10:00:00.200 UTC [900] app@shop LOG:  duration: 0.2 ms  statement: SELECT a FROM t',
      "cp: cannot stat '/var/lib/postgresql/15/main/pg_wal/000000010000000000000001': No such file or directory",
      '2024-03-01 10:00:00.300 UTC [811] LOG:  archive command failed with exit code 1',
      '2024-03-01 10:00:00.400 UTC [900] app@shop LOG:  duration: 1.5 ms  statement: SELECT b',
      '\tFROM t',
      '\t  WHERE x = 1',
      '',
    ].join('\n'),
    '%m [%p] %q%u@%d ',
  );
  assert.deepEqual(entries(recs).map((e) => e.sql), ['SELECT a FROM t', 'SELECT b\nFROM t\n  WHERE x = 1']);
  const rejects = recs.filter((r) => r.kind === 'reject');
  assert.deepEqual(rejects.map((r) => [r.reason, r.source.line]), [['unrecognised-line', 2]]);
});

test('padded escapes (%10p, %-10p, %-20a) are parsed', () => {
  const m1 = prefixRegex('%m [%10p] ').exec('2024-03-01 10:00:00.123 UTC [       900] LOG:  statement: SELECT 1');
  assert.equal(m1?.groups?.pid, '900');
  const m2 = prefixRegex('%m [%-10p] %q%-8u@%d ').exec('2024-03-01 10:00:00.123 UTC [900       ] app     @shop LOG:  statement: SELECT 1');
  assert.equal(m2?.groups?.pid, '900');
  assert.equal(m2?.groups?.user, 'app');
  assert.equal(m2?.groups?.db, 'shop');
  assert.equal(prefixRegex('%m [%-10p] %q%u@%d ').test('2024-03-01 10:00:00.123 UTC [811       ] LOG:  checkpoint'), true);
});

test('include_dir reads .conf files that are symlinks (any non-directory, as PostgreSQL stats them)', async () => {
  const dir = tree({
    'etc/postgresql.conf': "log_line_prefix = '%t '\ninclude_dir 'conf.d'\n",
    'etc/conf.d/10-a.conf': 'log_min_duration_statement = 0\n',
    'shared/50-link.conf': "log_line_prefix = '%m [%p] %q%u@%d '\n",
  });
  symlinkSync(join(dir, 'shared/50-link.conf'), join(dir, 'etc/conf.d/50-link.conf'));
  mkdirSync(join(dir, 'etc/conf.d/60-dir.conf'));
  assert.deepEqual(await readLogLinePrefix(join(dir, 'etc/postgresql.conf')), { prefix: '%m [%p] %q%u@%d ', line: 1, file: join(dir, 'etc/conf.d/50-link.conf') });
});

test("postgresql.auto.conf is read from data_directory when the conf sets it (Debian: /etc/postgresql/15/main and /var/lib/postgresql/15/main), last", async () => {
  const dir = tree({
    'var/lib/postgresql/15/main/postgresql.auto.conf': "log_line_prefix = '%m [%p] %q%u@%d/%a '\n",
  });
  mkdirSync(join(dir, 'etc/postgresql/15/main'), { recursive: true });
  writeFileSync(join(dir, 'etc/postgresql/15/main/postgresql.conf'), `data_directory = '${join(dir, 'var/lib/postgresql/15/main')}'\nlog_line_prefix = '%m [%p] %q%u@%d '\n`);
  const got = await readLogLinePrefix(join(dir, 'etc/postgresql/15/main/postgresql.conf'));
  assert.deepEqual(got, { prefix: '%m [%p] %q%u@%d/%a ', line: 1, file: join(dir, 'var/lib/postgresql/15/main/postgresql.auto.conf') });
  // an auto.conf beside the conf is still read when data_directory is not set
  const beside = tree({ 'postgresql.conf': "log_line_prefix = '%t '\n", 'postgresql.auto.conf': "log_line_prefix = '%m '\n" });
  assert.equal((await readPgConf(join(beside, 'postgresql.conf'))).get('log_line_prefix')?.value, '%m ');
});

test('rotated logs named one by one (a shell glob) are one server log: read in time order, a statement joined to its duration in the next file', async () => {
  for (const [ext, line] of [
    ['log', (s: number, msg: string) => `2024-03-01 1${s}:00:00.000 UTC [900] app@shop LOG:  ${msg}`],
    ['csv', (s: number, msg: string) => `2024-03-01 1${s}:00:00.000 UTC,"app","shop",900,"[local]",abc.384,${s},"idle",2024-03-01 10:00:00 UTC,3/2,0,LOG,00000,"${msg}",,,,,,,,,"psql","client backend",,0`],
  ] as const) {
    const dir = tree({
      [`postgresql-2024-03-01_100000.${ext}`]: [line(0, 'statement: select 1'), line(0, 'duration: 1.000 ms'), line(0, 'statement: select 2'), ''].join('\n'),
      [`postgresql-2024-03-01_110000.${ext}`]: [line(1, 'duration: 2.000 ms'), line(1, 'statement: select 3'), line(1, 'duration: 3.000 ms'), ''].join('\n'),
    });
    // given newest first: still read oldest first
    const r = await importLogs([join(dir, `postgresql-2024-03-01_110000.${ext}`), join(dir, `postgresql-2024-03-01_100000.${ext}`)]);
    assert.deepEqual(r.files.map((f) => f.path), [join(dir, `postgresql-2024-03-01_100000.${ext}`), join(dir, `postgresql-2024-03-01_110000.${ext}`)], ext);
    assert.deepEqual(r.templates.map((t) => [t.normalized, t.count, t.meanDurationMs]), [['select ?', 3, 2]], ext);
    assert.equal(r.rejected, 0, ext);
  }
});
