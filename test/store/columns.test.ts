/**
 * Rows are written and read by column name through one column list per
 * table (store/columns.ts): a migration that adds a column cannot shift the
 * others, and the lists match the migrated schema exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import { APPROVALS, CLUSTERS, DIFFS, FLIGHT_RESULTS, OUTCOME_ROWS, RUNS, TEMPLATES, WORKLOADS, type Table } from '../../store/columns.ts';
import { SEED_RUN, seedStore } from './seed.ts';

const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

test('each table’s column list names exactly the columns the migrations create', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-columns-'));
  const store = await Store.open(join(dir, 's.duckdb'));
  try {
    for (const t of [WORKLOADS, TEMPLATES, RUNS, OUTCOME_ROWS, DIFFS, CLUSTERS, FLIGHT_RESULTS, APPROVALS] as unknown as Table<unknown>[]) {
      const rows = await store.query(`SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY column_name`, [t.name]);
      assert.deepEqual(Object.keys(t.columns).map(snake).toSorted(), rows.map((r) => String(r.column_name)), t.name);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a migration that adds columns does not break or shift what is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-columns-'));
  const path = join(dir, 's.duckdb');
  try {
    await seedStore(path, 2);
    const store = await Store.open(path);
    try {
      const before = await store.getOutcomes(SEED_RUN);
      // what the next migration may do: new columns (at the end, DuckDB's only place) on every table
      for (const t of ['workloads', 'templates', 'runs', 'outcomes', 'diffs', 'clusters']) await store.query(`ALTER TABLE ${t} ADD COLUMN added_later DOUBLE`);
      await store.saveOutcomes(before, [{ runId: SEED_RUN, fingerprint: before[0]!.fingerprint, edits: [], textDiff: '-a\n+b', description: 'd' }]);
      assert.deepEqual(await store.getOutcomes(SEED_RUN), before);
      const templates = await store.getTemplates('w');
      await store.saveWorkload((await store.getWorkload('w'))!, templates);
      assert.deepEqual(await store.getTemplates('w'), templates);
      await store.createRun({ id: 'r2', kind: 'playback', workload: 'w', catalog: 'c', baseSpec: 'a', headSpec: 'b', baseDescription: null, headDescription: null, queue: 'local', total: 2, options: { x: 1 } });
      assert.deepEqual((await store.getRun('r2'))!.options, { x: 1 });
      await store.saveClusters(SEED_RUN, [{ signature: 's', description: 'd', templates: 2, weight: 1, impact: 0.5, verdicts: { regressed: 2 }, example: 'fp00' }]);
      assert.equal((await store.getClusters(SEED_RUN))[0]!.impact, 0.5);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('impact is computed in the store over the whole run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-columns-'));
  const path = join(dir, 's.duckdb');
  try {
    await seedStore(path, 4); // every template: count 1, base cost 10, head cost 20
    const store = await Store.open(path, { readOnly: true });
    try {
      assert.deepEqual((await store.getOutcomes(SEED_RUN)).map((o) => o.impact), [0.25, 0.25, 0.25, 0.25]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
