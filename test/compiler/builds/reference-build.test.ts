/**
 * `reference` builds: this repo's compiler in a child process answers exactly
 * what the in-process compile gives; profiles apply; errors are located;
 * `reference@<ref>` runs a commit from a cached worktree (in a scratch git
 * repository, so the project's own repository is never touched).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../../../compiler/builds/open-build.ts';
import { openDatabase } from '../../../compiler/builds/duckdb-database.ts';
import { loadCatalog } from '../../../compiler/builds/load-catalog.ts';
import { compileWithReference } from '../../../compiler/builds/reference-compile.ts';
import { FLIGHTDECK_ROOT } from '../../../compiler/builds/duckdb-versions.ts';
import type { Build, CompileResult } from '../../../compiler/builds/build.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-reference-build-'));
const catalogPath = join(dir, 'tiny.duckdb');
const cacheDir = join(dir, 'cache');
let build: Build;

const QUERY = `select n_name, count(*) as suppliers
from region, nation, supplier
where s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'ASIA'
group by n_name
order by suppliers desc`;

before(async () => {
  const db = await openDatabase(catalogPath);
  await db.run(`
    create table region (r_regionkey integer primary key, r_name varchar);
    create table nation (n_nationkey integer primary key, n_name varchar, n_regionkey integer);
    create table supplier (s_suppkey integer primary key, s_name varchar, s_nationkey integer);
    insert into region values (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA');
    insert into nation select i, 'NATION' || i, i % 3 from range(6) t(i);
    insert into supplier select i, 'Supplier#' || i, i % 6 from range(40) t(i);
  `);
  db.close();
  build = await openBuild('reference', { catalogPath, cacheDir, timeoutMs: 20_000 });
});

after(async () => {
  await build?.close();
  rmSync(dir, { recursive: true, force: true });
});

function ok(r: CompileResult): Extract<CompileResult, { ok: true }> {
  assert.equal(r.ok, true, `expected success, got ${JSON.stringify(r)}`);
  return r as Extract<CompileResult, { ok: true }>;
}

function usageOrBuildError(code: 'usage-error' | 'build-error', pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof FlightdeckError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

test('the reference build answers what the in-process compile gives: plans, cost, rows, rules, lowered SQL', async () => {
  assert.equal(build.kind, 'reference');
  assert.match(build.description, /^reference compiler \(work tree .*\), profile default$/);
  const remote = ok(await build.compile(QUERY));
  const local = ok(compileWithReference(QUERY, await loadCatalog(catalogPath), { profile: 'default' }));
  assert.equal(remote.plan.simplified, local.plan.simplified);
  assert.equal(remote.plan.explain, local.plan.explain);
  assert.deepEqual(remote.plan.json, local.plan.json);
  assert.equal(remote.cost, local.cost);
  assert.equal(remote.rows, local.rows);
  assert.deepEqual(remote.rulesFired, local.rulesFired);
  assert.ok(remote.rulesFired.length > 0, 'the default profile changes this query');
  assert.equal(remote.sql, local.sql);
  assert.match(remote.sql ?? '', /SELECT/);
  assert.match(remote.plan.simplified, /Scan\(table=\[supplier\]\)/);
  assert.ok(remote.cost > 0 && remote.rows > 0 && remote.timingMs > 0);
  // the catalog was cached under cacheDir/catalogs by the build process
  assert.ok(existsSync(join(cacheDir, 'catalogs')) && readdirSync(join(cacheDir, 'catalogs')).length > 0);
});

test('reference#none fires no rules; an unknown profile is a usage error at open', async () => {
  const none = await openBuild('reference#none', { catalogPath, cacheDir });
  try {
    const r = ok(await none.compile(QUERY));
    assert.deepEqual(r.rulesFired, []);
    assert.notEqual(r.plan.simplified, ok(await build.compile(QUERY)).plan.simplified);
  } finally {
    await none.close();
  }
  await assert.rejects(openBuild('reference#fastest', { catalogPath, cacheDir }), usageOrBuildError('usage-error', /unknown rule profile 'fastest'/));
  await assert.rejects(openBuild('reference#default,-no-such-rule', { catalogPath, cacheDir }), usageOrBuildError('usage-error', /unknown rule 'no-such-rule'/));
});

test('reference errors come back typed and located', async () => {
  const parse = await build.compile('select n_name\nfrom nation\nwher n_name = 1');
  assert.equal(parse.ok, false);
  assert.equal(!parse.ok && parse.status, 'error');
  assert.equal(!parse.ok && parse.error.code, 'parse-error');
  assert.equal(!parse.ok && parse.error.line, 3);
  const table = await build.compile('select * from no_such_table');
  assert.equal(!table.ok && table.error.code, 'unknown-table');
  ok(await build.compile('select count(*) from nation'));
});

/** A scratch repository: commit "old" has no build protocol, commit "new" is a copy of this work tree's compiler. */
function makeScratchRepo(): string {
  const repo = join(dir, 'repo');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
  cpSync(join(FLIGHTDECK_ROOT, 'package.json'), join(repo, 'package.json'));
  writeFileSync(join(repo, 'README.md'), 'before the build protocol\n');
  execFileSync('git', ['init', '--quiet', repo]);
  git('add', '.');
  git('commit', '--quiet', '-m', 'old');
  git('tag', 'old');
  cpSync(join(FLIGHTDECK_ROOT, 'compiler'), join(repo, 'compiler'), { recursive: true });
  git('add', '.');
  git('commit', '--quiet', '-m', 'new');
  git('tag', 'new');
  return repo;
}

