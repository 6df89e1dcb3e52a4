import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutcomeRecord } from '../../store/records.ts';
import { SEED_RUN, seedFingerprint } from '../store/seed.ts';
import { startServerFixture, TOKENS } from './server-fixture.ts';

test('approve one template: no token 401, viewer 403, reviewer 200 and approved on the next read, audited', async () => {
  const f = await startServerFixture();
  try {
    const fp = seedFingerprint(2);
    const body = { run: SEED_RUN, fingerprint: fp, why: 'the new join order is intended' };
    const anon = await f.call('POST', '/api/approvals', { role: null, body });
    assert.deepEqual([anon.status, anon.json.error.code], [401, 'unauthorized']);
    const viewer = await f.call('POST', '/api/approvals', { role: 'viewer', body });
    assert.deepEqual([viewer.status, viewer.json.error.code], [403, 'forbidden']);
    assert.equal((await f.store.listAudit(10, 0)).total, 0, 'a refused mutation leaves no audit entry');

    const ok = await f.call('POST', '/api/approvals', { role: 'reviewer', body });
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.json.approved, ok.json.outcomesMarked], [1, 1]);
    const detail = await f.call('GET', `/api/runs/${SEED_RUN}/templates/${fp}`);
    assert.equal(detail.json.outcome.approved, true);
    assert.deepEqual([detail.json.approval.by, detail.json.approval.why], ['reviewer-bot', body.why]);
    const row = (await f.call('GET', `/api/runs/${SEED_RUN}/outcomes?q=${fp}`)).json.rows[0];
    assert.equal(row.approved, true);

    const audit = await f.call('GET', '/api/audit');
    assert.equal(audit.json.total, 1);
    const e = audit.json.rows[0];
    assert.deepEqual([e.id, e.actor, e.role, e.action, e.target, e.why], [ok.json.auditId, 'reviewer-bot', 'reviewer', 'approve', `${SEED_RUN}/${fp}`, body.why]);
    assert.ok(!JSON.stringify(audit.json).includes(TOKENS.reviewer));

    // the approvals file, built from the store
    const file = await f.call('GET', '/api/approvals');
    assert.match(String(file.headers['content-disposition']), /attachment; filename="flightdeck.approvals.json"/);
    assert.deepEqual(file.json.approvals.map((a: { fingerprint: string; by: string }) => [a.fingerprint, a.by]), [[fp, 'reviewer-bot']]);
  } finally {
    await f.close();
  }
});

test('approve a whole cluster: every changed, unapproved template of the signature; then 409 when nothing is left', async () => {
  const f = await startServerFixture();
  try {
    // one template leaves the cluster, one is approved already
    const other: OutcomeRecord = { ...(await f.store.getOutcome(SEED_RUN, seedFingerprint(7)))!, signature: 'other shape' };
    await f.store.saveOutcomes([other]);
    await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, fingerprint: seedFingerprint(0), why: 'first' } });
    const res = await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, cluster: 'Scan → Scan2', why: 'the whole shape is intended' } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.json.approved, res.json.outcomesMarked], [6, 6]);
    const left = await f.call('GET', `/api/runs/${SEED_RUN}/outcomes?limit=500`);
    assert.deepEqual(left.json.rows.filter((r: { approved: boolean }) => !r.approved).map((r: { fingerprint: string }) => r.fingerprint), [seedFingerprint(7)]);
    const again = await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, cluster: 'Scan → Scan2', why: 'again' } });
    assert.deepEqual([again.status, again.json.error.code], [409, 'conflict']);
    const none = await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, cluster: 'no such shape', why: 'x' } });
    assert.deepEqual([none.status, none.json.error.code], [404, 'not-found']);
    assert.equal((await f.store.listAudit(10, 0)).rows[0]!.detail.approved, 6);
  } finally {
    await f.close();
  }
});

