/**
 * The process isolation behind every build, exercised with a real external
 * compiler written in Python (test/fixtures/command-build/fake_planner.py):
 * answers, located errors, time limits, crashes, protocol violations, and
 * recovery on a fresh process after each.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBuild, openProcessBuild } from '../../../compiler/builds/open-build.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { CompileResult } from '../../../compiler/builds/build.ts';
import { ProcessBuild } from '../../../compiler/builds/process-build.ts';
import { liveBuildProcesses } from '../../../compiler/builds/build-process.ts';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/command-build/fake_planner.py');
const dir = mkdtempSync(join(tmpdir(), 'fd-command-build-'));
const catalogPath = join(dir, 'catalog.duckdb');
writeFileSync(catalogPath, '');
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (extra = '') => `command:python3 ${FIXTURE}${extra}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Running = exists and is not a zombie (an orphan's zombie waits for init, which may be slow to reap it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function assertOk(r: CompileResult): asserts r is Extract<CompileResult, { ok: true }> {
  assert.equal(r.ok, true, `expected success, got ${JSON.stringify(r)}`);
}

test('a command build compiles: plan, cost, rows, rules and a description from hello', async () => {
  const build = await openBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    assert.equal(build.kind, 'command');
    assert.match(build.description, /^fake-planner 0\.1 \(command: python3 .*fake_planner\.py\)$/);
    const r = await build.compile('select * from Orders o join lineitem l on o.k = l.k');
    assertOk(r);
    assert.equal(r.plan.simplified, 'Scan(tables=[orders, lineitem])\n');
    assert.equal(r.plan.explain, 'Scan(tables=[orders, lineitem], rows=[2])\n');
    assert.deepEqual(r.plan.json, { op: 'Scan', tables: ['orders', 'lineitem'] });
    assert.equal(r.rows, 2);
    assert.equal(r.cost, 'select * from Orders o join lineitem l on o.k = l.k'.length);
    assert.deepEqual(r.rulesFired, ['fake-rule']);
  } finally {
    await build.close();
  }
});

test('a compile error passes through with its code, line and column', async () => {
  const build = await openBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    const r = await build.compile('select 1\nfrom t where syntax error');
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.status, 'error');
    assert.deepEqual(r.ok === false && r.error, { code: 'parse-error', message: 'fake planner: syntax error', line: 2, column: 14 });
    assertOk(await build.compile('select 2 from t'));
  } finally {
    await build.close();
  }
});

test('a hung compile times out, the process is killed, and the next request runs on a fresh process', async () => {
  // the handshake has its own generous limit; the query gets 300 ms
  const build = await openProcessBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    const pid = build.pid!;
    assert.ok(isAlive(pid));
    const r = await build.compile('select /*hang*/ 1 from t', { timeoutMs: 300 });
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.status, 'timeout');
    assert.equal(r.ok === false && r.error.code, 'build-timeout');
    assert.match(r.ok === false ? r.error.message : '', /no answer within 300 ms/);
    assert.equal(isAlive(pid), false, 'the hung build process must be gone');
    assert.equal(build.pid, undefined);
    const next = await build.compile('select 1 from t');
    assertOk(next);
    assert.notEqual(build.pid, pid);
  } finally {
    await build.close();
  }
});

test('a per-call time limit overrides the default', async () => {
  const build = await openBuild(spec(), { catalogPath, timeoutMs: 60_000 });
  try {
    const r = await build.compile('select /*hang*/ 1', { timeoutMs: 200 });
    assert.equal(r.ok === false && r.status, 'timeout');
  } finally {
    await build.close();
  }
});

test('a timeout kills the build process group, helpers included', async () => {
  const pidFile = join(dir, 'helper.pid');
  const build = await openBuild(spec(` --helper-pid-file ${pidFile}`), { catalogPath, timeoutMs: 5000 });
  try {
    const r = await build.compile('select /*hang-with-helper*/ 1', { timeoutMs: 500 });
    assert.equal(r.ok === false && r.status, 'timeout');
    assert.ok(existsSync(pidFile), 'the fixture wrote its helper pid');
    const helper = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && isRunning(helper); i++) await new Promise((done) => setTimeout(done, 20));
    assert.equal(isRunning(helper), false, `helper ${helper} must be killed with the build`);
  } finally {
    await build.close();
  }
});

