/**
 * Templates pages and facets of a finished run come from memory, read once
 * and shared by the requests that arrive meanwhile; approvals show at once;
 * a running run's pages come from the store (its outcomes still arrive); a
 * run larger than the memory budget is answered by the store without being
 * read again and again. (That the answers equal the store's is the store
 * suite's outcome-index-suite.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunCache } from '../../server/run-cache.ts';
import { RunOutcomes } from '../../server/run-outcomes.ts';
import { OutcomeIndex } from '../../store/outcome-index.ts';
import type { Store } from '../../store/store.ts';
import { SEED_RUN, seedFingerprint, withSeededStore } from '../store/seed.ts';
import { newRun } from '../store/store-suite.ts';

/** a seeded store whose page, facet and index reads are counted */
function withCountedStore(fn: (store: Store, calls: { pages: number; facets: number; loads: number }) => Promise<void>): Promise<void> {
  return withSeededStore(6, async (store) => {
    const calls = { pages: 0, facets: 0, loads: 0 };
    const count = <K extends 'queryOutcomes' | 'outcomeFacet' | 'loadOutcomeIndex'>(name: K, key: keyof typeof calls) => {
      const original = store[name].bind(store) as (...args: unknown[]) => unknown;
      (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls[key]++;
        return original(...args);
      };
    };
    count('queryOutcomes', 'pages');
    count('outcomeFacet', 'facets');
    count('loadOutcomeIndex', 'loads');
    await fn(store, calls);
  });
}

/** a playback run of the seeded workload, not yet finished */
const liveRun = (id: string) => ({ ...newRun(id), baseSpec: 'reference@main', headSpec: 'reference', total: 6 });

const q = { runId: SEED_RUN, limit: 50, offset: 0 };

test('a finished run: pages and facets from memory, read once for requests that arrive together; approvals show at once', async () => {
  await withCountedStore(async (store, calls) => {
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    const pages = await Promise.all([outcomes.page(q), outcomes.page({ ...q, sort: 'fingerprint', order: 'asc' }), outcomes.page({ ...q, text: 'T3' })]);
    assert.deepEqual(calls, { pages: 0, facets: 0, loads: 1 }, 'one read of the run, no page asked of the store');
    assert.equal(pages[0]!.total, 6);
    assert.deepEqual(pages[1]!.rows.map((r) => r.fingerprint), Array.from({ length: 6 }, (_, i) => seedFingerprint(i)));
    assert.deepEqual(pages[2]!.rows.map((r) => [r.fingerprint, r.sql]), [[seedFingerprint(3), 'select ? from t3']], 'searched and shown: the normalized text of an unmasked workload');
    assert.deepEqual(await outcomes.facet('verdict', q), [{ value: 'regressed', count: 6, weight: 1 }]);
    assert.equal(calls.facets, 0);

    const o = (await store.getOutcome(SEED_RUN, seedFingerprint(2)))!;
    await store.saveApprovals([{ fingerprint: o.fingerprint, headPlanHash: o.headPlanHash!, template: o.fingerprint, verdict: o.verdict, approvedBy: 'ana', why: 'expected', approvedAt: '2026-12-03 10:00:00', run: SEED_RUN }]);
    const after = await outcomes.page(q);
    assert.deepEqual(after.rows.filter((r) => r.approved).map((r) => r.fingerprint), [seedFingerprint(2)]);
    assert.equal(calls.loads, 1, 'an approval refreshes the marks, it does not read the run again');
    assert.equal(calls.pages, 0);
  });
});

test('a running run is answered by the store: outcomes written meanwhile show', async () => {
  await withCountedStore(async (store, calls) => {
    await store.createRun(liveRun('live'));
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    assert.equal((await outcomes.page({ ...q, runId: 'live' })).total, 0);
    const o = (await store.getOutcome(SEED_RUN, seedFingerprint(0)))!;
    await store.saveOutcomes([{ ...o, runId: 'live' }]);
    assert.equal((await outcomes.page({ ...q, runId: 'live' })).total, 1);
    assert.deepEqual(calls, { pages: 2, facets: 0, loads: 0 });
    // finished: from memory from now on
    await store.finishRun('live', 'done');
    assert.equal((await outcomes.page({ ...q, runId: 'live' })).total, 1);
    assert.deepEqual(calls, { pages: 2, facets: 0, loads: 1 });
  });
});

