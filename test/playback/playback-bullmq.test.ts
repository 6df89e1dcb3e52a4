/**
 * The BullMQ path against a real Redis (a private redis-server on its own
 * port, so it can be killed): same verdicts as in-process; a worker killed
 * with SIGKILL mid-job, Redis restarted mid-run, and a coordinator killed
 * and resumed — each must end with every outcome exactly once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Store } from '../../store/store.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { BullmqQueue } from '../../playback/queue/bullmq-queue.ts';
import { startWorker } from '../../playback/queue/bullmq-worker.ts';
import { EXPECTED, makePlaybackFixture, NEW_BUILD, OLD_BUILD } from '../helpers/playback-fixture.ts';
import { startTestRedis, type TestRedis } from '../helpers/redis.ts';
import { runCli, spawnCli, waitForExit, waitForOutput } from '../helpers/cli.ts';

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(async () => {
  await redis?.stop();
});

async function countOutcomes(storePath: string, runId: string): Promise<{ rows: number; distinct: number }> {
  const s = await Store.open(storePath);
  try {
    const r = await s.query('SELECT count(*) AS n, count(DISTINCT fingerprint) AS d FROM outcomes WHERE run_id = ?', [runId]);
    return { rows: Number(r[0]!.n), distinct: Number(r[0]!.d) };
  } finally {
    s.close();
  }
}

test('one BullMQ worker gives the same verdicts as the in-process queue', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const queue = await BullmqQueue.connect(redis.url);
  const worker = await startWorker(redis.url, { concurrency: 2, name: 'test-worker' });
  try {
    const summary = await startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: NEW_BUILD, batchSize: 2, timeoutMs: 1500 });
    const expected: Record<string, number> = {};
    for (const e of EXPECTED) expected[e.verdict] = (expected[e.verdict] ?? 0) + 1;
    assert.deepEqual(summary.counts, expected);
    const outcomes = await store.getOutcomes(summary.runId);
    assert.ok(outcomes.every((o) => o.worker === 'test-worker'));
    assert.equal((await queue.counts()).completed, 0, 'harvested jobs are removed');
  } finally {
    await worker.close();
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a worker killed with SIGKILL mid-job: its job is recovered within seconds, nothing lost or doubled', async () => {
  const fx = await makePlaybackFixture({ copies: 4, sleepMs: 150 });
  const store = await Store.open(fx.storePath);
  const queue = await BullmqQueue.connect(redis.url);
  const victim = spawnCli(['worker', '--queue', redis.url, '--name', 'victim']);
  const survivor = spawnCli(['worker', '--queue', redis.url, '--name', 'survivor']);
  try {
    await Promise.all([waitForOutput(victim, /worker ready/), waitForOutput(survivor, /worker ready/)]);
    let killedAt = 0;
    const started = Date.now();
    const summary = await startPlayback(store, queue, {
      workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 3, timeoutMs: 3000,
      onProgress: (done) => {
        if (done > 0 && !killedAt) {
          killedAt = Date.now();
          victim.kill('SIGKILL'); // mid-job: it holds a batch that sleeps 150 ms per template
        }
      },
    });
    const total = EXPECTED.length * 4;
    assert.equal(summary.total, total);
    assert.deepEqual(await countOutcomes(fx.storePath, summary.runId), { rows: total, distinct: total });
    const tookAfterKill = (Date.now() - killedAt) / 1000;
    assert.ok(tookAfterKill < 20, `run finished ${tookAfterKill.toFixed(1)} s after the kill (stalled-job recovery should take ~5-7 s)`);
    assert.ok(Date.now() - started < 40_000);
  } finally {
    victim.kill('SIGKILL');
    survivor.kill('SIGTERM');
    await waitForExit(survivor);
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('Redis restarted mid-run (its data gone): vanished jobs are added again and the run completes exactly once', async () => {
  const fx = await makePlaybackFixture({ copies: 3, sleepMs: 100 });
  const store = await Store.open(fx.storePath);
  const queue = await BullmqQueue.connect(redis.url, { checkMs: 500 });
  const worker = spawnCli(['worker', '--queue', redis.url, '--name', 'w']);
  try {
    await waitForOutput(worker, /worker ready/);
    let restarted = false;
    const summary = await startPlayback(store, queue, {
      workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 2, timeoutMs: 3000,
      onProgress: async (done) => {
        if (done > 0 && !restarted) {
          restarted = true;
          await redis.kill();
          await redis.start();
        }
      },
    });
    assert.ok(restarted);
    const total = EXPECTED.length * 3;
    assert.deepEqual(await countOutcomes(fx.storePath, summary.runId), { rows: total, distinct: total });
  } finally {
    worker.kill('SIGTERM');
    await waitForExit(worker);
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a coordinator killed mid-run is finished by `playback --resume`, with each outcome once', async () => {
  const fx = await makePlaybackFixture({ copies: 4, sleepMs: 100 });
  const worker = spawnCli(['worker', '--queue', redis.url, '--concurrency', '2']);
  try {
    await waitForOutput(worker, /worker ready/);
    const coordinator = spawnCli(
      ['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--queue', redis.url, '--batch-size', '2', '--timeout', '2000', '--store', fx.storePath],
    );
    await waitForOutput(coordinator, /playback: [1-9]\d*\/\d+/, 60_000);
    coordinator.kill('SIGKILL');
    await waitForExit(coordinator);
    const s = await Store.open(fx.storePath);
    const run = (await s.listRuns())[0]!;
    s.close();
    assert.equal(run.status, 'running');
    assert.ok(run.done < run.total, `killed after ${run.done}/${run.total}`);
    const resumed = runCli(['playback', '--resume', run.id, '--queue', redis.url, '--store', fx.storePath]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`run ${run.id}: ${run.total} templates`));
    assert.deepEqual(await countOutcomes(fx.storePath, run.id), { rows: run.total, distinct: run.total });
  } finally {
    worker.kill('SIGTERM');
    await waitForExit(worker);
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a dead Redis is a one-line environment error with exit code 2', async () => {
  const r = runCli(['worker', '--queue', 'redis://127.0.0.1:1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: environment-error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*drop --queue to run in-process\n$/);
});

test('with no worker connected the coordinator says so, and finishes once one starts', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const warnings: string[] = [];
  const queue = await BullmqQueue.connect(redis.url, { onWarning: (m) => warnings.push(m), idleWarnMs: 300, pollMs: 50 });
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const running = startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 5, timeoutMs: 1500 });
    while (!warnings.length) await new Promise((r) => setTimeout(r, 50));
    assert.match(warnings[0]!, /^no worker is connected to redis:\/\/127\.0\.0\.1:\d+; start one with: flightdeck worker --queue/);
    worker = await startWorker(redis.url);
    assert.equal((await running).total, EXPECTED.length);
  } finally {
    await worker?.close();
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});
