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
import { countingBuild } from '../helpers/counting-build.ts';

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
    const summary = await startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: NEW_BUILD, batchSize: 2, timeoutMs: 3000 });
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

test('a worker killed with SIGKILL mid-job: its job is recovered, nothing lost or doubled', async () => {
  const fx = await makePlaybackFixture({ copies: 4, sleepMs: 150 });
  const store = await Store.open(fx.storePath);
  const queue = await BullmqQueue.connect(redis.url);
  const victim = spawnCli(['worker', '--queue', redis.url, '--name', 'victim']);
  const survivor = spawnCli(['worker', '--queue', redis.url, '--name', 'survivor']);
  try {
    await Promise.all([waitForOutput(victim, /worker ready/), waitForOutput(survivor, /worker ready/)]);
    let killed = false;
    const summary = await startPlayback(store, queue, {
      workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 3, timeoutMs: 3000,
      onProgress: (done) => {
        if (done > 0 && !killed) {
          killed = true;
          victim.kill('SIGKILL'); // mid-job: it holds a batch that sleeps 150 ms per template
        }
      },
    });
    const total = EXPECTED.length * 4;
    assert.equal(summary.total, total);
    assert.deepEqual(await countOutcomes(fx.storePath, summary.runId), { rows: total, distinct: total });
    assert.ok(killed);
    // how fast the stalled job comes back is a timing, measured in bench/playback-bullmq.ts, not asserted here
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
  // a password given in $FLIGHTDECK_QUEUE (kept out of `ps`) is not printed either
  const env = runCli(['worker'], { env: { FLIGHTDECK_QUEUE: 'redis://ci:topsecret@127.0.0.1:1' } });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /^error: environment-error: cannot reach Redis at redis:\/\/ci:\*\*\*@127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);
  assert.ok(!env.stderr.includes('topsecret'));
});

test('with no worker connected the coordinator says so, and finishes once one starts', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const warnings: string[] = [];
  const queue = await BullmqQueue.connect(redis.url, { onWarning: (m) => warnings.push(m), idleWarnMs: 300, pollMs: 50 });
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const running = startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 5, timeoutMs: 3000 });
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