test('a crash answers status crash with the exit code and stderr tail, and the build recovers', async () => {
  const build = await openProcessBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    const pid = build.pid!;
    const r = await build.compile('select /*crash*/ 1');
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.status, 'crash');
    assert.equal(r.ok === false && r.error.code, 'build-crash');
    assert.match(r.ok === false ? r.error.message : '', /^build exited with code 3; stderr: fake planner: crashing on purpose$/);
    assert.equal(isAlive(pid), false);
    assertOk(await build.compile('select 1 from t'));
  } finally {
    await build.close();
  }
});

test('a line that is not JSON, or an answer to an unknown id, fails that request with protocol-error; the next one recovers', async () => {
  const build = await openBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    const garbage = await build.compile('select /*garbage*/ 1');
    assert.equal(garbage.ok, false);
    assert.equal(garbage.ok === false && garbage.status, 'error');
    assert.equal(garbage.ok === false && garbage.error.code, 'protocol-error');
    assert.match(garbage.ok === false ? garbage.error.message : '', /not JSON: this is not json/);
    assertOk(await build.compile('select 1 from a'));
    const wrongId = await build.compile('select /*wrong-id*/ 1');
    assert.equal(wrongId.ok === false && wrongId.error.code, 'protocol-error');
    assert.match(wrongId.ok === false ? wrongId.error.message : '', /answered id \d+, but the request waiting is id \d+/);
    const again = await build.compile('select 1 from b');
    assertOk(again);
    assert.equal(again.plan.simplified, 'Scan(tables=[b])\n');
  } finally {
    await build.close();
  }
});

test('requests queue: concurrent compiles are answered one at a time, each with its own result', async () => {
  const build = await openBuild(spec(), { catalogPath, timeoutMs: 5000 });
  try {
    const tables = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(tables.map((t) => build.compile(`select 1 from ${t}`)));
    assert.deepEqual(
      results.map((r) => (r.ok ? r.plan.simplified : 'error')),
      tables.map((t) => `Scan(tables=[${t}])\n`),
    );
  } finally {
    await build.close();
  }
});

test('a build that refuses hello or dies at startup: openBuild rejects with build-error and the stderr tail', async () => {
  await assert.rejects(openBuild(spec(' --fail-hello'), { catalogPath }), (err: unknown) => {
    assert.ok(err instanceof FlightdeckError);
    assert.equal(err.code, 'build-error');
    assert.match(err.message, /fake planner cannot read catalog/);
    assert.match(err.message, /stderr: fake planner: refusing hello, as asked/);
    return true;
  });
  await assert.rejects(openBuild(spec(' --die-at-start'), { catalogPath }), (err: unknown) => {
    assert.ok(err instanceof FlightdeckError);
    assert.equal(err.code, 'build-error');
    assert.match(err.message, /build exited with code 5/);
    assert.match(err.message, /stderr: fake planner: cannot start, as asked/);
    return true;
  });
  await assert.rejects(openBuild(`command:${join(dir, 'no-such-compiler')}`, { catalogPath }), (err: unknown) => {
    assert.ok(err instanceof FlightdeckError);
    assert.equal(err.code, 'build-error');
    assert.match(err.message, /cannot start '.*no-such-compiler': no such file or command/);
    return true;
  });
});

test('a build that never answers hello is killed after the startup time limit', async () => {
  await assert.rejects(
    ProcessBuild.start({
      spec: 'hang-hello',
      kind: 'command',
      catalogPath,
      spawn: { command: 'python3', args: [FIXTURE, '--hang-hello'] },
      startupTimeoutMs: 300,
    }),
    (err: unknown) => err instanceof FlightdeckError && err.code === 'build-error' && /no answer to hello within 300 ms/.test(err.message),
  );
  assert.equal(liveBuildProcesses(), 0, 'the hung process was killed');
});

test('the fixture runs as a program too (no shell, quoted arguments kept whole)', async () => {
  const build = await openBuild(`command:${FIXTURE} --helper-pid-file '${join(dir, 'with space.pid')}'`, { catalogPath, timeoutMs: 5000 });
  try {
    assertOk(await build.compile('select 1 from x'));
  } finally {
    await build.close();
  }
});

test('close shuts the build down and later compiles are refused', async () => {
  const build = await openProcessBuild(spec(), { catalogPath, timeoutMs: 5000 });
  const pid = build.pid!;
  await build.close();
  assert.equal(isAlive(pid), false);
  await assert.rejects(build.compile('select 1'), (err: unknown) => err instanceof FlightdeckError && err.code === 'usage-error');
});
