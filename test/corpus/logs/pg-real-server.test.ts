/**
 * The PostgreSQL readers against logs a real server wrote: a private cluster
 * (Debian's log_line_prefix, stderr and csvlog at once) runs a workload
 * through psql and pgbench (simple, extended and prepared protocols), and
 * what the readers find is compared with what was sent: every executed
 * statement exactly once, its duration, errors once with status `error`,
 * and the same entries from the csvlog as from the stderr log. With
 * pg_stat_statements preloaded and compute_query_id on, the csvlog's
 * query_id ties templates to pg_stat_statements entries: each entry's
 * queryid is in one template, and the exceptions are the documented ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLog } from '../../../corpus/logs/read-log.ts';
import { importLogs } from '../../../corpus/templates/import.ts';
import type { LogEntry, LogRecord } from '../../../corpus/logs/types.ts';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../../helpers/pg-cluster.ts';

const DEBIAN_PREFIX = '%m [%p] %q%u@%d ';
const skip = pgClusterUnavailable() ?? false;

interface Expected {
  readonly sql: string;
  readonly status: 'ok' | 'error';
  readonly times: number;
}

const MULTI_LINE = "SELECT id, note FROM item WHERE note = 'line one\n\tindented line'\n\tOR id = 1";
const NUMBERS_SCRIPT = '\\set id 7\nSELECT name, price FROM item WHERE id = :id LIMIT :id;\nUPDATE item SET price = price + 1 WHERE id = :id;\n';
const TEXT_SCRIPT = "SELECT count(*) FROM item WHERE name <> :who AND note IS DISTINCT FROM 'it''s';\n";
const TRANSACTIONS = 3;

/** Runs the workload; returns what was executed, as the readers should find it. */
function runWorkload(c: PgCluster): Expected[] {
  const psql = (sql: string, expectError = false) => {
    const r = c.psql(['-c', sql]);
    assert.equal(r.status === 0, !expectError, `psql -c ${JSON.stringify(sql)}: ${r.stderr}`);
  };
  psql('CREATE TABLE item (id int PRIMARY KEY, name text, price numeric, note text)');
  psql("INSERT INTO item SELECT g, 'item ' || g, g * 1.5, NULL FROM generate_series(1, 20) g");
  psql('SELECT count(*) FROM item');
  psql('SELECT * FROM missing_table', true);
  psql(MULTI_LINE);
  psql('SELECT 1; SELECT 2');
  psql('SELECT 3; SELECT * FROM nope; SELECT 4', true);
  psql('CHECKPOINT'); // the checkpointer logs lines without a session: they stop at %q
  const script = c.psql(['-f', '-'], [
    'PREPARE by_id(int, text) AS SELECT name FROM item WHERE id = $1 AND name <> $2;',
    "EXECUTE by_id(3, 'x');",
    "EXECUTE by_id('4', 'it''s');",
    'DEALLOCATE by_id;',
    "UPDATE item SET note = 'ü ''quoted''' WHERE id = 5;",
    'DELETE FROM item WHERE id = 20;',
    '',
  ].join('\n'));
  assert.equal(script.status, 0, script.stderr);
  const numbers = join(c.dir, 'numbers.sql');
  const text = join(c.dir, 'text.sql');
  writeFileSync(numbers, NUMBERS_SCRIPT);
  writeFileSync(text, TEXT_SCRIPT);
  for (const mode of ['simple', 'extended', 'prepared']) {
    const r = c.pgbench(['-n', '-M', mode, '-t', String(TRANSACTIONS), '-f', numbers, 'postgres']);
    assert.equal(r.status, 0, r.stderr);
  }
  for (const mode of ['extended', 'prepared']) {
    const r = c.pgbench(['-n', '-M', mode, '-t', String(TRANSACTIONS), '-D', "who=O'Hara ü", '-f', text, 'postgres']);
    assert.equal(r.status, 0, r.stderr);
  }
  const once = (sql: string, status: 'ok' | 'error' = 'ok'): Expected => ({ sql, status, times: 1 });
  return [
    once('CREATE TABLE item (id int PRIMARY KEY, name text, price numeric, note text)'),
    once("INSERT INTO item SELECT g, 'item ' || g, g * 1.5, NULL FROM generate_series(1, 20) g"),
    once('SELECT count(*) FROM item'),
    once('SELECT * FROM missing_table', 'error'),
    once(MULTI_LINE),
    once('SELECT 1'),
    once('SELECT 2'),
    once('SELECT 3'),
    once('SELECT * FROM nope', 'error'), // SELECT 4 never ran
    once('CHECKPOINT'),
    once('PREPARE by_id(int, text) AS SELECT name FROM item WHERE id = $1 AND name <> $2'),
    once("SELECT name FROM item WHERE id = 3 AND name <> 'x'"),
    once("SELECT name FROM item WHERE id = 4 AND name <> 'it''s'"),
    once('DEALLOCATE by_id'),
    once("UPDATE item SET note = 'ü ''quoted''' WHERE id = 5"),
    once('DELETE FROM item WHERE id = 20'),
    // the same SQL from all three protocols: parameters written as the number they are
    { sql: 'SELECT name, price FROM item WHERE id = 7 LIMIT 7', status: 'ok', times: 3 * TRANSACTIONS },
    { sql: 'UPDATE item SET price = price + 1 WHERE id = 7', status: 'ok', times: 3 * TRANSACTIONS },
    { sql: "SELECT count(*) FROM item WHERE name <> 'O''Hara ü' AND note IS DISTINCT FROM 'it''s'", status: 'ok', times: 2 * TRANSACTIONS },
  ];
}

