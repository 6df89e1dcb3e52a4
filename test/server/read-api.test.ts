import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED_RUN, seedFingerprint } from '../store/seed.ts';
import { startServerFixture } from './server-fixture.ts';

test('runs list: status, counts by verdict, paging; health without a token', async () => {
  const f = await startServerFixture();
  try {
    const health = await f.call('GET', '/api/health', { role: null });
    assert.equal(health.status, 200);
    assert.equal(health.json.store, 'duckdb');
    const runs = await f.call('GET', '/api/runs');
    assert.equal(runs.status, 200);
    assert.equal(runs.json.total, 1);
    const r = runs.json.rows[0];
    assert.deepEqual([r.id, r.status, r.done, r.total], [SEED_RUN, 'done', 8, 8]);
    assert.deepEqual(r.verdicts.map((v: { verdict: string; count: number }) => [v.verdict, v.count]), [['regressed', 8]]);
    assert.equal(typeof r.durationMs, 'number');
    assert.equal((await f.call('GET', '/api/runs?status=running')).json.total, 0);
    const me = await f.call('GET', '/api/me', { role: 'reviewer' });
    assert.deepEqual(me.json, { name: 'reviewer-bot', role: 'reviewer' });
  } finally {
    await f.close();
  }
});

test('every read needs a token: none → 401, an unknown one → 401', async () => {
  const f = await startServerFixture();
  try {
    for (const url of ['/api/runs', `/api/runs/${SEED_RUN}`, `/api/runs/${SEED_RUN}/outcomes`, '/api/audit', '/api/approvals', '/api/me']) {
      const none = await f.call('GET', url, { role: null });
      assert.equal(none.status, 401, url);
      assert.equal(none.json.error.code, 'unauthorized');
      assert.equal((await f.call('GET', url, { token: 'fdk_not-a-known-token-at-all' })).status, 401, url);
    }
  } finally {
    await f.close();
  }
});

test('outcomes: filter, sort, paging; bad inputs are 400 naming the field', async () => {
  const f = await startServerFixture({ templates: 12 });
  try {
    const base = `/api/runs/${SEED_RUN}/outcomes`;
    const p1 = await f.call('GET', `${base}?sort=fingerprint&order=asc&limit=5&offset=0`);
    assert.equal(p1.status, 200);
    assert.deepEqual([p1.json.total, p1.json.limit, p1.json.offset], [12, 5, 0]);
    assert.deepEqual(p1.json.rows.map((r: { fingerprint: string }) => r.fingerprint), [0, 1, 2, 3, 4].map(seedFingerprint));
    const p3 = await f.call('GET', `${base}?sort=fingerprint&order=desc&limit=5&offset=10`);
    assert.deepEqual(p3.json.rows.map((r: { fingerprint: string }) => r.fingerprint), [1, 0].map(seedFingerprint));
    assert.equal((await f.call('GET', `${base}?verdict=identical,regressed`)).json.total, 12);
    assert.equal((await f.call('GET', `${base}?verdict=identical`)).json.total, 0);
    const search = await f.call('GET', `${base}?q=t11`);
    assert.deepEqual(search.json.rows.map((r: { fingerprint: string }) => r.fingerprint), [seedFingerprint(11)]);
    const bad: [string, string][] = [
      [`${base}?limit=501`, 'query.limit'],
      [`${base}?limit=abc`, 'query.limit'],
      [`${base}?offset=-1`, 'query.offset'],
      [`${base}?sort=sql`, 'query.sort'],
      [`${base}?order=up`, 'query.order'],
      [`${base}?verdict=regressed,bogus`, 'query.verdict.1'],
      [`${base}?color=red`, 'query'],
      [`/api/runs/bad%20id/outcomes`, 'params.run'],
      ['/api/runs?limit=0', 'query.limit'],
      ['/api/audit?limit=100000', 'query.limit'],
    ];
    for (const [url, field] of bad) {
      const r = await f.call('GET', url);
      assert.equal(r.status, 400, url);
      assert.equal(r.json.error.code, 'bad-request', url);
      assert.equal(r.json.error.field, field, url);
    }
    const missing = await f.call('GET', '/api/runs/no-such-run/outcomes');
    assert.deepEqual([missing.status, missing.json.error.code], [404, 'not-found']);
    const facets = await f.call('GET', `/api/runs/${SEED_RUN}/facets?verdict=regressed`);
    // weights are summed by the database in no fixed order: equal up to rounding
    assert.deepEqual(facets.json.verdict.map((f: { value: string; count: number; weight: number }) => ({ ...f, weight: Math.round(f.weight * 1e9) / 1e9 })), [{ value: 'regressed', count: 12, weight: 1 }]);
    assert.equal(facets.json.cluster[0].count, 12);
  } finally {
    await f.close();
  }
});

