/**
 * Masking a `shop` database vs a plain DuckDB copy of the same tables, same
 * run, same threads, interleaved: (a) CREATE TABLE AS SELECT *, one table
 * after the other (the issue's peer) and (b) the same tables with their
 * primary keys (what the snapshot writes, so the catalog keeps its keys).
 * Target: masking ≤ 1.5× (a). The masking writes on two connections; (c), a
 * CTAS copy on two connections, is printed beside it so that share of the
 * gain is visible (not a target), and each one's CPU time (what the wall
 * ratio tends to when other work loads the cores). The report (before/after
 * statistics + leak scan), which the command also runs, is timed apart, once.
 * Then importing the shop log with literal masking vs without: target ≤ 1.3×.
 *
 *   node --import tsx bench/desensitize.ts [--scale SF] [--lines N] [--reps R] [--no-import]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../compiler/builds/duckdb-database.ts';
import { generateShop } from '../corpus/shop/generate.ts';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { MaskingKey } from '../flighting/desensitize/key.ts';
import { maskTemplates } from '../flighting/desensitize/mask-workload.ts';
import { runConcurrently } from '../flighting/desensitize/concurrent.ts';
import { desensitize, tableRows } from '../flighting/desensitize/snapshot.ts';
import { attachSource, sourceColumns, type SourceTable } from '../flighting/desensitize/source.ts';
import { suggestPolicy } from '../flighting/desensitize/suggest.ts';

if (process.argv.includes('--help')) {
  console.log(`usage: node --import tsx bench/desensitize.ts [--scale SF] [--lines N] [--reps R] [--no-import]
  --scale SF    shop scale factor (default 1: ~7M rows)
  --lines N     log lines for the import part (default 100000)
  --reps R      interleaved repetitions; medians are printed (default 3)
  --no-import   skip the import part`);
  process.exit(0);
}
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

type Copy = 'ctas' | 'keys' | 'ctas2';

/** wall and CPU (this process: DuckDB's threads included) milliseconds of `work` */
async function timed(work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await work();
  const u = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

async function copy(src: string, out: string, kind: Copy): Promise<void> {
  rmSync(out, { force: true });
  const db = await openDatabase(':memory:');
  const second: Database[] = [];
  try {
    const source = await attachSource(db, src);
    await db.run(`ATTACH '${out}' AS snap`);
    const write = async (conn: Database, tb: SourceTable) => {
      if (kind === 'keys') {
        const defs = tb.columns.map((c) => `"${c.column}" ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
        if (tb.primaryKey.length) defs.push(`PRIMARY KEY (${tb.primaryKey.map((k) => `"${k}"`).join(', ')})`);
        await conn.run(`CREATE TABLE snap.main."${tb.name}" (${defs.join(', ')})`);
        await conn.run(`INSERT INTO snap.main."${tb.name}" SELECT * FROM ${tb.relation}`);
      } else {
        await conn.run(`CREATE TABLE snap.main."${tb.name}" AS SELECT * FROM ${tb.relation}`);
      }
    };
    if (kind === 'ctas2') {
      // two connections, each taking the next table, largest first
      second.push(await db.connect());
      const sizes = await tableRows(db, source);
      const tasks = source.tables.toSorted((a, b) => (sizes.get(b.name) ?? 0) - (sizes.get(a.name) ?? 0)).map((tb) => ({ id: tb.name, after: [], run: (conn: Database) => write(conn, tb) }));
      await runConcurrently([db, ...second], tasks);
    } else {
      for (const tb of source.tables) await write(db, tb);
    }
    await db.run('CHECKPOINT snap');
    await db.run('DETACH snap');
  } finally {
    for (const c of second) c.close();
    db.close();
  }
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
  const times: Record<'ctas' | 'keys' | 'ctas2' | 'mask', number[]> = { ctas: [], keys: [], ctas2: [], mask: [] };
  const cpu: Record<'ctas' | 'keys' | 'ctas2' | 'mask', number[]> = { ctas: [], keys: [], ctas2: [], mask: [] };
  const load0 = loadavg();
  for (let r = 0; r < reps; r++) {
    for (const kind of ['ctas', 'keys', 'ctas2', 'mask'] as const) {
      rmSync(out, { force: true });
      const t = await timed(() => kind === 'mask' ? desensitize({ source: shop.dbPath, policy, key, out, maskOnly: true }) : copy(shop.dbPath, out, kind));
      times[kind].push(t.wall);
      cpu[kind].push(t.cpu);
    }
  }
  // the command as run: masking, then the report's statistics and leak scan (once, after the interleaved runs)
  rmSync(out, { force: true });
  let full;
  const tFull = await timed(async () => (full = await desensitize({ source: shop.dbPath, policy, key, out })));
  const load1 = loadavg();
  const size = statSync(out).size;
  const [c, k, c2, m, f] = [median(times.ctas), median(times.keys), median(times.ctas2), median(times.mask), tFull.wall];
  const runs = (xs: number[]) => `runs ${xs.map(secs).join(', ')}`;
  const cpuOf = (kind: keyof typeof cpu) => `CPU ${secs(median(cpu[kind]))} s`;
  console.log(`load average ${load0.map((x) => x.toFixed(1)).join(' ')} before, ${load1.map((x) => x.toFixed(1)).join(' ')} after; medians of ${reps} interleaved runs`);
  console.log(`copy, CREATE TABLE AS SELECT *:        ${secs(c)} s (${runs(times.ctas)}; ${cpuOf('ctas')})`);
  console.log(`copy with primary keys:                ${secs(k)} s (${runs(times.keys)}; ${cpuOf('keys')})`);
  console.log(`copy, CTAS on two connections:         ${secs(c2)} s (${runs(times.ctas2)}; ${cpuOf('ctas2')})`);
  console.log(`mask (snapshot, keys, no report):      ${secs(m)} s (${runs(times.mask)}; ${cpuOf('mask')}), ${(size / 1e6).toFixed(0)} MB`);
  console.log(`mask + report (statistics, leak scan): ${secs(f)} s (one run, CPU ${secs(tFull.cpu)} s); leaks ${full!.report!.leakScan.leaks}, coincidences ${full!.report!.leakScan.coincidences}, checks failed ${full!.report!.summary.checksFailed.length}`);
  console.log(`RATIO mask / CTAS copy = ${(m / c).toFixed(2)}× (target ≤ 1.5×: ${m / c <= 1.5 ? 'met' : 'MISSED'}); per run ${times.mask.map((x, i) => (x / times.ctas[i]!).toFixed(2)).join(', ')}`);
  console.log(`  mask / copy with keys = ${(m / k).toFixed(2)}×; mask / CTAS on two connections = ${(m / c2).toFixed(2)}×; CPU mask / CTAS copy = ${(median(cpu.mask) / median(cpu.ctas)).toFixed(2)}×; mask + report / CTAS copy = ${(f / c).toFixed(2)}×`);
  if (!process.argv.includes('--no-import')) await importRatio(policy, key, shop.dbPath);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function importRatio(policy: Awaited<ReturnType<typeof suggestPolicy>>['policy'], key: MaskingKey, dbPath: string): Promise<void> {
  const log = join(dir, 'queries.jsonl');
  await writeShopLog({ path: log, lines, seed: 1 });
  const cx = { policy, columns: sourceColumns(await (async () => { const d = await openDatabase(':memory:'); try { return await attachSource(d, dbPath); } finally { d.close(); } })()), key };
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
}
