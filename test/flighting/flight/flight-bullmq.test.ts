/**
 * A flight through BullMQ on a real (private) Redis: the same worker that
 * serves playback batches serves flight batches, its name is recorded with
 * each flown outcome, every flown template gets exactly one result, and
 * the snapshot is unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateShop } from '../../../corpus/shop/generate.ts';
import { createRng, QUERY_SHAPES } from '../../../corpus/shop/query-templates.ts';
import { processAnyJob } from '../../../flighting/any-job.ts';
import type { FlightJob, FlightJobResult } from '../../../flighting/flight-job.ts';
import { sha256File, startFlight } from '../../../flighting/run-flight.ts';
import { parseSelection } from '../../../flighting/select.ts';
import { BullmqQueue } from '../../../playback/queue/bullmq-queue.ts';
import { startWorker } from '../../../playback/queue/bullmq-worker.ts';
import { startPlayback } from '../../../playback/run-playback.ts';
import { Store } from '../../../store/store.ts';
import { startTestRedis, type TestRedis } from '../../helpers/redis.ts';

let redis: TestRedis;
let dir = '';
before(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'fd-flight-bullmq-'));
});
after(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('one BullMQ worker plays back and flies; every flown template once, the snapshot untouched', async () => {
  const snapshot = (await generateShop({ scale: 0.002, outDir: dir, seed: 5 })).dbPath;
  const sha = await sha256File(snapshot);
  const store = await Store.open(join(dir, 'store.duckdb'));
  const selects = QUERY_SHAPES.filter((s) => s.kind === 'select').slice(0, 8).map((s) => s.sql(createRng(2)));
  await store.saveWorkload(
    { name: 'w', sources: [{ path: 'shop', format: 'generated' }], entries: selects.length, rejected: 0, rejects: [] },
    selects.map((sql, i) => ({
      fingerprint: `t${i}`, normalized: sql, sql, count: 1, errorCount: 0, totalDurationMs: 1, meanDurationMs: 1, weight: 1 / selects.length, durationShare: 1 / selects.length,
      users: [], projects: [], priorities: [], firstSeen: null, lastSeen: null, source: `shop:${i}`,
    })),
  );
  const worker = await startWorker(redis.url, { concurrency: 1, name: 'flight-worker', process: processAnyJob });
  const playbackQueue = await BullmqQueue.connect(redis.url);
  const flightQueue = await BullmqQueue.connect<FlightJob, FlightJobResult>(redis.url);
  try {
    const run = await startPlayback(store, playbackQueue, { workload: 'w', catalogPath: snapshot, baseSpec: 'duckdb@1.3.2', headSpec: 'duckdb@1.5.6', timeoutMs: 20_000 });
    const flight = await startFlight(store, flightQueue, {
      runId: run.runId, snapshotPath: snapshot, selection: parseSelection('all'), allowUnmasked: true, batchSize: 3, timeoutMs: 20_000,
      perf: { minPairs: 0, maxPairs: 0, warmup: 0 },
    });
    const results = await store.getFlightResults(flight.flightId);
    assert.equal(results.length, flight.flown);
    assert.equal(new Set(results.map((r) => r.fingerprint)).size, results.length, 'exactly one result per template');
    const flown = (await store.getOutcomes(flight.flightId)).filter((o) => results.some((r) => r.fingerprint === o.fingerprint));
    assert.ok(flown.length >= 6, `flew ${flown.length}`);
    assert.ok(flown.every((o) => o.worker === 'flight-worker'), 'the BullMQ worker flew them');
    assert.deepEqual(flown.filter((o) => o.verdict === 'result-mismatch' && !/result types changed/.test(o.reason)).map((o) => o.reason), []);
    assert.equal(await sha256File(snapshot), sha);
  } finally {
    await worker.close();
    await playbackQueue.close();
    await flightQueue.close();
    store.close();
  }
});