async function entriesOf(path: string, logLinePrefix?: string): Promise<{ format: string; entries: LogEntry[]; rejects: number; prefix?: string; detected?: boolean }> {
  const { format, records, logLinePrefix: prefix, prefixDetected: detected } = await readLog(path, { logLinePrefix });
  const all: LogRecord[] = [];
  for await (const r of records) all.push(r);
  return { format, entries: all.filter((r): r is LogEntry => r.kind === 'entry'), rejects: all.length - all.filter((r) => r.kind === 'entry').length, prefix, detected };
}

/** `status sql` once per execution, sorted */
function executions(list: readonly { sql: string; status?: string; times?: number }[]): string[] {
  return list.flatMap((e) => Array.from({ length: e.times ?? 1 }, () => `${e.status} ${e.sql}`)).toSorted();
}

const CUSTOM_PREFIX = '%m [%p-%l] %c %quser=%u,db=%d,app=%a,client=%h ';
const CONFIGS = [
  { name: "log_statement = 'all' and log_min_duration_statement = 0", logStatement: "'all'", minDuration: '0', durations: true, prefix: DEBIAN_PREFIX },
  { name: 'log_min_duration_statement = 0 alone', logStatement: "'none'", minDuration: '0', durations: true, prefix: DEBIAN_PREFIX },
  { name: "log_statement = 'all' alone", logStatement: "'all'", minDuration: '-1', durations: false, prefix: DEBIAN_PREFIX },
  { name: `both, sessions by %c in the prefix '${CUSTOM_PREFIX}'`, logStatement: "'all'", minDuration: '0', durations: true, prefix: CUSTOM_PREFIX },
];

