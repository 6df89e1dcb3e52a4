import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlightResultRecord, OutcomeRecord } from '../../store/records.ts';
import type { PlanNodeView } from '../../server/api-types.ts';
import { buildPlanDiffView, estimatedRows } from '../../server/plan-view.ts';
import { SEED_RUN, seedFingerprint } from '../store/seed.ts';
import { startServerFixture } from './server-fixture.ts';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'builds', 'duckdb-1.5.6');

const outcome = (base: string, head: string, over: Partial<OutcomeRecord> = {}): OutcomeRecord => ({
  runId: 'r', fingerprint: 'fp', verdict: 'plan-changed', reason: '', weight: 1, count: 1, baseStatus: 'ok', headStatus: 'ok', baseCost: 1, headCost: 1, costRatio: 1,
  impact: null, basePlanHash: 'b', headPlanHash: 'h', baseSimplified: base, headSimplified: head, baseExplain: null, headExplain: null, baseError: null, headError: null,
  baseRules: [], headRules: [], rulesDiff: [], baseMs: 1, headMs: 1, signature: 's', approved: false, worker: null, baseEstimatorRatio: null, headEstimatorRatio: null, recost: null, ...over,
});

const flat = (n: PlanNodeView | null): PlanNodeView[] => (n ? [n, ...n.children.flatMap(flat)] : []);

test('swapped join inputs: the inputs are moves, the join is kept, partners point both ways', () => {
  const base = 'HASH_JOIN(conditions=[a.id = b.id])\n  SEQ_SCAN(table=[a])\n  SEQ_SCAN(table=[b])\n';
  const head = 'HASH_JOIN(conditions=[a.id = b.id])\n  SEQ_SCAN(table=[b])\n  SEQ_SCAN(table=[a])\n';
  const v = buildPlanDiffView(outcome(base, head), null);
  assert.equal(v.level, 'simplified');
  const b = flat(v.base);
  const h = flat(v.head);
  assert.deepEqual(b.map((n) => [n.label, n.edit, n.partner]), [
    ['HASH_JOIN(conditions=[a.id = b.id])', 'keep', 0],
    ['SEQ_SCAN(table=[a])', 'move', 2],
    ['SEQ_SCAN(table=[b])', 'move', 1],
  ]);
  assert.deepEqual(h.map((n) => [n.edit, n.partner]), [['keep', 0], ['move', 2], ['move', 1]]);
  assert.equal(v.actualsNote, undefined);
});

test('a join order change (TPC-H q5 with and without join ordering): joins updated, scans moved, top kept, every partner mutual', () => {
  const base = readFileSync(join(GOLDEN, 'q5.simplified'), 'utf8');
  const head = readFileSync(join(GOLDEN, 'q5-no-join-order.simplified'), 'utf8');
  const v = buildPlanDiffView(outcome(base, head), null);
  const b = flat(v.base);
  const h = flat(v.head);
  assert.deepEqual(b.slice(0, 3).map((n) => n.edit), ['keep', 'keep', 'keep']);
  assert.ok(b.some((n) => n.op === 'HASH_JOIN' && n.edit === 'update' && n.moved && n.changedArgs?.includes('conditions')));
  assert.ok(b.some((n) => n.op === 'HASH_JOIN' && n.edit === 'remove') && h.some((n) => n.op === 'HASH_JOIN' && n.edit === 'insert'));
  assert.ok(b.some((n) => n.op === 'SEQ_SCAN' && n.edit === 'move'));
  for (const n of b) if (n.partner !== undefined) assert.equal(h[n.partner]!.partner, n.index, `base ${n.index} ↔ head ${n.partner}`);
  for (const n of h) if (n.partner !== undefined) assert.equal(b[n.partner]!.partner, n.index);
  // every base node is matched or removed, every head node matched or inserted
  assert.equal(b.filter((n) => n.edit !== 'remove').length, h.filter((n) => n.edit !== 'insert').length);
  assert.ok(b.every((n) => (n.edit === 'remove') === (n.partner === undefined)));
});

