/**
 * The operator that changed most between two profiles: matched by position
 * when the plans have the same shape, by name occurrence when they do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecuteProfile, OperatorProfile } from '../../../flighting/execute/execute-result.ts';
import { operatorChange } from '../../../flighting/perf/operator-change.ts';

const profile = (ops: [name: string, depth: number, rows: number, timeMs: number][]): ExecuteProfile => ({
  latencyMs: ops.reduce((s, o) => s + o[3], 0),
  operators: ops.map(([name, depth, rows, timeMs], id): OperatorProfile => ({ id, depth, name, rows, timeMs })),
});

const base = profile([
  ['PROJECTION', 0, 10, 0.1],
  ['HASH_GROUP_BY', 1, 10, 2],
  ['HASH_JOIN', 2, 5000, 4],
  ['TABLE_SCAN', 3, 10000, 3],
  ['TABLE_SCAN', 3, 200, 0.5],
]);

test('same shape: matched by position; the slower scan is found by time, rows unchanged', () => {
  const head = profile([
    ['PROJECTION', 0, 10, 0.1],
    ['HASH_GROUP_BY', 1, 10, 2.1],
    ['HASH_JOIN', 2, 5000, 4.2],
    ['TABLE_SCAN', 3, 10000, 5.5],
    ['TABLE_SCAN', 3, 200, 0.5],
  ]);
  const r = operatorChange(base, head);
  assert.equal(r.matchedBy, 'position');
  assert.deepEqual({ name: r.byTime!.name, baseId: r.byTime!.baseId, headId: r.byTime!.headId }, { name: 'TABLE_SCAN', baseId: 3, headId: 3 });
  assert.ok(Math.abs(r.byTime!.timeDeltaMs - 2.5) < 1e-9);
  assert.equal(r.byRows, null, 'no operator’s rows changed');
  assert.equal(r.unmatched, 0);
});

test('same shape: a cardinality change is found by rows even where time barely moved', () => {
  const head = profile([
    ['PROJECTION', 0, 10, 0.1],
    ['HASH_GROUP_BY', 1, 10, 2],
    ['HASH_JOIN', 2, 50000, 4.3],
    ['TABLE_SCAN', 3, 10000, 3],
    ['TABLE_SCAN', 3, 200, 0.5],
  ]);
  const r = operatorChange(base, head);
  assert.equal(r.byRows!.name, 'HASH_JOIN');
  assert.equal(r.byRows!.baseRows, 5000);
  assert.equal(r.byRows!.headRows, 50000);
  assert.equal(r.byTime!.name, 'HASH_JOIN');
});

test('different shape: matched by name occurrence; a new operator counts from zero', () => {
  // head swapped the join sides (the scans at other positions) and added a FILTER
  const head = profile([
    ['PROJECTION', 0, 10, 0.1],
    ['HASH_GROUP_BY', 1, 10, 2],
    ['HASH_JOIN', 2, 5000, 4],
    ['FILTER', 3, 9000, 6],
    ['TABLE_SCAN', 4, 10000, 3],
    ['TABLE_SCAN', 3, 200, 0.5],
  ]);
  const r = operatorChange(base, head);
  assert.equal(r.matchedBy, 'name');
  assert.equal(r.unmatched, 1);
  assert.deepEqual({ name: r.byTime!.name, baseId: r.byTime!.baseId, headId: r.byTime!.headId, delta: r.byTime!.timeDeltaMs }, { name: 'FILTER', baseId: null, headId: 3, delta: 6 });
  assert.equal(r.byRows!.name, 'FILTER');
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON-safe data');
});

test('an operator gone from head is reported with head at zero', () => {
  const head = profile([
    ['PROJECTION', 0, 10, 0.1],
    ['HASH_GROUP_BY', 1, 10, 2],
    ['TABLE_SCAN', 2, 200, 0.5],
  ]);
  const r = operatorChange(base, head);
  assert.equal(r.unmatched, 2);
  assert.deepEqual({ name: r.byTime!.name, headId: r.byTime!.headId, delta: r.byTime!.timeDeltaMs }, { name: 'HASH_JOIN', headId: null, delta: -4 });
  assert.equal(operatorChange(profile([]), profile([])).byTime, null);
});
