/**
 * measureTemplate on deterministic synthetic templates: the verdict each
 * kind of change gets, sequential stopping, and failures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureTemplate, ROUND_ORDERS, type Measurement, type MeasureOptions } from '../../../flighting/perf/measure.ts';
import { lookSchedule } from '../../../flighting/perf/sequential.ts';
import { syntheticRunner, type SyntheticTemplate } from './synthetic-runner.ts';

async function measure(t: SyntheticTemplate, options: MeasureOptions = {}): Promise<Measurement> {
  const r = syntheticRunner(t);
  const m = await measureTemplate(r.run, { now: r.now, ...options });
  assert.ok(m.ok, 'no failure expected');
  return m;
}

async function calls(t: Omit<SyntheticTemplate, 'seed'>, seeds: number, options: MeasureOptions = {}) {
  const out: Record<string, number> = {};
  for (let seed = 1; seed <= seeds; seed++) {
    const m = await measure({ ...t, seed }, options);
    out[m.analysis.call] = (out[m.analysis.call] ?? 0) + 1;
  }
  return out;
}

test('A/A with noise: same or inconclusive, never slower or faster', async () => {
  const got = await calls({ ratio: 1, sigma: 0.1 }, 60);
  assert.equal(got.slower, undefined, JSON.stringify(got));
  assert.equal(got.faster, undefined, JSON.stringify(got));
  assert.ok((got.same ?? 0) >= 50, `most A/A templates are called same: ${JSON.stringify(got)}`);
});

test('30% slower with low noise: slower, interval above 1.1, stopped at the first look', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const m = await measure({ ratio: 1.3, sigma: 0.03, seed });
    assert.equal(m.analysis.call, 'slower', `seed ${seed}`);
    assert.ok(m.analysis.ratio.lower! > 1.1, `lower bound ${m.analysis.ratio.lower} excludes 1.1`);
    assert.ok(m.analysis.ratio.ratio > 1.2 && m.analysis.ratio.ratio < 1.4, `estimate ${m.analysis.ratio.ratio} near 1.3`);
    assert.ok(m.analysis.pSlower <= 0.025 && m.analysis.pFaster > 0.5);
    assert.equal(m.pairs, 10);
    assert.equal(m.stop, 'decisive');
  }
});

test('30% faster: faster, symmetric to slower', async () => {
  const m = await measure({ ratio: 1 / 1.3, sigma: 0.03, seed: 4 });
  assert.equal(m.analysis.call, 'faster');
  assert.ok(m.analysis.ratio.upper! < 1 / 1.1);
});

test('a 5% change: same or inconclusive, never slower', async () => {
  const got = await calls({ ratio: 1.05, sigma: 0.08 }, 60);
  assert.equal(got.slower, undefined, JSON.stringify(got));
  assert.equal(got.faster, undefined, JSON.stringify(got));
});

test('a noisy template with a 15% change (48-pair budget): inconclusive', async () => {
  for (let seed = 1; seed <= 10; seed++) {
    const m = await measure({ ratio: 1.15, sigma: 0.5, seed }, { maxPairs: 48 });
    assert.equal(m.analysis.call, 'inconclusive', `seed ${seed}: ${m.analysis.ratio.lower}…${m.analysis.ratio.upper}`);
    assert.equal(m.pairs, 48, 'an unclear case runs to maxPairs');
    assert.equal(m.stop, 'max-pairs');
    assert.ok(m.analysis.noiseBand! > 0.1, `the noise band shows the noise: ${m.analysis.noiseBand}`);
  }
});

test('the noise band: a change the A/B interval resolves but that does not exceed the A/A noise is not flagged', async () => {
  // threshold 0, so only the noise band stands between a real 5 % change and a flag
  // (at 48 pairs: with twice as many the band shrinks below 5 % and the change is flagged, rightly)
  const policy = { threshold: 0, confidence: 0.95 };
  let resolved = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const m = await measure({ ratio: 1.05, sigma: 0.1, seed }, { policy, maxPairs: 48 });
    if (m.analysis.ratio.lower! > 1) resolved++;
    assert.notEqual(m.analysis.call, 'slower', `seed ${seed}: lower ${m.analysis.ratio.lower}, noise band ${m.analysis.noiseBand}`);
    assert.ok(Math.abs(m.analysis.margin! - m.analysis.noiseBand!) < 1e-12, "with threshold 0 the margin is the noise band");
  }
  assert.ok(resolved >= 5, `the interval alone excluded 1 in ${resolved}/30 (the band is what kept them unflagged)`);
  // a change well beyond the noise is flagged at threshold 0 too
  assert.equal((await measure({ ratio: 1.3, sigma: 0.1, seed: 1 }, { policy })).analysis.call, 'slower');
});

test('sequential: a clear case stops at minPairs, an unclear one runs to maxPairs', async () => {
  const clear = syntheticRunner({ ratio: 1.5, sigma: 0.02, seed: 3 });
  const c = await measureTemplate(clear.run, { now: clear.now, minPairs: 6, maxPairs: 40 });
  assert.ok(c.ok);
  // looks at 6, 9, 14, 21, 32, 40; each early look holds 1 − 0.05·0.1: at 6 pairs even six
  // slower pairs out of six (p = 2⁻⁶) cannot reach it, at 9 (p = 2⁻⁹) they can
  assert.deepEqual(lookSchedule(6, 40), [6, 9, 14, 21, 32, 40]);
  assert.equal(c.pairs, 9);
  assert.equal(c.analysis.call, 'slower');
  // warm-up 1 per side + 3 runs per round
  assert.equal(clear.executions.base + clear.executions.head, 2 + 3 * c.pairs);
  // right at the threshold: never clear
  const unclear = syntheticRunner({ ratio: 1.1, sigma: 0.05, seed: 3 });
  const u = await measureTemplate(unclear.run, { now: unclear.now, minPairs: 6, maxPairs: 40 });
  assert.ok(u.ok);
  assert.equal(u.analysis.call, 'inconclusive');
  assert.equal(u.pairs, 40);
  assert.deepEqual(u.look, { index: lookSchedule(6, 40).length - 1, schedule: lookSchedule(6, 40) });
});

test('the time budget ends an unclear template early, with a last look', async () => {
  const r = syntheticRunner({ ratio: 1.1, sigma: 0.05, seed: 5, baseMs: 100 });
  const m = await measureTemplate(r.run, { now: r.now, budgetMs: 2_000 });
  assert.ok(m.ok);
  assert.equal(m.stop, 'budget');
  assert.ok(m.pairs >= 6 && m.pairs <= 8, `≈ 2000 ms / 310 ms per round: ${m.pairs}`);
  assert.equal(m.analysis.call, 'inconclusive');
});

test('rounds interleave: head in each position equally often, base runs alternate', async () => {
  const m = await measure({ ratio: 1.1, sigma: 0.05, seed: 2 }, { minPairs: 12, maxPairs: 12 });
  const headAt = [0, 0, 0];
  for (const r of m.rounds) headAt[r.order.indexOf('head')]!++;
  assert.deepEqual(headAt, [4, 4, 4]);
  const baseFirst = m.rounds.map((r) => r.order.indexOf('base') < r.order.indexOf('base-again'));
  assert.deepEqual(baseFirst, Array.from({ length: 12 }, (_, i) => i % 2 === 0));
  assert.equal(new Set(ROUND_ORDERS.map((o) => o.join())).size, 6);
});

test('side summaries: medians, CPU ratio, peak memory, the median run’s profile', async () => {
  const m = await measure({ ratio: 1.3, sigma: 0.03, seed: 9 });
  assert.ok(Math.abs(m.cpuRatio! - m.analysis.ratio.ratio) < 1e-9, 'synthetic CPU time is proportional to latency');
  assert.equal(m.base.medianPeakMemoryBytes, 1024);
  assert.equal(m.head.medianPeakMemoryBytes, 2048);
  const headLatencies = m.rounds.map((r) => r.headMs).toSorted((a, b) => a - b);
  assert.equal(m.head.profile!.latencyMs, headLatencies[Math.floor((headLatencies.length - 1) / 2)]);
  assert.ok(m.head.medianLatencyMs / m.base.medianLatencyMs > 1.2);
  // per-operator medians over the runs (the synthetic scan takes the whole latency)
  assert.equal(m.head.operatorMedians!.operators[0]!.timeMs, m.head.medianLatencyMs);
  assert.equal(m.base.operatorMedians!.operators[0]!.timeMs, m.base.medianLatencyMs);
  assert.equal(m.base.operatorMedians!.operators[0]!.rows, 10);
});

test('a failure mid-measurement stops it and says where', async () => {
  const r = syntheticRunner({ ratio: 1, sigma: 0.05, seed: 1, failOn: { side: 'head', execution: 5 } });
  const m = await measureTemplate(r.run, { now: r.now });
  assert.equal(m.ok, false);
  if (m.ok) return;
  // head execution 5 = warm-up + round 4
  assert.deepEqual({ side: m.side, at: m.at, status: m.status, code: m.error.code, rounds: m.rounds.length }, { side: 'head', at: 4, status: 'timeout', code: 'build-timeout', rounds: 3 });
  const thrown = syntheticRunner({ ratio: 1, sigma: 0.05, seed: 1, failOn: { side: 'base', execution: 1, throws: true } });
  const t = await measureTemplate(thrown.run, { now: thrown.now });
  assert.ok(!t.ok && t.at === 'warmup' && t.status === 'crash' && t.error.message === 'build process died', JSON.stringify(t));
});

test('bad options are refused with a usage error', async () => {
  const r = syntheticRunner({ ratio: 1, sigma: 0.05, seed: 1 });
  await assert.rejects(measureTemplate(r.run, { minPairs: 1 }), { code: 'usage-error' });
  await assert.rejects(measureTemplate(r.run, { minPairs: 10, maxPairs: 5 }), { code: 'usage-error' });
  await assert.rejects(measureTemplate(r.run, { policy: { threshold: 0.1, confidence: 1 } }), { code: 'usage-error' });
  const zero = await measureTemplate(async () => ({ ok: true, latencyMs: 0 }), {});
  assert.ok(!zero.ok && zero.error.code === 'protocol-error');
});