test('run overview and template detail; an unknown template is 404', async () => {
  const f = await startServerFixture();
  try {
    const o = await f.call('GET', `/api/runs/${SEED_RUN}`);
    assert.equal(o.status, 200);
    assert.equal(o.json.run.id, SEED_RUN);
    assert.equal(o.json.topRegressions.length, 8);
    assert.deepEqual(o.json.mismatches, []);
    assert.equal(o.json.costRatios.length, 8);
    const d = await f.call('GET', `/api/runs/${SEED_RUN}/templates/${seedFingerprint(3)}`);
    assert.equal(d.status, 200);
    assert.equal(d.json.template.sql, 'select ? from t3', 'an unmasked workload is shown by its normalized text');
    assert.equal(d.json.plans.level, 'explain');
    assert.deepEqual([d.json.plans.base.edit, d.json.plans.head.edit, d.json.plans.head.partner], ['update', 'update', 0]);
    assert.equal(d.json.approval, null);
    const nf = await f.call('GET', `/api/runs/${SEED_RUN}/templates/nope`);
    assert.deepEqual([nf.status, nf.json.error.code], [404, 'not-found']);
  } finally {
    await f.close();
  }
});

test('only masked data is served: a workload imported without a masking policy shows its normalized text, its plans and errors without quoted literals, and a search cannot find a literal', async () => {
  const f = await startServerFixture();
  try {
    const fp = seedFingerprint(3);
    const o = (await f.store.getOutcome(SEED_RUN, fp))!;
    await f.store.saveOutcomes([{ ...o, baseExplain: "SEQ_SCAN(table=[customers], filters=[email='alice@example.com'])", headExplain: "FILTER(email='alice@example.com')\n  SEQ_SCAN(table=[customers])", headError: null }]);
    const detail = (await f.call('GET', `/api/runs/${SEED_RUN}/templates/${fp}`)).json;
    assert.equal(detail.template.literals, 'hidden');
    assert.equal(detail.template.sql, 'select ? from t3');
    const body = JSON.stringify(detail);
    assert.doesNotMatch(body, /alice@example\.com/);
    assert.match(detail.plans.base.label, /email='…'/);
    const page = (await f.call('GET', `/api/runs/${SEED_RUN}/outcomes?q=${fp}`)).json;
    assert.equal(page.rows[0].sql, 'select ? from t3');
    assert.equal((await f.call('GET', `/api/runs/${SEED_RUN}/outcomes?q=${encodeURIComponent('select 1 from')}`)).json.total, 0, 'a literal of the stored SQL cannot be searched for');

    // the same workload recorded as masked at import: shown as stored
    const w = (await f.store.getWorkload('w'))!;
    await f.store.saveWorkload({ ...w, masking: 'policy shop.policy.json' }, await f.store.getTemplates('w'));
    const masked = (await f.call('GET', `/api/runs/${SEED_RUN}/templates/${fp}`)).json;
    assert.deepEqual([masked.template.literals, masked.template.sql], ['masked', 'select 1 from t3']);
    assert.match(JSON.stringify(masked.plans), /alice@example\.com/);
  } finally {
    await f.close();
  }
});
