/**
 * The exact signed-rank machinery against values worked out by hand, and
 * the confidence interval's coverage on seeded samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../corpus/shop/query-templates.ts';
import { estimateLogShift, pValueAbove, pValueBelow, signedRankDistribution, walshAverages } from '../../../flighting/perf/signed-rank.ts';
import { lookSchedule, lookShare } from '../../../flighting/perf/sequential.ts';

test('null distribution of the signed-rank statistic, n = 3 and n = 4', () => {
  // n = 3: sums of subsets of {1,2,3}: 0,1,2,3,3,4,5,6
  assert.deepEqual([...signedRankDistribution(3)].map((p) => p * 8), [1, 1, 1, 2, 1, 1, 1]);
  // n = 4: 16 subsets of {1,2,3,4}
  assert.deepEqual([...signedRankDistribution(4)].map((p) => p * 16), [1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]);
  const big = signedRankDistribution(200);
  assert.ok(Math.abs(big.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'probabilities add to 1 without overflow at n = 200');
});

test('Walsh averages and the Hodges–Lehmann estimate', () => {
  assert.deepEqual([...walshAverages([1, 3, 8])], [1, 2, 3, 4.5, 5.5, 8]);
  assert.equal(estimateLogShift([1, 3, 8], 0.5).estimate, 3.75);
  // one wild outlier moves the mean a lot, the estimate little
  const e = estimateLogShift([0.1, 0.12, 0.09, 0.11, 0.1, 5], 0.9).estimate;
  assert.ok(e > 0.09 && e < 0.13, String(e));
});

test('p-values: all ten pairs above μ₀ gives 2⁻¹⁰; the two sides mirror', () => {
  const d = [0.3, 0.25, 0.31, 0.28, 0.22, 0.35, 0.27, 0.29, 0.26, 0.3];
  assert.equal(pValueAbove(d, 0.1), 2 ** -10);
  assert.equal(pValueBelow(d, 0.5), 2 ** -10);
  assert.equal(pValueAbove(d, 1), 1);
  assert.equal(pValueBelow(d.map((x) => -x), -0.1), 2 ** -10);
  assert.equal(pValueAbove([], 0), 1);
});

test('the interval is unbounded until n can reach the level, and matches the p-value', () => {
  assert.equal(estimateLogShift([0.1, 0.2, 0.3, 0.4, 0.5], 0.95).lower, -Infinity, '2⁻⁵ > 0.025');
  const d = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
  const ci = estimateLogShift(d, 0.95);
  assert.equal(ci.lower, 0.1, '2⁻⁶ ≤ 0.025: the smallest Walsh average');
  assert.ok(pValueAbove(d, ci.lower - 1e-9) <= 0.025 && pValueAbove(d, ci.lower + 1e-9) > 0.025);
});

test('coverage: the 90% interval holds the true centre in ≈ 90% of 2000 seeded samples', () => {
  const rng = createRng(42);
  let covered = 0;
  for (let i = 0; i < 2000; i++) {
    // a skewed symmetric-difference sample: difference of two exponentials (symmetric about 0) shifted by 0.2
    const d = Array.from({ length: 15 }, () => 0.2 + Math.log(rng.next() || 1e-9) - Math.log(rng.next() || 1e-9));
    const ci = estimateLogShift(d, 0.9);
    if (ci.lower <= 0.2 && 0.2 <= ci.upper) covered++;
  }
  // exact level with discrete steps: ≥ 90 %, and not absurdly conservative
  assert.ok(covered >= 1780 && covered <= 1880, `${covered}/2000 covered`);
});

test('look schedule and α shares', () => {
  assert.deepEqual(lookSchedule(10, 48), [10, 15, 23, 35, 48]);
  assert.deepEqual(lookSchedule(10, 96), [10, 15, 23, 35, 53, 96], 'a look at 80 would be too close to 96');
  assert.deepEqual(lookSchedule(10, 192), [10, 15, 23, 35, 53, 80, 120, 192]);
  assert.deepEqual(lookSchedule(5, 5), [5]);
  assert.deepEqual(lookSchedule(10, 11), [10, 11]);
  const looks = lookSchedule(10, 48).length;
  const total = Array.from({ length: looks }, (_, i) => lookShare(i, looks)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-12, 'the shares spend α exactly once');
  assert.equal(lookShare(looks - 1, looks), 0.5);
  assert.throws(() => lookSchedule(1, 10), { code: 'usage-error' });
  assert.throws(() => lookSchedule(10, 2000), { code: 'usage-error' });
});
