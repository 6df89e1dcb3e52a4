/**
 * The store test suite, part 2 (the dashboard's queries): one page of a
 * run's outcomes filtered by verdict, cluster, table, rule and text (with
 * `%`, `_` and quotes matching themselves), sorted and paged within bounds;
 * the facet counts, verdict counts and cost ratios; approvals and the audit
 * log. store.test.ts runs it on each backend.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/store.ts';
import type { OutcomeQuery } from '../../store/outcome-query.ts';
import type { ApprovalRecord, OutcomeRecord, StoredTemplate } from '../../store/records.ts';
import type { StoreBackendCase } from './backends.ts';
import { newRun, outcome, template, TIMESTAMP } from './store-suite.ts';

const SQL: Record<string, string> = {
  a: `select * from orders where note = '100%'`,
  b: 'select a_b from lineitem',
  c: 'select x from orders',
  d: `select "c" from customers where name = 'o''hara'`,
};

const scan = (...tables: string[]) => tables.map((t) => `Scan table=[${t}]`).join('\n  ');

const base = (fp: string, o: Partial<OutcomeRecord>): OutcomeRecord => ({ ...outcome('r1', fp, 'regressed'), basePlanHash: `base-${fp}`, headPlanHash: `head-${fp}`, impact: null, ...o });

/** four outcomes of run r1 (weights 1/2 … 1/16, exact in binary), one of r2 */
function outcomes(): OutcomeRecord[] {
  return [
    base('a', { verdict: 'regressed', weight: 0.5, costRatio: 2, impact: 0.5, signature: 'S1', baseSimplified: scan('orders'), headSimplified: `Join\n  ${scan('orders', 'customers')}`, baseRules: ['r1'], headRules: ['r1', 'r2'], rulesDiff: ['+r2'], reason: 'cost ×2.00', headMs: 3 }),
    base('b', { verdict: 'improved', weight: 0.25, costRatio: 0.5, impact: -0.25, signature: 'S2', baseSimplified: scan('lineitem'), headSimplified: scan('lineitem'), baseRules: ['r3', 'r4'], headRules: ['r3'], rulesDiff: ['-r4'], reason: 'cost ×0.50', headMs: 1 }),
    base('c', { verdict: 'identical', weight: 0.125, costRatio: 1, headPlanHash: 'base-c', signature: null, baseSimplified: scan('orders'), headSimplified: scan('orders'), baseRules: [], headRules: [], rulesDiff: [], reason: 'same plan', headMs: null }),
    base('d', { verdict: 'plan-changed', weight: 0.0625, costRatio: null, signature: 'S1', baseSimplified: scan('customers'), headSimplified: scan('customers'), baseRules: [], headRules: [], rulesDiff: [], reason: `50% off_the "top" o'hara`, headMs: 2 }),
    { ...outcome('r2', 'a', 'regressed'), headPlanHash: 'head-a' },
  ];
}

