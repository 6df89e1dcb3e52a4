/**
 * Playback throughput against its peer: templates/s of an in-process
 * playback (base `reference`, head `reference#heuristic`, the tpch +
 * analytics queries over a TPC-H catalog) vs the bare `compileSql` loop of
 * the same templates × 2 (both profiles) in this process, same run.
 * Target: playback templates per CPU-second ≥ 0.5× the bare loop's ("per
 * core used"; CPU counted for this process and every build process it
 * started, from /proc).
 *
 * The 48 queries are few for one run (its fixed costs — clusters, impact —
 * would dominate), so the workload holds `--copies` variants of each
 * (copy k wraps the query as `SELECT * FROM (…) AS copy_k`: a distinct
 * template of about the same compile cost). A first, small run opens the
 * builds (reported as cold); the measured run reuses them.
 *
 * Then where the rest goes, on one slot, template by template, in CPU and
 * wall time: compile inside the builds, the process hop (serialize, pipe,
 * parse, on both sides), compareTemplate (diff, classify), store writes.
 *
 *   node --import tsx bench/playback-throughput.ts [--copies N] [--concurrency N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { loadCatalog } from '../compiler/builds/load-catalog.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
import { compileSql } from '../compiler/compile.ts';
import { Store } from '../store/store.ts';
import { startPlayback } from '../playback/run-playback.ts';
import { LocalQueue } from '../playback/queue/local.ts';
import { compareTemplate } from '../playback/compare.ts';
import type { DiffRecord, OutcomeRecord } from '../store/records.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const copies = arg('--copies', 6);
const concurrency = arg('--concurrency', availableParallelism());
const BASE = 'reference';
const HEAD = 'reference#heuristic';
const TICK = 100; // USER_HZ: /proc times are in 1/100 s on Linux

/** pids of this process's live descendants (build processes and their helpers) */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked: not ours to count
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid) ?? 0, hops = 0; p > 1 && hops < 50; p = parent.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter(ours);
}

