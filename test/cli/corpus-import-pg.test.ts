/**
 * `flightdeck corpus import` on PostgreSQL logs as servers write them
 * (issue #9 §9, §11, §12): the log_line_prefix is detected or read from
 * postgresql.conf, a wrong one is refused with the first line; filters by
 * database, user and application; folders of logs with rotated files and
 * csvlog + stderr copies of one server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';

let dir: string;
let env: Record<string, string>;

/** Debian/Ubuntu's prefix: background processes stop at %q */
const DEBIAN_LOG = [
  '2026-11-01 10:00:00.100 UTC [100] LOG:  checkpoint starting: time',
  '2026-11-01 10:00:00.123 UTC [4242] app@shop LOG:  duration: 12.345 ms  statement: SELECT o.id FROM orders o WHERE o.customer_id = 17',
  '2026-11-01 10:00:01.000 UTC [4243] bob@bench LOG:  duration: 1.000 ms  statement: select abalance from pgbench_accounts where aid = 5',
  '2026-11-01 10:00:01.500 UTC [4243] bob@bench LOG:  duration: 1.000 ms  statement: select abalance from pgbench_accounts where aid = 6',
  '2026-11-01 10:00:02.000 UTC [4243] bob@bench ERROR:  relation "nope" does not exist at character 15',
  '2026-11-01 10:00:02.000 UTC [4243] bob@bench STATEMENT:  select * from nope',
  '',
].join('\n');

const PGBADGER_LOG = [
  '2026-11-01 10:00:00 UTC [4242]: [1-1] user=app,db=shop,app=psql,client=127.0.0.1 LOG:  duration: 2.000 ms  statement: SELECT name FROM customers WHERE id = 1',
  '2026-11-01 10:00:01 UTC [4243]: [1-1] user=bob,db=bench,app=pgbench,client=[local] LOG:  duration: 1.000 ms  statement: select abalance from pgbench_accounts where aid = 5',
  '2026-11-01 10:00:02 UTC [4244]: [1-1] user=app,db=shop,app=PostgreSQL JDBC Driver,client=10.0.0.2 LOG:  duration: 3.000 ms  statement: select total from orders where id = 9',
  '',
].join('\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fd-cli-import-pg-'));
  env = { FLIGHTDECK_STORE: join(dir, 'store.duckdb') };
  writeFileSync(join(dir, 'debian.log'), DEBIAN_LOG);
  writeFileSync(join(dir, 'pgbadger.log'), PGBADGER_LOG);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const show = (name: string) => runCli(['corpus', 'show', name], { env });

test("the log_line_prefix is detected: Debian's %q prefix (background lines stop at %q) and a pgBadger-style one", () => {
  const deb = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'deb'], { env });
  assert.equal(deb.status, 0, deb.stderr);
  assert.match(deb.stdout, /^workload deb: 3 templates from 4 queries \(.*debian\.log \[pg-stderr, log_line_prefix '%m \[%p\] %q%u@%d ' detected\]\)/);
  assert.doesNotMatch(deb.stdout, /unrecognised-line/);
  const t = show('deb').stdout;
  assert.doesNotMatch(t, /checkpoint/);

  const badger = runCli(['corpus', 'import', join(dir, 'pgbadger.log'), '--workload', 'badger'], { env });
  assert.equal(badger.status, 0, badger.stderr);
  assert.match(badger.stdout, /\[pg-stderr, log_line_prefix '%t \[%p\]: \[%l-1\] user=%u,db=%d,app=%a,client=%h ' detected\]/);
  assert.match(badger.stdout, /^workload badger: 3 templates from 3 queries/);
});

