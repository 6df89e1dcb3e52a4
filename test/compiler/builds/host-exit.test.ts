/**
 * No orphans: when the host process ends — normally, by SIGTERM, or even by
 * SIGKILL for an idle build (which then sees its stdin close) — its build
 * processes end too.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = join(ROOT, 'test/fixtures/command-build/fake_planner.py');
const dir = mkdtempSync(join(tmpdir(), 'fd-host-exit-'));
const catalogPath = join(dir, 'catalog.duckdb');
writeFileSync(catalogPath, '');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A host that opens a command build, prints the build's pid, then ends as told. */
const HOST = join(dir, 'host.mts');
writeFileSync(
  HOST,
  `import { openProcessBuild } from ${JSON.stringify(join(ROOT, 'compiler/builds/open-build.ts'))};
const build = await openProcessBuild(${JSON.stringify(`command:python3 ${FIXTURE}`)}, { catalogPath: ${JSON.stringify(catalogPath)}, timeoutMs: 60000 });
process.stdout.write(build.pid + '\\n');
const how = process.argv[2];
if (how === 'exit-while-hung') {
  void build.compile('select /*hang*/ 1');
  setTimeout(() => process.exit(0), 200);
} else if (how === 'sigterm-while-hung') {
  void build.compile('select /*hang*/ 1');
  setTimeout(() => process.kill(process.pid, 'SIGTERM'), 200);
} else {
  setInterval(() => {}, 1000); // idle until killed
}
`,
);

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function runHost(how: string, kill?: NodeJS.Signals): Promise<{ buildPid: number; signal: NodeJS.Signals | null; code: number | null }> {
  const host = spawn(process.execPath, ['--import', 'tsx', HOST, how], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const buildPid = await new Promise<number>((resolvePid, reject) => {
    host.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolvePid(Number(out.trim()));
    });
    host.on('exit', () => reject(new Error(`host ended before printing a pid: ${out}`)));
  });
  if (kill) host.kill(kill);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => {
    if (host.exitCode !== null || host.signalCode !== null) r([host.exitCode, host.signalCode]);
    else host.on('exit', (c, s) => r([c, s]));
  });
  return { buildPid, code, signal };
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isRunning(pid);
}

test('host exits while a compile hangs: the build process is killed', async () => {
  const r = await runHost('exit-while-hung');
  assert.equal(r.code, 0);
  assert.ok(r.buildPid > 0);
  assert.ok(await gone(r.buildPid), `build ${r.buildPid} outlived its host`);
});

test('host gets SIGTERM while a compile hangs: the build is killed and the host still terminates by the signal', async () => {
  const r = await runHost('sigterm-while-hung');
  assert.equal(r.signal, 'SIGTERM');
  assert.ok(await gone(r.buildPid), `build ${r.buildPid} outlived its host`);
});

test('host is SIGKILLed while its build is idle: the build sees stdin close and exits', async () => {
  const r = await runHost('idle', 'SIGKILL');
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(await gone(r.buildPid), `build ${r.buildPid} outlived its host`);
});
