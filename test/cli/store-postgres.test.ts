/**
 * One real CLI flow on a PostgreSQL store (issue #10): `corpus import`,
 * `playback` of the fake-optimizer workload, `runs` and `gate`, each with
 * `--store postgresql://…` (and FLIGHTDECK_STORE); a store that cannot be
 * reached is a one-line environment error (exit 2) that does not print the
 * password. The store is a database of its own on the machine's server;
 * skipped with a one-line reason when none answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { createPgDatabase, dropPgDatabases, pgStoreUnavailable } from '../helpers/pg-store.ts';
import { makePlaybackFixture, NEW_BUILD, OLD_BUILD, type PlaybackFixture } from '../helpers/playback-fixture.ts';

const skip = (await pgStoreUnavailable()) ?? undefined;
if (skip) console.log(`skipping the PostgreSQL CLI flow: ${skip}`);

let fx: PlaybackFixture;
let url: string;

before(async () => {
  if (skip) return;
  fx = await makePlaybackFixture();
  url = await createPgDatabase();
});
after(async () => {
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
  await dropPgDatabases();
});

test('corpus import → playback → runs → gate on a PostgreSQL store', { skip }, () => {
  const imp = runCli(['corpus', 'import', fx.logPath, '--workload', 'fake', '--store', url]);
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, /^workload fake: 9 templates from \d+ queries/);

  const pb = runCli(['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--timeout', '1500', '--out', join(fx.dir, 'reports'), '--store', url]);
  assert.equal(pb.status, 0, pb.stderr);
  const run = /^run (run-\S+): 9 templates — identical 1, plan-changed 1, improved 1, regressed 1, new-error 1, fixed-error 1, both-error 1, crash 1, timeout 1; 3 change clusters$/m.exec(pb.stdout)?.[1];
  assert.ok(run, pb.stdout);

  // the environment variable names the store as well as --store does
  const runs = runCli(['runs'], { env: { FLIGHTDECK_STORE: url } });
  assert.equal(runs.status, 0, runs.stderr);
  assert.match(runs.stdout, new RegExp(`^${run} {2}done`, 'm'));

  const approvals = join(fx.dir, 'approvals.json');
  writeFileSync(approvals, '{ "version": 1, "approvals": [] }\n');
  const gate = runCli(['gate', '--run', run, '--approvals', approvals, '--store', url]);
  assert.equal(gate.status, 1, gate.stderr);
  assert.match(gate.stdout, /^gate FAILED/);
  assert.match(gate.stdout, /FAIL {2}regressed \(cost ×≥1\.1\): 1 \(limit 0\)/);
  assert.equal(runCli(['gate', '--run', 'nope', '--store', url]).status, 2);
});

test('an unreachable PostgreSQL store: exit 2, one line, no password', { skip }, () => {
  const r = runCli(['runs', '--store', 'postgresql://ci:hunter2@127.0.0.1:1/flightdeck']);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, 'error: environment-error: cannot reach the store postgresql://ci@127.0.0.1:1/flightdeck (ECONNREFUSED): start the PostgreSQL server or check the host and port in --store / FLIGHTDECK_STORE\n');
});