/** CPU seconds (user + system) of these processes so far */
function cpuOf(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(f[11]) + Number(f[12])) / TICK;
    } catch {
      // ended: its time is lost to this count (none end while builds are open)
    }
  }
  return sum;
}
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-playback-'));
try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const catalog = await loadCatalog(dbPath);
  const queries = [...listWorkloadQueries('tpch'), ...listWorkloadQueries('analytics')].map((q) => q.sql.trim().replace(/;\s*$/, ''));
  const sqls: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (const q of queries) {
      const sql = k === 0 ? q : `SELECT * FROM (\n${q}\n) AS copy_${k}`;
      try {
        compileSql(sql, catalog);
        sqls.push(sql);
      } catch {
        // a query the wrapper does not suit (or our compiler does not take): left out of both sides
      }
    }
  }
  const log = (path: string, xs: readonly string[]) => writeFileSync(path, xs.map((sql) => JSON.stringify({ sql })).join('\n') + '\n');
  log(join(dir, 'bench.jsonl'), sqls);
  log(join(dir, 'warmup.jsonl'), queries.slice(0, 8));
  const store = await Store.open(join(dir, 'store.duckdb'));
  await store.saveImport('bench', await importLogs([join(dir, 'bench.jsonl')]));
  await store.saveImport('warmup', await importLogs([join(dir, 'warmup.jsonl')]));
  const templates = await store.getTemplates('bench');
  const n = templates.length;

  // ---- the peer: the bare compileSql loop, both profiles, this process
  const bareOnce = () => {
    for (const t of templates) {
      compileSql(t.sql, catalog, { profile: 'default' });
      compileSql(t.sql, catalog, { profile: 'heuristic' });
    }
  };
  bareOnce(); // warm up (JIT)
  let c0 = ownCpu();
  let t0 = performance.now();
  bareOnce();
  const bareWall = (performance.now() - t0) / 1000;
  const bareCpu = ownCpu() - c0;

  // ---- playback, in-process, `concurrency` slots; a small first run opens the builds (cold)
  const queue = new LocalQueue({ concurrency });
  t0 = performance.now();
  const warm = await startPlayback(store, queue, { workload: 'warmup', catalogPath: dbPath, baseSpec: BASE, headSpec: HEAD });
  const coldWall = (performance.now() - t0) / 1000;
  // one unmeasured pass over the workload, as the bare loop had: the build processes' JIT warms up too
  await startPlayback(store, queue, { workload: 'bench', catalogPath: dbPath, baseSpec: BASE, headSpec: HEAD });
  const builds = descendants();
  const k0 = cpuOf(builds);
  c0 = ownCpu();
  t0 = performance.now();
  const run = await startPlayback(store, queue, { workload: 'bench', catalogPath: dbPath, baseSpec: BASE, headSpec: HEAD });
  const playWall = (performance.now() - t0) / 1000;
  const playOwn = ownCpu() - c0;
  const playBuilds = cpuOf(builds) - k0;
  await queue.close();
  const playCpu = playOwn + playBuilds;

  // ---- where one slot's time goes: the job's steps, timed one by one
  const base = await openBuild(BASE, { catalogPath: dbPath });
  const head = await openBuild(HEAD, { catalogPath: dbPath });
  const wall = { roundTrip: 0, inBuild: 0, compare: 0, store: 0, bare: 0 };
  const cpu = { host: 0, builds: 0, compare: 0, store: 0 };
  try {
    for (const t of templates) await Promise.all([base.compile(t.sql), head.compile(t.sql)]); // warm up, as above
    const pids = descendants();
    await store.createRun({ id: 'bench-steps', kind: 'playback', workload: 'bench', catalog: dbPath, baseSpec: BASE, headSpec: HEAD, baseDescription: null, headDescription: null, queue: 'local', total: n, options: {} });
    let outcomes: OutcomeRecord[] = [];
    let diffs: DiffRecord[] = [];
    const flush = async () => {
      const [s, c] = [performance.now(), ownCpu()];
      await store.saveOutcomes(outcomes, diffs);
      wall.store += performance.now() - s;
      cpu.store += ownCpu() - c;
      outcomes = [];
      diffs = [];
    };
    for (const t of templates) {
      const k = cpuOf(pids);
      let [s, c] = [performance.now(), ownCpu()];
      const b = await base.compile(t.sql);
      const h = await head.compile(t.sql);
      wall.roundTrip += performance.now() - s;
      cpu.host += ownCpu() - c;
      cpu.builds += cpuOf(pids) - k;
      wall.inBuild += b.timingMs + h.timingMs;
      // the same two compiles in this process, at the same moment (same machine load)
      s = performance.now();
      compileSql(t.sql, catalog, { profile: 'default' });
      compileSql(t.sql, catalog, { profile: 'heuristic' });
      wall.bare += performance.now() - s;
      [s, c] = [performance.now(), ownCpu()];
      const r = compareTemplate('bench-steps', { fingerprint: t.fingerprint, sql: t.sql, weight: t.weight, count: t.count }, b, h, {});
      wall.compare += performance.now() - s;
      cpu.compare += ownCpu() - c;
      outcomes.push(r.outcome);
      if (r.diff) diffs.push(r.diff);
      if (outcomes.length === 25) await flush();
    }
    await flush();
  } finally {
    await base.close();
    await head.close();
    store.close();
  }

  const rate = (count: number, secs: number) => `${(count / secs).toFixed(1).padStart(7)} templates/s`;
  console.log(`templates: ${n} (${queries.length} tpch + analytics queries × ${copies} variants); base ${BASE}, head ${HEAD}; ${availableParallelism()} cores, ${concurrency} slots`);
  console.log(`verdicts: ${JSON.stringify(run.counts)}`);
  console.log(`bare compileSql loop (×2 profiles, 1 process): ${rate(n, bareWall)} wall, ${rate(n, bareCpu)} per CPU-second  (cpu ${bareCpu.toFixed(2)} s, wall ${bareWall.toFixed(2)} s)`);
  console.log(`playback, first run (opens 2 builds per slot): ${rate(warm.total, coldWall)} wall  (${warm.total} templates in ${coldWall.toFixed(2)} s)`);
  console.log(`playback, builds open:                         ${rate(n, playWall)} wall, ${rate(n, playCpu)} per CPU-second  (cpu ${playCpu.toFixed(2)} s = coordinator ${playOwn.toFixed(2)} + builds ${playBuilds.toFixed(2)}; wall ${playWall.toFixed(2)} s = ${(playCpu / playWall).toFixed(2)} cores used)`);
  console.log(`ratio playback/bare, wall:          ${(bareWall / playWall).toFixed(2)}x`);
  const perCore = bareCpu / playCpu;
  console.log(`ratio playback/bare, per core used: ${perCore.toFixed(2)}x  (target >= 0.50x) ${perCore >= 0.5 ? 'PASS' : 'MISS'}`);
  const totalCpu = cpu.host + cpu.builds + cpu.compare + cpu.store;
  const totalWall = wall.roundTrip + wall.compare + wall.store;
  const row = (label: string, ms: number, cpuS: number | null) =>
    console.log(`  ${label.padEnd(46)} ${(ms / n).toFixed(2).padStart(7)} ms  ${((ms / totalWall) * 100).toFixed(0).padStart(3)} %  ${cpuS === null ? '' : `${((cpuS * 1000) / n).toFixed(2).padStart(7)} ms  ${((cpuS / totalCpu) * 100).toFixed(0).padStart(3)} %`}`);
  console.log(`where one slot's time goes, per template (wall | cpu; bare loop: ${((bareWall * 1000) / n).toFixed(2)} ms wall, ${((bareCpu * 1000) / n).toFixed(2)} ms cpu):`);
  row('compile inside the builds (their timingMs)', wall.inBuild, null);
  console.log(`    (the same compiles in this process, interleaved: ${(wall.bare / n).toFixed(2)} ms; in-build / in-process ${(wall.inBuild / wall.bare).toFixed(2)}x)`);
  row('process hop (round trip − in-build time)', wall.roundTrip - wall.inBuild, null);
  row('  build processes, cpu (compile + answer)', 0, cpu.builds);
  row('  coordinator, cpu (request, parse answer)', 0, cpu.host);
  row('compareTemplate (plan diff, classify)', wall.compare, cpu.compare);
  row('store writes (saveOutcomes, 25 per call)', wall.store, cpu.store);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
