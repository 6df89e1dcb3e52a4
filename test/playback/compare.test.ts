import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTemplate } from '../../playback/compare.ts';
import type { CompileResult } from '../../compiler/builds/build.ts';

const ok = (simplified: string, cost: number): CompileResult => ({
  ok: true, plan: { simplified, explain: simplified, json: {} }, cost, rows: 1, rulesFired: [], timingMs: 1,
});
const t = { fingerprint: 'f1', sql: 'select 1', weight: 0.5, count: 5 };

test('a plan diff that throws keeps the cost verdict (a regression stays a regression) and says the diff is missing', () => {
  const { outcome, diff } = compareTemplate('run', t, ok('SCAN(t)', 100), ok('NESTED_LOOP(t)', 300), {
    diff: () => {
      throw new RangeError('Maximum call stack size exceeded');
    },
  });
  assert.equal(outcome.verdict, 'regressed');
  assert.equal(outcome.costRatio, 3);
  assert.match(outcome.reason, /^cost ×3\.00; no plan diff: Maximum call stack size exceeded$/);
  assert.equal(diff, null);
  assert.equal(outcome.signature, null);
});

test('cross-costed ratios and re-measured compile times are kept on the outcome', () => {
  const cross = { baseEstimatorRatio: 1.8, headEstimatorRatio: 0.4, note: 're-costed by both builds' };
  const { outcome } = compareTemplate('run', t, ok('SCAN(t)', 100), ok('SCAN(u)', 20), { cross, compile: { baseMs: 70, headMs: 75, samples: 3 } });
  assert.equal(outcome.verdict, 'regressed');
  assert.equal(outcome.costRatio, 1.8);
  assert.equal(outcome.baseEstimatorRatio, 1.8);
  assert.equal(outcome.headEstimatorRatio, 0.4);
  assert.equal(outcome.recost, 're-costed by both builds');
  assert.equal(outcome.headMs, 75);
});
