import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerFixture } from './server-fixture.ts';

test('the built web app: files as they are, index.html for app routes, JSON 404 under /api; security headers everywhere', async () => {
  const ui = mkdtempSync(join(tmpdir(), 'fd-ui-'));
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  const f = await startServerFixture({ uiDir: ui });
  try {
    const asset = await f.call('GET', '/assets/app.js', { role: null });
    assert.equal(asset.status, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
    for (const path of ['/', '/runs/r1', '/runs/r1/templates/fp01?verdict=regressed']) {
      const page = await f.call('GET', path, { role: null });
      assert.equal(page.status, 200, path);
      assert.match(page.body, /<div id="root">/, path);
    }
    const api = await f.call('GET', '/api/nothing-here', { role: null });
    assert.deepEqual([api.status, api.json.error.code], [404, 'not-found']);
    const post = await f.call('POST', '/runs/r1', { role: null, body: {} });
    assert.equal(post.status, 404);
    const headers = (await f.call('GET', '/', { role: null })).headers;
    assert.match(String(headers['content-security-policy']), /default-src 'self'; script-src 'self';/);
    assert.doesNotMatch(String(headers['content-security-policy']), /script-src[^;]*unsafe-inline/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal((await f.call('GET', '/api/runs')).headers['x-content-type-options'], 'nosniff');
  } finally {
    await f.close();
  }
});

test('without a build: a one-line 503 page saying to run npm run build:ui; the API still answers', async () => {
  const f = await startServerFixture();
  try {
    const page = await f.call('GET', '/runs', { role: null });
    assert.equal(page.status, 503);
    assert.match(page.body, /npm run build:ui/);
    assert.equal(page.body.trim().split('\n').length, 1);
    assert.equal((await f.call('GET', '/api/runs')).status, 200);
  } finally {
    await f.close();
  }
});

test('errors never carry a stack, a token or a store password; internal errors are logged redacted', async () => {
  const f = await startServerFixture();
  try {
    // a store failure the API did not expect: the client gets a generic 500, the log gets the redacted message
    const original = f.store.listRuns.bind(f.store);
    f.store.listRuns = async () => {
      throw new Error('connect failed for postgresql://flightdeck:hunter2@db.example/fd with Bearer fdk_leaked-token-value-123456');
    };
    const r = await f.call('GET', '/api/runs');
    f.store.listRuns = original;
    assert.deepEqual([r.status, r.json.error.code], [500, 'internal']);
    assert.doesNotMatch(r.body, /hunter2|fdk_leaked|at .*\.ts/);
    assert.match(f.log(), /postgresql:\/\/flightdeck:\*\*\*@db\.example/);
    assert.doesNotMatch(f.log(), /hunter2|fdk_leaked-token/);
    // a malformed JSON body is a 400, in the API's shape
    const bad = await f.app.inject({ method: 'POST', url: '/api/approvals', headers: { authorization: 'Bearer fdk_reviewer-token-0123456789abcdef', 'content-type': 'application/json' }, payload: '{not json' });
    assert.equal(bad.statusCode, 400);
    assert.equal(JSON.parse(bad.body).error.code, 'bad-request');
    assert.doesNotMatch(f.log(), /fdk_(viewer|reviewer|releaser)-token/);
  } finally {
    await f.close();
  }
});
