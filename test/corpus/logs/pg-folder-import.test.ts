/**
 * A folder of rotated PostgreSQL logs imported as one server's log: the
 * log_line_prefix is told once (from lines with session parts, sampled past
 * a head of background-process lines), a statement and its duration split
 * across two files are one entry, and the session cap evicts the least
 * recently active session (counted in the import result).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectLogLinePrefix } from '../../../corpus/logs/pg-prefix-detect.ts';
import { MAX_OPEN_SESSIONS, PgSessionJoiner } from '../../../corpus/logs/pg-session.ts';
import { importLogs } from '../../../corpus/templates/import.ts';
import type { LogEntry, LogRecord } from '../../../corpus/logs/types.ts';

const DEBIAN = '%m [%p] %q%u@%d ';
const PGBADGER = '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ';
const root = mkdtempSync(join(tmpdir(), 'fd-pg-folder-'));
let n = 0;
const folder = (files: Record<string, string>): string => {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const ts = (s: number) => `2026-11-01 10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000 UTC`;
const background = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `${ts(from + i)} [99] LOG:  checkpoint starting: time`);

test('a head of background-process lines only: the sample goes on until session lines are seen, and their prefix wins', () => {
  const head = [...background(80), `${ts(90)} [4242] app@shop LOG:  statement: select 1`, `${ts(91)} [4242] app@shop LOG:  duration: 1.000 ms`].join('\n');
  assert.equal(detectLogLinePrefix(head)?.prefix, DEBIAN);
  // without any session line the default still wins (what a background line fits whole)
  assert.equal(detectLogLinePrefix(background(80).join('\n'))?.prefix, '%m [%p] ');
});

test('a folder of rotated logs: the prefix is told once, by the first file that decides; a file that disagrees is said', async () => {
  const dir = folder({
    'postgresql-1.log': [`${ts(0)} [4242] app@shop LOG:  duration: 1.000 ms  statement: select 1`, ''].join('\n'),
    // only background lines: alone, it would be read with the default prefix
    'postgresql-2.log': [...background(3, 10), ''].join('\n'),
    'postgresql-3.log': [`2026-11-01 10:01:00 UTC [7]: [1-1] user=app,db=shop,app=psql,client=::1 LOG:  duration: 2.000 ms  statement: select 2`, ''].join('\n'),
  });
  const r = await importLogs([dir]);
  assert.deepEqual(r.files.map((f) => f.logLinePrefix), [DEBIAN, DEBIAN, PGBADGER]);
  assert.equal(r.entries, 2);
  assert.equal(r.warnings?.filter((w) => w.includes('postgresql-3.log') && w.includes(PGBADGER) && w.includes(DEBIAN)).length, 1, String(r.warnings));
  assert.equal(r.warnings?.some((w) => w.includes('postgresql-2.log')), false);
});

test('a statement at the end of one rotated file and its duration at the start of the next are one entry', async () => {
  for (const [ext, line] of [
    ['log', (s: number, msg: string) => `${ts(s)} [4242] app@shop LOG:  ${msg}`],
    ['csv', (s: number, msg: string) => `${ts(s)},"app","shop",4242,"[local]",abc.1092,${s},"idle",${ts(0)},3/2,0,LOG,00000,"${msg}",,,,,,,,,"psql","client backend",,0`],
  ] as const) {
    const dir = folder({
      [`postgresql-1.${ext}`]: [line(0, 'statement: select 1'), line(1, 'duration: 1.000 ms'), line(2, 'statement: select 2'), ''].join('\n'),
      [`postgresql-2.${ext}`]: [line(3, 'duration: 2.000 ms'), ''].join('\n'),
    });
    const r = await importLogs([dir]);
    assert.deepEqual(
      r.templates.map((t) => [t.normalized, t.count, t.meanDurationMs]),
      [['select ?', 2, 1.5]],
      ext,
    );
  }
});

const message = (i: number, text: string) => ({ session: String(i), severity: 'LOG', message: text, source: { file: 'x.log', line: i + 1 } });

test('the session cap evicts the least recently active session, and the import counts evictions', async () => {
  const joiner = new PgSessionJoiner();
  const out: LogRecord[] = [];
  for (let i = 0; i < MAX_OPEN_SESSIONS; i++) joiner.add(message(i, `statement: SELECT ${i}`), out);
  // session 0 logs a line: it is now the most recently active
  joiner.add(message(0, 'temporary file: path "base/pgsql_tmp/pgsql_tmp0.0", size 8192'), out);
  joiner.add(message(MAX_OPEN_SESSIONS, `statement: SELECT ${MAX_OPEN_SESSIONS}`), out);
  assert.deepEqual(out.map((r) => (r as LogEntry).sql), ['SELECT 1']);
  assert.equal(joiner.evictions, 1);
  joiner.add(message(0, 'duration: 3.000 ms'), out);
  assert.deepEqual([(out[1] as LogEntry).sql, (out[1] as LogEntry).durationMs], ['SELECT 0', 3]);

  const lines = Array.from({ length: MAX_OPEN_SESSIONS + 2 }, (_, i) => `${ts(0)} [${1000 + i}] app@shop LOG:  statement: select ${i}`);
  const r = await importLogs([join(folder({ 'postgresql.log': lines.join('\n') + '\n' }), 'postgresql.log')]);
  assert.equal(r.entries, MAX_OPEN_SESSIONS + 2);
  assert.equal(r.sessionsEvicted, 2);
});
