/**
 * PostgreSQL log excerpts as servers write them (PostgreSQL 15, Debian's
 * log_line_prefix `%m [%p] %q%u@%d `), read into log entries: one per
 * executed statement, with its duration and status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog } from '../../../corpus/logs/read-log.ts';
import { substituteValues, parseParameterDetail } from '../../../corpus/logs/pg-parameters.ts';
import { parseExecute, parsePrepare, resolveExecute } from '../../../corpus/logs/pg-prepare.ts';
import { MAX_OPEN_SESSIONS, PgSessionJoiner } from '../../../corpus/logs/pg-session.ts';
import type { LogEntry, LogRecord } from '../../../corpus/logs/types.ts';
import { importLogs } from '../../../corpus/templates/import.ts';

const DEBIAN = '%m [%p] %q%u@%d ';
const dir = mkdtempSync(join(tmpdir(), 'fd-pg-session-'));
let n = 0;

async function read(text: string, ext: 'log' | 'csv' = 'log', logLinePrefix = DEBIAN): Promise<LogRecord[]> {
  const path = join(dir, `${n++}.${ext}`);
  writeFileSync(path, text);
  const { records } = await readLog(path, { logLinePrefix, format: ext === 'csv' ? 'pg-csvlog' : 'pg-stderr' });
  const all: LogRecord[] = [];
  for await (const r of records) all.push(r);
  return all;
}

const entries = (all: LogRecord[]) => all.filter((r): r is LogEntry => r.kind === 'entry');
const rows = (all: LogRecord[]) => entries(all).map((e) => [e.sql, e.status, e.durationMs]);
const T = '2026-12-03 09:14:57.306 UTC';

test("%q: a line whose prefix stops at %q is a message of its own, never part of the statement before it", async () => {
  const log = [
    `${T} [3734] app@shop LOG:  duration: 1.000 ms  statement: SELECT a`,
    '\tFROM t',
    `${T} [3611] LOG:  checkpoint starting: time`,
    `${T} [3611] LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled`,
    `${T} [3734] app@shop LOG:  statement: SELECT 2`,
    '',
  ].join('\n');
  const all = await read(log);
  assert.deepEqual(rows(all), [['SELECT a\nFROM t', 'ok', 1], ['SELECT 2', 'ok', undefined]]);
  assert.deepEqual([entries(all)[0]!.user, entries(all)[0]!.project], ['app', 'shop']);
  assert.equal(all.length, 2, 'no rejects');
});

test("log_statement = 'all' with log_min_duration_statement = 0: the statement and its duration are one entry, per session", async () => {
  const log = [
    `${T} [1] app@shop LOG:  statement: SELECT 1`,
    `${T} [2] bo@shop LOG:  statement: SELECT 2`,
    `${T} [2] bo@shop LOG:  duration: 2.500 ms`,
    `${T} [1] app@shop LOG:  duration: 1.500 ms`,
    `${T} [1] app@shop LOG:  statement: SELECT * FROM nope`,
    `${T} [1] app@shop ERROR:  relation "nope" does not exist at character 15`,
    `${T} [1] app@shop STATEMENT:  SELECT * FROM nope`,
    `${T} [2] bo@shop LOG:  duration: 0.100 ms  parse <unnamed>: SELECT $1`,
    `${T} [2] bo@shop LOG:  duration: 0.100 ms  bind <unnamed>: SELECT $1`,
    `${T} [2] bo@shop DETAIL:  parameters: $1 = '4'`,
    `${T} [2] bo@shop LOG:  execute <unnamed>: SELECT $1`,
    `${T} [2] bo@shop DETAIL:  parameters: $1 = '4'`,
    `${T} [2] bo@shop LOG:  duration: 0.200 ms`,
    '',
  ].join('\n');
  const all = await read(log);
  assert.deepEqual(rows(all), [['SELECT 2', 'ok', 2.5], ['SELECT 1', 'ok', 1.5], ['SELECT * FROM nope', 'error', undefined], ['SELECT 4', 'ok', 0.2]]);
  assert.deepEqual(entries(all).map((e) => e.user), ['bo', 'app', 'app', 'bo']);
});

test('csvlog: rows joined by session_id, a failed statement counted once', async () => {
  const row = (sid: string, num: number, sev: string, message: string, detail = '', query = '', pos = '') =>
    `${T},"app","shop",42,"[local]",${sid},${num},"idle",${T},3/2,0,${sev},00000,"${message.replace(/"/g, '""')}","${detail.replace(/"/g, '""')}",,,,,"${query.replace(/"/g, '""')}",${pos},,"psql","client backend",,0`;
  const csv = [
    row('a.1', 1, 'LOG', 'statement: SELECT 1'),
    row('b.2', 1, 'LOG', 'statement: SELECT 3; SELECT * FROM nope; SELECT 4'),
    row('a.1', 2, 'LOG', 'duration: 1.000 ms'),
    row('b.2', 2, 'ERROR', 'relation "nope" does not exist', '', 'SELECT 3; SELECT * FROM nope; SELECT 4', '25'),
    // positions count characters (an emoji is one) from the statement's first one, white space included
    row('c.3', 1, 'ERROR', 'relation "nope" does not exist', '', "SELECT '😀'; SELECT * FROM nope; SELECT 5", '13'),
    row('d.4', 1, 'ERROR', 'relation "nope" does not exist', '', '\n  SELECT 6; SELECT * FROM nope; SELECT 7', '31'),
    '',
  ].join('\n');
  assert.deepEqual(rows(await read(csv, 'csv')), [
    ['SELECT 1', 'ok', 1], ['SELECT 3', 'ok', undefined], ['SELECT * FROM nope', 'error', undefined],
    ["SELECT '😀'", 'ok', undefined], ['SELECT * FROM nope', 'error', undefined],
    ['SELECT 6', 'ok', undefined], ['SELECT * FROM nope', 'error', undefined],
  ]);
});

test('the continuation tab PostgreSQL adds is dropped exactly once: stderr and csvlog give the same SQL', async () => {
  const stderr = await read(`${T} [7] app@shop LOG:  statement: SELECT 'a\n\t\tb' AS s\n\tFROM t\n`);
  const csv = await read(`${T},"app","shop",7,"[local]",x.7,1,"idle",${T},3/2,0,LOG,00000,"statement: SELECT 'a\n\tb' AS s\nFROM t",,,,,,,,,"psql","client backend",,0\n`, 'csv');
  assert.deepEqual(rows(stderr), [["SELECT 'a\n\tb' AS s\nFROM t", 'ok', undefined]]);
  assert.deepEqual(rows(csv), rows(stderr));
});

test('parameters: by the type the statement or PREPARE gives, else by shape; strings quoted and escaped', () => {
  const values = parseParameterDetail("parameters: $1 = '4', $2 = 'O''Hara', $3 = '007', $4 = NULL, $5 = '-5', $6 = '42', $7 = '2.5', $8 = '1e3'");
  assert.equal(
    substituteValues('SELECT * FROM t WHERE a = $2 AND z = $3 AND n IS NOT DISTINCT FROM $4 AND x -$5 > 0 AND code = $6::text AND p = CAST($7 AS numeric) AND q = $8 LIMIT $1', values),
    "SELECT * FROM t WHERE a = 'O''Hara' AND z = '007' AND n IS NOT DISTINCT FROM NULL AND x - -5 > 0 AND code = '42'::text AND p = CAST(2.5 AS numeric) AND q = '1e3' LIMIT 4",
  );
  assert.equal(substituteValues("SELECT '$1', $$ $1 $$, \"$1\", E'\\' $1' /* $1 */, $1", values), "SELECT '$1', $$ $1 $$, \"$1\", E'\\' $1' /* $1 */, 4");
  // a PREPARE's declared types: a text parameter stays a string even when it looks like a number
  const p = parsePrepare('PREPARE q(numeric(10, 2), text, int[]) AS SELECT * FROM t WHERE a = $1 AND b = $2 AND c = ANY($3);')!;
  assert.deepEqual(p.types, ['numeric(10, 2)', 'text', 'int[]']);
  assert.equal(resolveExecute(p, parseExecute("EXECUTE q('2.5', 42, '{1,2}')")!.args), "SELECT * FROM t WHERE a = 2.5 AND b = '42' AND c = ANY('{1,2}')");
  assert.equal(resolveExecute(p, parseExecute('EXECUTE q(1 + 1, now(), NULL);')!.args), 'SELECT * FROM t WHERE a = (1 + 1) AND b = (now()) AND c = ANY(NULL)');
});

