import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, compileSlower, estimateMoved } from '../../playback/verdict.ts';
import type { CompileResult } from '../../compiler/builds/build.ts';

const ok = (simplified: string, cost: number): CompileResult => ({
  ok: true, plan: { simplified, explain: simplified, json: {} }, cost, rows: 1, rulesFired: [], timingMs: 1,
});
const fail = (status: 'error' | 'crash' | 'timeout', code = 'parse-error'): CompileResult => ({
  ok: false, status, error: { code, message: 'boom', line: 3, column: 7 }, timingMs: 250,
});

test('same simplified plan is identical, even when estimates moved', () => {
  assert.equal(classify(ok('A', 100), ok('A', 100)).verdict, 'identical');
  const c = classify(ok('A', 100), ok('A', 150));
  assert.equal(c.verdict, 'identical');
  assert.equal(c.costRatio, 1.5);
});

test('changed plans are judged by the cost ratio against the thresholds', () => {
  assert.equal(classify(ok('A', 100), ok('B', 110)).verdict, 'regressed');
  assert.equal(classify(ok('A', 100), ok('B', 109)).verdict, 'plan-changed');
  assert.equal(classify(ok('A', 100), ok('B', 90)).verdict, 'improved');
  assert.equal(classify(ok('A', 100), ok('B', 95)).verdict, 'plan-changed');
  assert.equal(classify(ok('A', 100), ok('B', 130), { regressedAt: 1.5, improvedAt: 0.5 }).verdict, 'plan-changed');
  assert.equal(classify(ok('A', 0), ok('B', 5)).verdict, 'regressed');
});

test('errors, crashes and timeouts', () => {
  assert.equal(classify(ok('A', 1), fail('error')).verdict, 'new-error');
  assert.match(classify(ok('A', 1), fail('error')).reason, /parse-error at 3:7/);
  assert.equal(classify(fail('error'), ok('A', 1)).verdict, 'fixed-error');
  assert.equal(classify(fail('error'), fail('error')).verdict, 'both-error');
  assert.equal(classify(ok('A', 1), fail('crash', 'build-crash')).verdict, 'crash');
  assert.equal(classify(fail('error'), fail('timeout', 'build-timeout')).verdict, 'timeout');
  assert.equal(classify(fail('crash', 'build-crash'), ok('A', 1)).verdict, 'fixed-error');
});

test('a base that already failed the same way is not the head’s regression', () => {
  assert.equal(classify(fail('timeout', 'build-timeout'), fail('timeout', 'build-timeout')).verdict, 'both-error');
  assert.equal(classify(fail('crash', 'build-crash'), fail('crash', 'build-crash')).verdict, 'both-error');
  assert.equal(classify(fail('error'), fail('crash', 'build-crash')).verdict, 'crash');
});

test('a changed plan is judged by the base estimator when both builds re-costed, and the reason shows every ratio', () => {
  // the head's own estimate calls its plan 10× cheaper; the base estimator sees it 2× costlier
  const cross = { baseEstimatorRatio: 2, headEstimatorRatio: 0.5, note: 're-costed by both builds' };
  const c = classify(ok('A', 100), ok('B', 10), undefined, { cross });
  assert.equal(c.verdict, 'regressed');
  assert.equal(c.costRatio, 2);
  assert.match(c.reason, /cost ×2\.00 by the base estimator \(own estimates ×0\.10; head estimator ×0\.50\)/);
  // `own` keeps the builds' own estimates
  assert.equal(classify(ok('A', 100), ok('B', 10), { regressedAt: 1.1, improvedAt: 0.9, costBasis: 'own' }, { cross }).verdict, 'improved');
  // a base that cannot re-cost: own estimates, and the outcome says why
  const none = { baseEstimatorRatio: null, headEstimatorRatio: null, note: 'cannot re-cost: base duckdb@1.3.2 gives no plan to re-cost' };
  const fallback = classify(ok('A', 100), ok('B', 10), undefined, { cross: none });
  assert.equal(fallback.verdict, 'improved');
  assert.match(fallback.reason, /cannot re-cost: base duckdb/);
});

test('a head that compiles much slower is slower-compile (beyond the ratio AND the noise floor), unless it regressed', () => {
  const times = (baseMs: number, headMs: number) => ({ compile: { baseMs, headMs, samples: 3 } });
  assert.equal(classify(ok('A', 100), ok('A', 100), undefined, times(77, 9600)).verdict, 'slower-compile');
  assert.match(classify(ok('A', 100), ok('A', 100), undefined, times(77, 9600)).reason, /compile ×124\.7 \(77 ms → 9\.6 s, medians of 3\)/);
  assert.equal(classify(ok('A', 100), ok('B', 95), undefined, times(77, 9600)).verdict, 'slower-compile');
  assert.equal(classify(ok('A', 100), ok('A', 100), undefined, times(2, 40)).verdict, 'identical'); // ×20 but 38 ms: noise
  assert.equal(classify(ok('A', 100), ok('A', 100), undefined, times(300, 500)).verdict, 'identical'); // +200 ms but ×1.67
  const both = classify(ok('A', 100), ok('B', 300), undefined, times(77, 9600));
  assert.equal(both.verdict, 'regressed');
  assert.match(both.reason, /cost ×3\.00; compile ×/);
  assert.equal(compileSlower({ baseMs: 10, headMs: 100, samples: 1 }, { regressedAt: 1.1, improvedAt: 0.9, compileNoiseFloorMs: 20 }), 10);
});

test('an identical plan whose estimate moved beyond the thresholds is counted as moved', () => {
  assert.equal(estimateMoved({ verdict: 'identical', costRatio: 1.5 }), true);
  assert.equal(estimateMoved({ verdict: 'identical', costRatio: 0.01 }), true);
  assert.equal(estimateMoved({ verdict: 'identical', costRatio: 1.05 }), false);
  assert.equal(estimateMoved({ verdict: 'regressed', costRatio: 1.5 }), false);
});
