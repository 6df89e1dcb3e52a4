/**
 * TPC-H at scale 0.01, generated once per test file into a temporary
 * directory, with its Catalog and a read-only DuckDB connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../compiler/builds/duckdb-database.ts';
import { loadCatalog } from '../../../compiler/builds/load-catalog.ts';
import type { Catalog } from '../../../compiler/ir/catalog.ts';
import { generateTpch } from '../../../corpus/tpch/generate.ts';

export interface TpchData {
  readonly db: Database;
  readonly catalog: Catalog;
  close(): void;
}

export async function openTpchData(): Promise<TpchData> {
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-lower-'));
  try {
    const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
    const catalog = await loadCatalog(dbPath);
    const db = await openDatabase(dbPath, { readOnly: true, threads: 1 });
    return {
      db,
      catalog,
      close() {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
