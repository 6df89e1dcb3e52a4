/**
 * PostgreSQL stderr logs as servers write them (issue #9 §9, §11, §12): the
 * log_line_prefix told from a log's first lines, read from postgresql.conf,
 * filters by database/user/application, timestamps for ordering logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLogLinePrefix, looksLikePgStderr, suggestPrefix } from '../../../corpus/logs/pg-prefix-detect.ts';
import { parsePgConf } from '../../../corpus/logs/pg-conf.ts';
import { createRecordFilter } from '../../../corpus/logs/record-filter.ts';
import { parsePgTime } from '../../../corpus/logs/pg-folder.ts';
import { readPgStderr } from '../../../corpus/logs/pg-stderr.ts';
import { ByteSource } from '../../../corpus/logs/source.ts';
import type { LogEntry, LogRecord } from '../../../corpus/logs/types.ts';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEFAULT = ['2026-11-01 10:00:00.100 UTC [100] LOG:  checkpoint starting: time', '2026-11-01 10:00:00.123 UTC [4242] LOG:  statement: select 1', '\tfrom t'].join('\n');
const DEBIAN = [
  '2026-11-01 10:00:00.100 UTC [100] LOG:  checkpoint starting: time',
  '2026-11-01 10:00:00.123 UTC [4242] app@shop LOG:  statement: select 1',
  '2026-11-01 10:00:00.123 UTC [4243] [unknown]@[unknown] LOG:  connection received: host=[local]',
].join('\n');

test("the default prefix, Debian's %q prefix and pgBadger's are told apart; a background line alone does not make a %q prefix win", () => {
  assert.equal(detectLogLinePrefix(DEFAULT)?.prefix, '%m [%p] ');
  assert.equal(detectLogLinePrefix(DEBIAN)?.prefix, '%m [%p] %q%u@%d ');
  assert.equal(
    detectLogLinePrefix('2026-11-01 10:00:00 CET [4242]: [3-1] user=app,db=shop,app=psql,client=::1 LOG:  statement: select 1')?.prefix,
    '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  );
  assert.equal(detectLogLinePrefix('2026-11-01 10:00:00.1 +02 [7] LOG:  statement: select 1')?.prefix, '%m [%p] ');
  assert.equal(detectLogLinePrefix('{"sql":"select 1"}'), null);
  assert.equal(detectLogLinePrefix('10:00 pid=7 LOG:  statement: select 1'), null);
  assert.equal(looksLikePgStderr('10:00 pid=7 LOG:  statement: select 1\n'), true);
  assert.equal(looksLikePgStderr('select 1;\nselect 2;\n'), false);
});

test('a prefix is suggested from a line no known prefix fits', () => {
  assert.equal(suggestPrefix('2026-11-01 10:00:00.123 UTC <42> shop LOG:  statement: select 1'), '%m <%p> shop ');
  assert.equal(suggestPrefix('2026-11-01 10:00:00 UTC [42]: [1-1] db=shop,user=app LOG:  x'), '%t [%p]: [%l-1] db=%d,user=%u ');
  assert.equal(suggestPrefix('no severity here'), null);
});

test('postgresql.conf: quotes, escapes, comments, an optional =, the last assignment wins, names in any case', () => {
  const s = parsePgConf(
    [
      "#log_line_prefix = '%t '",
      "log_line_prefix = '%m [%p] '   # first",
      'LOG_LINE_PREFIX = \'%m [%p] %q%u@%d \' # it\'s Debian',
      "application_name 'it''s \\'x\\''",
      'log_min_duration_statement=0 # all',
      '',
    ].join('\n'),
  );
  assert.deepEqual(s.get('log_line_prefix'), { value: '%m [%p] %q%u@%d ', line: 3 });
  assert.equal(s.get('application_name')?.value, "it's 'x'");
  assert.equal(s.get('log_min_duration_statement')?.value, '0');
  assert.throws(() => parsePgConf("log_line_prefix = '%m"), /line 1: unterminated quoted value/);
  assert.throws(() => parsePgConf('a\nlog_line_prefix = %m [%p]'), /line 2: a value with spaces must be quoted/);
});

test('filters: includes need the field, excludes keep entries without it, a drop counts against the first filter', () => {
  const e = (project?: string, user?: string, application?: string): LogEntry => ({ kind: 'entry', sql: 'select 1', project, user, application, source: { file: 'f', line: 1 } });
  assert.equal(createRecordFilter({ include: { database: [] } }), null);
  const f = createRecordFilter({ include: { database: ['shop', 'crm'] }, exclude: { user: ['postgres'], application: ['pgbench'] } })!;
  const kept = [e('shop', 'app'), e('crm', 'postgres'), e('bench', 'postgres'), e(undefined, 'app'), e('shop', undefined, 'pgbench'), e('crm')].map((x) => f.keep(x));
  assert.deepEqual(kept, [true, false, false, false, false, true]);
  assert.deepEqual(f.counts(), [
    { flag: '--database', values: ['shop', 'crm'], dropped: 2, missing: 1 },
    { flag: '--exclude-user', values: ['postgres'], dropped: 1, missing: 0 },
    { flag: '--exclude-application', values: ['pgbench'], dropped: 1, missing: 0 },
  ]);
});

test('PostgreSQL timestamps order logs across time zones', () => {
  assert.equal(parsePgTime('2026-11-01 10:00:00.500 UTC [1] LOG: x'), Date.UTC(2026, 10, 1, 10, 0, 0, 500));
  assert.equal(parsePgTime('2026-11-01 12:00:00 +02 [1]'), Date.UTC(2026, 10, 1, 10));
  assert.equal(parsePgTime('2026-11-01 06:30:00-03:30,"app"'), Date.UTC(2026, 10, 1, 10));
  assert.equal(parsePgTime('select 1'), undefined);
});

test("with Debian's prefix, a background process's line (it stops at %q) starts a record: it is never glued onto the statement before it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-pgq-'));
  try {
    const file = join(dir, 'deb.log');
    writeFileSync(
      file,
      [
        '2026-11-01 10:00:00.123 UTC [4242] app@shop LOG:  duration: 1.000 ms  statement: select a',
        '\tfrom t',
        '2026-11-01 10:00:00.200 UTC [99] LOG:  checkpoint complete: wrote 3 buffers (0.0%)',
        '2026-11-01 10:00:00.300 UTC [4242] app@shop LOG:  duration: 2.000 ms  statement: select b from t',
        '',
      ].join('\n'),
    );
    const out: LogRecord[] = [];
    for await (const r of readPgStderr(ByteSource.open(file), '%m [%p] %q%u@%d ')) out.push(r);
    // (how the continuation line's tab is kept is the stderr reader's business, not this test's)
    assert.deepEqual(
      out.map((r) => (r.kind === 'entry' ? [r.sql.replace(/\s+/g, ' '), r.user, r.project] : [r.reason])),
      [
        ['select a from t', 'app', 'shop'],
        ['select b from t', 'app', 'shop'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