test('a wrong --log-line-prefix exits 1 with the first line, the prefix tried and the right one, and keeps the workload', () => {
  const good = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'keep'], { env });
  assert.equal(good.status, 0, good.stderr);
  const wrong = runCli(['corpus', 'import', join(dir, 'pgbadger.log'), '--workload', 'keep', '--replace', '--log-line-prefix', '%m [%p] '], { env });
  assert.equal(wrong.status, 1);
  assert.equal(wrong.stdout, '');
  assert.match(wrong.stderr, /^error: log-prefix-mismatch at .*pgbadger\.log:1: the first line does not start with the log_line_prefix '%m \[%p\] ' \(--log-line-prefix\): "2026-11-01 10:00:00 UTC \[4242\]: \[1-1\] user=app,db=shop,app=psql,client=127\.0\.0\.1 LOG: {2}duration/);
  assert.match(wrong.stderr, /its lines match '%t \[%p\]: \[%l-1\] user=%u,db=%d,app=%a,client=%h ': pass --log-line-prefix '%t \[%p\]: \[%l-1\] user=%u,db=%d,app=%a,client=%h '/);
  assert.match(show('keep').stdout, /^workload keep: 3 templates, 4 queries/);

  // PostgreSQL's default on a Debian log: a background line fits it, the session lines do not; the first that does not is shown
  const deb = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'keep', '--replace', '--log-line-prefix', '%m [%p] '], { env });
  assert.equal(deb.status, 1);
  assert.match(deb.stderr, /^error: log-prefix-mismatch at .*debian\.log:2: line 2 does not start with the log_line_prefix '%m \[%p\] ' \(--log-line-prefix\) \(5 of the first 6 record lines do not\): "2026-11-01 10:00:00\.123 UTC \[4242\] app@shop LOG: /);
  assert.match(deb.stderr, /its lines match '%m \[%p\] %q%u@%d '/);

  // a prefix no known setting fits: the suggestion is written from the first line
  writeFileSync(join(dir, 'odd.log'), PGBADGER_LOG.replace(/\[(\d+)\]:/g, '<$1>'));
  const odd = runCli(['corpus', 'import', join(dir, 'odd.log'), '--workload', 'keep', '--replace'], { env });
  assert.equal(odd.status, 1);
  assert.match(odd.stderr, /does not start with any of \d+ common log_line_prefix settings: "2026-11-01 10:00:00 UTC <4242> \[1-1\]/);
  assert.match(odd.stderr, /this line fits '%t <%p> \[%l-1\] user=%u,db=%d,app=%a,client=%h '/);
  const fixed = runCli(['corpus', 'import', join(dir, 'odd.log'), '--workload', 'odd', '--log-line-prefix', '%t <%p> [%l-1] user=%u,db=%d,app=%a,client=%h '], { env });
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.match(fixed.stdout, /^workload odd: 3 templates from 3 queries \(.*odd\.log \[pg-stderr\]\)/);
  assert.match(show('keep').stdout, /^workload keep: 3 templates, 4 queries/);
});

test("--pg-conf reads log_line_prefix as the server does: quotes, comments, the last assignment wins", () => {
  const conf = join(dir, 'postgresql.conf');
  writeFileSync(
    conf,
    [
      "# log_line_prefix = '%m [%p] '",
      "log_line_prefix = '%m [%p] '   # the default",
      'log_min_duration_statement = 0',
      "log_line_prefix='%t <%p> [%l-1] user=%u,db=%d,app=%a,client=%h '  # set by ops, it''s ours",
      '',
    ].join('\n'),
  );
  const r = runCli(['corpus', 'import', join(dir, 'odd.log'), '--workload', 'conf', '--pg-conf', conf], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^workload conf: 3 templates from 3 queries/);

  const wrong = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'conf2', '--pg-conf', conf], { env });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /log_line_prefix '%t <%p> \[%l-1\] user=%u,db=%d,app=%a,client=%h ' \(postgresql\.conf line 4\)/);

  writeFileSync(join(dir, 'bad.conf'), "log_line_prefix = '%m [%p] \n");
  const bad = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'conf3', '--pg-conf', join(dir, 'bad.conf')], { env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.conf line 1: unterminated quoted value/);
});

