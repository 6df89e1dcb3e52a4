/**
 * The gate is decided once, under the policy that was applied, and every
 * report shows that decision: JUnit has failures exactly when the gate fails,
 * Markdown and JSON say the same; templates neither build compiles are
 * skipped with their errors and bound by the compiled share; identical plans
 * whose estimate moved are counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutcomeRecord, RunRecord, StoredTemplate, Verdict } from '../../store/records.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../playback/policy.ts';
import { approvalKeys } from '../../playback/approvals.ts';
import { buildReport } from '../../playback/report/report-data.ts';
import { renderJunit } from '../../playback/report/junit.ts';
import { renderMarkdown } from '../../playback/report/markdown.ts';
import { renderJson } from '../../playback/report/write-reports.ts';
import { renderGateText } from '../../playback/report/gate-text.ts';
import { VERDICT_TABLE } from '../../playback/verdict-table.ts';

const run: RunRecord & { done: number } = {
  id: 'run-1', kind: 'playback', workload: 'w', catalog: '/c.duckdb', baseSpec: 'reference@HEAD~1', headSpec: 'reference', baseDescription: null, headDescription: null,
  status: 'done', queue: 'local', total: 0, options: { thresholds: { regressedAt: 1.1, improvedAt: 0.9 } }, createdAt: 'now', finishedAt: 'now', error: null, done: 0,
};

function outcome(fp: string, verdict: Verdict, o: Partial<OutcomeRecord> = {}): OutcomeRecord {
  const failed = verdict === 'both-error';
  const error = { code: 'bind-error', message: `no table x${fp}`, line: 1, column: 15 };
  return {
    runId: 'run-1', fingerprint: fp, verdict, reason: verdict, weight: 0.1, count: 10, baseStatus: failed ? 'error' : 'ok', headStatus: failed ? 'error' : 'ok',
    baseCost: failed ? null : 100, headCost: failed ? null : 100, costRatio: failed ? null : 1, baseEstimatorRatio: null, headEstimatorRatio: null, recost: null, impact: 0,
    basePlanHash: 'b', headPlanHash: `h${fp}`, baseSimplified: null, headSimplified: null, baseExplain: null, headExplain: null,
    baseError: failed ? error : null, headError: failed ? error : null, baseRules: [], headRules: [], rulesDiff: [], baseMs: 1, headMs: 1, signature: null, approved: false, worker: null,
    ...o,
  };
}

const template = (fp: string): StoredTemplate => ({
  fingerprint: fp, normalized: `select ? from t${fp}`, sql: `select 1 from t${fp}`, count: 10, errorCount: 0, totalDurationMs: 10, meanDurationMs: 1, weight: 0.1,
  durationShare: 0.1, users: [], projects: [], priorities: [], firstSeen: null, lastSeen: null, source: 'log:1',
});

function report(outcomes: OutcomeRecord[], policy = DEFAULT_POLICY, approved: Set<string> = new Set()) {
  return buildReport({ run: { ...run, total: outcomes.length, done: outcomes.length }, outcomes, templates: outcomes.map((o) => template(o.fingerprint)), clusters: [], approvedKeys: approved, policy });
}

const failures = (xml: string) => (xml.match(/<failure /g) ?? []).length;

test('the default policy is the verdict table: every verdict that fails by default has a rule, and no other', () => {
  const failing = Object.entries(VERDICT_TABLE).filter(([, v]) => v.failsByDefault).map(([k]) => k).sort();
  assert.deepEqual(Object.keys(DEFAULT_POLICY.verdicts).sort(), failing);
  assert.ok(failing.includes('slower-compile'));
  assert.equal(DEFAULT_POLICY.verdicts.regressed!.minCostRatio, 1.1);
  assert.equal(DEFAULT_POLICY.minCompiledShare, 0.8);
  // a policy file that leaves the compiled share out still gets it; 0 turns it off
  assert.equal(parsePolicy({ version: 1, verdicts: {} }).minCompiledShare, 0.8);
  assert.equal(parsePolicy({ version: 1, verdicts: {}, minCompiledShare: 0 }).minCompiledShare, 0);
});

test('an approved regression and one below the policy threshold: the gate passes and JUnit has no failures', () => {
  const outcomes = [
    outcome('a', 'identical'),
    outcome('b', 'regressed', { costRatio: 3, reason: 'cost ×3.00', headPlanHash: 'hb' }),
    outcome('c', 'regressed', { costRatio: 1.5, reason: 'cost ×1.50' }),
  ];
  const policy = parsePolicy({ version: 1, verdicts: { regressed: { max: 0, minCostRatio: 2 } } });
  const approvals = approvalKeys({ version: 1, approvals: [{ fingerprint: 'b', headPlanHash: 'hb', template: '', verdict: 'regressed', by: 'ana', why: 'intended', at: 'now' }] });
  const r = report(outcomes, policy, approvals);
  assert.equal(r.gate.passed, true);
  assert.equal(failures(renderJunit(r)), 0);
  assert.match(renderMarkdown(r), /## Gate: PASSED/);
  assert.equal(JSON.parse(renderJson(r)).gate.passed, true);
  // and the gate decided the same from the outcomes alone
  assert.equal(evaluateGate(outcomes, policy, approvals).passed, true);
});

test('an approval is scoped to its verdict: an approved plan change does not accept a later slower compile of the same plan', () => {
  const approvals = approvalKeys({ version: 1, approvals: [{ fingerprint: 'b', headPlanHash: 'hb', template: '', verdict: 'plan-changed', by: 'ana', why: 'intended', at: 'now' }] });
  const slower = [outcome('b', 'slower-compile', { headPlanHash: 'hb', reason: 'compile ×126 (77 ms → 9.6 s)' })];
  assert.equal(evaluateGate(slower, DEFAULT_POLICY, approvals).passed, false);
  const regressed = [outcome('b', 'regressed', { headPlanHash: 'hb', costRatio: 3 })];
  assert.equal(evaluateGate(regressed, DEFAULT_POLICY, approvals).passed, false);
  assert.equal(evaluateGate([outcome('b', 'plan-changed', { headPlanHash: 'hb' })], parsePolicy({ version: 1, verdicts: { 'plan-changed': { max: 0 } } }), approvals).passed, true);
});

test('a both-error template the policy fails counts as a failure, not also as skipped', () => {
  const outcomes = [outcome('a', 'identical'), outcome('b', 'both-error'), outcome('c', 'both-error')];
  const xml = renderJunit(report(outcomes, parsePolicy({ version: 1, verdicts: { 'both-error': { max: 0 } }, minCompiledShare: 0 })));
  assert.match(xml, /<testsuites [^>]*failures="3" skipped="0">/);
  const lenient = renderJunit(report(outcomes, parsePolicy({ version: 1, verdicts: {}, minCompiledShare: 0 })));
  assert.match(lenient, /<testsuites [^>]*failures="0" skipped="2">/);
});

test('a policy that fails plan-changed: JUnit fails exactly those templates, plus the gate check', () => {
  const outcomes = [outcome('a', 'identical'), outcome('b', 'plan-changed'), outcome('c', 'plan-changed'), outcome('d', 'improved')];
  const r = report(outcomes, parsePolicy({ version: 1, verdicts: { 'plan-changed': { max: 1 } } }));
  assert.equal(r.gate.passed, false);
  const xml = renderJunit(r);
  const failed = [...xml.matchAll(/<testcase classname="w" name="(\w+) [^"]*"[^>]*>\s*<failure type="([\w-]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(failed, ['b plan-changed', 'c plan-changed']);
  assert.match(xml, /<testcase classname="gate" name="plan-changed">\s*<failure type="gate" message="plan-changed: 2 \(limit 1\)"/);
  assert.equal(failures(xml), 3);
  assert.match(renderMarkdown(r), /\| plan-changed \| \*\*FAIL\*\* \| 2 \| ≤ 1 \|/);
  // under the default policy the same run passes, and JUnit agrees
  const lenient = report(outcomes);
  assert.equal(lenient.gate.passed, true);
  assert.equal(failures(renderJunit(lenient)), 0);
});

test('a workload neither build can read fails the gate on its compiled share; both-error is skipped in JUnit with the error', () => {
  // 56 of 59 templates both-error with 97.6% of the weight: the run that passed the old gate
  const outcomes = [
    ...Array.from({ length: 56 }, (_, i) => outcome(`e${String(i).padStart(2, '0')}`, 'both-error', { weight: 0.976 / 56, reason: 'both: bind-error' })),
    ...['x', 'y', 'z'].map((fp) => outcome(fp, 'identical', { weight: 0.024 / 3 })),
  ];
  const r = report(outcomes);
  assert.equal(r.gate.passed, false);
  const coverage = r.gate.checks.find((c) => c.kind === 'coverage')!;
  assert.equal(coverage.passed, false);
  assert.ok(Math.abs(coverage.actual - 0.024) < 1e-9);
  const xml = renderJunit(r);
  assert.equal((xml.match(/<skipped message="neither build compiles this query: bind-error: no table xe\d\d"\/>/g) ?? []).length, 56);
  assert.match(xml, /<testcase classname="gate" name="compiled share of weight">\s*<failure type="gate" message="compiled share of weight: 2\.4% \(at least 80\.0%\)"/);
  const md = renderMarkdown(r);
  assert.match(md, /compiled by both builds: \*\*2\.4%\*\* of the workload's weight \(56 templates neither build compiles\)/);
  assert.match(md, /## Not compared: neither build compiles/);
  assert.match(md, /bind-error at 1:15: no table xe00/);
  assert.match(renderGateText(r.gate, r.run), /FAIL {2}compiled share of weight: 2\.4% \(at least 80\.0%\)/);
  // turned off, it passes
  assert.equal(report(outcomes, parsePolicy({ version: 1, verdicts: {}, minCompiledShare: 0 })).gate.passed, true);
});

test('identical plans whose estimate moved beyond the thresholds are counted in every report and the gate summary', () => {
  const outcomes = [
    outcome('a', 'identical'),
    outcome('b', 'identical', { headCost: 1, costRatio: 0.01, reason: 'same plan, estimate ×0.01' }),
    outcome('c', 'identical', { headCost: 150, costRatio: 1.5 }),
    outcome('d', 'identical', { headCost: 105, costRatio: 1.05 }),
  ];
  const r = report(outcomes);
  assert.deepEqual(r.estimateMoved.map((o) => o.fingerprint), ['b', 'c']);
  assert.equal(r.gate.estimateMoved, 2);
  const md = renderMarkdown(r);
  assert.match(md, /\*\*2\*\* identical plans whose estimate moved beyond ×0\.9–×1\.1/);
  assert.match(md, /## Same plan, moved estimate/);
  assert.deepEqual(JSON.parse(renderJson(r)).estimateMoved, ['b', 'c']);
  assert.match(renderGateText(r.gate, r.run), /2 identical plans whose estimate moved beyond the cost thresholds/);
});

test('the Markdown report says which templates failed in production, with their first error', () => {
  const outcomes = [outcome('a', 'identical'), outcome('b', 'both-error'), outcome('c', 'both-error')];
  const templates = outcomes.map((o) => (o.fingerprint === 'b' ? { ...template('b'), errorCount: 3, firstError: 'relation "nope" does not exist' } : template(o.fingerprint)));
  const md = renderMarkdown(buildReport({ run: { ...run, total: 3, done: 3 }, outcomes, templates, clusters: [], approvedKeys: new Set(), policy: DEFAULT_POLICY }));
  assert.match(md, /`b` select \? from tb \(failed in production 3 of 10 times: relation "nope" does not exist\) \|/);
  assert.match(md, /`c` select \? from tc \|/);
});