test('a run larger than the memory budget is answered by the store, never read whole, and other runs keep their indexes', async () => {
  await withCountedStore(async (store, calls) => {
    // 6 outcomes cannot fit in 1 byte: not even read
    const tiny = new RunOutcomes(store, new RunCache(store, 0), 1);
    for (let i = 0; i < 3; i++) assert.deepEqual(await tiny.page({ ...q, offset: i }), await store.queryOutcomes({ ...q, offset: i }));
    assert.equal(calls.loads, 0);
    // a budget its rows fit but not with their text: read once, found too large, remembered; the small run's index stays
    await store.createRun(liveRun('small'));
    await store.saveOutcomes([{ ...(await store.getOutcome(SEED_RUN, seedFingerprint(0)))!, runId: 'small' }]);
    await store.finishRun('small', 'done');
    const outcomes = new RunOutcomes(store, new RunCache(store, 0), 6 * OutcomeIndex.BYTES_PER_OUTCOME);
    assert.equal((await outcomes.page({ ...q, runId: 'small' })).total, 1);
    assert.equal((await outcomes.page(q)).total, 6);
    assert.equal(calls.loads, 2);
    for (let i = 0; i < 2; i++) {
      assert.equal((await outcomes.page(q)).total, 6);
      assert.equal((await outcomes.page({ ...q, runId: 'small' })).total, 1);
    }
    assert.equal(calls.loads, 2, 'neither read again: the large one is remembered, the small one kept');
  });
});

test('a workload re-imported under the same name (masked or not) is shown and searched as the store shows it now', async () => {
  await withCountedStore(async (store, calls) => {
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    const masked = (await store.getTemplates('w', [seedFingerprint(1)]))[0]!;
    await store.saveWorkload({ name: 'w', sources: [], entries: 1, rejected: 0, rejects: [], masking: 'policy p.json' }, [{ ...masked, sql: "select 1 from t1 where email = 'e9f2@masked.example'" }]);
    assert.deepEqual((await outcomes.page({ ...q, text: 'masked.example' })).rows.map((r) => r.sql), ["select 1 from t1 where email = 'e9f2@masked.example'"]);
    // imported again without a policy: its literals are real, so only the normalized text may be shown or searched
    await new Promise((r) => setTimeout(r, 5));
    await store.saveWorkload({ name: 'w', sources: [], entries: 1, rejected: 0, rejects: [], masking: null }, [{ ...masked, sql: "select 1 from t1 where email = 'alice@real.example'" }]);
    assert.deepEqual((await outcomes.page({ ...q, text: 'real.example' })).rows, []);
    assert.deepEqual((await outcomes.page({ ...q, text: 'masked.example' })).rows, []);
    const page = await outcomes.page({ ...q, sort: 'fingerprint', order: 'asc' });
    assert.deepEqual(page, await store.queryOutcomes({ ...q, sort: 'fingerprint', order: 'asc' }));
    assert.ok(!JSON.stringify(page).includes('alice'), 'no unmasked literal on a page');
    assert.equal(calls.loads, 2, 'the re-import made the run be read again');
  });
});

test('a read that fails is not kept: the store answers, and the run is read again only after a while', async () => {
  await withCountedStore(async (store, calls) => {
    const original = store.loadOutcomeIndex.bind(store);
    let failures = 1;
    store.loadOutcomeIndex = (runId: string) => (failures-- > 0 ? Promise.reject(new Error('store busy')) : original(runId));
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    assert.equal((await outcomes.page(q)).total, 6);
    assert.equal((await outcomes.page(q)).total, 6);
    assert.equal(calls.pages, 2, 'both answered by the store');
  });
});

test('a missing run: an empty page, as the store answers', async () => {
  await withCountedStore(async (store) => {
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    assert.deepEqual(await outcomes.page({ ...q, runId: 'nope' }), { total: 0, rows: [] });
  });
});

test('warm-up reads the latest finished runs ahead of their first page, never a running one', async () => {
  await withCountedStore(async (store, calls) => {
    await store.createRun(liveRun('live'));
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    await outcomes.warm();
    assert.equal(calls.loads, 1, 'the finished seed run only');
    assert.equal((await outcomes.page(q)).total, 6);
    assert.deepEqual(calls, { pages: 0, facets: 0, loads: 1 });
  });
});