export function dashboardSuite(c: StoreBackendCase): void {
  describe(`dashboard queries on ${c.name}`, { skip: c.skip }, () => {
    let s: Store;
    before(async () => {
      if (c.skip) return;
      s = await Store.open(await c.fresh());
      const templates: StoredTemplate[] = Object.entries(SQL).map(([fp, sql]) => ({ ...template(fp, 1), sql }));
      // recorded as masked at import, so its SQL (not only its normalized text) is shown and searched
      await s.saveWorkload({ name: 'w', sources: [], entries: 4, rejected: 0, rejects: [], masking: 'policy test.policy.json' }, templates);
      await s.createRun(newRun('r1'));
      await s.createRun(newRun('r2'));
      await s.saveOutcomes(outcomes());
    });
    after(async () => {
      await s?.close();
    });

    const page = async (q: Partial<OutcomeQuery>) => {
      const p = await s.queryOutcomes({ runId: 'r1', limit: 50, offset: 0, ...q });
      return { total: p.total, fps: p.rows.map((r) => r.fingerprint) };
    };

    test('a page: the run’s outcomes, heaviest first, with their tables and SQL', async () => {
      const p = await s.queryOutcomes({ runId: 'r1', limit: 50, offset: 0 });
      assert.equal(p.total, 4);
      assert.deepEqual(p.rows.map((r) => r.fingerprint), ['a', 'b', 'c', 'd']);
      assert.deepEqual(p.rows[0], {
        fingerprint: 'a', verdict: 'regressed', reason: 'cost ×2.00', weight: 0.5, count: 5, impact: 0.5, costRatio: 2, baseMs: 1, headMs: 3,
        signature: 'S1', approved: false, tables: ['orders', 'customers'], sql: SQL.a,
      });
      assert.deepEqual(p.rows[2]!.tables, ['orders']);
    });

    test('filters: verdicts, cluster, table, rule (either build), and together', async () => {
      assert.deepEqual(await page({ verdicts: ['regressed', 'improved'] }), { total: 2, fps: ['a', 'b'] });
      assert.deepEqual(await page({ cluster: 'S1' }), { total: 2, fps: ['a', 'd'] });
      assert.deepEqual(await page({ table: 'customers' }), { total: 2, fps: ['a', 'd'] });
      assert.deepEqual(await page({ table: 'orders' }), { total: 2, fps: ['a', 'c'] });
      assert.deepEqual(await page({ rule: 'r2' }), { total: 1, fps: ['a'] });
      assert.deepEqual(await page({ rule: 'r4' }), { total: 1, fps: ['b'] });
      assert.deepEqual(await page({ table: 'orders', verdicts: ['identical'] }), { total: 1, fps: ['c'] });
      assert.deepEqual(await page({ cluster: "S1' OR '1'='1" }), { total: 0, fps: [] });
      assert.deepEqual(await page({ runId: 'r2' }), { total: 1, fps: ['a'] });
    });

    test('text search is case-insensitive over SQL, fingerprint and reason; % _ and quotes match themselves', async () => {
      assert.deepEqual((await page({ text: 'ORDERS' })).fps, ['a', 'c']);
      assert.deepEqual((await page({ text: '%' })).fps, ['a', 'd']);
      assert.deepEqual((await page({ text: '_' })).fps, ['b', 'd']);
      assert.deepEqual((await page({ text: "o'hara" })).fps, ['d']);
      assert.deepEqual((await page({ text: "o''hara" })).fps, ['d']);
      assert.deepEqual((await page({ text: '"top"' })).fps, ['d']);
      assert.deepEqual((await page({ text: '\\' })).fps, []);
      assert.deepEqual((await page({ text: 'zzz' })).fps, []);
    });

    test('sort by a listed column either way, missing values last; paging stays within bounds', async () => {
      assert.deepEqual((await page({ sort: 'cost-ratio', order: 'asc' })).fps, ['b', 'c', 'a', 'd']);
      assert.deepEqual((await page({ sort: 'cost-ratio', order: 'desc' })).fps, ['a', 'c', 'b', 'd']);
      assert.deepEqual((await page({ sort: 'head-ms', order: 'asc' })).fps, ['b', 'd', 'a', 'c']);
      assert.deepEqual((await page({ sort: 'fingerprint', order: 'asc' })).fps, ['a', 'b', 'c', 'd']);
      assert.deepEqual((await page({ sort: 'constructor' as OutcomeQuery['sort'] })).fps, ['a', 'b', 'c', 'd']);
      assert.deepEqual(await page({ limit: 2, offset: 1 }), { total: 4, fps: ['b', 'c'] });
      assert.deepEqual(await page({ limit: 2, offset: 10 }), { total: 4, fps: [] });
      assert.deepEqual(await page({ limit: -5, offset: -3 }), { total: 4, fps: [] });
      assert.deepEqual(await page({ limit: 1e9, offset: Number.NaN }), { total: 4, fps: ['a', 'b', 'c', 'd'] });
    });

    test('facets count outcomes and weight per value under the other filters', async () => {
      const q = { runId: 'r1' };
      assert.deepEqual(await s.outcomeFacet('verdict', q), [
        { value: 'identical', count: 1, weight: 0.125 }, { value: 'improved', count: 1, weight: 0.25 }, { value: 'plan-changed', count: 1, weight: 0.0625 }, { value: 'regressed', count: 1, weight: 0.5 },
      ]);
      assert.deepEqual(await s.outcomeFacet('table', q), [{ value: 'customers', count: 2, weight: 0.5625 }, { value: 'orders', count: 2, weight: 0.625 }, { value: 'lineitem', count: 1, weight: 0.25 }]);
      // rules fired by either build, each outcome once per rule — what the rule filter matches
      const rules = await s.outcomeFacet('rule', q);
      assert.deepEqual(rules, [{ value: 'r1', count: 1, weight: 0.5 }, { value: 'r2', count: 1, weight: 0.5 }, { value: 'r3', count: 1, weight: 0.25 }, { value: 'r4', count: 1, weight: 0.25 }]);
      for (const r of rules) assert.equal((await s.queryOutcomes({ ...q, rule: r.value, limit: 10, offset: 0 })).total, r.count, `the ${r.value} facet count is what its filter finds`);
      assert.deepEqual(await s.outcomeFacet('cluster', q), [{ value: 'S1', count: 2, weight: 0.5625 }, { value: 'S2', count: 1, weight: 0.25 }]);
      assert.deepEqual(await s.outcomeFacet('table', { ...q, verdicts: ['regressed'] }), [{ value: 'customers', count: 1, weight: 0.5 }, { value: 'orders', count: 1, weight: 0.5 }]);
      assert.deepEqual(await s.outcomeFacet('verdict', { ...q, text: '%' }), [{ value: 'plan-changed', count: 1, weight: 0.0625 }, { value: 'regressed', count: 1, weight: 0.5 }]);
    });

    test('verdict counts per run, and the cost ratios of changed plans', async () => {
      const counts = await s.verdictCounts(['r1', 'r2', 'nope']);
      assert.deepEqual(counts.get('r1'), [
        { verdict: 'identical', count: 1, weight: 0.125, impact: 0 }, { verdict: 'improved', count: 1, weight: 0.25, impact: -0.25 },
        { verdict: 'plan-changed', count: 1, weight: 0.0625, impact: 0 }, { verdict: 'regressed', count: 1, weight: 0.5, impact: 0.5 },
      ]);
      assert.deepEqual(counts.get('r2'), [{ verdict: 'regressed', count: 1, weight: 0.5, impact: 0.25 }]);
      assert.deepEqual(counts.get('nope'), []);
      assert.deepEqual((await s.verdictCounts([])).size, 0);
      assert.deepEqual(await s.costRatios('r1'), [{ fingerprint: 'a', costRatio: 2, verdict: 'regressed' }, { fingerprint: 'b', costRatio: 0.5, verdict: 'improved' }]);
      assert.deepEqual(await s.costRatios('r1', 1), [{ fingerprint: 'a', costRatio: 2, verdict: 'regressed' }]);
    });

    test('approvals are kept and mark the outcomes they cover in every run, once', async () => {
      const approval: ApprovalRecord = { fingerprint: 'a', headPlanHash: 'head-a', template: SQL.a!, verdict: 'regressed', approvedBy: "o'hara", why: 'intended', approvedAt: '2026-12-01T10:00:00Z', run: 'r1' };
      assert.equal(await s.saveApprovals([approval]), 2);
      assert.equal(await s.saveApprovals([{ ...approval, why: 'still intended' }]), 0);
      assert.deepEqual(await s.listApprovals(), [{ ...approval, why: 'still intended' }]);
      assert.deepEqual(await s.getApproval('a', 'head-a', 'regressed'), { ...approval, why: 'still intended' });
      assert.equal(await s.getApproval('a', 'head-a', 'result-mismatch'), null, 'an approval covers its verdict only');
      assert.deepEqual((await s.queryOutcomes({ runId: 'r1', limit: 1, offset: 0 })).rows[0]!.approved, true);
      assert.equal((await s.getOutcome('r2', 'a'))!.approved, true);
      assert.equal((await s.getOutcome('r1', 'b'))!.approved, false);
    });

    test('the audit log appends entries with increasing ids and pages newest first', async () => {
      const ids: number[] = [];
      for (const action of ['approve', 'start-run', 'write-approvals-file']) {
        ids.push(await s.appendAudit({ actor: 'ana', role: 'reviewer', action, target: 'r1/a', why: action === 'approve' ? "it's fine" : null, detail: { n: ids.length, list: ['x'] } }));
      }
      assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, String(ids));
      const first = await s.listAudit(2, 0);
      assert.equal(first.total, 3);
      assert.deepEqual(first.rows.map((r) => [r.id, r.action, r.detail]), [[ids[2], 'write-approvals-file', { n: 2, list: ['x'] }], [ids[1], 'start-run', { n: 1, list: ['x'] }]]);
      assert.match(first.rows[0]!.at, TIMESTAMP);
      const rest = await s.listAudit(2, 2);
      assert.deepEqual(rest.rows.map((r) => [r.id, r.why]), [[ids[0], "it's fine"]]);
      assert.deepEqual((await s.listAudit(-1, -1)).rows, []);
    });

    test('an approval and its audit entry are one transaction: the entry failing keeps neither', async () => {
      const approval: ApprovalRecord = { fingerprint: 'b', headPlanHash: 'head-b', template: SQL.b!, verdict: 'improved', approvedBy: 'ana', why: 'fine', approvedAt: '2026-12-02T10:00:00Z', run: 'r1' };
      const audited = (await s.listAudit(500, 0)).total;
      // the audit row violates NOT NULL inside the transaction (as a store failure between the two would)
      await assert.rejects(s.saveApprovalsAudited([approval], () => ({ actor: 'ana', role: 'reviewer', action: null as unknown as string, target: 'r1/b', why: 'fine', detail: {} })));
      assert.equal(await s.getApproval('b', 'head-b', 'improved'), null, 'no approval without its audit entry');
      assert.equal((await s.getOutcome('r1', 'b'))!.approved, false);
      assert.equal((await s.listAudit(500, 0)).total, audited);
      const done = await s.saveApprovalsAudited([approval], (marked) => ({ actor: 'ana', role: 'reviewer', action: 'approve', target: 'r1/b', why: 'fine', detail: { marked } }));
      assert.equal(done.outcomesMarked, 1);
      assert.ok(await s.getApproval('b', 'head-b', 'improved'));
      const [entry] = (await s.listAudit(1, 0)).rows;
      assert.deepEqual([entry!.id, entry!.action, entry!.detail], [done.auditId, 'approve', { marked: 1 }]);
    });
  });
}
