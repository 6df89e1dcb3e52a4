/**
 * The build pool of a worker slot: builds are closed only when idle, and a
 * build held by a running batch is never idle, however long the batch runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { BuildPool, processPlaybackJob, type PlaybackJob } from '../../playback/job.ts';
import { DEFAULT_THRESHOLDS } from '../../playback/verdict.ts';
import { makePlaybackFixture, OLD_BUILD, NEW_BUILD } from '../helpers/playback-fixture.ts';

test('a batch that runs longer than the idle time keeps its builds (regression: "build … is closed" mid-batch)', async () => {
  const fx = await makePlaybackFixture();
  // idle after 30 ms; the sweeper looks every 30 ms; each compile sleeps 60 ms, so the
  // sweeper runs several times while the batch holds both builds
  const pool = new BuildPool({}, 30);
  try {
    const job: PlaybackJob = {
      runId: 'r', batch: 0, baseSpec: OLD_BUILD, headSpec: NEW_BUILD, catalogPath: fx.catalogPath, timeoutMs: 5000, thresholds: DEFAULT_THRESHOLDS,
      templates: Array.from({ length: 4 }, (_, i) => ({ fingerprint: `f${i}`, sql: `/*same*//*sleep:60*/ select * from t_a join u_a on t_a.id = u_a.id where x = ${i}`, weight: 1, count: 1 })),
    };
    const result = await processPlaybackJob(job, pool, 'w');
    assert.deepEqual(result.outcomes.map((o) => o.verdict), ['identical', 'identical', 'identical', 'identical']);
    assert.ok(result.outcomes.every((o) => o.baseStatus === 'ok' && o.headStatus === 'ok'), JSON.stringify(result.outcomes.map((o) => o.reason)));
  } finally {
    await pool.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a held build is never closed; once released it is closed after the idle time and reopened on demand', async () => {
  const fx = await makePlaybackFixture();
  const pool = new BuildPool({}, 60_000);
  try {
    const lease = await pool.acquire(OLD_BUILD, fx.catalogPath, 1500);
    assert.equal(await pool.closeIdle(Date.now() + 3_600_000), 0, 'held: kept however old');
    assert.equal((await lease.build.compile('select 1 from t')).ok, true);
    lease.release();
    lease.release(); // a second release is a no-op, not a negative holder count
    assert.equal(await pool.closeIdle(Date.now()), 0, 'just released: kept');
    assert.equal(await pool.closeIdle(Date.now() + 61_000), 1, 'released and idle: closed');
    assert.equal(pool.size, 0);
    const again = await pool.acquire(OLD_BUILD, fx.catalogPath, 1500);
    assert.notEqual(again.build, lease.build);
    assert.equal((await again.build.compile('select 1 from t')).ok, true);
    // two holders: still held after one lets go
    const second = await pool.acquire(OLD_BUILD, fx.catalogPath, 1500);
    assert.equal(second.build, again.build, 'the same open build is shared');
    again.release();
    assert.equal(await pool.closeIdle(Date.now() + 3_600_000), 0);
    second.release();
    assert.equal(await pool.closeIdle(Date.now() + 3_600_000), 1);
  } finally {
    await pool.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a build that cannot open is not kept: the next acquire tries again', async () => {
  const fx = await makePlaybackFixture();
  const pool = new BuildPool({}, 60_000);
  try {
    await assert.rejects(pool.acquire(OLD_BUILD, `${fx.dir}/missing.duckdb`, 1500), /catalog database not found/);
    assert.equal(pool.size, 0);
  } finally {
    await pool.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});
