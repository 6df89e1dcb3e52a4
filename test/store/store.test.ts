import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { MIGRATIONS } from '../../store/migrations.ts';
import type { OutcomeRecord, StoredTemplate } from '../../store/records.ts';

const template = (fp: string, count: number): StoredTemplate => ({
  fingerprint: fp, normalized: `select ? from t${fp}`, sql: `select 1 from t${fp}`, count, errorCount: 0, totalDurationMs: count * 2,
  meanDurationMs: 2, weight: count / 10, durationShare: count / 10, users: ['ana', "o'hara"], projects: ['shop'], priorities: [1, 3],
  firstSeen: '2026-01-01', lastSeen: null, source: 'log.jsonl:3',
});

const outcome = (runId: string, fp: string, verdict: OutcomeRecord['verdict'], worker = 'w1'): OutcomeRecord => ({
  runId, fingerprint: fp, verdict, reason: 'cost ×1.50', weight: 0.5, count: 5, baseStatus: 'ok', headStatus: 'ok', baseCost: 10, headCost: 15,
  costRatio: 1.5, impact: 0.25, basePlanHash: 'a', headPlanHash: 'b', baseSimplified: 'Scan', headSimplified: 'Scan2', baseExplain: 'x', headExplain: 'y',
  baseError: null, headError: { code: 'parse-error', message: 'm', line: 1, column: 2 }, baseRules: ['r1'], headRules: ['r1', 'r2'], rulesDiff: ['+r2'],
  baseMs: 1, headMs: 2, signature: 'Scan → Scan2 at root', approved: false, worker, baseEstimatorRatio: 1.25, headEstimatorRatio: null, recost: 'cannot re-cost: test',
});

async function withStore(fn: (s: Store, path: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'fd-store-'));
  const path = join(dir, 'nested', 'flightdeck.duckdb');
  const s = await Store.open(path);
  try {
    await fn(s, path);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a new store is migrated to the latest schema, and reopening applies nothing twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-store-'));
  try {
    const path = join(dir, 'nested', 'flightdeck.duckdb');
    const s = await Store.open(path);
    assert.equal(await s.schemaVersion(), MIGRATIONS.at(-1)!.version);
    s.close();
    const again = await Store.open(path);
    assert.equal((await again.query('SELECT count(*) AS n FROM schema_migrations'))[0]!.n, String(MIGRATIONS.length));
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workloads and templates round-trip, and re-importing a workload replaces its templates', async () => {
  await withStore(async (s) => {
    const w = { name: 'shop', sources: [{ path: 'a.jsonl', format: 'jsonl' }], entries: 8, rejected: 1, rejects: [{ reason: 'malformed-json', count: 1, examples: [{ file: 'a.jsonl', line: 3, message: 'x' }] }] };
    await s.saveWorkload(w, [template('1', 5), template('2', 3)]);
    const back = await s.getTemplates('shop');
    assert.deepEqual(back, [template('1', 5), template('2', 3)]);
    await s.saveWorkload(w, [template('3', 1)]);
    assert.deepEqual((await s.getTemplates('shop')).map((t) => t.fingerprint), ['3']);
    const list = await s.listWorkloads();
    assert.equal(list[0]!.templates, 1);
    assert.deepEqual((await s.getWorkload('shop'))!.rejects, w.rejects);
    assert.equal(await s.getWorkload('nope'), null);
  });
});

