/**
 * Masking a `shop` database vs a plain DuckDB copy of the same tables, same
 * run, same threads: (a) CREATE TABLE AS SELECT * (the issue's peer) and
 * (b) the same tables with their primary keys (what the snapshot writes, so
 * the catalog keeps its keys). Target: masking ≤ 1.5× (a). The report
 * (before/after statistics + leak scan) is timed apart. Then importing the
 * shop log with literal masking vs without: target ≤ 1.3×.
 *
 *   node --import tsx bench/desensitize.ts [--scale SF] [--lines N] [--reps R]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../compiler/builds/duckdb-database.ts';
import { generateShop } from '../corpus/shop/generate.ts';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { MaskingKey } from '../flighting/desensitize/key.ts';
import { maskTemplates } from '../flighting/desensitize/mask-workload.ts';
import { desensitize } from '../flighting/desensitize/snapshot.ts';
import { attachSource, sourceColumns } from '../flighting/desensitize/source.ts';
import { suggestPolicy } from '../flighting/desensitize/suggest.ts';

const opt = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const scale = opt('--scale', 1);
const lines = opt('--lines', 100_000);
const reps = opt('--reps', 3);
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-desens-'));
const secs = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function copy(src: string, out: string, withKeys: boolean): Promise<number> {
  rmSync(out, { force: true });
  const t = performance.now();
  const db = await openDatabase(':memory:');
  try {
    const source = await attachSource(db, src);
    await db.run(`ATTACH '${out}' AS snap`);
    for (const tb of source.tables) {
      if (withKeys) {
        const defs = tb.columns.map((c) => `"${c.column}" ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
        if (tb.primaryKey.length) defs.push(`PRIMARY KEY (${tb.primaryKey.map((k) => `"${k}"`).join(', ')})`);
        await db.run(`CREATE TABLE snap.main."${tb.name}" (${defs.join(', ')})`);
        await db.run(`INSERT INTO snap.main."${tb.name}" SELECT * FROM ${tb.relation}`);
      } else {
        await db.run(`CREATE TABLE snap.main."${tb.name}" AS SELECT * FROM ${tb.relation}`);
      }
    }
    await db.run('CHECKPOINT snap');
    await db.run('DETACH snap');
  } finally {
    db.close();
  }
  return performance.now() - t;
}

try {
  const g0 = performance.now();
  const shop = await generateShop({ scale, outDir: dir, seed: 1 });
  const rows = Object.values(shop.tables).reduce((a, b) => a + b, 0);
  console.log(`shop sf=${scale}: ${rows.toLocaleString('en-US')} rows in ${Object.keys(shop.tables).length} tables (generated in ${secs(performance.now() - g0)} s)`);
  const { policy, suggestions } = await suggestPolicy({ source: shop.dbPath });
  const db0 = await openDatabase(':memory:');
  const masked = sourceColumns(await attachSource(db0, shop.dbPath)).filter((c) => policy.tables[c.table]!.columns[c.column]!.kind !== 'keep');
  db0.close();
  console.log(`policy (suggested): ${masked.length} of ${suggestions.length} columns masked: ${masked.map((c) => `${c.table}.${c.column}=${policy.tables[c.table]!.columns[c.column]!.kind}`).join(', ')}`);
  const key = new MaskingKey(randomBytes(32));
  const out = join(dir, 'out.duckdb');
  const tCopy: number[] = [];
  const tKeys: number[] = [];
  const tMask: number[] = [];
  for (let r = 0; r < reps; r++) {
    tCopy.push(await copy(shop.dbPath, out, false));
    tKeys.push(await copy(shop.dbPath, out, true));
    rmSync(out, { force: true });
    const t = performance.now();
    await desensitize({ source: shop.dbPath, policy, key, out, maskOnly: true });
    tMask.push(performance.now() - t);
  }
  const size = statSync(out).size;
  const t = performance.now();
  const full = await desensitize({ source: shop.dbPath, policy, key, out });
  const tFull = performance.now() - t;
  const [c, k, m] = [median(tCopy), median(tKeys), median(tMask)];
  console.log(`copy, CREATE TABLE AS SELECT *:       ${secs(c)} s (runs ${tCopy.map(secs).join(', ')})`);
  console.log(`copy with primary keys:               ${secs(k)} s (runs ${tKeys.map(secs).join(', ')})`);
  console.log(`mask (snapshot, keys, no report):     ${secs(m)} s (runs ${tMask.map(secs).join(', ')}), ${(size / 1e6).toFixed(0)} MB`);
  console.log(`mask + report (statistics, leak scan): ${secs(tFull)} s; leaks ${full.report!.leakScan.leaks}, coincidences ${full.report!.leakScan.coincidences}, checks failed ${full.report!.summary.checksFailed.length}`);
  console.log(`RATIO mask / CTAS copy = ${(m / c).toFixed(2)}× (target ≤ 1.5×: ${m / c <= 1.5 ? 'met' : 'MISSED'}); mask / copy with keys = ${(m / k).toFixed(2)}×`);

  const log = join(dir, 'queries.jsonl');
  await writeShopLog({ path: log, lines, seed: 1 });
  const cx = { policy, columns: sourceColumns(await (async () => { const d = await openDatabase(':memory:'); try { return await attachSource(d, shop.dbPath); } finally { d.close(); } })()), key };
  const tPlain: number[] = [];
  const tMasked: number[] = [];
  let summary;
  for (let r = 0; r < reps; r++) {
    let a = performance.now();
    await importLogs([log]);
    tPlain.push(performance.now() - a);
    a = performance.now();
    const imported = await importLogs([log]);
    summary = maskTemplates(imported.templates, cx).summary;
    tMasked.push(performance.now() - a);
  }
  const [p, q] = [median(tPlain), median(tMasked)];
  console.log(`import ${lines.toLocaleString('en-US')} log lines: ${secs(p)} s; with literal masking ${secs(q)} s (${summary!.literals} literals in ${summary!.touched} of ${summary!.templates} templates)`);
  console.log(`RATIO import with masking / without = ${(q / p).toFixed(2)}× (target ≤ 1.3×: ${q / p <= 1.3 ? 'met' : 'MISSED'})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
