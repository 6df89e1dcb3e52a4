/**
 * The store test suite, part 1 (records): one set of cases every backend
 * passes — migrations, workloads and templates, runs, idempotent outcomes
 * and diffs, clusters, flight results, read-only opens, and refusing a
 * database that is not a store. store.test.ts runs it on each backend.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/store.ts';
import { MIGRATIONS } from '../../store/migrations.ts';
import type { FlightResultRecord, OutcomeRecord, StoredTemplate } from '../../store/records.ts';
import type { StoreBackendCase } from './backends.ts';

export const template = (fp: string, count: number): StoredTemplate => ({
  fingerprint: fp, normalized: `select ? from t${fp}`, sql: `select 1 from t${fp}`, count, errorCount: 0, totalDurationMs: count * 2,
  meanDurationMs: 2, weight: count / 10, durationShare: count / 10, users: ['ana', "o'hara"], projects: ['shop'], priorities: [1, 3],
  firstSeen: '2026-01-01', lastSeen: null, source: 'log.jsonl:3',
});

export const outcome = (runId: string, fp: string, verdict: OutcomeRecord['verdict'], worker = 'w1'): OutcomeRecord => ({
  runId, fingerprint: fp, verdict, reason: 'cost ×1.50', weight: 0.5, count: 5, baseStatus: 'ok', headStatus: 'ok', baseCost: 10, headCost: 15,
  costRatio: 1.5, impact: 0.25, basePlanHash: 'a', headPlanHash: 'b', baseSimplified: 'Scan', headSimplified: 'Scan2', baseExplain: 'x', headExplain: 'y',
  baseError: null, headError: { code: 'parse-error', message: 'm', line: 1, column: 2 }, baseRules: ['r1'], headRules: ['r1', 'r2'], rulesDiff: ['+r2'],
  baseMs: 1, headMs: 2, signature: 'Scan → Scan2 at root', approved: false, worker, baseEstimatorRatio: 1.25, headEstimatorRatio: null, recost: 'cannot re-cost: test',
});

export const newRun = (id: string, workload = 'w') =>
  ({ id, kind: 'playback', workload, catalog: 'c.duckdb', baseSpec: 'reference', headSpec: 'reference#none', baseDescription: null, headDescription: null, queue: 'local', total: 3, options: { x: [1] } }) as const;

/** `YYYY-MM-DD HH:MM:SS[.ffffff]`, as both backends render a timestamp */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

const diff = (fp: string, description: string) => ({ runId: 'r', fingerprint: fp, edits: [], textDiff: '-', description });

export async function withStore(c: StoreBackendCase, fn: (s: Store, location: string) => Promise<void>): Promise<void> {
  const location = await c.fresh();
  const s = await Store.open(location);
  try {
    await fn(s, location);
  } finally {
    await s.close();
  }
}

