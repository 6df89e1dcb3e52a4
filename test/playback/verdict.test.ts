import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, workloadImpact } from '../../playback/verdict.ts';
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

test('workload impact is each template’s share of the workload cost change', () => {
  // two templates: 90 runs at cost 10 (900), 10 runs at cost 100 (1000) → workload base cost 1900
  const a = workloadImpact(90, 10, 20, 1900); // +900
  const b = workloadImpact(10, 100, 50, 1900); // -500
  assert.equal(a.toFixed(4), (900 / 1900).toFixed(4));
  assert.equal((a + b).toFixed(4), (400 / 1900).toFixed(4));
  assert.equal(workloadImpact(1, 1, 2, 0), 0);
});

test('a base that already failed the same way is not the head’s regression', () => {
  assert.equal(classify(fail('timeout', 'build-timeout'), fail('timeout', 'build-timeout')).verdict, 'both-error');
  assert.equal(classify(fail('crash', 'build-crash'), fail('crash', 'build-crash')).verdict, 'both-error');
  assert.equal(classify(fail('error'), fail('crash', 'build-crash')).verdict, 'crash');
});