test('estimated rows from DuckDB explain and from the reference printer; VALUES rows are not estimates', () => {
  assert.equal(estimatedRows('SEQ_SCAN(table=[orders], estimated_cardinality=[6])'), 6);
  assert.equal(estimatedRows('Scan(table=[orders], rows=[1500], cost=[1500])'), 1500);
  assert.equal(estimatedRows('Values(rows=[(1, 2), (3, 4)])'), undefined);
  assert.equal(estimatedRows('ORDER_BY'), undefined);
  const explain = readFileSync(join(GOLDEN, 'q3.explain'), 'utf8');
  const v = buildPlanDiffView(outcome('x', 'y', { baseExplain: explain, headExplain: explain }), null);
  assert.equal(v.level, 'explain');
  assert.ok(flat(v.base).every((n) => n.edit === 'keep'));
  assert.equal(flat(v.base).find((n) => n.label.startsWith('SEQ_SCAN(table=[lineitem]'))!.estimatedRows, 18);
});

const ops = (names: [string, number][], rows: number[]) => names.map(([name, depth], i) => ({ name, depth, rows: rows[i]!, timeMs: i + 0.5 }));

test('flown: actuals on every node when the profile lines up (TABLE_SCAN is SEQ_SCAN), the most changed node marked; otherwise none and a note', async () => {
  const base = 'HASH_JOIN(conditions=[a.id = b.id])\n  SEQ_SCAN(table=[a])\n  SEQ_SCAN(table=[b])\n';
  const head = 'HASH_JOIN(conditions=[a.id = b.id])\n  SEQ_SCAN(table=[b])\n  SEQ_SCAN(table=[a])\n';
  const shape: [string, number][] = [['HASH_JOIN', 0], ['TABLE_SCAN', 1], ['TABLE_SCAN', 1]];
  const f = await startServerFixture();
  try {
    // a real flight row through the store (migration 6's column and its codec), read through the API
    await f.store.createRun({ id: 'flight-1', kind: 'flight', workload: 'w', catalog: 'snap.duckdb', baseSpec: 'a', headSpec: 'b', baseDescription: null, headDescription: null, queue: 'local', total: 1, options: {} });
    const fp = seedFingerprint(1);
    const o = outcome(base, head, { runId: 'flight-1', fingerprint: fp, verdict: 'slower' });
    const result: FlightResultRecord = {
      runId: 'flight-1', fingerprint: fp, correctness: 'same', performance: 'slower', detail: 'time +40%', ratio: 1.4, ratioLow: 1.3, ratioHigh: 1.5, noise: 0.02, pValue: 0.001,
      baseMs: 10, headMs: 14, pairs: 20, baseRows: 5, headRows: 5, emptyBoth: false, mismatch: null,
      operatorChange: { name: 'TABLE_SCAN', baseId: 1, headId: 1, baseRows: 10, headRows: 1000 },
      operators: { base: ops(shape, [5, 10, 1000]), head: ops(shape, [5, 1000, 10]) }, crossCheck: null, baseExec: 'ok', headExec: 'ok',
      timings: { executeMs: 1, compareMs: 1, statisticsMs: 1 },
    };
    await f.store.saveFlightResults([o], [result]);
    const d = await f.call('GET', `/api/runs/flight-1/templates/${fp}`);
    assert.equal(d.status, 200);
    assert.equal(d.json.plans.actualsNote, null);
    const b = flat(d.json.plans.base);
    assert.deepEqual(b.map((n) => [n.actualRows, n.mostChanged ?? false]), [[5, false], [10, true], [1000, false]]);
    assert.equal(b[2]!.actualMs, 2.5);
    assert.deepEqual(flat(d.json.plans.head).map((n) => n.mostChanged ?? false), [false, true, false]);
    assert.deepEqual(d.json.flight.operators.head.map((x: { rows: number }) => x.rows), [5, 1000, 10]);

    // the profile has an operator the printed plan does not: no actuals at all, and the reason
    const off = { ...result, operators: { base: [...ops(shape, [5, 10, 1000]), { name: 'PROJECTION', depth: 1, rows: 1, timeMs: 1 }], head: ops(shape, [5, 1000, 10]) } };
    const v = buildPlanDiffView(o, off);
    assert.ok(flat(v.base).every((n) => n.actualRows === undefined && !n.mostChanged));
    assert.match(v.actualsNote!, /base plan prints 3 operators and its profile has 4/);
  } finally {
    await f.close();
  }
});

test('the template detail of the seeded run: one plan replaced by another is an update with its partner', async () => {
  const f = await startServerFixture();
  try {
    const d = await f.call('GET', `/api/runs/${SEED_RUN}/templates/${seedFingerprint(0)}`);
    assert.deepEqual([d.json.plans.counts.update, d.json.plans.base.op, d.json.plans.head.op], [1, 'Scan', 'Scan2']);
  } finally {
    await f.close();
  }
});
