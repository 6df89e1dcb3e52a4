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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunCache } from '../../server/run-cache.ts';
import { RunOutcomes } from '../../server/run-outcomes.ts';
import { Store } from '../../store/store.ts';
import { SEED_RUN, seedFingerprint, seedStore } from '../store/seed.ts';

/** a seeded store whose page, facet and index reads are counted */
async function withCountedStore(fn: (store: Store, calls: { pages: number; facets: number; loads: number }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-run-outcomes-'));
  const store = await (async () => {
    await seedStore(join(dir, 'store.duckdb'), 6);
    return Store.open(join(dir, 'store.duckdb'));
  })();
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
  try {
    await fn(store, calls);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

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
    await store.createRun({ id: 'live', kind: 'playback', workload: 'w', catalog: 'c.duckdb', baseSpec: 'reference@main', headSpec: 'reference', baseDescription: null, headDescription: null, queue: 'local', total: 6, options: {} });
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

test('a run larger than the memory budget is answered by the store, and is not read again for every request', async () => {
  await withCountedStore(async (store, calls) => {
    const outcomes = new RunOutcomes(store, new RunCache(store, 0), 1);
    const first = await outcomes.page(q);
    assert.equal(first.total, 6);
    for (let i = 0; i < 3; i++) assert.deepEqual(await outcomes.page({ ...q, offset: i }), await store.queryOutcomes({ ...q, offset: i }));
    assert.equal(calls.loads, 1, 'read once, found too large, remembered');
    assert.equal(calls.pages, 6, 'three pages from the store, and the three compared with');
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
    await store.createRun({ id: 'live', kind: 'playback', workload: 'w', catalog: 'c.duckdb', baseSpec: 'reference@main', headSpec: 'reference', baseDescription: null, headDescription: null, queue: 'local', total: 6, options: {} });
    const outcomes = new RunOutcomes(store, new RunCache(store, 0));
    await outcomes.warm();
    assert.equal(calls.loads, 1, 'the finished seed run only');
    assert.equal((await outcomes.page(q)).total, 6);
    assert.deepEqual(calls, { pages: 0, facets: 0, loads: 1 });
  });
});