test('approval bodies are validated: why required, fingerprint xor cluster, unknown fields refused', async () => {
  const f = await startServerFixture();
  try {
    const cases: [unknown, string][] = [
      [{ run: SEED_RUN, fingerprint: seedFingerprint(1) }, 'body.why'],
      [{ run: SEED_RUN, fingerprint: seedFingerprint(1), why: '   ' }, 'body.why'],
      [{ run: SEED_RUN, why: 'x' }, 'body.fingerprint'],
      [{ run: SEED_RUN, fingerprint: seedFingerprint(1), cluster: 'c', why: 'x' }, 'body.fingerprint'],
      [{ run: SEED_RUN, fingerprint: seedFingerprint(1), why: 'x', by: 'someone-else' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await f.call('POST', '/api/approvals', { role: 'reviewer', body });
      assert.deepEqual([r.status, r.json.error.code, r.json.error.field], [400, 'bad-request', field], JSON.stringify(body));
    }
    const unknown = await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: 'nope', fingerprint: seedFingerprint(1), why: 'x' } });
    assert.equal(unknown.status, 404);
  } finally {
    await f.close();
  }
});

test('write the store approvals into the approvals file (reviewer), merged with what it holds, audited', async () => {
  const f = await startServerFixture();
  try {
    await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, fingerprint: seedFingerprint(4), why: 'ok' } });
    assert.equal((await f.call('POST', '/api/approvals/write', { role: 'viewer', body: {} })).status, 403);
    const w = await f.call('POST', '/api/approvals/write', { role: 'reviewer', body: { why: 'sync' } });
    assert.equal(w.status, 200);
    assert.equal(w.json.approvals, 1);
    const file = JSON.parse(readFileSync(join(f.dir, 'flightdeck.approvals.json'), 'utf8'));
    assert.deepEqual(file.approvals.map((a: { fingerprint: string }) => a.fingerprint), [seedFingerprint(4)]);
    assert.equal((await f.store.listAudit(10, 0)).rows[0]!.action, 'write-approvals-file');
  } finally {
    await f.close();
  }
});

test('approving a plan change approves that verdict only: a flight that found a result mismatch on the same plan still fails its gate', async () => {
  const f = await startServerFixture();
  try {
    const fp = seedFingerprint(2);
    const regressed = (await f.store.getOutcome(SEED_RUN, fp))!;
    // a flight of the seeded run found wrong results on the same head plan
    await f.store.createRun({ id: 'f1', kind: 'flight', workload: 'w', catalog: 'snap.duckdb', baseSpec: 'reference@main', headSpec: 'reference', baseDescription: null, headDescription: null, queue: 'local', total: 1, options: {} });
    await f.store.saveOutcomes([{ ...regressed, runId: 'f1', verdict: 'result-mismatch', reason: 'differing columns: total' }]);
    const ok = await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, fingerprint: fp, why: 'the regression is accepted' } });
    assert.deepEqual([ok.status, ok.json.outcomesMarked], [200, 1]);
    assert.equal((await f.store.getOutcome(SEED_RUN, fp))!.approved, true);
    assert.equal((await f.store.getOutcome('f1', fp))!.approved, false, 'the mismatch is not approved by approving the regression');
    const flightDetail = await f.call('GET', `/api/runs/f1/templates/${fp}`);
    assert.equal(flightDetail.json.approval, null);
  } finally {
    await f.close();
  }
});

test('times are UTC with their zone on the wire, whatever the server machine’s time zone', async () => {
  const f = await startServerFixture();
  try {
    const before = Date.now();
    await f.store.createRun({ id: 'tz', kind: 'playback', workload: 'w', catalog: 'c', baseSpec: 'reference', headSpec: 'reference', baseDescription: null, headDescription: null, queue: 'local', total: 0, options: {} });
    await f.call('POST', '/api/approvals', { role: 'reviewer', body: { run: SEED_RUN, fingerprint: seedFingerprint(1), why: 'ok' } });
    const run = (await f.call('GET', '/api/runs/tz')).json.run;
    const audit = (await f.call('GET', '/api/audit')).json.rows[0];
    for (const t of [run.createdAt, audit.at]) {
      assert.match(t, /Z$/);
      // the same instant as this process's clock, not shifted by a zone offset (a minute of slack for a slow machine)
      assert.ok(Math.abs(Date.parse(t) - before) < 60_000, `${t} vs ${new Date(before).toISOString()}`);
    }
  } finally {
    await f.close();
  }
});
