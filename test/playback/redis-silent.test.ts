/**
 * A Redis that accepts the connection and never answers (frozen with SIGSTOP,
 * a half-open network path, something else on the port) must not hang the
 * coordinator or a worker: the start-up probe has a deadline of its own.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { BullmqQueue } from '../../playback/queue/bullmq-queue.ts';
import { startWorker } from '../../playback/queue/bullmq-worker.ts';
import { FlightdeckError } from '../../compiler/errors.ts';

const sockets = new Set<Socket>();
const silent = createServer((s) => {
  sockets.add(s); // accept, read, never answer
  s.on('close', () => sockets.delete(s));
  s.on('error', () => undefined);
});
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
const port = (silent.address() as { port: number }).port;
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

test('the coordinator refuses a Redis that never answers, with the reason and no password', { timeout: 30_000 }, async () => {
  const err = await BullmqQueue.connect(`redis://:s3cret@127.0.0.1:${port}`).then(
    (q) => q.close().then(() => null),
    (e: unknown) => e,
  );
  assert.ok(err instanceof FlightdeckError, String(err));
  assert.equal(err.code, 'environment-error');
  assert.match(err.message, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(no answer within \d+ ms\)/);
  assert.ok(!err.message.includes('s3cret'));
});

test('a worker refuses it too, instead of waiting forever', { timeout: 30_000 }, async () => {
  const err = await startWorker(`redis://127.0.0.1:${port}`, { log: () => undefined }).then(
    async (w) => {
      await w.close();
      return null;
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof FlightdeckError, String(err));
  assert.match(err.message, /no answer within \d+ ms/);
});