test('reference@<ref>: a commit runs from a cached worktree; two builds racing for it share it', async () => {
  const repo = makeScratchRepo();
  const sha = execFileSync('git', ['-C', repo, 'rev-parse', 'new^{commit}'], { encoding: 'utf8' }).trim();
  const options = { catalogPath, cacheDir, repoRoot: repo, timeoutMs: 20_000 };
  const [a, b] = await Promise.all([openBuild('reference@new', options), openBuild('reference@new#heuristic', options)]);
  try {
    assert.equal(a.description, `reference compiler at new (${sha.slice(0, 12)}), profile default`);
    const worktree = join(cacheDir, 'worktrees', sha);
    assert.ok(existsSync(join(worktree, 'compiler/builds/reference-server.ts')));
    assert.ok(lstatSync(join(worktree, 'node_modules')).isSymbolicLink());
    assert.deepEqual(readdirSync(join(cacheDir, 'worktrees')), [sha], 'one worktree, no leftover lock');
    const fromCommit = ok(await a.compile(QUERY));
    assert.equal(fromCommit.plan.simplified, ok(await build.compile(QUERY)).plan.simplified);
    ok(await b.compile(QUERY));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  // reused: opening again finds it ready
  const again = await openBuild('reference@new', options);
  await again.close();
});

test('reference@<ref>: an unknown ref is a usage error; a commit before the protocol is a build error', async () => {
  const repo = existsSync(join(dir, 'repo')) ? join(dir, 'repo') : makeScratchRepo();
  const options = { catalogPath, cacheDir, repoRoot: repo };
  await assert.rejects(openBuild('reference@no-such-branch', options), usageOrBuildError('usage-error', /git ref 'no-such-branch' does not name a commit/));
  await assert.rejects(openBuild('reference@old', options), usageOrBuildError('build-error', /^ref old \([0-9a-f]{12}\) predates the build protocol/));
  await assert.rejects(
    openBuild('reference@HEAD', { catalogPath, cacheDir, repoRoot: dir }),
    usageOrBuildError('usage-error', /is not a git repository/),
  );
});

test("reference@HEAD of this project: runs when HEAD has the build protocol, else says it predates it", async () => {
  let hasServer = true;
  try {
    execFileSync('git', ['-C', FLIGHTDECK_ROOT, 'cat-file', '-e', 'HEAD:compiler/builds/reference-server.ts'], { stdio: 'pipe' });
  } catch {
    hasServer = false;
  }
  if (!hasServer) {
    // the check comes before any worktree is made: the project's repository is left alone
    await assert.rejects(openBuild('reference@HEAD', { catalogPath, cacheDir }), usageOrBuildError('build-error', /predates the build protocol/));
    return;
  }
  // run it from a clone, so that no worktree is registered in the project's own repository
  const clone = join(dir, 'clone');
  execFileSync('git', ['clone', '--quiet', '--shared', '--no-checkout', FLIGHTDECK_ROOT, clone], { stdio: 'pipe' });
  const head = await openBuild('reference@HEAD', { catalogPath, cacheDir, repoRoot: clone, timeoutMs: 20_000 });
  try {
    ok(await head.compile('select count(*) from nation'));
  } finally {
    await head.close();
  }
});