test('a failure that will always fail fails its job at once; a build crash while starting is retried; workers log each one, redacted', async () => {
  const fx = await makePlaybackFixture();
  const crash = countingBuild(fx.dir, 'crash');
  const refuse = countingBuild(fx.dir, 'refuse');
  const queue = await BullmqQueue.connect(redis.url, { attempts: 2, pollMs: 50 });
  const lines: string[] = [];
  const worker = await startWorker(redis.url, { name: 'w', log: (l) => lines.push(l) });
  try {
    const job = (baseSpec: string, batch: number) => ({
      runId: `retry-${Date.now()}`, batch, baseSpec, headSpec: OLD_BUILD, catalogPath: fx.catalogPath, timeoutMs: 3000, thresholds: { regressedAt: 1.1, improvedAt: 0.9 },
      templates: [{ fingerprint: `f${batch}`, sql: '/*same*/ select 1 from t', weight: 1, count: 1 }],
    });
    const refused = job(refuse.spec, 0);
    await assert.rejects(queue.run([refused], async () => {}), /failed after 1 attempt \(not retryable\): build-error: .*catalog-error: this catalog is not mine/);
    assert.equal(refuse.starts(), 1);
    assert.equal(await queue.attemptsOf(refused), 1);
    const missing = { ...job(OLD_BUILD, 1), catalogPath: `${fx.dir}/missing.duckdb` };
    await assert.rejects(queue.run([missing], async () => {}), /failed after 1 attempt \(not retryable\): not-found .*catalog database not found/);
    const crashed = job(crash.spec, 2);
    await assert.rejects(queue.run([crashed], async () => {}), /failed after 2 attempts: build-error: .*build exited with code 3/);
    assert.equal(crash.starts(), 2);
    assert.ok(lines.some((l) => /^worker w: job \S+ \(run retry-\d+, batch 0\) failed, not retryable: build-error: /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^worker w: job \S+ \(run retry-\d+, batch 2\) failed \(attempt 1 of 2\), will be tried again: build-error: /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /batch 2\) failed \(attempt 2 of 2\): /.test(l)), lines.join('\n'));
  } finally {
    await worker.close();
    await queue.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a Redis with a password: redis://:PW@ and redis://USER:PW@ work, the password is never printed nor stored', async () => {
  const password = 'hunter2-s3cret';
  const secured = await startTestRedis({ password });
  const fx = await makePlaybackFixture();
  const withUser = secured.url.replace('redis://:', 'redis://default:');
  const worker = spawnCli(['worker', '--queue', withUser, '--name', 'pw-worker']);
  try {
    await waitForOutput(worker, /worker ready/);
    assert.match(worker.output(), /worker ready on redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+\n/);
    const r = runCli(['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--queue', secured.url, '--batch-size', '3', '--timeout', '2000', '--store', fx.storePath]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`run run-\\S+: ${EXPECTED.length} templates`));
    const s = await Store.open(fx.storePath);
    const run = (await s.listRuns())[0]!;
    s.close();
    assert.match(run.queue, /^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/, 'the run records the URL without its password');
    // wrong password: a one-line environment error that does not echo what was typed
    const wrong = secured.url.replace(password, 'not-the-password');
    const bad = runCli(['worker', '--queue', wrong]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: environment-error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials \(.*\); check the user and password in --queue\n$/);
    const none = runCli(['worker', '--queue', `redis://127.0.0.1:${secured.port}`]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /refused the credentials \(NOAUTH/);
    for (const out of [r.stdout, r.stderr, worker.output(), bad.stderr, none.stderr]) {
      assert.ok(!out.includes(password) && !out.includes('not-the-password'), `a password was printed:\n${out}`);
    }
  } finally {
    worker.kill('SIGTERM');
    await waitForExit(worker);
    await secured.stop();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('Redis dies and stays down: the coordinator exits 2 within --redis-timeout, saying how to resume; the resume finishes the run', { timeout: 120_000 }, async () => {
  const fx = await makePlaybackFixture({ copies: 4, sleepMs: 100 });
  const password = 'pw-for-the-timeout-test';
  const own = await startTestRedis({ password });
  let worker = spawnCli(['worker', '--queue', own.url, '--name', 'w1']);
  try {
    await waitForOutput(worker, /worker ready/);
    const coordinator = spawnCli(
      ['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--queue', own.url, '--batch-size', '2', '--timeout', '2000', '--redis-timeout', '2s', '--store', fx.storePath],
    );
    await waitForOutput(coordinator, /playback: [1-9]\d*\/\d+/, 60_000);
    await own.kill();
    const code = await waitForExit(coordinator);
    const out = coordinator.output();
    assert.equal(code, 2, out);
    assert.match(out, /error: environment-error: lost Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ for \d+ s \(.*\); run (run-\S+) is kept: once Redis is back, finish it with: flightdeck playback --resume run-\S+ --queue URL \(the same --queue URL, or \$FLIGHTDECK_QUEUE\)\n/);
    assert.ok(!out.includes(password));
    const runId = /--resume (run-\S+)/.exec(out)![1]!;
    // the worker stayed up, logged the loss once, and reconnects when Redis is back
    assert.equal(worker.exitCode, null, 'the worker keeps reconnecting');
    await waitForOutput(worker, /worker w1: lost Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
    assert.ok(!worker.output().includes(password));
    await own.start();
    await waitForOutput(worker, /worker w1: Redis at redis:\/\/:\*\*\*@\S+ is back/, 30_000);
    const resumed = runCli(['playback', '--resume', runId, '--queue', own.url, '--store', fx.storePath]);
    assert.equal(resumed.status, 0, resumed.stderr);
    const total = EXPECTED.length * 4;
    assert.match(resumed.stdout, new RegExp(`run ${runId}: ${total} templates`));
    assert.deepEqual(await countOutcomes(fx.storePath, runId), { rows: total, distinct: total });
  } finally {
    worker.kill('SIGTERM');
    await waitForExit(worker);
    await own.stop();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('SIGTERM to a worker mid-job: it gives the job back and exits 0; another worker finishes it, with no crash verdicts', { timeout: 120_000 }, async () => {
  const fx = await makePlaybackFixture({ sleepMs: 300 });
  const store = await Store.open(fx.storePath);
  const queue = await BullmqQueue.connect(redis.url, { pollMs: 50 });
  const stopped = spawnCli(['worker', '--queue', redis.url, '--name', 'stopped']);
  let other: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    await waitForOutput(stopped, /worker ready/);
    // one batch of 9 templates × 2 builds × 300 ms: the worker is mid-job for ~5 s
    const running = startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 9, timeoutMs: 5000 });
    while (!(await queue.counts()).active) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 700)); // its builds are open and compiling
    stopped.kill('SIGTERM');
    assert.equal(await waitForExit(stopped), 0, stopped.output());
    assert.match(stopped.output(), /worker stopped: stopping; job \S+ \(run run-\S+, batch 0\) given back to the queue\nworker stopped after 0 jobs\n/);
    other = await startWorker(redis.url, { name: 'other' });
    const summary = await running;
    assert.deepEqual(summary.counts, { identical: 7, 'both-error': 2 }, 'old vs old: no crash from the killed builds');
    assert.ok((await store.getOutcomes(summary.runId)).every((o) => o.worker === 'other'));
  } finally {
    stopped.kill('SIGKILL');
    await other?.close();
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});
