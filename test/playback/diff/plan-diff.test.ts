import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffPlans, parseArgs } from '../../../playback/diff/plan-diff.ts';
import { parsePlanText } from '../../../playback/diff/plan-tree.ts';

const BASE = `Project(exprs=[name, total])
  Aggregate(group=[name], aggs=[total=sum(price)])
    HASH_JOIN(type=[inner], condition=[o.cid = c.id])
      Scan(table=[orders])
      Scan(table=[customers])
`;

test('identical plans: every node kept, no signature', () => {
  const d = diffPlans(BASE, BASE);
  assert.deepEqual(d.counts, { insert: 0, remove: 0, move: 0, update: 0, keep: 5 });
  assert.equal(d.signature, '');
  assert.equal(d.description, 'no structural change');
});

test('a join algorithm swap is one update of the operator, tagged with its parent', () => {
  const head = BASE.replace('HASH_JOIN', 'NESTED_LOOP_JOIN');
  const d = diffPlans(BASE, head);
  const changes = d.edits.filter((e) => e.type !== 'keep');
  assert.equal(changes.length, 1);
  assert.deepEqual(
    { type: changes[0]!.type, op: changes[0]!.op, oldOp: changes[0]!.oldOp, parentOp: changes[0]!.parentOp },
    { type: 'update', op: 'NESTED_LOOP_JOIN', oldOp: 'HASH_JOIN', parentOp: 'Aggregate' },
  );
  assert.equal(d.signature, 'HASH_JOIN → NESTED_LOOP_JOIN under Aggregate');
});

test('swapped join inputs are moves, not remove + insert', () => {
  const head = `Project(exprs=[name, total])
  Aggregate(group=[name], aggs=[total=sum(price)])
    HASH_JOIN(type=[inner], condition=[o.cid = c.id])
      Scan(table=[customers])
      Scan(table=[orders])
`;
  const d = diffPlans(BASE, head);
  assert.equal(d.counts.insert, 0);
  assert.equal(d.counts.remove, 0);
  assert.ok(d.counts.move >= 1);
  assert.match(d.signature, /Scan moved under HASH_JOIN/);
});

test('an inserted filter and a changed argument', () => {
  const head = `Project(exprs=[name, total])
  Aggregate(group=[name], aggs=[total=sum(price)])
    HASH_JOIN(type=[left], condition=[o.cid = c.id])
      Filter(condition=[status = 'paid'])
        Scan(table=[orders])
      Scan(table=[customers])
`;
  const d = diffPlans(BASE, head);
  const ins = d.edits.filter((e) => e.type === 'insert');
  assert.deepEqual(ins.map((e) => [e.op, e.parentOp]), [['Filter', 'HASH_JOIN']]);
  const upd = d.edits.filter((e) => e.type === 'update');
  assert.deepEqual(upd.map((e) => [e.op, e.changedArgs]), [['HASH_JOIN', ['type']]]);
  assert.equal(d.counts.remove, 0);
  // the scan is only wrapped by the inserted filter: not a move
  assert.deepEqual(d.edits.filter((e) => e.type === 'move'), []);
  assert.equal(d.signature, 'Filter added under HASH_JOIN; HASH_JOIN{type} changed under Aggregate');
});

test('a node moved to another parent is a move', () => {
  const head = `Project(exprs=[name, total])
  Aggregate(group=[name], aggs=[total=sum(price)])
    HASH_JOIN(type=[inner], condition=[o.cid = c.id])
      Scan(table=[customers])
  Scan(table=[orders])
`;
  const d = diffPlans(BASE, head);
  assert.deepEqual(d.edits.filter((e) => e.type === 'move').map((e) => [e.newLabel, e.parentOp]), [['Scan(table=[orders])', 'Project']]);
});

test('a removed subtree is reported node by node', () => {
  const head = `Project(exprs=[name, total])
  Aggregate(group=[name], aggs=[total=sum(price)])
    Scan(table=[orders])
`;
  const d = diffPlans(BASE, head);
  assert.deepEqual(d.edits.filter((e) => e.type === 'remove').map((e) => e.op).sort(), ['HASH_JOIN', 'Scan']);
  assert.ok(d.description.includes('removed'));
});

test('the same kind of change in two different queries has the same signature', () => {
  const q1 = BASE;
  const q2 = `Sort(keys=[x])
  Aggregate(group=[x], aggs=[n=count(*)])
    HASH_JOIN(type=[inner], condition=[a.k = b.k])
      Scan(table=[lineitem])
      Scan(table=[part])
`;
  const s1 = diffPlans(q1, q1.replace('HASH_JOIN', 'NESTED_LOOP_JOIN')).signature;
  const s2 = diffPlans(q2, q2.replace('HASH_JOIN', 'NESTED_LOOP_JOIN')).signature;
  assert.equal(s1, s2);
});

test('the text diff is the second view', () => {
  const d = diffPlans(BASE, BASE.replace('HASH_JOIN', 'NESTED_LOOP_JOIN'), { old: 'q1@base', new: 'q1@head' });
  assert.match(d.textDiff, /--- q1@base/);
  assert.match(d.textDiff, /-    HASH_JOIN/);
  assert.match(d.textDiff, /\+    NESTED_LOOP_JOIN/);
});

test('empty or missing plans diff to all inserts / removes', () => {
  assert.equal(diffPlans('', BASE).counts.insert, 5);
  assert.equal(diffPlans(BASE, '').counts.remove, 5);
});

test('argument parsing copes with brackets and commas inside values', () => {
  assert.deepEqual([...parseArgs('Join(type=[inner], condition=[(a = b) AND f(x, y)])')], [['type', '[inner]'], ['condition', '[(a = b) AND f(x, y)]']]);
  assert.equal(parsePlanText('A\n  B\n    C\n  D\n')!.children.map((c) => c.op).join(), 'B,D');
});

test('deterministic: the same inputs give the same script', () => {
  const head = BASE.replace('inner', 'left').replace('orders', 'orders_v2');
  assert.deepEqual(diffPlans(BASE, head), diffPlans(BASE, head));
});

// how fast is measured in bench/planner-limits.ts, not asserted here (shared machines are noisy)
test('very large or deep plans get the text diff and a coarse signature, without overflowing the stack', () => {
  const deep = (n: number, leaf: string) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}${i === n - 1 ? leaf : 'Project(exprs=[a])'}`).join('\n') + '\n';
  const d = diffPlans(deep(5000, 'Scan(table=[a])'), deep(5000, 'Scan(table=[b])'));
  assert.match(d.signature, /^large plan changed/);
  assert.match(d.textDiff, /\+ +Scan\(table=\[b\]\)/);
});
