/**
 * The server listening for real: live progress over server-sent events while
 * a run's outcomes are written outside the API, and a playback started
 * through the API, run to completion and read back through it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { OutcomeRecord } from '../../store/records.ts';
import { dirname, join } from 'node:path';
import { EXPECTED, makePlaybackFixture, NEW_BUILD, OLD_BUILD } from '../helpers/playback-fixture.ts';
import { SEED_RUN, seedFingerprint } from '../store/seed.ts';
import { startServerFixture, TOKENS } from './server-fixture.ts';

interface SseEvent {
  event: string;
  data: any;
}

/** read server-sent events until `stop` says so (or the stream ends) */
async function readEvents(url: string, stop: (e: SseEvent, all: SseEvent[]) => boolean, onEvent?: (e: SseEvent) => Promise<void>): Promise<{ events: SseEvent[]; ended: boolean; headers: Headers }> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true, headers: res.headers };
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || data === undefined) continue;
      const e = { event, data: JSON.parse(data) };
      events.push(e);
      await onEvent?.(e);
      if (stop(e, events)) {
        await reader.cancel();
        return { events, ended: false, headers: res.headers };
      }
    }
  }
}

test('SSE: progress while outcomes are written outside the API, then done; one poller per run; closes when the client goes', async () => {
  const f = await startServerFixture({ pollMs: 20 });
  try {
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (f.app.server.address() as AddressInfo).port;
    const seeded = (await f.store.getOutcomes(SEED_RUN))[0]!;
    await f.store.createRun({ id: 'live', kind: 'playback', workload: 'w', catalog: 'c', baseSpec: 'a', headSpec: 'b', baseDescription: null, headDescription: null, queue: 'local', total: 3, options: {} });
    // a writer that is not the API: like a CLI playback, it writes outcomes and finishes the run in the store
    let written = 0;
    const writeNext = async () => {
      if (written < 3) {
        const o: OutcomeRecord = { ...seeded, runId: 'live', fingerprint: seedFingerprint(written), verdict: written === 2 ? 'identical' : 'regressed' };
        written++;
        await f.store.saveOutcomes([o]);
      } else if (written === 3) {
        written++;
        await f.store.finishRun('live', 'done');
      }
    };
    const url = `http://127.0.0.1:${port}/api/events?run=live&token=${TOKENS.viewer}`;
    const { events, ended, headers } = await readEvents(url, () => false, async (e) => {
      if (e.event === 'progress') await writeNext();
    });
    assert.ok(ended, 'the stream of one run ends with its run');
    assert.match(headers.get('content-type')!, /^text\/event-stream/);
    const progress = events.filter((e) => e.event === 'progress').map((e) => [e.data.done, e.data.status]);
    assert.deepEqual(progress, [[0, 'running'], [1, 'running'], [2, 'running'], [3, 'running'], [3, 'done']]);
    assert.deepEqual(events.at(-1)!.event, 'done');
    assert.deepEqual(events.at(-1)!.data.verdicts.map((v: { verdict: string; count: number }) => [v.verdict, v.count]), [['regressed', 2], ['identical', 1]]);
    assert.equal(f.app.flightdeck.hub.pollerCount, 0, 'the poller stops with its last client');

    // two clients of a running run share one poller; a client that goes is let go
    await f.store.createRun({ id: 'live2', kind: 'playback', workload: 'w', catalog: 'c', baseSpec: 'a', headSpec: 'b', baseDescription: null, headDescription: null, queue: 'local', total: 3, options: {} });
    const two = `http://127.0.0.1:${port}/api/events?run=live2&token=${TOKENS.viewer}`;
    const [a, b] = await Promise.all([readEvents(two, (e) => e.event === 'progress'), readEvents(two, (e) => e.event === 'progress')]);
    assert.equal(a.events[0]!.data.runId, 'live2');
    assert.equal(b.events[0]!.data.total, 3);
    for (let i = 0; i < 50 && f.app.flightdeck.hub.pollerCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(f.app.flightdeck.hub.pollerCount, 0);

    // without a token: 401 JSON, not a stream
    const anon = await fetch(`http://127.0.0.1:${port}/api/events?run=live`);
    assert.equal(anon.status, 401);
    assert.equal(((await anon.json()) as { error: { code: string } }).error.code, 'unauthorized');
    const unknown = await fetch(`http://127.0.0.1:${port}/api/events?run=nope&token=${TOKENS.viewer}`);
    assert.equal(unknown.status, 404);
    assert.ok(!f.log().includes(TOKENS.viewer), 'the token in the URL is never logged');
  } finally {
    await f.close();
  }
});

test('start a playback through the API: 202 with the id at once, live progress to done, outcomes read back; audited; bad requests refused', async () => {
  const fx = await makePlaybackFixture();
  const f = await startServerFixture({ storePath: fx.storePath, pollMs: 50, runPolicy: { commandBuilds: [OLD_BUILD, NEW_BUILD], dataDirs: [dirname(fx.catalogPath)], queues: [] } });
  try {
    const body = { kind: 'playback', workload: 'fake', catalog: fx.catalogPath, base: OLD_BUILD, head: NEW_BUILD, timeout: '2s', why: 'try the new optimizer' };
    assert.equal((await f.call('POST', '/api/runs', { role: 'viewer', body })).status, 403);
    // starting a run is not a shell: a command build the server was not started with, a file outside its data folders, an unconfigured queue
    const command = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, head: 'command:sh -c id' } });
    assert.deepEqual([command.status, command.json.error.code, command.json.error.field], [403, 'forbidden', 'body.head']);
    assert.match(command.json.error.message, /--allow-build 'command:sh -c id'/);
    const outside = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, catalog: '/etc/hostname' } });
    assert.deepEqual([outside.status, outside.json.error.field], [403, 'body.catalog']);
    const escape = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, catalog: join(dirname(fx.catalogPath), '..', '..', 'etc', 'hostname') } });
    assert.equal(escape.status, 403);
    const queue = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, queue: 'redis://:secret@10.0.0.9:6379' } });
    assert.deepEqual([queue.status, queue.json.error.field], [403, 'body.queue']);
    assert.doesNotMatch(queue.body, /secret/);
    const missing = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, head: undefined } });
    assert.deepEqual([missing.status, missing.json.error.field], [400, 'body.head']);
    const noWorkload = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, workload: 'nope' } });
    assert.equal(noWorkload.status, 404);
    const badQueue = await f.call('POST', '/api/runs', { role: 'reviewer', body: { ...body, queue: 'http://x' } });
    assert.deepEqual([badQueue.status, badQueue.json.error.field], [400, 'body.queue']);

    const started = await f.call('POST', '/api/runs', { role: 'reviewer', body });
    assert.equal(started.status, 202);
    const id = started.json.id as string;
    assert.match(id, /^run-/);
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (f.app.server.address() as AddressInfo).port;
    const { events } = await readEvents(`http://127.0.0.1:${port}/api/events?run=${id}&token=${TOKENS.viewer}`, () => false);
    assert.equal(events.at(-1)!.event, 'done');
    assert.equal(events.at(-1)!.data.status, 'done');
    await f.app.flightdeck.runs.drain();

    const runs = await f.call('GET', '/api/runs');
    const run = runs.json.rows.find((r: { id: string }) => r.id === id);
    assert.deepEqual([run.status, run.done, run.total], ['done', EXPECTED.length, EXPECTED.length]);
    const counts = Object.fromEntries(run.verdicts.map((v: { verdict: string; count: number }) => [v.verdict, v.count]));
    assert.deepEqual(counts, Object.fromEntries(EXPECTED.map((e) => [e.verdict, 1])));
    // the plan-changed template (join inputs swapped by the new build) reads back as a structural change
    const changed = (await f.call('GET', `/api/runs/${id}/outcomes?verdict=plan-changed`)).json.rows[0];
    const detail = await f.call('GET', `/api/runs/${id}/templates/${changed.fingerprint}`);
    assert.equal(detail.status, 200);
    assert.ok(detail.json.plans.counts.move > 0 || detail.json.plans.counts.update > 0, JSON.stringify(detail.json.plans.counts));
    assert.match(detail.json.template.sql, /changed/);
    const audit = (await f.call('GET', '/api/audit')).json.rows[0];
    assert.deepEqual([audit.action, audit.target, audit.actor, audit.why], ['start-playback', id, 'reviewer-bot', 'try the new optimizer']);
  } finally {
    await f.close();
  }
});

test('a run that fails in the background ends failed with its error; the server keeps serving', async () => {
  const fx = await makePlaybackFixture();
  const f = await startServerFixture({ storePath: fx.storePath, runPolicy: { commandBuilds: ['command:/nonexistent/build --x', NEW_BUILD], dataDirs: [dirname(fx.catalogPath)] } });
  try {
    // an allowed command build that does not exist: the run is accepted, then fails when the build starts
    const body = { kind: 'playback', workload: 'fake', catalog: fx.catalogPath, base: 'command:/nonexistent/build --x', head: NEW_BUILD, timeout: '2s' };
    const started = await f.call('POST', '/api/runs', { role: 'reviewer', body });
    assert.equal(started.status, 202);
    await f.app.flightdeck.runs.drain();
    const run = (await f.call('GET', `/api/runs/${started.json.id}`)).json.run;
    assert.equal(run.status, 'failed');
    assert.match(run.error, /nonexistent/);
    assert.equal((await f.call('GET', '/api/health', { role: null })).status, 200);
  } finally {
    await f.close();
  }
});
