/**
 * Which templates a flight flies, and how the gate treats flight verdicts:
 * measured `slower` fails the default policy (from a weight on), `faster`
 * and `same` never do, an approved slowdown passes, and too much
 * `inconclusive` weight fails the flight.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXECUTIONS_PER_TEMPLATE, parseSelection, selectTemplates } from '../../../flighting/select.ts';
import { evaluateGate } from '../../../playback/gate.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../../playback/policy.ts';
import type { OutcomeRecord, Verdict } from '../../../store/records.ts';

function outcome(fp: string, verdict: Verdict, o: Partial<OutcomeRecord> = {}): OutcomeRecord {
  const failed = verdict === 'both-error' || verdict === 'new-error';
  return {
    runId: 'run-1', fingerprint: fp, verdict, reason: verdict, weight: 0.1, count: 10, baseStatus: verdict === 'both-error' ? 'error' : 'ok', headStatus: failed ? 'error' : 'ok',
    baseCost: 100, headCost: 100, costRatio: 1, baseEstimatorRatio: null, headEstimatorRatio: null, recost: null, impact: 0,
    basePlanHash: 'b', headPlanHash: verdict === 'identical' ? 'b' : `h${fp}`, baseSimplified: null, headSimplified: null, baseExplain: null, headExplain: null,
    baseError: null, headError: null, baseRules: [], headRules: [], rulesDiff: [], baseMs: 1, headMs: 1, signature: null, approved: false, worker: null,
    ...o,
  };
}

const none = new Map<string, { meanDurationMs: number | null }>();

test('changed flies every changed plan both builds compiled, plus a stable control group of identical ones', () => {
  const outcomes = [
    outcome('a', 'regressed'), outcome('b', 'plan-changed'), outcome('c', 'improved'), outcome('d', 'new-error'),
    ...Array.from({ length: 10 }, (_, i) => outcome(`same${i}`, 'identical')),
  ];
  const r = selectTemplates(outcomes, none, parseSelection('changed'), { control: 3 });
  assert.deepEqual(r.chosen.filter((c) => c.role === 'changed').map((c) => c.fingerprint), ['a', 'b', 'c']);
  const controls = r.chosen.filter((c) => c.role === 'control');
  assert.equal(controls.length, 3);
  assert.ok(controls.every((c) => c.fingerprint.startsWith('same')));
  // stable: the same run gives the same controls
  assert.deepEqual(selectTemplates([...outcomes].reverse(), none, parseSelection('changed'), { control: 3 }).chosen.filter((c) => c.role === 'control'), controls);
  assert.equal(r.eligible, 13, 'the new-error template cannot be executed by the head');
  assert.ok(Math.abs(r.weightShare - 6 / 14) < 1e-9);
});

test('sample:N takes N flyable templates; all takes every flyable one', () => {
  const outcomes = Array.from({ length: 20 }, (_, i) => outcome(`t${i}`, i % 2 ? 'identical' : 'plan-changed'));
  assert.equal(selectTemplates(outcomes, none, parseSelection('sample:5')).chosen.length, 5);
  assert.equal(selectTemplates([...outcomes, outcome('x', 'both-error')], none, parseSelection('all')).chosen.length, 20);
});

test('risk:BUDGET flies the riskiest first until the estimated time is spent', () => {
  const outcomes = [outcome('heavy-regressed', 'regressed', { weight: 0.5 }), outcome('light-changed', 'plan-changed', { weight: 0.01 }), outcome('same', 'identical', { weight: 0.3 })];
  const durations = new Map([['heavy-regressed', { meanDurationMs: 100 }], ['light-changed', { meanDurationMs: 100 }], ['same', { meanDurationMs: 100 }]]);
  const budget = `${(EXECUTIONS_PER_TEMPLATE * 100 * 2) / 1000}s`; // room for two templates
  const r = selectTemplates(outcomes, durations, parseSelection(`risk:${budget}`));
  // risk: regressed 4×0.5 = 2, identical 0.25×0.3 = 0.075, changed 2×0.01 = 0.02
  assert.deepEqual(r.chosen.map((c) => c.fingerprint), ['heavy-regressed', 'same']);
  assert.match(r.summary, /of the workload's weight/);
});

test('a bad --select is a usage error naming the forms', () => {
  assert.throws(() => parseSelection('some'), /changed, all, sample:N or risk:BUDGET/);
  assert.throws(() => parseSelection('risk:soon'), /not a duration/);
  assert.throws(() => parseSelection('sample:0'), /N ≥ 1/);
});

test('the default gate fails a result mismatch and a measured slowdown, not a speed-up, unless approved', () => {
  const outcomes = [outcome('m', 'result-mismatch'), outcome('s', 'slower'), outcome('f', 'faster'), outcome('e', 'same')];
  const d = evaluateGate(outcomes, DEFAULT_POLICY, new Set());
  assert.equal(d.passed, false);
  const failing = d.checks.filter((c) => !c.passed).map((c) => c.verdict);
  assert.deepEqual(failing.sort(), ['result-mismatch', 'slower']);
  // a slowdown under the default minimum weight does not hold the release
  const light = evaluateGate([outcome('s', 'slower', { weight: 0.0001 }), outcome('e', 'same')], DEFAULT_POLICY, new Set());
  assert.equal(light.passed, true);
  // an intended slowdown, approved for this template, head plan and verdict
  const approved = evaluateGate([outcome('s', 'slower'), outcome('e', 'same')], DEFAULT_POLICY, new Set(['s:hs:slower']));
  assert.equal(approved.checks.find((c) => c.verdict === 'slower')?.passed, true, JSON.stringify(approved.checks));
});

test('too much inconclusive weight among the measured templates fails the flight', () => {
  const outcomes = [outcome('i1', 'inconclusive', { weight: 0.3 }), outcome('s1', 'same', { weight: 0.3 }), outcome('s2', 'same', { weight: 0.4 })];
  const d = evaluateGate(outcomes, DEFAULT_POLICY, new Set());
  const check = d.checks.find((c) => c.kind === 'inconclusive')!;
  assert.equal(check.passed, false);
  assert.ok(Math.abs(check.actual - 0.3) < 1e-9);
  const lenient = parsePolicy({ version: 1, verdicts: {}, maxInconclusiveShare: 0.5 });
  assert.equal(evaluateGate(outcomes, lenient, new Set()).passed, true);
  // a playback run (no flight verdicts) has no such check
  assert.equal(evaluateGate([outcome('p', 'plan-changed')], DEFAULT_POLICY, new Set()).checks.some((c) => c.kind === 'inconclusive'), false);
});
