/**
 * Verdicts across a workload: the false-discovery control keeps real
 * changes and does not let a thousand A/A templates flag by chance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureTemplate, type Measurement } from '../../../flighting/perf/measure.ts';
import { benjaminiHochbergCutoff, controlFalseDiscoveries, judgeTemplate } from '../../../flighting/perf/verdict.ts';
import { syntheticRunner, type SyntheticTemplate } from './synthetic-runner.ts';

async function measureAll(templates: readonly SyntheticTemplate[], policy = { threshold: 0.1, confidence: 0.95 }): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const t of templates) {
    const r = syntheticRunner(t);
    const m = await measureTemplate(r.run, { now: r.now, templates: templates.length, policy });
    assert.ok(m.ok);
    out.push(m);
  }
  return out;
}

test('BH: 1000 A/A templates (noise 5–23%) flag at most 1%, 10 clear 30% slowdowns among them all survive', async () => {
  const templates: SyntheticTemplate[] = Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? { ratio: 1.3, sigma: 0.08, seed: 1000 + i } : { ratio: 1, sigma: 0.05 + (i % 7) * 0.03, seed: 1000 + i }));
  const verdicts = controlFalseDiscoveries(await measureAll(templates));
  const aa = verdicts.filter((_, i) => i % 100 !== 0);
  const flaggedAA = aa.filter((v) => v.call === 'slower' || v.call === 'faster').length;
  const calls = aa.reduce<Record<string, number>>((n, v) => ({ ...n, [v.call]: (n[v.call] ?? 0) + 1 }), {});
  process.stdout.write(`# 990 A/A templates: ${JSON.stringify(calls)}; flagged ${flaggedAA}\n`);
  assert.ok(flaggedAA <= 10, `${flaggedAA} of 990 A/A templates flagged`);
  const real = verdicts.filter((_, i) => i % 100 === 0).map((v) => v.call);
  assert.deepEqual(real, Array(10).fill('slower'));
});

test('BH demotes a marginal flag among many templates and keeps it alone', async () => {
  // threshold 0 makes the noise band the margin: a template just past it is flagged on its own
  const policy = { threshold: 0, confidence: 0.95 };
  const runner = syntheticRunner({ ratio: 1.12, sigma: 0.1, seed: 2 });
  const marginal = await measureTemplate(runner.run, { now: runner.now, policy });
  assert.ok(marginal.ok);
  const own = judgeTemplate(marginal, policy);
  assert.equal(own.call, 'slower', `lower ${own.analysis.ratio.lower}, margin ${own.analysis.margin}, p ${own.analysis.pFlag}`);
  assert.ok(own.analysis.pFlag > 0.05 / 200, 'a marginal p-value');
  assert.equal(controlFalseDiscoveries([marginal], 0.05, policy)[0]!.call, 'slower');
  const nulls = await measureAll(Array.from({ length: 199 }, (_, i) => ({ ratio: 1, sigma: 0.1, seed: 5000 + i })), policy);
  const all = controlFalseDiscoveries([marginal, ...nulls], 0.05, policy);
  assert.deepEqual({ call: all[0]!.call, demoted: all[0]!.demoted }, { call: 'inconclusive', demoted: true });
});

test('judgeTemplate re-judges with another policy from the same rounds', async () => {
  const r = syntheticRunner({ ratio: 1.3, sigma: 0.03, seed: 2 });
  const m = await measureTemplate(r.run, { now: r.now });
  assert.ok(m.ok);
  assert.equal(judgeTemplate(m).call, 'slower');
  assert.equal(judgeTemplate(m, { threshold: 0.5, confidence: 0.95 }).call, 'same');
  assert.throws(() => judgeTemplate(m, { threshold: -1, confidence: 0.95 }), { code: 'usage-error' });
  assert.throws(() => controlFalseDiscoveries([m], 0), { code: 'usage-error' });
});

test('benjaminiHochbergCutoff: the step-up rule', () => {
  // m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05
  assert.equal(benjaminiHochbergCutoff([0.001, 0.025, 0.028, 0.2, 0.9], 0.05), 0.028);
  assert.equal(benjaminiHochbergCutoff([0.02, 0.03, 0.5], 0.05), 0.03, 'the step-up keeps 0.02 although 0.02 > 1·q/m');
  assert.equal(benjaminiHochbergCutoff([0.2, 0.3], 0.05), -1);
  assert.equal(benjaminiHochbergCutoff([], 0.05), -1);
});
