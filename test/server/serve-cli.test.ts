/**
 * `flightdeck serve` as a user runs it: the one-time admin token printed once
 * with the URL when no tokens are configured; tokens from a file and from
 * the environment; a non-loopback address without tokens refused; a busy
 * port in one line; --new-token; a graceful stop on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseRole, sha256, TokenRegistry } from '../../server/auth.ts';
import { configuredTokens } from '../../server/serve.ts';
import { runCli, spawnCli, waitForOutput } from '../helpers/cli.ts';
import { seedStore } from '../store/seed.ts';

async function storeDir(): Promise<{ dir: string; store: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-serve-'));
  const store = join(dir, 'store.duckdb');
  await seedStore(store);
  return { dir, store };
}

test('no tokens on loopback: a one-time admin token printed once with the URL; it works; SIGTERM stops cleanly', async () => {
  const { store } = await storeDir();
  const child = spawnCli(['serve', '--store', store, '--port', '0'], { env: { FLIGHTDECK_TOKENS: '' } });
  try {
    await waitForOutput(child, /press Ctrl-C/, 90_000);
    const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\?token=(fdk_[\w-]+)/.exec(child.output());
    assert.ok(m, child.output());
    const [, url, token] = m;
    const me = await fetch(`${url}api/me`, { signal: AbortSignal.timeout(20_000), headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await me.json(), { name: 'admin', role: 'releaser' });
    const refused = await fetch(`${url}api/me`, { signal: AbortSignal.timeout(20_000), headers: { authorization: 'Bearer fdk_wrong-token-wrong-token' } });
    assert.equal(refused.status, 401);
    // events by URL token: the token must not reach any log line
    const ev = await fetch(`${url}api/events?run=r1&token=${token}`, { signal: AbortSignal.timeout(20_000) });
    await ev.body?.cancel();
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    assert.deepEqual([code, signal], [0, null], child.output());
    const out = child.output();
    assert.equal(out.split(token!).length - 1, 2, 'the token is printed exactly twice: in the URL and on its own line, and nowhere else');
    assert.match(out, /stopping the dashboard/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a non-loopback address without tokens is refused; with a tokens file it is not the one-time token', async () => {
  const { dir, store } = await storeDir();
  const r = runCli(['serve', '--store', store, '--host', '0.0.0.0', '--port', '0'], { env: { FLIGHTDECK_TOKENS: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: usage-error: refusing to serve on 0\.0\.0\.0 without tokens/);

  const made = runCli(['serve', '--new-token', 'ci-bot', '--role', 'reviewer']);
  assert.equal(made.status, 0);
  const token = /^\s+(fdk_\S+)$/m.exec(made.stdout)![1]!;
  const line = /^\s+(\{.*\})$/m.exec(made.stdout)![1]!;
  assert.ok(!line.includes(token));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, `[${line}]`);
  const child = spawnCli(['serve', '--store', store, '--port', '0', '--tokens', tokensFile], { env: { FLIGHTDECK_TOKENS: `env-viewer:viewer:${'v'.repeat(20)}` } });
  try {
    await waitForOutput(child, /press Ctrl-C/, 90_000);
    const url = /dashboard: (http:\/\/\S+\/) \(2 tokens configured\)/.exec(child.output())![1]!;
    assert.deepEqual(await (await fetch(`${url}api/me`, { signal: AbortSignal.timeout(20_000), headers: { authorization: `Bearer ${token}` } })).json(), { name: 'ci-bot', role: 'reviewer' });
    assert.deepEqual(await (await fetch(`${url}api/me`, { signal: AbortSignal.timeout(20_000), headers: { authorization: `Bearer ${'v'.repeat(20)}` } })).json(), { name: 'env-viewer', role: 'viewer' });
  } finally {
    child.kill('SIGTERM');
    const exited = once(child, 'exit');
    const forced = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(forced);
  }
});

test('a port in use is one line', async () => {
  const { store } = await storeDir();
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = runCli(['serve', '--store', store, '--port', String(port)], { env: { FLIGHTDECK_TOKENS: '' } });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `error: environment-error: port ${port} on 127.0.0.1 is in use (another flightdeck serve?): stop it or pick another with --port\n`);
  } finally {
    blocker.close();
  }
});

test('a broken tokens file or FLIGHTDECK_TOKENS names the file or the entry, never a token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-tokens-'));
  const secret = 'fdk_this-is-a-secret-token-value';
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify([{ name: 'a', role: 'admin', token: secret }]));
  const fileError = catchMessage(() => configuredTokens(tokensFile, undefined));
  assert.match(fileError, /tokens file .*tokens\.json: entry 0/);
  const envError = catchMessage(() => configuredTokens(undefined, `bob:superuser:${secret}`));
  assert.match(envError, /FLIGHTDECK_TOKENS entry 1 \(bob\)/);
  for (const m of [fileError, envError]) assert.ok(!m.includes(secret));
  // plain tokens in the file are hashed on load; hashes are taken as they are
  writeFileSync(tokensFile, JSON.stringify([{ name: 'a', role: 'viewer', token: secret }, { name: 'b', role: 'releaser', tokenSha256: sha256('fdk_another-token-value').toString('hex') }]));
  const registry = new TokenRegistry(configuredTokens(tokensFile, undefined));
  assert.deepEqual(registry.identify(secret), { name: 'a', role: 'viewer' });
  assert.deepEqual(registry.identify('fdk_another-token-value'), { name: 'b', role: 'releaser' });
  assert.equal(registry.identify('fdk_another-token-valuf'), null);
  assert.throws(() => parseRole('boss'), /--role must be viewer, reviewer or releaser/);
  assert.throws(() => configuredTokens(undefined, `a:viewer:${secret},b:viewer:${secret}`), /share one token/);
});

function catchMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}
