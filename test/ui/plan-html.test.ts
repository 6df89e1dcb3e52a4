/**
 * The plan tree is handed to the browser as one HTML string (ui/src/plan/
 * plan-html.ts), so everything a plan or a build prints must come out
 * escaped; and each operator must carry the hooks the browser tests and the
 * partner highlighting read (data-edit, data-index, data-partner).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanNodeView } from '../../server/api-types.ts';
import { esc, planHtml } from '../../ui/src/plan/plan-html.ts';
import { parseLabel } from '../../ui/src/plan/label.ts';

const leaf = (index: number, label: string, extra: Partial<PlanNodeView> = {}): PlanNodeView => ({ index, op: label.split('(')[0]!, label, edit: 'keep', children: [], ...extra });

test('text from a plan is escaped: a hostile label cannot inject markup', () => {
  const html = planHtml(leaf(0, `SEQ_SCAN(table=[t"><img src=x onerror=alert(1)>], filters=[a<'<b>'])`, { edit: 'update', changedArgs: ['filters'], partner: 3 }));
  assert.ok(!html.includes('<img'), html);
  assert.ok(!html.includes("<b>"), html);
  assert.ok(html.includes('t&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('each operator carries its edit, index and partner; changed arguments are marked; the most-changed operator is starred', () => {
  const root: PlanNodeView = {
    index: 0,
    op: 'HASH_JOIN',
    label: 'HASH_JOIN(join_type=[INNER], conditions=[a = b], estimated_cardinality=[1200])',
    edit: 'update',
    changedArgs: ['join_type'],
    partner: 0,
    estimatedRows: 1200,
    actualRows: 240000,
    actualMs: 12.5,
    mostChanged: true,
    children: [leaf(1, 'SEQ_SCAN(table=[a])', { edit: 'move', partner: 2 }), leaf(2, 'FILTER(expression=[x > 1])', { edit: 'insert' })],
  };
  const html = planHtml(root);
  assert.match(html, /<li class="pn edit-update hot" data-testid="plan-node" data-index="0" data-edit="update" data-partner="0">/);
  assert.match(html, /data-index="1" data-edit="move" data-partner="2"/);
  assert.match(html, /data-index="2" data-edit="insert">/, 'an inserted operator has no partner');
  assert.match(html, /<mark class="pn-arg changed"[^>]*>join_type=INNER<\/mark>, conditions=a = b/);
  assert.ok(!html.includes('estimated_cardinality'), 'the estimate is shown as a metric, not as an argument');
  assert.match(html, /est 1,200 · act 240,000 · 12.5 ms/);
  assert.match(html, /▲×200/, 'a 200× misestimate is flagged');
  assert.match(html, /★ most changed/);
  assert.equal((html.match(/<details open>/g) ?? []).length, 1, 'only operators with children collapse');
});

test('labels split into operator and arguments, with nested brackets; other forms are kept whole', () => {
  assert.deepEqual(parseLabel('FILTER', 'FILTER(expression=[a IN [1, 2]], estimated_cardinality=[5])'), {
    op: 'FILTER',
    args: [
      { key: 'expression', value: 'a IN [1, 2]' },
      { key: 'estimated_cardinality', value: '5' },
    ],
    raw: null,
  });
  assert.deepEqual(parseLabel('TOP_N', 'TOP_N'), { op: 'TOP_N', args: [], raw: null });
  assert.equal(parseLabel('X', 'X(something odd)').raw, 'X(something odd)');
  assert.equal(parseLabel('X', 'X(a=[unclosed)').raw, 'X(a=[unclosed)');
});
