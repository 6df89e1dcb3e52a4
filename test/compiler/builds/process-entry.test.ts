/**
 * Which program a build process runs: the compiled server when the host runs
 * compiled (dist/), the TypeScript source through tsx when the host runs from
 * the sources (these tests: the work tree's code is what they test), and for
 * `reference@<ref>` the commit's own server, compiled once in place in its
 * cached worktree.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNNING_COMPILED, nodeServer, openProcessBuild } from '../../../compiler/builds/open-build.ts';
import { FLIGHTDECK_ROOT } from '../../../compiler/builds/duckdb-versions.ts';
import { REFERENCE_SERVER_PATH } from '../../../compiler/builds/worktree.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-process-entry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('compiled hosts start compiled servers; hosts on the sources start the sources through tsx', () => {
  assert.equal(RUNNING_COMPILED, false, 'the tests run from the sources');
  const fromDist = nodeServer('/repo', REFERENCE_SERVER_PATH, ['--profile', 'default'], true);
  assert.deepEqual(fromDist, { command: process.execPath, args: ['/repo/dist/compiler/builds/reference-server.js', '--profile', 'default'], cwd: '/repo' });
  const fromSources = nodeServer('/repo', 'compiler/builds/duckdb-server.ts', ['x'], false);
  assert.deepEqual(fromSources, { command: process.execPath, args: ['--import', 'tsx', '/repo/compiler/builds/duckdb-server.ts', 'x'], cwd: '/repo' });
  // the default follows how this module was loaded
  assert.deepEqual(nodeServer('/repo', REFERENCE_SERVER_PATH, []).args.slice(0, 2), ['--import', 'tsx']);
});

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

test('reference@<ref>: the commit is compiled once in its worktree and its server runs as plain JavaScript', async (t) => {
  try {
    execFileSync('git', ['-C', FLIGHTDECK_ROOT, 'cat-file', '-e', `HEAD:${REFERENCE_SERVER_PATH}`], { stdio: 'pipe' });
  } catch {
    t.skip('HEAD has no reference server (not a git checkout of flightdeck)');
    return;
  }
  const catalogPath = join(dir, 'tpch.duckdb');
  execFileSync(process.execPath, ['--import', 'tsx', join(FLIGHTDECK_ROOT, 'cli/main.ts'), 'corpus', 'generate', 'tpch', '--scale', '0.01', '--out', dir], { cwd: FLIGHTDECK_ROOT, stdio: 'pipe' });
  const cacheDir = join(dir, 'cache');
  const sha = execFileSync('git', ['-C', FLIGHTDECK_ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const worktree = join(cacheDir, 'worktrees', sha);
  for (let round = 0; round < 2; round++) {
    const build = await openProcessBuild('reference@HEAD', { catalogPath, cacheDir, timeoutMs: 60_000 });
    try {
      assert.equal(readFileSync(join(worktree, '.flightdeck-compiled'), 'utf8').trim(), 'js');
      assert.ok(existsSync(join(worktree, 'compiler/builds/reference-server.js')));
      const args = cmdline(build.pid!);
      assert.equal(args.includes('tsx'), false, `no tsx: ${args.join(' ')}`);
      assert.equal(args[1], join(worktree, 'compiler/builds/reference-server.js'));
      const r = await build.compile('select n_name from nation');
      assert.equal(r.ok, true, JSON.stringify(r));
    } finally {
      await build.close();
    }
  }
});
