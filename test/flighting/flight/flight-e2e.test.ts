/**
 * Flights end to end, with real builds on a small generated shop database:
 * each of the eight injected optimizer bugs (test/fixtures/buggy-optimizer)
 * is caught as `result-mismatch` with its differing columns although its
 * playback verdict was only a plan change, and the gate fails; a real
 * optimizer change and a real engine upgrade fly without a mismatch; a
 * write runs on a scratch copy; the snapshot's bytes never change; a
 * database without a clean masking report is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateShop } from '../../../corpus/shop/generate.ts';
import { createRng, QUERY_SHAPES } from '../../../corpus/shop/query-templates.ts';
import { processFlightJob, type FlightJob, type FlightJobResult } from '../../../flighting/flight-job.ts';
import { checkSnapshot, sha256File, startFlight, resumeFlight } from '../../../flighting/run-flight.ts';
import { parseSelection } from '../../../flighting/select.ts';
import { evaluateGate } from '../../../playback/gate.ts';
import { DEFAULT_POLICY } from '../../../playback/policy.ts';
import { LocalQueue } from '../../../playback/queue/local.ts';
import { gatherReport } from '../../../playback/report/report-data.ts';
import { renderMarkdown } from '../../../playback/report/markdown.ts';
import { startPlayback } from '../../../playback/run-playback.ts';
import { LocalQueue as PlaybackQueue } from '../../../playback/queue/local.ts';
import type { StoredTemplate } from '../../../store/records.ts';
import { Store } from '../../../store/store.ts';
import { BUGS, CATCHES } from '../../fixtures/buggy-optimizer/bugs.ts';
import { ROOT, runCli } from '../../helpers/cli.ts';

const SELECTS = QUERY_SHAPES.filter((s) => s.kind === 'select').map((s) => ({ name: s.name, sql: s.sql(createRng(1)) }));

let dir = '';
let snapshot = '';
let store: Store;
let storePath = '';
let sha = '';

function template(name: string, sql: string): StoredTemplate {
  return {
    fingerprint: name, normalized: sql, sql, count: 1, errorCount: 0, totalDurationMs: 1, meanDurationMs: 1, weight: 1, durationShare: 1,
    users: [], projects: [], priorities: [], firstSeen: null, lastSeen: null, source: `shop:${name}`,
  };
}

async function saveWorkload(name: string, templates: readonly { name: string; sql: string }[]): Promise<void> {
  const ts = templates.map((t) => ({ ...template(t.name, t.sql), weight: 1 / templates.length }));
  await store.saveWorkload({ name, sources: [{ path: 'shop', format: 'generated' }], entries: ts.length, rejected: 0, rejects: [] }, ts);
}

// one playback queue and one flight queue for the file: their pools keep the reference, engine and DuckDB processes between tests
let playbackQueue: PlaybackQueue;
let flightQueue: LocalQueue<FlightJob, FlightJobResult>;

async function playbackThenFly(workload: string, base: string, head: string, fly: { select?: string; control?: number; pairs?: number } = {}) {
  const runId = (await startPlayback(store, playbackQueue, { workload, catalogPath: snapshot, baseSpec: base, headSpec: head, timeoutMs: 30_000 })).runId;
  const pairs = fly.pairs ?? 0;
  const summary = await startFlight(store, flightQueue, {
    runId, snapshotPath: snapshot, selection: parseSelection(fly.select ?? 'changed'), control: fly.control ?? 0, allowUnmasked: true, timeoutMs: 30_000,
    perf: { minPairs: pairs, maxPairs: pairs, warmup: pairs ? 1 : 0, budgetMs: 10_000 },
  });
  return { runId, summary, outcomes: await store.getOutcomes(summary.flightId), results: await store.getFlightResults(summary.flightId) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-flight-'));
  snapshot = (await generateShop({ scale: 0.002, outDir: dir, seed: 3 })).dbPath;
  storePath = join(dir, 'store.duckdb');
  store = await Store.open(storePath);
  sha = await sha256File(snapshot);
  playbackQueue = new PlaybackQueue({ concurrency: 1 });
  flightQueue = new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1 }, processFlightJob);
});

after(async () => {
  await playbackQueue?.close();
  await flightQueue?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an injected optimizer bug is caught as a result mismatch, with the columns that differ', () => {
  for (const bug of BUGS) {
    test(bug.id, async () => {
      const catching = CATCHES[bug.id]!;
      const t = SELECTS.find((x) => x.name === catching.template)!;
      const control = SELECTS.find((x) => x.name !== t.name && !Object.values(CATCHES).some((c) => c.template === x.name))!;
      const workload = `bug-${bug.id}`;
      await saveWorkload(workload, [t, control]);
      const head = `command:node --import tsx ${join(ROOT, 'test/fixtures/buggy-optimizer/server.ts')} --bug ${bug.id}`;
      const { runId, outcomes, results } = await playbackThenFly(workload, 'reference', head, { control: 1 });
      const playback = (await store.getOutcomes(runId)).find((o) => o.fingerprint === t.name)!;
      assert.notEqual(playback.verdict, 'result-mismatch', 'playback alone cannot see a wrong result');
      const o = outcomes.find((x) => x.fingerprint === t.name)!;
      const r = results.find((x) => x.fingerprint === t.name)!;
      assert.equal(o.verdict, 'result-mismatch', `${bug.id}: ${o.reason}`);
      const m = r.mismatch as { columns: string[]; against: string };
      assert.ok(catching.columns.some((c) => m.columns.includes(c)), `${bug.id}: differing columns ${JSON.stringify(m.columns)}, expected some of ${catching.columns.join(', ')}`);
      assert.match(o.reason, /differing columns/);
      // the control template runs the same on both builds
      assert.equal(outcomes.find((x) => x.fingerprint === control.name)!.verdict, 'same');
      assert.equal(evaluateGate(outcomes, DEFAULT_POLICY, new Set()).passed, false, 'the default gate fails a result mismatch');
      assert.equal(await sha256File(snapshot), sha, 'the snapshot is never written');
    });
  }
});

test('a reference optimizer change flies without a mismatch, with timings, a report and a resumable flight', async () => {
  await saveWorkload('shop-selects', SELECTS);
  const { summary, outcomes, results } = await playbackThenFly('shop-selects', 'reference#heuristic', 'reference', { control: 2, pairs: 3 });
  assert.ok(summary.flown >= 3, `flew ${summary.flown}`);
  assert.equal(results.length, summary.flown);
  const flown = outcomes.filter((o) => results.some((r) => r.fingerprint === o.fingerprint));
  assert.deepEqual(flown.filter((o) => o.verdict === 'result-mismatch').map((o) => `${o.fingerprint}: ${o.reason}`), []);
  for (const r of results) {
    assert.equal(r.baseExec, 'ok');
    assert.equal(r.headExec, 'ok');
    assert.ok(r.pairs === 3, `${r.fingerprint}: ${r.pairs} pairs`);
    assert.ok(r.ratio !== null && r.ratio > 0);
    // a correct optimizer change: the head never disagrees with the original SQL where the template is deterministic
    const verdict = outcomes.find((o) => o.fingerprint === r.fingerprint)!.verdict;
    if (verdict !== 'nondeterministic') assert.doesNotMatch(r.crossCheck ?? '', /head DIFFERS/, `${r.fingerprint}: ${r.crossCheck}`);
  }
  assert.ok(results.some((r) => /against the original SQL: base agrees, head agrees/.test(r.crossCheck ?? '')), 'reference plans are cross-checked against the original SQL');
  // not flown templates keep playback's estimate
  assert.ok(outcomes.some((o) => o.reason.startsWith('not flown')));
  assert.equal(summary.total, SELECTS.length);
  const md = renderMarkdown(await gatherReport(store, summary.flightId));
  assert.match(md, /## Flight/);
  assert.match(md, /Measured performance changes|returned no rows on both sides/);
  // resuming a finished flight flies nothing again
  const queue = new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1 }, () => {
    throw new Error('a finished flight must not run a job again');
  });
  try {
    const again = await resumeFlight(store, queue, summary.flightId);
    assert.equal(again.flown, summary.flown);
  } finally {
    await queue.close();
  }
  assert.equal(await sha256File(snapshot), sha);
});

test('an engine upgrade flies without a mismatch, and a write template runs on a scratch copy', async () => {
  const deleteSql = 'DELETE FROM order_items WHERE quantity > 2';
  await saveWorkload('shop-upgrade', [...SELECTS.slice(0, 6), { name: 'delete-big-lines', sql: deleteSql }]);
  const { outcomes, results } = await playbackThenFly('shop-upgrade', 'duckdb@1.3.2', 'duckdb@1.5.6', { select: 'all' });
  assert.deepEqual(outcomes.filter((o) => o.verdict === 'result-mismatch').map((o) => `${o.fingerprint}: ${o.reason}`), []);
  const del = results.find((r) => r.fingerprint === 'delete-big-lines');
  assert.ok(del, `the DELETE was flown: ${JSON.stringify(outcomes.find((o) => o.fingerprint === 'delete-big-lines')?.reason)}`);
  assert.equal(del.correctness, 'same', del.detail);
  assert.match(del.detail, /scratch copies/);
  assert.ok((del.baseRows ?? 0) > 0, 'the rows left in order_items were compared');
  assert.equal(await sha256File(snapshot), sha, 'a DELETE flown on the snapshot leaves it byte for byte unchanged');
});

test('a database without a clean masking report naming its bytes is refused, by the library and the CLI', async () => {
  await assert.rejects(checkSnapshot(snapshot, false), /has no masking report.*--allow-unmasked/s);
  const report = snapshot.replace(/\.duckdb$/, '.report.json');
  const write = (r: object) => writeFileSync(report, JSON.stringify({ kind: 'masking-report', ...r }));
  try {
    write({ leakScan: { leaks: 2 }, snapshotSha256: sha });
    await assert.rejects(checkSnapshot(snapshot, false), /does not show a clean leak scan \(2 leaks\)/);
    write({ leakScan: { leaks: 0 }, snapshotSha256: 'f'.repeat(64) });
    await assert.rejects(checkSnapshot(snapshot, false), /not the file its masking report describes \(its sha256 differs\)/);
    write({ leakScan: { leaks: 0 } });
    await assert.rejects(checkSnapshot(snapshot, false), /the report names no sha256/);
    write({ leakScan: { leaks: 0 }, snapshotSha256: sha });
    assert.equal(await checkSnapshot(snapshot, false), sha);
  } finally {
    rmSync(report, { force: true });
  }
  const r = runCli(['flight', '--run', 'nope', '--snapshot', snapshot, '--store', join(dir, 'cli-store.duckdb')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /has no masking report/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const bad = runCli(['flight', '--run', 'nope', '--snapshot', snapshot, '--allow-unmasked', '--repetitions', '1', '--store', join(dir, 'cli-store.duckdb')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--repetitions must be 'auto', 0 \(results only\) or 2 to 1000/);
});
