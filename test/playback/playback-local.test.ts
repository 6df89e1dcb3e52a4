import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import { startPlayback, resumePlayback } from '../../playback/run-playback.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { gatherReport } from '../../playback/report/report-data.ts';
import { writeReports } from '../../playback/report/write-reports.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../playback/policy.ts';
import { addApprovals, approvalKeys } from '../../playback/approvals.ts';
import { EXPECTED, makePlaybackFixture, NEW_BUILD, OLD_BUILD } from '../helpers/playback-fixture.ts';

test('in-process playback: every verdict, diffs, culprits, impact, clusters, reports, approvals and the gate', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const queue = new LocalQueue({ concurrency: 2 });
  try {
    const progress: number[] = [];
    const summary = await startPlayback(store, queue, {
      workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: NEW_BUILD, batchSize: 2, timeoutMs: 3000,
      onProgress: (done) => progress.push(done),
    });
    assert.equal(summary.total, EXPECTED.length);
    assert.equal(progress.at(-1), EXPECTED.length);
    const outcomes = await store.getOutcomes(summary.runId);
    const templates = await store.getTemplates('fake');
    const verdictOf = (marker: string) => outcomes.find((o) => templates.find((t) => t.fingerprint === o.fingerprint)!.sql.includes(`/*${marker}*/`))!;
    for (const e of EXPECTED) assert.equal(verdictOf(e.marker).verdict, e.verdict, `template /*${e.marker}*/`);

    const slower = verdictOf('slower');
    assert.equal(slower.costRatio, 3);
    assert.deepEqual(slower.rulesDiff, ['+rule-new']);
    assert.equal(slower.signature, 'HASH_JOIN → NESTED_LOOP_JOIN under PROJECTION');
    assert.ok(slower.impact! > 0);
    assert.ok(verdictOf('faster').impact! < 0);
    assert.equal(verdictOf('same').impact, 0);
    assert.match(verdictOf('crash').reason, /head crashed/);
    assert.equal(verdictOf('hang').headStatus, 'timeout');
    assert.equal((await store.getDiff(summary.runId, slower.fingerprint))!.description, 'HASH_JOIN → NESTED_LOOP_JOIN under PROJECTION');

    // the workload impact sums to the relative change in weighted cost
    const both = outcomes.filter((o) => o.baseCost !== null && o.headCost !== null);
    const expected = both.reduce((s, o) => s + o.count * (o.headCost! - o.baseCost!), 0) / both.reduce((s, o) => s + o.count * o.baseCost!, 0);
    assert.ok(Math.abs(outcomes.reduce((s, o) => s + (o.impact ?? 0), 0) - expected) < 1e-12);

    const clusters = await store.getClusters(summary.runId);
    assert.deepEqual(clusters.map((c) => c.templates).reduce((a, b) => a + b, 0), 3);
    assert.ok(clusters.some((c) => c.signature === 'HASH_JOIN → NESTED_LOOP_JOIN under PROJECTION' && c.verdicts.regressed === 1));

    // reports
    const report = await gatherReport(store, summary.runId);
    const paths = writeReports(join(fx.dir, 'out'), report);
    const md = readFileSync(paths.markdown, 'utf8');
    assert.match(md, /\| regressed \| 1 \|/);
    assert.match(md, /## Top regressions by weighted impact/);
    assert.match(md, /## Change clusters/);
    const junit = readFileSync(paths.junit, 'utf8');
    assert.equal((junit.match(/<testcase classname="fake"/g) ?? []).length, EXPECTED.length);
    // the default policy's failed checks (regressed, new-error, crash, timeout): one template each, and each check
    assert.equal((junit.match(/<failure type="(regressed|new-error|crash|timeout)"/g) ?? []).length, 4);
    assert.equal((junit.match(/<failure type="gate"/g) ?? []).length, 4);
    assert.equal((junit.match(/<skipped /g) ?? []).length, 1); // both-error
    assert.equal(JSON.parse(readFileSync(paths.json, 'utf8')).outcomes.length, EXPECTED.length);

    // the gate: default policy fails on all four; approving the regression and allowing the rest passes
    let decision = evaluateGate(outcomes, DEFAULT_POLICY, new Set());
    assert.equal(decision.passed, false);
    assert.deepEqual(decision.checks.filter((c) => !c.passed).map((c) => c.name.split(' ')[0]).sort(), ['crash', 'new-error', 'regressed', 'timeout']);
    const approvals = addApprovals({ version: 1, approvals: [] }, [
      { fingerprint: slower.fingerprint, headPlanHash: slower.headPlanHash!, template: '', verdict: 'regressed', by: 'ana', why: 'intended', at: 'now' },
    ]);
    const lenient = parsePolicy({ version: 1, verdicts: { regressed: { max: 0, minCostRatio: 1.1 }, 'new-error': { max: 1 }, crash: { max: 1 }, timeout: { max: 1 } } });
    decision = evaluateGate(outcomes, lenient, approvalKeys(approvals));
    assert.equal(decision.passed, true);
    assert.equal(decision.checks.find((c) => c.name.startsWith('regressed'))!.approvedSkipped, 1);
    // an approval of a different head plan does not count
    const stale = addApprovals({ version: 1, approvals: [] }, [{ ...approvals.approvals[0]!, headPlanHash: 'other' }]);
    assert.equal(evaluateGate(outcomes, lenient, approvalKeys(stale)).passed, false);
  } finally {
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a resumed run compares only what is missing and ends with each template once', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const queue = new LocalQueue({ concurrency: 1 });
  try {
    const summary = await startPlayback(store, queue, { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD, batchSize: 3, timeoutMs: 3000 });
    // simulate a coordinator that died: drop some outcomes and mark the run running
    await store.query(`DELETE FROM outcomes WHERE run_id = ? AND fingerprint IN (SELECT fingerprint FROM outcomes WHERE run_id = ? ORDER BY fingerprint LIMIT 4)`, [summary.runId, summary.runId]);
    await store.reopenRun(summary.runId);
    assert.equal((await store.outcomeFingerprints(summary.runId)).size, EXPECTED.length - 4);
    const seen: number[] = [];
    const resumed = await resumePlayback(store, queue, summary.runId, (done) => seen.push(done));
    assert.equal(seen[0], EXPECTED.length - 4);
    assert.equal(resumed.total, EXPECTED.length);
    assert.equal((await store.getRun(summary.runId))!.status, 'done');
    // old vs old: only the templates the OLD version fails on are errors
    assert.deepEqual(resumed.counts, { identical: 7, 'both-error': 2 });
  } finally {
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('a missing workload is a located, actionable error', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const queue = new LocalQueue({ concurrency: 1 });
  try {
    await assert.rejects(
      startPlayback(store, queue, { workload: 'nope', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: NEW_BUILD }),
      /no workload 'nope' in the store; import one with: flightdeck corpus import LOG --workload nope/,
    );
  } finally {
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('bad run settings and empty or changed workloads are usage errors, not hangs or crashes', async () => {
  const fx = await makePlaybackFixture();
  const store = await Store.open(fx.storePath);
  const queue = new LocalQueue({ concurrency: 1 });
  try {
    const base = { workload: 'fake', catalogPath: fx.catalogPath, baseSpec: OLD_BUILD, headSpec: OLD_BUILD };
    await assert.rejects(startPlayback(store, queue, { ...base, batchSize: 0.5 }), /batch size must be a whole number/);
    await assert.rejects(startPlayback(store, queue, { ...base, thresholds: { regressedAt: 0.8, improvedAt: 0.9 } }), /must be above the improvement threshold/);
    await store.saveWorkload({ name: 'empty', sources: [], entries: 0, rejected: 3, rejects: [] }, []);
    await assert.rejects(startPlayback(store, queue, { ...base, workload: 'empty' }), /workload 'empty' has no templates/);
    assert.equal((await store.listRuns()).length, 0, 'no run is left behind');
    // a run whose workload was re-imported with other templates cannot be resumed
    const summary = await startPlayback(store, queue, { ...base, batchSize: 4 });
    const templates = await store.getTemplates('fake');
    await store.saveWorkload({ name: 'fake', sources: [], entries: 1, rejected: 0, rejects: [] }, templates.slice(0, 2));
    await assert.rejects(resumePlayback(store, queue, summary.runId), /workload 'fake' changed since run .* started \(7 of its 9 templates are gone\)/);
  } finally {
    await queue.close();
    store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('approvals keep the fields a team adds (a ticket, a reviewer) when flightdeck rewrites the file', async () => {
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadApprovals, saveApprovals } = await import('../../playback/approvals.ts');
  const dir = mkdtempSync(join(tmpdir(), 'fd-approvals-'));
  const path = join(dir, 'a.json');
  writeFileSync(path, JSON.stringify({ version: 1, approvals: [{ fingerprint: 'a', headPlanHash: 'h', template: '', verdict: 'regressed', by: 'x', why: 'y', at: 'now', ticket: 'JIRA-1' }] }));
  saveApprovals(path, addApprovals(loadApprovals(path), [{ fingerprint: 'b', headPlanHash: 'h', template: '', verdict: 'regressed', by: 'x', why: 'y', at: 'now' }]));
  assert.match(readFileSync(path, 'utf8'), /"ticket": "JIRA-1"/);
  rmSync(dir, { recursive: true, force: true });
});

test('when a job fails for good, the other in-process slots stop and finish before the failure is reported', async () => {
  const { LocalQueue: Queue } = await import('../../playback/queue/local.ts');
  const fx = await makePlaybackFixture();
  const queue = new Queue({ concurrency: 2, attempts: 1 });
  let delivered = 0;
  try {
    const good = { runId: 'r', baseSpec: OLD_BUILD, headSpec: OLD_BUILD, catalogPath: fx.catalogPath, timeoutMs: 3000, thresholds: { regressedAt: 1.1, improvedAt: 0.9 } };
    const jobs = [
      { ...good, batch: 0, baseSpec: 'duckdb@0.1', templates: [{ fingerprint: 'f0', sql: 'select 1 from t', weight: 1, count: 1 }] },
      ...Array.from({ length: 6 }, (_, i) => ({ ...good, batch: i + 1, templates: [{ fingerprint: `f${i + 1}`, sql: '/*sleep:100*/ select 1 from t', weight: 1, count: 1 }] })),
    ];
    await assert.rejects(queue.run(jobs, async () => { delivered++; }), /duckdb@0\.1/);
    const after = delivered;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(delivered, after, 'nothing is delivered after the failure was reported');
    assert.ok(delivered < 6, `the other slot stopped early (delivered ${delivered})`);
  } finally {
    await queue.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
});

test('--concurrency above the core count is capped with a warning (--oversubscribe keeps it); the run is the same', async () => {
  const { runCli } = await import('../helpers/cli.ts');
  const { availableParallelism } = await import('node:os');
  const fx = await makePlaybackFixture();
  try {
    const args = ['playback', '--workload', 'fake', '--catalog', fx.catalogPath, '--base', OLD_BUILD, '--head', NEW_BUILD, '--timeout', '1500', '--store', fx.storePath];
    const cores = availableParallelism();
    const capped = runCli([...args, '--concurrency', String(cores + 62)]);
    assert.equal(capped.status, 0, capped.stderr);
    assert.match(capped.stderr, new RegExp(`^warning: --concurrency ${cores + 62} is above the ${cores} cores? here; using ${cores} `, 'm'));
    assert.match(capped.stdout, new RegExp(`: ${EXPECTED.length} templates`));
    const forced = runCli([...args, '--concurrency', String(cores + 1), '--oversubscribe']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stderr, /\(--oversubscribe\): \d+ build processes will share them/);
    const fits = runCli([...args, '--concurrency', '1']);
    assert.doesNotMatch(fits.stderr, /warning: --concurrency/);
  } finally {
    rmSync(fx.dir, { recursive: true, force: true });
  }
});