/** a csvlog row as PostgreSQL 15 writes it (26 columns) */
function csvRow(time: string, user: string, db: string, pid: number, severity: string, message: string, app: string, query = ''): string {
  const q = (s: string) => (s ? `"${s.replace(/"/g, '""')}"` : '');
  return [time, q(user), q(db), pid, '"127.0.0.1:5000"', '6543a1b2.1092', 1, '"SELECT"', '2026-11-01 09:59:00 UTC', '3/12', 0, severity, '00000', q(message), '', '', '', '', '', q(query), '', '', q(app), '"client backend"', '', '0'].join(',');
}

test('a folder of PostgreSQL logs: rotated files in time order, the stderr copy of a csvlog skipped with a warning', () => {
  const logs = join(dir, 'log');
  mkdirSync(logs);
  // Debian's rotation: .2.gz is the oldest, the bare name the newest; names alone would put the bare one first
  const line = (ts: string, pid: number, sql: string) => `2026-11-0${ts} UTC [${pid}] LOG:  duration: 1.000 ms  statement: ${sql}\n`;
  writeFileSync(join(logs, 'postgresql-15-main.log'), line('3 10:00:00.000', 3, 'select c from t3'));
  writeFileSync(join(logs, 'postgresql-15-main.log.1'), line('2 10:00:00.000', 2, 'select b from t2'));
  writeFileSync(join(logs, 'postgresql-15-main.log.2.gz'), gzipSync(line('1 10:00:00.000', 1, 'select a from t1')));
  const r = runCli(['corpus', 'import', logs, '--workload', 'rotated'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^workload rotated: 3 templates from 3 queries \(\S*main\.log\.2\.gz \[pg-stderr, log_line_prefix '%m \[%p\] ' detected\], \S*main\.log\.1 \[pg-stderr, log_line_prefix '%m \[%p\] ' detected\], \S*main\.log \[pg-stderr, log_line_prefix '%m \[%p\] ' detected\]\)/);
  assert.equal(r.stderr, '');

  // log_destination = 'stderr,csvlog': the same statements in postgresql-….log and postgresql-….csv
  const both = join(dir, 'both');
  mkdirSync(both);
  const stmts = ['select name from customers where id = 1', 'select name from customers where id = 2', 'select total from orders where id = 9'];
  writeFileSync(join(both, 'postgresql-2026-11-01_100000.log'), stmts.map((s, i) => `2026-11-01 10:00:0${i}.000 UTC [42] LOG:  duration: 1.000 ms  statement: ${s}\n`).join(''));
  writeFileSync(join(both, 'postgresql-2026-11-01_100000.csv'), stmts.map((s, i) => csvRow(`2026-11-01 10:00:0${i}.000 UTC`, 'app', 'shop', 42, 'LOG', `duration: 1.000 ms  statement: ${s}`, 'psql') + '\n').join(''));
  const dup = runCli(['corpus', 'import', both, '--workload', 'both'], { env });
  assert.equal(dup.status, 0, dup.stderr);
  assert.match(dup.stdout, /^workload both: 2 templates from 3 queries \(\S*postgresql-2026-11-01_100000\.csv \[pg-csvlog\]\)/);
  assert.equal(
    dup.stderr,
    'warning: the stderr and csvlog logs of the same server were given (every query would count twice): reading the csvlog copy, skipping 1 stderr file (postgresql-2026-11-01_100000.log); pass --format pg-stderr to read the stderr copy instead\n',
  );
  const stderrCopy = runCli(['corpus', 'import', both, '--workload', 'both2', '--format', 'pg-stderr'], { env });
  assert.equal(stderrCopy.status, 0, stderrCopy.stderr);
  assert.match(stderrCopy.stdout, /^workload both2: 2 templates from 3 queries \(\S*_100000\.log \[pg-stderr, log_line_prefix '%m \[%p\] ' detected\]\)/);
  assert.match(stderrCopy.stderr, /reading the stderr copy, skipping 1 csvlog file \(postgresql-2026-11-01_100000\.csv\)\n$/);
});

test('rotated logs without a timestamp inside are read by modification time', () => {
  const logs = join(dir, 'mtime');
  mkdirSync(logs);
  const jsonl = (sql: string) => JSON.stringify({ sql }) + '\n';
  writeFileSync(join(logs, 'a.jsonl'), jsonl('select a from t'));
  writeFileSync(join(logs, 'b.jsonl'), jsonl('select b from t'));
  utimesSync(join(logs, 'a.jsonl'), new Date('2026-01-02'), new Date('2026-01-02'));
  utimesSync(join(logs, 'b.jsonl'), new Date('2026-01-01'), new Date('2026-01-01'));
  const r = runCli(['corpus', 'import', logs, '--workload', 'mtime'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(\S*b\.jsonl \[jsonl\], \S*a\.jsonl \[jsonl\]\)/);
});

test('--database, --user, --application and their --exclude- forms keep one application; each filter says what it dropped', () => {
  // %a in the prefix: the application name holds spaces
  const r = runCli(['corpus', 'import', join(dir, 'pgbadger.log'), '--workload', 'shop', '--database', 'shop', '--exclude-application', 'PostgreSQL JDBC Driver'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^workload shop: 1 templates from 1 queries .*\nfiltered out 2 queries:\n {2}--database shop: 1 dropped\n {2}--exclude-application PostgreSQL JDBC Driver: 1 dropped\n/);
  assert.match(show('shop').stdout, /select name from customers where id = \?|SELECT name FROM customers WHERE id = \?/i);

  // repeated flags: either user; Debian's prefix has no %a, so an application filter finds none
  const users = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'users', '--user', 'app', '--user', 'bob', '--exclude-database', 'bench'], { env });
  assert.equal(users.status, 0, users.stderr);
  assert.match(users.stdout, /^workload users: 1 templates from 1 queries .*\nfiltered out 3 queries:\n {2}--user app,bob: 0 dropped\n {2}--exclude-database bench: 3 dropped\n/);
  const app = runCli(['corpus', 'import', join(dir, 'debian.log'), '--workload', 'app', '--application', 'psql'], { env });
  assert.equal(app.status, 1);
  assert.match(app.stdout, /--application psql: 4 dropped \(4 had no application name in the log\)/);
  assert.match(app.stderr, /^error: nothing imported: the filters dropped all 4 queries \(see above\); workload 'app' was not created/m);

  // csvlog columns
  const csv = join(dir, 'filter.csv');
  writeFileSync(
    csv,
    [
      csvRow('2026-11-01 10:00:00.000 UTC', 'app', 'shop', 1, 'LOG', 'duration: 1.000 ms  statement: select a from t where id = 1', 'psql'),
      csvRow('2026-11-01 10:00:01.000 UTC', 'bench', 'pgbench', 2, 'LOG', 'duration: 1.000 ms  statement: select abalance from pgbench_accounts where aid = 1', 'pgbench'),
      csvRow('2026-11-01 10:00:02.000 UTC', 'bench', 'pgbench', 2, 'LOG', 'duration: 1.000 ms  statement: select abalance from pgbench_accounts where aid = 2', 'pgbench'),
      '',
    ].join('\n'),
  );
  const c = runCli(['corpus', 'import', csv, '--workload', 'csvf', '--exclude-application', 'pgbench'], { env });
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^workload csvf: 1 templates from 1 queries .*\nfiltered out 2 queries:\n {2}--exclude-application pgbench: 2 dropped\n/);
});

