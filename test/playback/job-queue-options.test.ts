/**
 * Queue options without I/O: Redis URLs (passwords, users, TLS, databases)
 * parsed and redacted, and the cap on worker slots.
 */
import { test } from 'node:test';
import { childEnv } from '../../compiler/builds/build-process.ts';
import assert from 'node:assert/strict';
import { parseRedisUrl, redactRedisUrl, redactSecrets } from '../../playback/queue/redis-url.ts';
import { resolveConcurrency } from '../../playback/queue/concurrency.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import { isRetryable } from '../../playback/job.ts';

test('Redis URLs: password, user, rediss:// (TLS), database, percent-encoding', () => {
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379'), { host: '127.0.0.1', port: 6379, db: 0 });
  assert.deepEqual(parseRedisUrl('redis://:s3cret@cache.internal:6380/2'), { host: 'cache.internal', port: 6380, db: 2, password: 's3cret' });
  assert.deepEqual(parseRedisUrl('redis://ci:p%40ss%2Fw0rd@h'), { host: 'h', port: 6379, db: 0, username: 'ci', password: 'p@ss/w0rd' });
  assert.deepEqual(parseRedisUrl('rediss://default:pw@redis.example.com:6390'), {
    host: 'redis.example.com', port: 6390, db: 0, username: 'default', password: 'pw', tls: { servername: 'redis.example.com' },
  });
  assert.deepEqual(parseRedisUrl('redis://[::1]:7000'), { host: '::1', port: 7000, db: 0 });
  assert.throws(() => parseRedisUrl('http://:pw@h'), (e: FlightdeckError) => e.code === 'usage-error' && /rediss:\/\//.test(e.message) && !e.message.includes('pw'));
  assert.throws(() => parseRedisUrl('redis://:pw@h/x'), (e: FlightdeckError) => /database in --queue must be a whole number/.test(e.message) && !e.message.includes(':pw@'));
  assert.throws(() => parseRedisUrl('not a url :pw@'), (e: FlightdeckError) => e.code === 'usage-error');
});

test('a Redis URL is printed without its password, however it is written', () => {
  assert.equal(redactRedisUrl('redis://:s3cret@h:6379'), 'redis://:***@h:6379');
  assert.equal(redactRedisUrl('redis://ci:s3cret@h:6379/1'), 'redis://ci:***@h:6379/1');
  assert.equal(redactRedisUrl('rediss://ci:p%40ss@h'), 'rediss://ci:***@h');
  assert.equal(redactRedisUrl('redis://h:6379'), 'redis://h:6379');
  assert.equal(redactRedisUrl('redis//ci:s3cret@h'), 'redis//ci:***@h', 'not a URL: still redacted');
  const url = 'redis://ci:p%40ss@h:1';
  assert.equal(redactSecrets(`connect to ${url} failed; AUTH p@ss; raw p%40ss`, url), 'connect to redis://ci:***@h:1 failed; AUTH ***; raw ***');
});

test('--concurrency above the core count is capped with a warning, unless --oversubscribe', () => {
  assert.deepEqual(resolveConcurrency(undefined, { cores: 2 }), { concurrency: 2 });
  assert.deepEqual(resolveConcurrency(2, { cores: 2 }), { concurrency: 2 });
  const capped = resolveConcurrency(64, { cores: 2 });
  assert.equal(capped.concurrency, 2);
  assert.match(capped.warning!, /^--concurrency 64 is above the 2 cores here; using 2 .*--oversubscribe/);
  const forced = resolveConcurrency(64, { cores: 2, oversubscribe: true });
  assert.equal(forced.concurrency, 64);
  assert.match(forced.warning!, /128 build processes/);
});

test('what may succeed when tried again is decided once, in the domain', () => {
  assert.equal(isRetryable(new FlightdeckError('not-found', 'catalog database not found: x')), false);
  assert.equal(isRetryable(new FlightdeckError('usage-error', 'bad build spec')), false);
  assert.equal(isRetryable(new FlightdeckError('build-error', 'failed to start', { retryable: true })), true);
  assert.equal(isRetryable(Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' })), true);
  assert.equal(isRetryable(Object.assign(new Error('EACCES'), { code: 'EACCES' })), false);
  assert.equal(isRetryable(new TypeError('x is undefined')), false);
});

test('a password holding "/" (not a parseable URL) is still redacted, and stored URLs are redacted on display', () => {
  const shown = redactRedisUrl('redis://:se/cret@127.0.0.1:1');
  assert.ok(!shown.includes('se/cret') && !shown.includes('cret'), shown);
  assert.equal(redactRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
});

test('build processes never inherit the queue URL from the environment', () => {
  const before = process.env.FLIGHTDECK_QUEUE;
  process.env.FLIGHTDECK_QUEUE = 'redis://:s3cret@127.0.0.1:6399';
  try {
    assert.equal(childEnv().FLIGHTDECK_QUEUE, undefined);
  } finally {
    if (before === undefined) delete process.env.FLIGHTDECK_QUEUE;
    else process.env.FLIGHTDECK_QUEUE = before;
  }
});
