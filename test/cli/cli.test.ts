/**
 * The `flightdeck` command as users and CI drive it: outputs and exit codes
 * (0 ok, 1 the thing under test failed, 2 usage or environment).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { makePlaybackFixture, NEW_BUILD, OLD_BUILD, type PlaybackFixture } from '../helpers/playback-fixture.ts';

let fx: PlaybackFixture;
let env: Record<string, string>;
before(async () => {
  fx = await makePlaybackFixture();
  env = { FLIGHTDECK_STORE: fx.storePath };
});
after(() => rmSync(fx.dir, { recursive: true, force: true }));

test('every command has --help; an unknown command or option is a usage error (exit 2)', () => {
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  for (const cmd of ['compile', 'catalog', 'builds', 'corpus', 'playback', 'worker', 'approve', 'gate', 'runs', 'report', 'demo']) {
    assert.match(help.stdout, new RegExp(`\\n  ${cmd}\\b`), cmd);
  }
  assert.equal(runCli(['gate', '--help']).status, 0);
  assert.equal(runCli(['corpus', 'import', '--help']).status, 0);
  assert.equal(runCli(['frobnicate']).status, 2);
  assert.equal(runCli(['gate', '--nope']).status, 2);
});

test('compile: exit 0 with a plan, 1 with a located error, 2 for a bad spec or a missing file', () => {
  const q = join(fx.dir, 'q.sql');
  writeFileSync(q, 'select id\nfrom t\nwhere id > 1');
  const ok = runCli(['compile', '--build', 'reference', '--catalog', fx.catalogPath, '--level', 'simplified', q]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, "Filter(condition=[id > 1])\n  Scan(table=[t])\n");
  const sql = runCli(['compile', '--build', 'reference', '--catalog', fx.catalogPath, '--level', 'sql', q]);
  assert.match(sql.stdout, /^SET disabled_optimizers = '.*';\nSELECT .* FROM "t" AS t\d+.*WHERE/s);
  writeFileSync(q, 'select id\nfrom t\nwhere id >> 1 adn');
  const bad = runCli(['compile', '--build', 'reference', '--catalog', fx.catalogPath, q]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^error: parse-error at .*q\.sql:3:\d+: syntax error at line 3/);
  assert.equal(runCli(['compile', '--build', 'duckdb@0.1', '--catalog', fx.catalogPath, q]).status, 2);
  const missing = runCli(['compile', '--build', 'reference', '--catalog', fx.catalogPath, join(fx.dir, 'nope.sql')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^error: not-found/);
  assert.equal(runCli(['compile', '--build', 'reference', '--catalog', fx.catalogPath, '--level', 'fancy', q]).status, 2);
});

test('builds lists both shipped DuckDB versions; catalog prints tables', () => {
  const b = runCli(['builds']);
  assert.equal(b.status, 0);
  assert.match(b.stdout, /1\.5\.6 .*@duckdb\/node-api/);
  assert.match(b.stdout, /1\.3\.2 .*duckdb-old/);
  const c = runCli(['catalog', '--catalog', fx.catalogPath]);
  assert.equal(c.status, 0);
  assert.match(c.stdout, /^t {2}rows=0/);
});

test('corpus import reports templates and rejects with line numbers; corpus show lists them', () => {
  const imp = runCli(['corpus', 'import', join(fx.dir, 'log.jsonl'), 'test/fixtures/logs/native.jsonl', '--workload', 'mixed'], { env });
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, /^workload mixed: \d+ templates from \d+ queries/);
  assert.match(imp.stdout, /malformed-json +2 +e\.g\. line native\.jsonl:3, native\.jsonl:6/);
  const show = runCli(['corpus', 'show', 'mixed', '--top', '2'], { env });
  assert.equal(show.status, 0);
  assert.match(show.stdout, /workload mixed: \d+ templates/);
  const list = runCli(['corpus', 'show'], { env });
  assert.match(list.stdout, /^fake +9 templates/m);
  assert.equal(runCli(['corpus', 'show', 'nope'], { env }).status, 2);
  assert.equal(runCli(['corpus', 'import', 'nope.jsonl', '--workload', 'x'], { env }).status, 2);
});

test('playback → reports → gate fails (1) → approve → gate passes (0); bad run or policy is 2', () => {
  const out = join(fx.dir, 'reports');
  const pb = runCli(['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--timeout', '1500', '--out', out], { env });
  assert.equal(pb.status, 0, pb.stderr);
  const run = /^run (run-\S+): 9 templates — identical 1, plan-changed 1, improved 1, regressed 1, new-error 1, fixed-error 1, both-error 1, crash 1, timeout 1; 3 change clusters$/m.exec(pb.stdout)?.[1];
  assert.ok(run, pb.stdout);
  for (const f of ['report.md', 'junit.xml', 'report.json']) assert.ok(existsSync(join(out, f)), f);

  const approvals = join(fx.dir, 'approvals.json');
  // a file named explicitly must exist (a typo must not silently approve nothing)
  assert.equal(runCli(['gate', '--run', run, '--approvals', approvals], { env }).status, 2);
  writeFileSync(approvals, '{ "version": 1, "approvals": [] }\n');
  const gate1 = runCli(['gate', '--run', run, '--approvals', approvals], { env });
  assert.equal(gate1.status, 1);
  assert.match(gate1.stdout, /^gate FAILED/);
  assert.match(gate1.stdout, /FAIL {2}regressed \(cost ×≥1\.1\): 1 \(limit 0\)/);
  const regressed = /^ {10}([0-9a-f]{16}) {2}regressed/m.exec(gate1.stdout)![1]!;

  assert.equal(runCli(['approve', '--run', run, '--by', 'ana', '--why', 'x', '--approvals', approvals], { env }).status, 2, 'says what to approve');
  const ap = runCli(['approve', '--run', run, '--template', regressed, '--by', 'ana', '--why', 'intended', '--approvals', approvals], { env });
  assert.equal(ap.status, 0, ap.stderr);
  const file = JSON.parse(readFileSync(approvals, 'utf8'));
  assert.deepEqual(file.approvals.map((a: { fingerprint: string; by: string }) => [a.fingerprint, a.by]), [[regressed, 'ana']]);

  const policy = join(fx.dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ version: 1, verdicts: { regressed: { max: 0, minCostRatio: 1.1 }, 'new-error': { max: 1 }, crash: { max: 1 }, timeout: { max: 1 } } }));
  const gate2 = runCli(['gate', '--run', run, '--policy', policy, '--approvals', approvals], { env });
  assert.equal(gate2.status, 0, gate2.stdout);
  assert.match(gate2.stdout, /pass {2}regressed \(cost ×≥1\.1\): 0 \(limit 0, 1 approved\)/);

  assert.equal(runCli(['gate', '--run', 'nope'], { env }).status, 2);
  writeFileSync(policy, JSON.stringify({ version: 1, verdicts: { regressed: { max: -1 } } }));
  const badPolicy = runCli(['gate', '--run', run, '--policy', policy], { env });
  assert.equal(badPolicy.status, 2);
  assert.match(badPolicy.stderr, /verdicts\.regressed\.max/);

  const runs = runCli(['runs'], { env });
  assert.match(runs.stdout, new RegExp(`^${run} {2}done`, 'm'));
  const again = runCli(['report', '--run', run, '--out', join(fx.dir, 'again')], { env });
  assert.equal(again.status, 0);
  assert.ok(existsSync(join(fx.dir, 'again', 'junit.xml')));
});
