/**
 * The server's answers about a run are kept while the run is unchanged:
 * computed once however many ask at once, computed again once the run's
 * outcomes or approvals change (by this process or another writer), and
 * never for a run that does not exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunCache } from '../../server/run-cache.ts';
import { SEED_RUN, seedFingerprint, withSeededStore } from '../store/seed.ts';

test('kept while the run is unchanged, recomputed after a change, shared by concurrent requests', async () => {
  await withSeededStore(4, async (store) => {
    const cache = new RunCache(store, 0);
    let computed = 0;
    const page = () => cache.get(SEED_RUN, 'page', async () => {
      computed++;
      return (await store.queryOutcomes({ runId: SEED_RUN, limit: 10, offset: 0 })).rows.filter((r) => r.approved).length;
    });
    assert.deepEqual(await Promise.all([page(), page(), page()]), [0, 0, 0]);
    assert.equal(computed, 1, 'three requests at once, one computation');
    assert.equal(await page(), 0);
    assert.equal(computed, 1, 'unchanged run: kept');
    // another writer approves an outcome: the run's version changes
    const o = (await store.getOutcome(SEED_RUN, seedFingerprint(1)))!;
    await store.saveOutcomes([{ ...o, approved: true }]);
    assert.equal(await page(), 1);
    assert.equal(computed, 2);
    // a failed computation is not kept
    await assert.rejects(cache.get(SEED_RUN, 'boom', () => Promise.reject(new Error('busy'))), /busy/);
    assert.equal(await cache.get(SEED_RUN, 'boom', async () => 'ok'), 'ok');
    assert.equal(await cache.get('no-such-run', 'page', async () => 'never'), null);
  });
});

test('the version is read at most every versionMs: other processes’ changes show within it', async () => {
  await withSeededStore(2, async (store) => {
    const cache = new RunCache(store, 60_000);
    const v1 = await cache.version(SEED_RUN);
    await store.saveOutcomes([{ ...(await store.getOutcome(SEED_RUN, seedFingerprint(0)))!, approved: true }]);
    assert.equal(await cache.version(SEED_RUN), v1, 'within versionMs the version is not read again');
    cache.invalidate();
    assert.notEqual(await cache.version(SEED_RUN), v1, 'after this server writes, it is');
  });
});