test('PREPARE / EXECUTE: an EXECUTE is the statement it runs, from the PREPARE of its session or the prepare: DETAIL; DEALLOCATE forgets', async () => {
  const log = [
    `${T} [1] app@shop LOG:  statement: PREPARE q(int) AS SELECT * FROM t WHERE id = $1;`,
    `${T} [1] app@shop LOG:  duration: 0.100 ms`,
    `${T} [1] app@shop LOG:  statement: EXECUTE q(1);`,
    `${T} [1] app@shop LOG:  duration: 0.200 ms`,
    `${T} [2] app@shop LOG:  statement: EXECUTE q('2')`,
    `${T} [2] app@shop LOG:  statement: EXECUTE r(3, 'x');`,
    `${T} [2] app@shop DETAIL:  prepare: SET x = 1; PREPARE r(int, text) AS SELECT $2 || id FROM t WHERE id = $1; EXECUTE r(0, '')`,
    `${T} [1] app@shop LOG:  statement: DEALLOCATE q;`,
    `${T} [1] app@shop LOG:  statement: EXECUTE q(4);`,
    `${T} [1] app@shop LOG:  duration: 0.300 ms  statement: DISCARD ALL`,
    // a PREPARE that failed prepares nothing
    `${T} [6] app@shop ERROR:  relation "nope" does not exist at character 31`,
    `${T} [6] app@shop STATEMENT:  PREPARE z AS SELECT * FROM nope`,
    `${T} [6] app@shop ERROR:  prepared statement "z" does not exist`,
    `${T} [6] app@shop STATEMENT:  EXECUTE z`,
    '',
  ].join('\n');
  assert.deepEqual(rows(await read(log)), [
    ['PREPARE q(int) AS SELECT * FROM t WHERE id = $1', 'ok', 0.1],
    ['SELECT * FROM t WHERE id = 1', 'ok', 0.2],
    ["EXECUTE q('2')", 'ok', undefined], // another session: q is not prepared there
    ['DEALLOCATE q', 'ok', undefined],
    ['EXECUTE q(4)', 'ok', undefined],
    ['DISCARD ALL', 'ok', 0.3],
    ['PREPARE z AS SELECT * FROM nope', 'error', undefined],
    ['EXECUTE z', 'error', undefined],
    ["SELECT 'x' || id FROM t WHERE id = 3", 'ok', undefined], // its session's statement waits for a duration until the log ends
  ]);
});

