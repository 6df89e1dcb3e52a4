/**
 * A store with one workload (`w`) and one finished run (`r1`) whose every
 * template regressed with its own head plan: enough for approve, gate,
 * report and runs, without compiling anything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import type { OutcomeRecord, StoredTemplate } from '../../store/records.ts';

export const SEED_RUN = 'r1';

export const seedFingerprint = (i: number) => `fp${String(i).padStart(2, '0')}`;

export async function seedStore(path: string, templates = 8): Promise<void> {
  const store = await Store.open(path);
  try {
    const ts: StoredTemplate[] = Array.from({ length: templates }, (_, i) => ({
      fingerprint: seedFingerprint(i), normalized: `select ? from t${i}`, sql: `select 1 from t${i}`, count: 1, errorCount: 0, totalDurationMs: 1,
      meanDurationMs: 1, weight: 1 / templates, durationShare: 1 / templates, users: ['u'], projects: ['p'], priorities: [1], firstSeen: null, lastSeen: null, source: `log.sql:${i + 1}`,
    }));
    await store.saveWorkload({ name: 'w', sources: [{ path: 'log.sql', format: 'sql' }], entries: templates, rejected: 0, rejects: [] }, ts);
    await store.createRun({ id: SEED_RUN, kind: 'playback', workload: 'w', catalog: 'c.duckdb', baseSpec: 'reference@main', headSpec: 'reference', baseDescription: 'base', headDescription: 'head', queue: 'local', total: templates, options: {} });
    const outcomes: OutcomeRecord[] = ts.map((t) => ({
      runId: SEED_RUN, fingerprint: t.fingerprint, verdict: 'regressed', reason: 'cost ×2.00', weight: t.weight, count: 1, baseStatus: 'ok', headStatus: 'ok',
      baseCost: 10, headCost: 20, costRatio: 2, impact: null, basePlanHash: 'base', headPlanHash: `head-${t.fingerprint}`, baseSimplified: 'Scan', headSimplified: 'Scan2',
      baseExplain: 'Scan', headExplain: 'Scan2', baseError: null, headError: null, baseRules: [], headRules: [], rulesDiff: [], baseMs: 1, headMs: 1,
      signature: 'Scan → Scan2', approved: false, worker: 'w1', baseEstimatorRatio: null, headEstimatorRatio: null, recost: null,
    }));
    await store.saveOutcomes(outcomes);
    await store.updateImpacts(SEED_RUN);
    await store.finishRun(SEED_RUN, 'done');
  } finally {
    store.close();
  }
}

/** a seeded store (seedStore) in a temporary folder, open for `fn`, closed and removed after */
export async function withSeededStore(templates: number, fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-seeded-'));
  try {
    const path = join(dir, 'store.duckdb');
    await seedStore(path, templates);
    const store = await Store.open(path);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