export function storeSuite(c: StoreBackendCase): void {
  describe(`store on ${c.name}`, { skip: c.skip }, () => {
    test('a new store is migrated to the latest schema, and reopening applies nothing twice', async () => {
      const location = await c.fresh();
      const s = await Store.open(location);
      assert.equal(await s.schemaVersion(), MIGRATIONS.at(-1)!.version);
      await s.close();
      const again = await Store.open(location);
      assert.equal((await again.query('SELECT count(*) AS n FROM schema_migrations'))[0]!.n, String(MIGRATIONS.length));
      await again.close();
    });

    test('workloads and templates round-trip, and re-importing a workload replaces its templates', async () => {
      await withStore(c, async (s) => {
        const w = { name: 'shop', sources: [{ path: 'a.jsonl', format: 'jsonl' }], entries: 8, rejected: 1, rejects: [{ reason: 'malformed-json', count: 1, examples: [{ file: 'a.jsonl', line: 3, message: 'x' }] }] };
        await s.saveWorkload(w, [template('1', 5), template('2', 3)]);
        assert.deepEqual(await s.getTemplates('shop'), [template('1', 5), template('2', 3)]);
        assert.deepEqual(await s.getTemplates('shop', ['2', 'nope']), [template('2', 3)]);
        await s.saveWorkload(w, [template('3', 1)]);
        assert.deepEqual((await s.getTemplates('shop')).map((t) => t.fingerprint), ['3']);
        const list = await s.listWorkloads();
        assert.equal(list[0]!.templates, 1);
        assert.match(list[0]!.createdAt!, TIMESTAMP);
        assert.deepEqual((await s.getWorkload('shop'))!.rejects, w.rejects);
        assert.equal(await s.getWorkload('nope'), null);
      });
    });

    test('runs: created, listed, described, finished and reopened, with their times as text', async () => {
      await withStore(c, async (s) => {
        await s.createRun(newRun('r1'));
        await s.createRun(newRun('r2'));
        await s.setRunDescriptions('r1', 'base build', 'head build');
        await s.finishRun('r1', 'failed', 'boom');
        const r1 = (await s.getRun('r1'))!;
        assert.deepEqual([r1.status, r1.error, r1.baseDescription, r1.headDescription, r1.done, r1.options], ['failed', 'boom', 'base build', 'head build', 0, { x: [1] }]);
        assert.match(r1.createdAt, TIMESTAMP);
        assert.match(r1.finishedAt!, TIMESTAMP);
        await s.reopenRun('r1');
        assert.deepEqual([(await s.getRun('r1'))!.status, (await s.getRun('r1'))!.finishedAt], ['running', null]);
        assert.deepEqual((await s.listRuns()).map((r) => r.id).toSorted(), ['r1', 'r2']);
        await s.createRun(newRun('r3'));
        await s.finishRun('r2', 'done');
        await s.finishRun('r3', 'done');
        // what a progress poller reads: the running runs and those it names, not the history
        assert.deepEqual((await s.listRuns({ runningOr: [] })).map((r) => r.id), ['r1']);
        assert.deepEqual((await s.listRuns({ runningOr: ['r3', 'nope'] })).map((r) => r.id).toSorted(), ['r1', 'r3']);
        assert.equal(await s.getRun('nope'), null);
      });
    });

    test('outcomes are idempotent per run and template', async () => {
      await withStore(c, async (s) => {
        await s.saveWorkload({ name: 'w', sources: [], entries: 3, rejected: 0, rejects: [] }, [template('1', 1), template('2', 1), template('3', 1)]);
        await s.createRun(newRun('r1'));
        await s.saveOutcomes([outcome('r1', '1', 'regressed')], [{ runId: 'r1', fingerprint: '1', edits: [{ type: 'update' }], textDiff: '---', description: 'd' }]);
        await s.saveOutcomes([outcome('r1', '1', 'regressed', 'w2'), outcome('r1', '2', 'identical')]);
        const outs = await s.getOutcomes('r1');
        assert.equal(outs.length, 2);
        assert.deepEqual(outs[0], outcome('r1', '1', 'regressed', 'w2'));
        assert.deepEqual(await s.getOutcome('r1', '2'), outcome('r1', '2', 'identical'));
        assert.equal(await s.getOutcome('r1', '9'), null);
        assert.deepEqual([...(await s.outcomeFingerprints('r1'))].toSorted(), ['1', '2']);
        assert.equal((await s.getRun('r1'))!.done, 2);
        assert.deepEqual((await s.getOutcomes('r1', { verdicts: ['identical'] })).map((o) => o.fingerprint), ['2']);
        // delivered again without a diff (its plans now match): the old diff goes too
        assert.equal(await s.getDiff('r1', '1'), null);
        await s.saveOutcomes([outcome('r1', '1', 'regressed', 'w2')], [{ runId: 'r1', fingerprint: '1', edits: [], textDiff: '---', description: 'd2' }]);
        assert.equal((await s.getDiff('r1', '1'))!.description, 'd2');
        // the same template twice in one delivery: the last one wins
        await s.saveOutcomes([outcome('r1', '3', 'regressed', 'first'), outcome('r1', '3', 'regressed', 'last')]);
        assert.equal((await s.getOutcome('r1', '3'))!.worker, 'last');
        // plain SQL works on the store
        const rows = await s.query(`SELECT verdict, count(*) AS n FROM outcomes WHERE run_id = ? GROUP BY verdict ORDER BY verdict`, ['r1']);
        assert.deepEqual(rows, [{ verdict: 'identical', n: '1' }, { verdict: 'regressed', n: '2' }]);
      });
    });

    test('a large delivery writes every diff once, drops stale ones of its outcomes, and the last duplicate wins', async () => {
      await withStore(c, async (s) => {
        const fps = Array.from({ length: 730 }, (_, i) => String(i));
        await s.saveOutcomes(fps.map((fp) => outcome('r', fp, 'plan-changed')), fps.map((fp) => diff(fp, 'first')));
        assert.equal((await s.getDiff('r', '729'))!.description, 'first');
        const even = fps.filter((fp) => Number(fp) % 2 === 0);
        await s.saveOutcomes(fps.map((fp) => outcome('r', fp, Number(fp) % 2 ? 'identical' : 'plan-changed')), [...even.map((fp) => diff(fp, 'stale')), ...even.map((fp) => diff(fp, 'second'))]);
        assert.equal(await s.getDiff('r', '729'), null);
        assert.equal((await s.getDiff('r', '728'))!.description, 'second');
        assert.deepEqual(await s.query(`SELECT count(*) AS n FROM diffs WHERE run_id = 'r'`), [{ n: String(even.length) }]);
        assert.deepEqual(await s.query(`SELECT count(*) AS n FROM outcomes WHERE run_id = 'r'`), [{ n: '730' }]);
      });
    });

    test('an infinite cost ratio is stored as NULL; impacts are computed over the whole run', async () => {
      await withStore(c, async (s) => {
        await s.saveOutcomes([{ ...outcome('r', '1', 'regressed'), costRatio: Infinity }, outcome('r', '2', 'regressed')]);
        assert.equal((await s.getOutcome('r', '1'))!.costRatio, null);
        await s.updateImpacts('r');
        // count 5, base cost 10 each: total 100; '1' (no ratio) 5 × (15 − 10) / 100, '2' 5 × 10 × 0.5 / 100
        assert.deepEqual((await s.getOutcomes('r')).map((o) => o.impact), [0.25, 0.25]);
      });
    });

    test('clusters and flight results round-trip; saving clusters replaces the run’s', async () => {
      await withStore(c, async (s) => {
        const cluster = { signature: 's', description: 'd', templates: 2, weight: 1, impact: 0.5, verdicts: { regressed: 2 }, example: 'fp00' };
        await s.saveClusters('r', [cluster, { ...cluster, signature: 't', templates: 1 }]);
        await s.saveClusters('r', [cluster]);
        assert.deepEqual(await s.getClusters('r'), [cluster]);
        assert.deepEqual(await s.getCluster('r', 's'), cluster);
        assert.equal(await s.getCluster('r', 't'), null, 'replaced');
        const result: FlightResultRecord = {
          runId: 'r', fingerprint: '1', correctness: 'same', performance: 'slower', detail: 'x1.3', ratio: 1.3, ratioLow: 1.2, ratioHigh: 1.4, noise: 0.03, pValue: 0.001,
          baseMs: 10, headMs: 13, pairs: 20, baseRows: 5, headRows: 5, emptyBoth: false, mismatch: null, operatorChange: { op: 'HashJoin' }, operators: { base: [{ name: 'HASH_JOIN', depth: 0, rows: 5, timeMs: 1.5 }], head: [] }, crossCheck: null,
          baseExec: 'ok', headExec: 'ok', timings: { executeMs: 1, compareMs: 2, statisticsMs: 3 },
        };
        await s.saveFlightResults([outcome('r', '1', 'regressed')], [result, { ...result, detail: 'again' }]);
        assert.deepEqual(await s.getFlightResults('r'), [{ ...result, detail: 'again' }]);
        assert.deepEqual(await s.getFlightResult('r', '1'), { ...result, detail: 'again' });
        assert.equal(await s.getFlightResult('r', '2'), null);
        assert.equal((await s.getOutcome('r', '1'))!.verdict, 'regressed');
      });
    });

    test('a read-only open reads, refuses to write, and never creates a store', async () => {
      const location = await c.fresh();
      await assert.rejects(Store.open(location, { readOnly: true }), (err: Error & { code?: string }) => ['not-found', 'environment-error'].includes(err.code!));
      const writer = await Store.open(location);
      await writer.createRun(newRun('r1'));
      await writer.close();
      const reader = await Store.open(location, { readOnly: true });
      try {
        assert.equal((await reader.getRun('r1'))!.id, 'r1');
        await assert.rejects(reader.createRun(newRun('r2')), /read-only/i);
      } finally {
        await reader.close();
      }
    });

    test('a database with tables of its own (a catalog) is never migrated into a store', async () => {
      const location = await c.fresh();
      await c.foreignTable(location);
      await assert.rejects(Store.open(location), /is (a DuckDB database but )?not a flightdeck store \(no schema_migrations table/);
      await assert.rejects(Store.open(location, { readOnly: true }), /not a flightdeck store/);
    });
  });
}
