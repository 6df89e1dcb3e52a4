/**
 * A workload whose every verdict is known in advance: templates marked for
 * the versioned fake optimizer (test/fixtures/playback-build), imported into
 * a fresh store, plus a tiny catalog database.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { Store } from '../../store/store.ts';

export const FAKE_OPTIMIZER = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'playback-build', 'versioned-optimizer.mjs');
export const OLD_BUILD = `command:${FAKE_OPTIMIZER} --version old`;
export const NEW_BUILD = `command:${FAKE_OPTIMIZER} --version new`;

/** marker → expected verdict, and how many log lines each template gets */
export const EXPECTED: readonly { marker: string; verdict: string; lines: number }[] = [
  { marker: 'same', verdict: 'identical', lines: 40 },
  { marker: 'slower', verdict: 'regressed', lines: 30 },
  { marker: 'faster', verdict: 'improved', lines: 10 },
  { marker: 'changed', verdict: 'plan-changed', lines: 8 },
  { marker: 'breaks', verdict: 'new-error', lines: 5 },
  { marker: 'fixed', verdict: 'fixed-error', lines: 3 },
  { marker: 'bad', verdict: 'both-error', lines: 2 },
  { marker: 'crash', verdict: 'crash', lines: 1 },
  { marker: 'hang', verdict: 'timeout', lines: 1 },
];

export function fixtureSql(marker: string, i: number, extra = ''): string {
  return `/*${marker}*/${extra} select * from t_${marker} join u_${marker} on t_${marker}.id = u_${marker}.id where t_${marker}.x = ${i}`;
}

export interface PlaybackFixture {
  readonly dir: string;
  readonly storePath: string;
  readonly catalogPath: string;
  readonly logPath: string;
}

/** Writes the log and catalog, imports the workload `fake` into a new store at dir/store.duckdb. */
export async function makePlaybackFixture(options: { extraPerTemplate?: number; sleepMs?: number; copies?: number } = {}): Promise<PlaybackFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-playback-'));
  const logPath = join(dir, 'log.jsonl');
  const lines: string[] = [];
  const copies = options.copies ?? 1;
  const sleep = options.sleepMs ? `/*sleep:${options.sleepMs}*/` : '';
  for (let c = 0; c < copies; c++) {
    for (const e of EXPECTED) {
      for (let i = 0; i < e.lines; i++) {
        // copies > 1: distinct templates per copy (different table suffix), same behaviour
        const sql = fixtureSql(e.marker, i, sleep).replace(/_(\w+)\b/g, (m) => (copies > 1 ? `${m}_${c}` : m));
        lines.push(JSON.stringify({ sql, user: `u${i % 3}`, project: 'p', duration_ms: 10 + i, priority: 1 + (i % 3) }));
      }
    }
  }
  writeFileSync(logPath, lines.join('\n') + '\n');
  const catalogPath = join(dir, 'catalog.duckdb');
  const db = await openDatabase(catalogPath);
  await db.run('CREATE TABLE t (id INTEGER)');
  db.close();
  const storePath = join(dir, 'store.duckdb');
  const store = await Store.open(storePath);
  try {
    await store.saveImport('fake', await importLogs([logPath]));
  } finally {
    store.close();
  }
  return { dir, storePath, catalogPath, logPath };
}
