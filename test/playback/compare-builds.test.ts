/**
 * compareWithBuilds against real build processes: a head that plans much
 * slower is `slower-compile` after an interleaved re-measure, a single slow
 * first compile is not, and builds that cannot re-cost say so. The fixture
 * build reports its own compile times, so nothing here depends on the clock.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../compiler/builds/open-build.ts';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import type { Build } from '../../compiler/builds/build.ts';
import { compareWithBuilds } from '../../playback/compare.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY } from '../../playback/policy.ts';
import { NEW_BUILD, OLD_BUILD } from '../helpers/playback-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-compare-builds-'));
const opened: Build[] = [];
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function builds(): Promise<{ base: Build; head: Build }> {
  const catalogPath = join(dir, 'catalog.duckdb');
  const db = await openDatabase(catalogPath);
  await db.run('CREATE TABLE IF NOT EXISTS t (id INTEGER)');
  db.close();
  const base = await openBuild(OLD_BUILD, { catalogPath, timeoutMs: 5000 });
  const head = await openBuild(NEW_BUILD, { catalogPath, timeoutMs: 5000 });
  opened.push(base, head);
  return { base, head };
}

test('a query the head compiles 128× slower is slower-compile, confirmed by re-measuring, and fails the default policy', async () => {
  const pair = await builds();
  const t = { fingerprint: 'slow', sql: '/*slowcompile*/ select * from t', weight: 1, count: 1 };
  const { outcome } = await compareWithBuilds('run', t, pair, await pair.base.compile(t.sql), await pair.head.compile(t.sql));
  assert.equal(outcome.verdict, 'slower-compile');
  assert.match(outcome.reason, /^compile ×128\.6 \(7 ms → 900 ms, medians of 3\); plan: same plan$/);
  assert.equal(outcome.baseMs, 7);
  assert.equal(outcome.headMs, 900);
  const decision = evaluateGate([outcome], DEFAULT_POLICY, new Set());
  assert.equal(decision.passed, false);
  assert.deepEqual(decision.checks.filter((c) => !c.passed).map((c) => c.name), ['slower-compile']);
});

test('one slow first compile that the re-measure does not confirm is not a verdict', async () => {
  const pair = await builds();
  const t = { fingerprint: 'once', sql: '/*slowonce*/ select * from t', weight: 1, count: 1 };
  const h = await pair.head.compile(t.sql);
  assert.equal(h.timingMs, 900);
  const { outcome } = await compareWithBuilds('run', t, pair, await pair.base.compile(t.sql), h);
  assert.equal(outcome.verdict, 'identical');
  assert.equal(outcome.headMs, 7);
});

test('command builds cannot re-cost: a changed plan is judged by its own estimates and the outcome says why', async () => {
  const pair = await builds();
  const t = { fingerprint: 'faster', sql: '/*faster*/ select * from t', weight: 1, count: 1 };
  const { outcome } = await compareWithBuilds('run', t, pair, await pair.base.compile(t.sql), await pair.head.compile(t.sql));
  assert.equal(outcome.verdict, 'improved');
  assert.equal(outcome.baseEstimatorRatio, null);
  assert.match(outcome.recost!, /^cannot re-cost: base: command:.* gives no plan IR to re-cost; head: command:.* gives no plan IR to re-cost$/);
  assert.match(outcome.reason, /cannot re-cost/);
});
