/**
 * Only failures that may succeed are tried again (in-process queue; the
 * BullMQ path is in playback-bullmq.test.ts). Counting builds write one line
 * to a file each time they start, so the attempts are counted, not guessed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalQueue } from '../../playback/queue/local.ts';
import type { PlaybackJob } from '../../playback/job.ts';
import { DEFAULT_THRESHOLDS } from '../../playback/verdict.ts';
import { makePlaybackFixture, OLD_BUILD } from '../helpers/playback-fixture.ts';
import { countingBuild } from '../helpers/counting-build.ts';

function oneJob(catalogPath: string, baseSpec: string): PlaybackJob {
  return {
    runId: 'r', batch: 0, baseSpec, headSpec: OLD_BUILD, catalogPath, timeoutMs: 5000, thresholds: DEFAULT_THRESHOLDS,
    templates: [{ fingerprint: 'f', sql: '/*same*/ select 1 from t', weight: 1, count: 1 }],
  };
}

test('a build that refuses to start (will always fail) is tried once, not three times', async () => {
  const fx = await makePlaybackFixture();
  const build = countingBuild(fx.dir, 'refuse');
  const warnings: string[] = [];
  const queue = new LocalQueue({ concurrency: 1, attempts: 3, onWarning: (m) => warnings.push(m) });
  try {
    await assert.rejects(queue.run([oneJob(fx.catalogPath, build.spec)], async () => {}), /failed to start: catalog-error: this catalog is not mine/);
    assert.equal(build.starts(), 1);
    assert.deepEqual(warnings, []);
  } finally {
    await queue.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a missing catalog and an unknown version fail at once', async () => {
  const fx = await makePlaybackFixture();
  const warnings: string[] = [];
  const queue = new LocalQueue({ concurrency: 1, attempts: 3, onWarning: (m) => warnings.push(m) });
  try {
    await assert.rejects(queue.run([oneJob(join(fx.dir, 'nope.duckdb'), OLD_BUILD)], async () => {}), /catalog database not found/);
    await assert.rejects(queue.run([oneJob(fx.catalogPath, 'duckdb@0.1')], async () => {}), /duckdb@0\.1/);
    assert.deepEqual(warnings, []);
  } finally {
    await queue.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a build that crashes while starting may start next time: tried `attempts` times, each retry told', async () => {
  const fx = await makePlaybackFixture();
  const build = countingBuild(fx.dir, 'crash');
  const warnings: string[] = [];
  const queue = new LocalQueue({ concurrency: 1, attempts: 3, onWarning: (m) => warnings.push(m) });
  try {
    await assert.rejects(queue.run([oneJob(fx.catalogPath, build.spec)], async () => {}), /failed to start: build exited with code 3/);
    assert.equal(build.starts(), 3);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^batch 0 failed \(attempt 1 of 3\), trying again: build-error: build '.*' failed to start: build exited with code 3.*out of memory \(simulated\)/);
  } finally {
    await queue.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});