test('failed production statements: each template shows its errors and first error; the not-a-query lines are broken down by kind', () => {
  writeFileSync(
    join(dir, 'mixed.log'),
    [
      '2026-11-01 10:00:00.123 UTC [4242] app@shop LOG:  duration: 12.345 ms  statement: SELECT o.id FROM orders o WHERE o.customer_id = 17',
      '2026-11-01 10:00:01.000 UTC [4243] bob@bench LOG:  duration: 1.000 ms  statement: update pgbench_accounts set abalance = 1 where aid = 5',
      '2026-11-01 10:00:01.000 UTC [4243] bob@bench LOG:  duration: 1.000 ms  statement: update pgbench_accounts set abalance = 2 where aid = 6',
      '2026-11-01 10:00:01.000 UTC [4243] bob@bench LOG:  duration: 1.000 ms  statement: insert into pgbench_history values (1)',
      '2026-11-01 10:00:02.000 UTC [4243] bob@bench ERROR:  invalid input syntax for type integer: "secret-abc"',
      "2026-11-01 10:00:02.000 UTC [4243] bob@bench STATEMENT:  select * from t where id = 'secret-abc'",
      '2026-11-01 10:00:03.000 UTC [4243] bob@bench ERROR:  relation "nope" does not exist at character 15',
      '2026-11-01 10:00:03.000 UTC [4243] bob@bench STATEMENT:  select * from nope',
      '2026-11-01 10:00:04.000 UTC [4243] bob@bench ERROR:  relation "nope" does not exist at character 16',
      '2026-11-01 10:00:04.000 UTC [4243] bob@bench STATEMENT:  select *  from nope',
      '',
    ].join('\n'),
  );
  const r = runCli(['corpus', 'import', join(dir, 'mixed.log'), '--workload', 'mixed'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n {2}not-a-query +3 +e\.g\. line 2, 3, 4: update statement\n {30}by kind: update 2, insert 1\n/);
  assert.match(r.stdout, /\nfailed in production: 3 queries in 2 templates \(counted in their templates; corpus show gives each one's errors and first error\)\n/);
  const s = show('mixed');
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /\n {2}3 of the queries failed in production, in 2 templates \(errors column\)\n/);
  assert.match(s.stdout, /\n {3}count {2}weight {3}mean ms {2}errors {2}users {2}template\n/);
  assert.match(s.stdout, /\n +2 +50\.00% +- +2 +1 +[0-9a-f]{16} +select \* from nope\n {42}first error: relation "nope" does not exist\n/);
  assert.match(s.stdout, /\n +1 +25\.00% +12\.3 +0 +1 +[0-9a-f]{16} +select o\.id from orders o where o\.customer_id = \?\n +1 /);
  assert.match(s.stdout, /first error: invalid input syntax for type integer: "…"/);
  assert.doesNotMatch(s.stdout, /secret-abc/);
  assert.match(s.stdout, /source \S+mixed\.log \[pg-stderr, log_line_prefix '%m \[%p\] %q%u@%d '\]/);
});

test('review: the report counts sessions closed early by the session cap, and says when a rotated file fits another prefix than its folder', () => {
  const many = join(dir, 'many-sessions');
  mkdirSync(many);
  // one more session than the joiner keeps open, each waiting for a duration that never comes
  const lines = Array.from({ length: 10_001 }, (_, i) => `2026-11-01 10:00:00.000 UTC [${1000 + i}] app@shop LOG:  statement: select ${i}`);
  writeFileSync(join(many, 'postgresql.log'), lines.join('\n') + '\n');
  const r = runCli(['corpus', 'import', many, '--workload', 'evicted-sessions'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sessions: 1 closed early \(over 10,000 open at once; the least recently active first\)/m);

  const rotated = join(dir, 'rotated-prefixes');
  mkdirSync(rotated);
  writeFileSync(join(rotated, 'postgresql-1.log'), DEBIAN_LOG);
  writeFileSync(join(rotated, 'postgresql-2.log'), PGBADGER_LOG.replaceAll('2026-11-01 10:', '2026-11-01 11:'));
  const w = runCli(['corpus', 'import', rotated, '--workload', 'rotated-prefixes'], { env });
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stderr, /warning: .*postgresql-2\.log: its lines fit the log_line_prefix '%t \[%p\]: \[%l-1\] user=%u,db=%d,app=%a,client=%h ' .*not '%m \[%p\] %q%u@%d ' detected in an earlier log of its folder/);
});