for (const config of CONFIGS) {
  test(`a real PostgreSQL server's stderr and csvlog, ${config.name}: every statement once, durations, errors once, the same SQL from both`, { skip }, async (t) => {
    const cluster = startPgCluster({
      log_destination: "'stderr,csvlog'",
      log_line_prefix: `'${config.prefix}'`,
      log_statement: config.logStatement,
      log_min_duration_statement: config.minDuration,
      log_checkpoints: 'on',
    });
    t.after(() => cluster.destroy());
    const expected = runWorkload(cluster);
    cluster.stop(); // the log files are complete once the server is down
    const stderrPath = join(cluster.logDir, 'postgresql.log');
    const csvPath = join(cluster.logDir, 'postgresql.csv');
    assert.ok(existsSync(stderrPath) && existsSync(csvPath), 'the server wrote both logs');

    // a stock Debian log is read with no prefix given: its prefix is detected from the log
    const stock = config.prefix === DEBIAN_PREFIX;
    const stderr = await entriesOf(stderrPath, stock ? undefined : config.prefix);
    if (stock) assert.deepEqual([stderr.prefix, stderr.detected], [DEBIAN_PREFIX, true]);
    const csv = await entriesOf(csvPath);
    assert.deepEqual([stderr.format, csv.format], ['pg-stderr', 'pg-csvlog']);
    assert.deepEqual([stderr.rejects, csv.rejects], [0, 0]);

    const sent = executions(expected);
    assert.deepEqual(executions(stderr.entries), sent, 'stderr: every executed statement exactly once, with its status');
    assert.deepEqual(executions(csv.entries), sent, 'csvlog: every executed statement exactly once, with its status');
    // byte-identical SQL (and everything else) from both logs of one server, in the same order
    // (the first error too; the application only where the stderr prefix has %a)
    const view = (e: LogEntry) => [e.sql, e.status, e.durationMs, e.user, e.project, e.ts, e.error, stock ? undefined : e.application];
    assert.deepEqual(stderr.entries.map(view), csv.entries.map(view));
    for (const e of csv.entries) assert.equal(e.application, 'flightdeck-test');
    const failed = csv.entries.find((e) => e.sql === 'SELECT * FROM missing_table');
    assert.equal(failed?.error, 'relation "missing_table" does not exist');

    for (const e of stderr.entries) {
      assert.equal(e.user, 'postgres');
      assert.equal(e.project, 'postgres');
      // a failed message logs no duration, not even for the statements of it that ran before the error
      const timed = config.durations && e.status === 'ok' && e.sql !== 'SELECT 3';
      assert.equal(e.durationMs !== undefined, timed, `duration ${timed ? 'missing' : 'unexpected'}: ${e.status} ${e.sql}`);
      if (timed) assert.ok(e.durationMs! >= 0);
    }
    // imported as a workload: the same templates from either log; each query counted once per execution
    const fromStderr = await importLogs([stderrPath], stock ? {} : { logLinePrefix: config.prefix });
    const fromCsv = await importLogs([csvPath]);
    const summary = (r: typeof fromStderr) => ({
      templates: r.templates.map((x) => [x.normalized, x.sql, x.count, x.errorCount, x.firstError, x.meanDurationMs !== null]),
      entries: r.entries,
      skippedByKind: r.skippedByKind,
    });
    assert.deepEqual(summary(fromStderr), summary(fromCsv));
    const count = (normalized: string) => fromStderr.templates.find((x) => x.normalized === normalized)?.count;
    assert.equal(count('select name, price from item where id = ? limit ?'), 3 * TRANSACTIONS);
    assert.equal(count('select name from item where id = ? and name <> ?'), 2, 'both EXECUTEs, resolved to the prepared SELECT');
    assert.equal(count('select ?'), 3, 'SELECT 1, SELECT 2 and SELECT 3 of the two multi-statement messages');
    assert.equal(fromStderr.templates.find((x) => x.normalized === 'select * from missing_table')?.errorCount, 1);
    assert.deepEqual(fromStderr.skippedByKind, { ddl: 1, insert: 1, update: 1 + 3 * TRANSACTIONS, delete: 1, utility: 3 });
    t.diagnostic(`${sent.length} statements executed, ${stderr.entries.length} read from stderr, ${csv.entries.length} from csvlog`);
  });
}

/** A few queries whose constants vary, as pg_stat_statements groups them by query id. */
const VARIED = [
  'SELECT name FROM item WHERE id = 1',
  'SELECT name FROM item WHERE id = 2',
  'select name from item where id = 3',
  "SELECT count(*) FROM item WHERE price > 10 AND note IS NULL",
  "SELECT count(*) FROM item WHERE price > 12.5 AND note IS NULL",
  'SELECT id FROM public.item ORDER BY price DESC LIMIT 3',
  'SELECT id FROM item ORDER BY price DESC LIMIT 5',
  "SELECT CAST(price AS int) FROM item WHERE name = 'item 2'",
  "SELECT price::int FROM item WHERE name = 'item 3'",
];

