/**
 * A cost-model change must not grade itself. The head here is the real
 * reference build with one deliberate bug (test/fixtures/playback-build/
 * skewed-estimator.mjs: IN-list selectivity 100× too low). Its own estimates
 * call its new join order ~30% cheaper — "improved"; the base build's
 * estimator, costing both plans, sees it no cheaper, so the verdict is not
 * `improved`. Builds that cannot re-cost say so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBuild } from '../../compiler/builds/open-build.ts';
import { FLIGHTDECK_ROOT } from '../../compiler/builds/duckdb-versions.ts';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import type { Build } from '../../compiler/builds/build.ts';
import { compareWithBuilds } from '../../playback/compare.ts';

const SKEWED = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'playback-build', 'skewed-estimator.mjs');
const SQL = `select n_name, sum(o_total) from orders, customer, nation
  where o_custkey = c_custkey and c_nationkey = n_nationkey and c_mktsegment in ('SEG1', 'SEG2') group by n_name`;
const t = { fingerprint: 'inlist', sql: SQL, weight: 1, count: 1 };

const dir = mkdtempSync(join(tmpdir(), 'fd-cross-cost-'));
const catalogPath = join(dir, 'catalog.duckdb');
const opened: Build[] = [];
const open = async (spec: string, repoRoot?: string) => {
  const b = await openBuild(spec, { catalogPath, cacheDir: join(dir, 'cache'), ...(repoRoot ? { repoRoot, timeoutMs: 20_000 } : {}) });
  opened.push(b);
  return b;
};

before(async () => {
  const db = await openDatabase(catalogPath);
  await db.run(`
    create table nation (n_nationkey integer primary key, n_name varchar);
    create table customer (c_custkey integer primary key, c_nationkey integer, c_mktsegment varchar);
    create table orders (o_orderkey integer primary key, o_custkey integer, o_total double);
    insert into nation select i, 'N' || i from range(25) t(i);
    insert into customer select i, i % 25, 'SEG' || (i % 5) from range(3000) t(i);
    insert into orders select i, i % 3000, i * 1.5 from range(30000) t(i);
  `);
  db.close();
});
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

test('a head whose IN-list estimate is 100× too low no longer passes its new plan as improved', async () => {
  const base = await open('reference');
  const head = await open(`command:${process.execPath} --import tsx ${SKEWED}`);
  const b = await base.compile(SQL);
  const h = await head.compile(SQL);
  assert.ok(b.ok && h.ok);
  assert.notEqual(b.plan.simplified, h.plan.simplified, 'the skewed estimate changes the join order');
  const own = h.cost / b.cost;
  assert.ok(own <= 0.9, `by its own estimates the head plan is improved (×${own})`);

  const { outcome } = await compareWithBuilds('run', t, { base, head }, b, h);
  assert.equal(outcome.recost, 're-costed by both builds');
  assert.notEqual(outcome.verdict, 'improved');
  assert.equal(outcome.verdict, 'plan-changed');
  assert.equal(outcome.costRatio, outcome.baseEstimatorRatio);
  assert.ok(outcome.baseEstimatorRatio! > 1, `the base estimator finds the head plan costlier (×${outcome.baseEstimatorRatio})`);
  assert.ok(outcome.headEstimatorRatio! > 0.9, `even the head's estimator, costing both plans, sees no 10% gain (×${outcome.headEstimatorRatio})`);
  assert.match(outcome.reason, /by the base estimator \(own estimates ×0\.\d\d; head estimator ×/);

  // judged by the builds' own estimates, the same pair is `improved`: what playback said before
  const { outcome: byOwn } = await compareWithBuilds('run', t, { base, head }, b, h, { thresholds: { regressedAt: 1.1, improvedAt: 0.9, costBasis: 'own' } });
  assert.equal(byOwn.verdict, 'improved');
});

test('a build re-costing its own plan from the IR gives its own estimate back (the IR survives the protocol)', async () => {
  const base = await open('reference');
  const b = await base.compile(SQL);
  assert.ok(b.ok);
  const again = await base.recost!(b.planIr);
  assert.deepEqual(again, { ok: true, cost: b.cost, rows: b.rows });
  const bad = await base.recost!({ nothing: 'here' });
  assert.equal(bad.ok, false);
  assert.match((bad as { reason: string }).reason, /usage-error: recost needs a plan/);
});

test('DuckDB cannot re-cost: the outcome says so for each side and falls back to the builds’ own estimates', async () => {
  const base = await open('duckdb');
  const head = await open('reference');
  const b = await base.compile(SQL);
  const h = await head.compile(SQL);
  assert.ok(b.ok && h.ok);
  const { outcome } = await compareWithBuilds('run', t, { base, head }, b, h);
  assert.equal(outcome.baseEstimatorRatio, null);
  assert.equal(outcome.headEstimatorRatio, null);
  assert.match(outcome.recost!, /^cannot re-cost: base: duckdb does not re-cost plans \(it answers: unknown op "recost"\); head: duckdb gives no plan IR to re-cost$/);
  assert.equal(outcome.costRatio, h.cost / b.cost);
});

/** A scratch repository whose one commit is this compiler as it was before re-costing: no `recost` request, no plan IR. */
function repoBeforeRecost(): string {
  const repo = join(dir, 'repo');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
  execFileSync('git', ['init', '--quiet', repo]);
  cpSync(join(FLIGHTDECK_ROOT, 'package.json'), join(repo, 'package.json'));
  cpSync(join(FLIGHTDECK_ROOT, 'compiler'), join(repo, 'compiler'), { recursive: true });
  const edit = (file: string, from: RegExp) => {
    const path = join(repo, file);
    const text = readFileSync(path, 'utf8');
    assert.match(text, from, `${file} still has what the old commit lacks`);
    writeFileSync(path, text.replace(from, ''));
  };
  edit('compiler/builds/reference-server.ts', /\n {2}async recost\(plan\) \{[\s\S]*?\n {2}\},/);
  edit('compiler/builds/reference-compile.ts', /\n {6}planIr: compiled\.plan,/);
  git('add', '.');
  git('commit', '--quiet', '-m', 'before recost');
  return repo;
}

test('reference@<an older commit> whose server predates recost is still re-costed, by a companion running that commit’s compiler', async () => {
  const repo = repoBeforeRecost();
  const base = await open('reference@HEAD', repo);
  const head = await open(`command:${process.execPath} --import tsx ${SKEWED}`);
  const b = await base.compile(SQL);
  const h = await head.compile(SQL);
  assert.ok(b.ok && h.ok);
  assert.equal(b.planIr, undefined, 'the old commit sends no plan IR');
  const { outcome } = await compareWithBuilds('run', t, { base, head }, b, h);
  assert.equal(outcome.recost, 're-costed by both builds');
  assert.equal(outcome.verdict, 'plan-changed');
  assert.ok(outcome.baseEstimatorRatio! > 1);
});