test('a message with several statements is split into them, outside quotes, dollar quotes and comments; its duration is shared', async () => {
  const log = `${T} [1] app@shop LOG:  duration: 3.000 ms  statement: SELECT 1; SELECT 'a;b' /* ; */; SELECT $x$ ; $x$ -- ;\n\t;\n`;
  assert.deepEqual(rows(await read(log)), [['SELECT 1', 'ok', 1], ["SELECT 'a;b' /* ; */", 'ok', 1], ['SELECT $x$ ; $x$ -- ;', 'ok', 1]]);
});

test('an error without a statement before it, and one whose STATEMENT repeats an extended-protocol execute, each counted once', async () => {
  const log = [
    `${T} [1] app@shop ERROR:  syntax error at or near "SELEC" at character 1`,
    `${T} [1] app@shop STATEMENT:  SELEC 1`,
    `${T} [2] app@shop LOG:  execute <unnamed>: SELECT 1 / $1`,
    `${T} [2] app@shop DETAIL:  parameters: $1 = '0'`,
    `${T} [2] app@shop ERROR:  division by zero`,
    `${T} [2] app@shop STATEMENT:  SELECT 1 / $1`,
    // log_statement = 'none': the parameters come from the CONTEXT (log_parameter_max_length_on_error)
    `${T} [3] app@shop ERROR:  division by zero`,
    `${T} [3] app@shop CONTEXT:  unnamed portal with parameters: $1 = '0'`,
    `${T} [3] app@shop STATEMENT:  SELECT 2 / $1`,
    // a terminated connection says nothing of the statement before it
    `${T} [4] app@shop LOG:  statement: SELECT 5`,
    `${T} [4] app@shop FATAL:  terminating connection due to administrator command`,
    `${T} [5] app@shop LOG:  duration: 0.1 ms  execute fetch from S_1/C_2: SELECT 6`,
    '',
  ].join('\n');
  assert.deepEqual(rows(await read(log)), [['SELEC 1', 'error', undefined], ['SELECT 1 / 0', 'error', undefined], ['SELECT 2 / 0', 'error', undefined], ['SELECT 5', 'ok', undefined]]);
});

test('memory is bounded by open sessions: past the limit the oldest waiting statement is taken as ended', () => {
  const joiner = new PgSessionJoiner();
  const out: LogRecord[] = [];
  const message = (i: number, text: string) => ({ session: String(i), severity: 'LOG', message: text, source: { file: 'x.log', line: i + 1 } });
  for (let i = 0; i <= MAX_OPEN_SESSIONS; i++) joiner.add(message(i, `statement: SELECT ${i}`), out);
  assert.deepEqual(rows(out), [['SELECT 0', 'ok', undefined]]);
  joiner.add(message(1, 'duration: 2.000 ms'), out);
  assert.deepEqual(rows(out.slice(1)), [['SELECT 1', 'ok', 2]]);
  out.length = 0;
  joiner.end(out);
  assert.equal(out.length, MAX_OPEN_SESSIONS - 1);
});