test("csvlog query_id against pg_stat_statements: every queryid of an imported statement is one template's", { skip }, async (t) => {
  const cluster = startPgCluster({
    log_destination: "'csvlog'",
    log_statement: "'none'",
    log_min_duration_statement: '0',
    shared_preload_libraries: "'pg_stat_statements'",
    compute_query_id: 'on',
  });
  t.after(() => cluster.destroy());
  const ext = cluster.psql(['-c', 'CREATE EXTENSION pg_stat_statements']);
  assert.equal(ext.status, 0, ext.stderr);
  runWorkload(cluster);
  for (const sql of VARIED) assert.equal(cluster.psql(['-c', sql]).status, 0, sql);
  const pgss = cluster.psql(['-At', '-F', '\t', '-c', "SELECT queryid, calls, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"]);
  assert.equal(pgss.status, 0, pgss.stderr);
  cluster.stop();
  const stats = new Map(pgss.stdout.trim().split('\n').map((l) => {
    const [id, calls, query] = l.split('\t');
    return [id!, { calls: Number(calls), query: query! }] as const;
  }));
  const imported = await importLogs([join(cluster.logDir, 'postgresql.csv')]);
  const queryIds = imported.queryIds ?? {};
  // every query id flightdeck saw → the templates holding it
  const templatesOf = new Map<string, string[]>();
  for (const [fingerprint, ids] of Object.entries(queryIds)) for (const id of ids) templatesOf.set(id, [...(templatesOf.get(id) ?? []), fingerprint]);
  const inPgss = [...templatesOf.keys()].filter((id) => stats.has(id));
  // the lower bound: a query id (one pg_stat_statements entry) never spreads over several templates
  for (const id of inPgss) assert.equal(templatesOf.get(id)!.length, 1, `pg_stat_statements ${id} (${stats.get(id)!.query}) is in templates ${templatesOf.get(id)}`);
  // pg_stat_statements groups these constants as flightdeck does: both see the same groups
  const template = (sql: string) => imported.templates.find((x) => x.sql === sql)!;
  assert.deepEqual(queryIds[template('SELECT name FROM item WHERE id = 1').fingerprint]?.length, 1, 'id = 1, 2, 3: one query id, one template');
  assert.equal(template('SELECT name FROM item WHERE id = 1').count, 3);
  // a template of SELECTs flightdeck imported: the calls of its query ids add up to its executions
  const selects = imported.templates.filter((x) => queryIds[x.fingerprint]?.every((id) => stats.has(id)));
  const callsAgree = selects.filter((x) => queryIds[x.fingerprint]!.reduce((n, id) => n + stats.get(id)!.calls, 0) === x.count - x.errorCount);
  const oneToOne = selects.filter((x) => queryIds[x.fingerprint]!.length === 1);
  const withoutId = imported.templates.filter((x) => !queryIds[x.fingerprint]);
  t.diagnostic(
    `pg_stat_statements: ${stats.size} entries, ${inPgss.length} of them with a flightdeck template (each in exactly one); ` +
      `flightdeck: ${imported.templates.length} templates, ${selects.length} with query ids all in pg_stat_statements ` +
      `(${oneToOne.length} one-to-one, ${selects.length - oneToOne.length} merging several: ${selects.filter((x) => queryIds[x.fingerprint]!.length > 1).map((x) => x.normalized).join(' | ')}), ` +
      `calls = executions for ${callsAgree.length}; without a query id: ${withoutId.map((x) => x.normalized).join(' | ')}`,
  );
  assert.ok(selects.length >= 9, 'the templates of statements that ran carry query ids pg_stat_statements knows');
  assert.equal(callsAgree.length, selects.length, 'pg_stat_statements calls = flightdeck executions, template by template');
  // CAST(x AS int) and x::int, public.item and item: one query id, one template, for both
  for (const normalized of ['select price::int from item where name = ?', 'select id from item order by price desc limit ?']) {
    const x = imported.templates.find((y) => y.normalized === normalized);
    assert.deepEqual([x?.count, queryIds[x!.fingerprint]?.length], [2, 1], normalized);
  }
  // the templates that merge several query ids, each a decision of docs/fingerprints.md:
  // LIMIT 7 (simple protocol) and LIMIT $2 (extended) are a constant and a parameter to PostgreSQL, one query to flightdeck;
  // `> 10` and `> 12.5` are an int cast to numeric and a numeric constant to PostgreSQL, a number to flightdeck
  assert.deepEqual(
    selects.filter((x) => queryIds[x.fingerprint]!.length > 1).map((x) => x.normalized).toSorted(),
    ['select count(*) from item where price > ? and note is null', 'select name, price from item where id = ? limit ?'],
  );
  // no query id: statements of multi-statement messages (the message's id is one of theirs) and failed ones (no id computed)
  for (const x of withoutId) assert.ok(x.normalized === 'select ?' || x.errorCount === x.count, x.normalized);
});