test('outcomes are idempotent per run and template', async () => {
  await withStore(async (s) => {
    await s.saveWorkload({ name: 'w', sources: [], entries: 3, rejected: 0, rejects: [] }, [template('1', 1), template('2', 1), template('3', 1)]);
    await s.createRun({ id: 'r1', kind: 'playback', workload: 'w', catalog: 'c.duckdb', baseSpec: 'reference', headSpec: 'reference#none', baseDescription: null, headDescription: null, queue: 'local', total: 3, options: {} });
    await s.saveOutcomes([outcome('r1', '1', 'regressed')], [{ runId: 'r1', fingerprint: '1', edits: [{ type: 'update' }], textDiff: '---', description: 'd' }]);
    await s.saveOutcomes([outcome('r1', '1', 'regressed', 'w2'), outcome('r1', '2', 'identical')]);
    const outs = await s.getOutcomes('r1');
    assert.equal(outs.length, 2);
    assert.equal(outs[0]!.worker, 'w2');
    assert.deepEqual(outs[0], outcome('r1', '1', 'regressed', 'w2'));
    assert.deepEqual([...(await s.outcomeFingerprints('r1'))].sort(), ['1', '2']);
    assert.equal((await s.getRun('r1'))!.done, 2);
    assert.deepEqual((await s.getOutcomes('r1', { verdicts: ['identical'] })).map((o) => o.fingerprint), ['2']);
    // delivered again without a diff (its plans now match): the old diff goes too
    assert.equal(await s.getDiff('r1', '1'), null);
    await s.saveOutcomes([outcome('r1', '1', 'regressed', 'w2')], [{ runId: 'r1', fingerprint: '1', edits: [], textDiff: '---', description: 'd2' }]);
    assert.equal((await s.getDiff('r1', '1'))!.description, 'd2');
    await s.finishRun('r1', 'done');
    assert.equal((await s.getRun('r1'))!.status, 'done');
    // plain SQL works on the store
    const rows = await s.query(`SELECT verdict, count(*) AS n FROM outcomes WHERE run_id = 'r1' GROUP BY verdict ORDER BY verdict`);
    assert.deepEqual(rows, [{ verdict: 'identical', n: '1' }, { verdict: 'regressed', n: '1' }]);
  });
});

test('a large delivery writes every diff once, drops stale ones of its outcomes, and the last duplicate wins', async () => {
  await withStore(async (s) => {
    const fps = Array.from({ length: 730 }, (_, i) => String(i));
    const diff = (fp: string, description: string) => ({ runId: 'r', fingerprint: fp, edits: [], textDiff: '-', description });
    await s.saveOutcomes(fps.map((fp) => outcome('r', fp, 'plan-changed')), fps.map((fp) => diff(fp, 'first')));
    assert.equal((await s.getDiff('r', '729'))!.description, 'first');
    // delivered again: odd templates now identical (no diff), even ones with a new diff given twice
    const even = fps.filter((fp) => Number(fp) % 2 === 0);
    await s.saveOutcomes(fps.map((fp) => outcome('r', fp, Number(fp) % 2 ? 'identical' : 'plan-changed')), [...even.map((fp) => diff(fp, 'stale')), ...even.map((fp) => diff(fp, 'second'))]);
    assert.equal(await s.getDiff('r', '729'), null);
    assert.equal(await s.getDiff('r', '1'), null);
    assert.equal((await s.getDiff('r', '728'))!.description, 'second');
    assert.equal((await s.getDiff('r', '0'))!.description, 'second');
    const rows = await s.query(`SELECT count(*) AS n FROM diffs WHERE run_id = 'r'`);
    assert.deepEqual(rows, [{ n: String(even.length) }]);
  });
});

test('an infinite cost ratio is stored as NULL, not a crash', async () => {
  await withStore(async (s) => {
    await s.saveOutcomes([{ ...outcome('r', '1', 'regressed'), costRatio: Infinity }]);
    assert.equal((await s.getOutcomes('r'))[0]!.costRatio, null);
  });
});

test('a store held by another process gives a clear environment error', async () => {
  await withStore(async (_s, path) => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${join(process.cwd(), 'store/store.ts')}').then(m => m.Store.open('${path}')).then(() => process.exit(0), e => { console.log(e.code + ': ' + e.message); process.exit(3); })`], { encoding: 'utf8' });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /environment-error: the store .* is busy: another process \(PID \d+: .*node.*\) has it open for writing/);
  });
});

test('a DuckDB file with tables of its own (a catalog) is never migrated into a store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-store-'));
  try {
    const path = join(dir, 'catalog.duckdb');
    const db = await openDatabase(path);
    await db.run('CREATE TABLE orders (id INTEGER)');
    db.close();
    await assert.rejects(Store.open(path), /catalog\.duckdb is a DuckDB database but not a flightdeck store \(no schema_migrations table\): check --store/);
    const again = await openDatabase(path, { readOnly: true });
    assert.deepEqual((await again.all(`SELECT table_name FROM duckdb_tables()`)).map((r) => r.table_name), ['orders']);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