test('review: a connection line of an unknown user is its own message, never glued into another session', async () => {
  const all = await read([
    `${T} [200] app@shop LOG:  statement: SELECT 1`,
    `${T} [201] [unknown]@[unknown] LOG:  connection received: host=[local]`,
    `${T} [200] app@shop LOG:  duration: 0.500 ms`,
  ].join('\n') + '\n');
  assert.deepEqual(rows(all), [['SELECT 1', 'ok', 0.5]]);
});

test('review: a failed message of several statements without a position, or with a syntax error, is one error entry', async () => {
  const noPosition = await read([
    `${T} [300] app@shop LOG:  statement: SELECT 1; SELECT 1/0; SELECT 3`,
    `${T} [300] app@shop ERROR:  division by zero`,
    `${T} [300] app@shop STATEMENT:  SELECT 1; SELECT 1/0; SELECT 3`,
  ].join('\n') + '\n');
  assert.deepEqual(rows(noPosition), [['SELECT 1; SELECT 1/0; SELECT 3', 'error', undefined]]);
  const syntax = await read([
    `${T} [301] app@shop LOG:  statement: SELECT 1; SELECT 2; SELEC 3`,
    `${T} [301] app@shop ERROR:  syntax error at or near "SELEC" at character 21`,
    `${T} [301] app@shop STATEMENT:  SELECT 1; SELECT 2; SELEC 3`,
  ].join('\n') + '\n');
  assert.deepEqual(rows(syntax), [['SELECT 1; SELECT 2; SELEC 3', 'error', undefined]], 'PostgreSQL parses the whole message first: nothing ran');
});

test('review: an error message keeps names and drops the query data it quotes', async () => {
  const { errorText } = await import('../../../corpus/logs/pg-statement.ts');
  assert.equal(errorText('relation "missing_table" does not exist'), 'relation "missing_table" does not exist');
  assert.equal(errorText(`syntax error at or near "'4111-1111'"`), 'syntax error at or near "…"');
  assert.equal(errorText('value "99999999999" is out of range for type integer'), 'value "…" is out of range for type integer');
  assert.equal(errorText('invalid input syntax for type integer: "abc"'), 'invalid input syntax for type integer: "…"');
  assert.doesNotMatch(errorText(`unterminated quoted string at or near "'secret"`), /secret/);
});

test('review: a PANIC loses its error position like an ERROR or FATAL', async () => {
  const all = await read([
    `${T} [300] app@shop LOG:  statement: SELECT * FROM t WHERE x`,
    `${T} [300] app@shop PANIC:  could not write to file "pg_wal/xlogtemp.300" at character 23`,
    `${T} [300] app@shop STATEMENT:  SELECT * FROM t WHERE x`,
    '',
  ].join('\n'));
  assert.deepEqual(entries(all).map((e) => [e.sql, e.status, e.error]), [['SELECT * FROM t WHERE x', 'error', 'could not write to file "…"']]);
});

const rowWithQueryId = (sid: string, num: number, message: string, queryId: string) =>
  `${T},"app","shop",42,"[local]",${sid},${num},"idle",${T},3/2,0,LOG,00000,"${message}",,,,,,,,,"psql","client backend",,${queryId}`;

test('review: csvlog query_id (PostgreSQL 14+, compute_query_id = on) is kept with the entry and per template', async () => {
  const row = rowWithQueryId;
  const csv = [
    row('a.1', 1, 'statement: SELECT 1', '0'),
    row('a.1', 2, 'duration: 1.000 ms', '-4242424242'),
    row('a.1', 3, 'duration: 1.000 ms  statement: SELECT 2', '-4242424242'),
    row('a.1', 4, 'duration: 1.000 ms  statement: SELECT 3', '77'),
    // the id of a message of two statements is one of theirs: neither keeps it
    row('a.1', 5, 'duration: 1.000 ms  statement: SELECT 4; SELECT 5', '88'),
    '',
  ].join('\n');
  assert.deepEqual(entries(await read(csv, 'csv')).map((e) => e.queryId), ['-4242424242', '-4242424242', '77', undefined, undefined]);
  const path = join(dir, `${n++}.csv`);
  writeFileSync(path, csv);
  const r = await importLogs([path]);
  assert.deepEqual(r.queryIds, { [r.templates[0]!.fingerprint]: ['-4242424242', '77'] });
});
