/**
 * Reading a build's answer: linear in its size however many pieces it arrives
 * in, refused with `answer-too-large` (not a timeout) above a configurable
 * limit, and a handshake whose time limit follows the build's `--timeout`.
 * The build is the Python fixture (test/fixtures/command-build/fake_planner.py).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildProcess, liveBuildProcesses } from '../../../compiler/builds/build-process.ts';
import { openBuild } from '../../../compiler/builds/open-build.ts';
import { DEFAULT_MAX_ANSWER_BYTES, ProcessBuild, maxAnswerBytesFromEnv } from '../../../compiler/builds/process-build.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/command-build/fake_planner.py');
const dir = mkdtempSync(join(tmpdir(), 'fd-build-process-'));
const catalogPath = join(dir, 'catalog.duckdb');
writeFileSync(catalogPath, '');
after(() => rmSync(dir, { recursive: true, force: true }));

const BIG = 40_000_000;

test('a 40 MB answer arriving in 64 KB pieces is read with one pass over its bytes', async () => {
  const proc = new BuildProcess({ command: 'python3', args: [FIXTURE] });
  try {
    const hello = await proc.request({ id: 1, op: 'hello', catalog: catalogPath, protocol: 1 }, 30_000);
    assert.equal(hello.kind, 'answer');
    const big = await proc.request({ id: 2, op: 'compile', sql: `select /*big:${BIG}*/ 1` }, 120_000);
    assert.equal(big.kind, 'answer', JSON.stringify(big).slice(0, 300));
    const value = (big as { value: { plan: { explain: string } } }).value;
    assert.equal(value.plan.explain.length, BIG);
    // every byte is looked at once when searching for the end of the line (today: the
    // whole buffer again for every piece, ~600 passes and ~12 GB scanned for 40 MB)
    const answerBytes = BIG + 200;
    assert.ok(proc.scannedBytes <= answerBytes * 1.01 + 1024, `scanned ${proc.scannedBytes} bytes for a ${answerBytes}-byte answer`);
    // and the process still answers afterwards
    const small = await proc.request({ id: 3, op: 'compile', sql: 'select 1 from t' }, 30_000);
    assert.equal(small.kind, 'answer');
  } finally {
    await proc.shutdown();
  }
});

test('an answer over the limit is refused as answer-too-large, not a timeout, and the build restarts', async () => {
  const build = await ProcessBuild.start({
    spec: 'big',
    kind: 'command',
    catalogPath,
    spawn: { command: 'python3', args: [FIXTURE] },
    timeoutMs: 60_000,
    maxAnswerBytes: 1_000_000,
  });
  try {
    const pid = build.pid;
    const r = await build.compile('select /*big:3000000*/ 1');
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.status, 'error');
    assert.equal(r.ok === false && r.error.code, 'answer-too-large');
    assert.match(r.ok === false ? r.error.message : '', /answer is larger than 1000000 bytes.*FLIGHTDECK_MAX_ANSWER_MB/);
    // the rest of the line was never read: the process was killed and the next query runs on a new one
    const next = await build.compile('select /*big:500000*/ 1');
    assert.equal(next.ok, true, JSON.stringify(next).slice(0, 300));
    assert.notEqual(build.pid, pid);
  } finally {
    await build.close();
  }
  assert.equal(liveBuildProcesses(), 0);
});

test('the answer limit is configured with FLIGHTDECK_MAX_ANSWER_MB; a bad value is a usage error', () => {
  assert.equal(maxAnswerBytesFromEnv({}), DEFAULT_MAX_ANSWER_BYTES);
  assert.equal(maxAnswerBytesFromEnv({ FLIGHTDECK_MAX_ANSWER_MB: '2' }), 2 * 1024 * 1024);
  assert.equal(maxAnswerBytesFromEnv({ FLIGHTDECK_MAX_ANSWER_MB: '0.5' }), 512 * 1024);
  for (const bad of ['0', '-1', 'lots', '']) {
    assert.throws(
      () => maxAnswerBytesFromEnv({ FLIGHTDECK_MAX_ANSWER_MB: bad }),
      (err: unknown) => err instanceof FlightdeckError && err.code === 'usage-error' && /FLIGHTDECK_MAX_ANSWER_MB/.test(err.message),
    );
  }
});

test('the limit from the environment reaches builds opened with openBuild', async () => {
  const saved = process.env.FLIGHTDECK_MAX_ANSWER_MB;
  process.env.FLIGHTDECK_MAX_ANSWER_MB = '1';
  try {
    const build = await openBuild(`command:python3 ${FIXTURE}`, { catalogPath, timeoutMs: 60_000 });
    try {
      const r = await build.compile('select /*big:2000000*/ 1');
      assert.equal(r.ok === false && r.error.code, 'answer-too-large');
    } finally {
      await build.close();
    }
  } finally {
    if (saved === undefined) delete process.env.FLIGHTDECK_MAX_ANSWER_MB;
    else process.env.FLIGHTDECK_MAX_ANSWER_MB = saved;
  }
});

test('a build slow to say hello is refused after --timeout (at least 5 s to start), not after a fixed minute', async () => {
  // the fixture answers hello after 20 s: with a 6 s time limit the handshake must give up first
  const outcome = await openBuild(`command:python3 ${FIXTURE} --slow-hello 20`, { catalogPath, timeoutMs: 6000 }).then(
    async (build) => {
      await build.close();
      return 'opened';
    },
    (err: unknown) => err,
  );
  assert.ok(outcome instanceof FlightdeckError, `expected a refusal, got ${String(outcome)}`);
  assert.equal(outcome.code, 'build-error');
  assert.match(outcome.message, /no answer to hello within 6000 ms/);
  assert.equal(liveBuildProcesses(), 0, 'the slow process was killed');
});

test('a small per-query --timeout does not stop builds from starting (hello gets at least 5 s)', async () => {
  const build = await openBuild(`command:python3 ${FIXTURE} --slow-hello 0.5`, { catalogPath, timeoutMs: 300 });
  try {
    const r = await build.compile('select 1 from t');
    assert.equal(r.ok, true, JSON.stringify(r));
  } finally {
    await build.close();
  }
});
